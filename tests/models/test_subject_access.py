"""models/subject_access.py gathers everything Keepwarm holds about one candidate, every column of every table about
them, and nothing about a near-identical candidate of another team or another candidate sharing their recruiter and
role; on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models import Act, Base, Candidate, Checkin, ReminderSent, Role, RoleAlert, RoleOutreach, Touchpoint
from models.ats_events import Applied, StageSeen
from models.audit import log_act
from models.records import forget_candidate, get_or_create_recruiter
from models.retention_warning import RetentionWarning
from models.subject_access import FORMAT, NOT_EXPORTED, candidate_export, find_exportable
from testkit.data import MONDAY, REC, apply_ats, ats_rejected, reject

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
ROLE = "Senior Backend Engineer"
OTHER = "U0OTHER"

# Where each table's rows are in an export: every table of the schema is either here or in NOT_EXPORTED.
SECTIONS: dict[str, Callable[[dict[str, Any]], list[dict[str, Any]]]] = {
    "candidates": lambda e: [e["candidate"]],
    "rejections": lambda e: e["rejections"],
    "checkins": lambda e: e["checkins"],
    "reminders_sent": lambda e: [r for c in e["checkins"] for r in c["reminders_sent"]],
    "touchpoints": lambda e: [t for c in e["checkins"] for t in c["touchpoints"]],
    "role_outreach": lambda e: e["outreach"],
    "role_alerts": lambda e: e["reopen_alerts"],
    "candidate_ats_ids": lambda e: e["ats_ids"],
    "ats_stages": lambda e: e["ats_stages"],
    "ats_notices": lambda e: e["ats_notices"],
    "audit_entries": lambda e: e["audit_entries"],
    "retention_warnings": lambda e: e["retention_warnings"],
}


def keep_warm(
    sessions: sessionmaker[Session],
    *,
    name: str,
    email: str,
    ats_id: str,
    team: str = "T0TEST",
    note: str,
    reason: str,
    user: str = REC,
) -> int:
    """A candidate with a row in every table about candidates: recorded in Slack and from the ATS (kept without
    asking), seen at a stage, applied again, a prompt still waiting, reminders, touchpoints, outreach, a reopen
    alert, consent, opt-out and audit entries. Returns their id."""
    linkedin = f"linkedin.com/in/{email.partition('@')[0]}-profile"
    recorded = reject(
        sessions, name, ROLE, email=email, linkedin=linkedin, rating=5, tags="python", note=note, team=team, user=user
    )
    keep_final = ("final",)
    apply_ats(
        sessions,
        StageSeen(candidate_id=ats_id, application_id=f"{ats_id}-app-1", stage_name="Onsite"),
        ats_rejected(name, ROLE, candidate_id=ats_id, application_id=f"{ats_id}-app-1", email=email, reason=reason),
        team=team,
        users=(user,),
        keep_without_asking=keep_final,
        at=MONDAY + timedelta(days=1),
    )
    apply_ats(
        sessions,
        Applied(candidate_id=ats_id, application_id=f"{ats_id}-app-2", emails=(email,), role="Staff Engineer"),
        ats_rejected(name, "Platform Lead", candidate_id=ats_id, application_id=f"{ats_id}-app-3", user=user),
        team=team,
        users=(user,),
        at=MONDAY + timedelta(days=2),
    )
    with sessions.begin() as session:
        candidate = session.get_one(Candidate, recorded.candidate_id)
        candidate.consent_at, candidate.consent_by, candidate.consent_how = MONDAY, user, "email reply"
        candidate.opted_out, candidate.opted_out_at, candidate.opted_out_by = True, MONDAY + timedelta(days=3), user
        candidate.last_applied_at = MONDAY + timedelta(days=2)
        checkin = session.scalars(select(Checkin).where(Checkin.candidate_id == candidate.id)).one()
        session.add(ReminderSent(team_id=team, checkin_id=checkin.id, step=1, channel=f"D{user}", ts="1700000000.1"))
        session.add(Touchpoint(team_id=team, checkin_id=checkin.id, user_id=user, kind="snoozed", detail="7 days"))
        recruiter = get_or_create_recruiter(session=session, team_id=team, user_id=user)
        role = Role(team_id=team, title=ROLE, opened_by=user, opened_at=MONDAY + timedelta(days=5))
        session.add(role)
        session.flush()
        session.add(RoleOutreach(team_id=team, role_id=role.id, candidate_id=candidate.id, user_id=user))
        session.add(RoleAlert(team_id=team, role_id=role.id, recruiter_id=recruiter.id, created_at=NOW))
        log_act(session, act=Act.VIEWED, actor=user, source="button", candidate=candidate, detail="digest")
        expires = MONDAY + timedelta(days=180)
        session.add(
            RetentionWarning(team_id=team, candidate_id=candidate.id, recruiter_id=recruiter.id, expires_at=expires)
        )
        return candidate.id


def export_of(sessions: sessionmaker[Session], candidate_id: int) -> dict[str, Any]:
    with sessions.begin() as session:
        return candidate_export(session, candidate=session.get_one(Candidate, candidate_id), now=NOW)


def jane_and_neighbours(sessions: sessionmaker[Session]) -> int:
    """Jane; the same Jane (same email, same ATS ids) in another team; Ada, recorded by the same recruiter for the
    same role in the same team, with an outreach, alert and ATS history of her own."""
    jane = keep_warm(sessions, name="Jane Doe", email="jane@x.io", ats_id="cand-1", note="Jane note", reason="Jane why")
    keep_warm(
        sessions, name="Jane Doe", email="jane@x.io", ats_id="cand-1", team="T0ELSE", note="Else", reason="Else why"
    )
    keep_warm(sessions, name="Ada Byron", email="ada@x.io", ats_id="cand-2", note="Ada note", reason="Ada why")
    return jane


def test_every_table_is_exported_or_said_why_not() -> None:
    assert set(SECTIONS).isdisjoint(NOT_EXPORTED)
    assert set(SECTIONS) | set(NOT_EXPORTED) == set(Base.metadata.tables), "a new table: export it, or say why not"


def test_every_column_of_every_table_about_the_candidate_is_exported(sessions: sessionmaker[Session]) -> None:
    export = export_of(sessions, jane_and_neighbours(sessions))
    for table, section in SECTIONS.items():
        records = section(export)
        assert records, f"the test data has no {table} row: it could not catch a column left out"
        columns = {column.key for column in Base.metadata.tables[table].columns}
        for record in records:
            assert columns <= record.keys(), f"{table} columns not exported: {columns - record.keys()}"


def test_the_export_holds_what_keepwarm_holds_field_by_field(sessions: sessionmaker[Session]) -> None:
    jane = jane_and_neighbours(sessions)
    with sessions.begin() as session:
        sales = Role(team_id="T0TEST", title="Sales Manager", opened_by=REC, opened_at=NOW)
        session.add(sales)
        session.flush()
        recruiter = get_or_create_recruiter(session=session, team_id="T0TEST", user_id=REC)
        session.add(RoleAlert(team_id="T0TEST", role_id=sales.id, recruiter_id=recruiter.id, created_at=NOW))
    export = json.loads(json.dumps(export_of(sessions, jane)))  # JSON-ready: it survives a round trip unchanged
    assert (export["format"], export["exported_at"], export["team_id"]) == (FORMAT, NOW.isoformat(), "T0TEST")
    candidate = export["candidate"]
    assert candidate["id"] == jane
    assert (candidate["name"], candidate["email"], candidate["tags"]) == ("Jane Doe", "jane@x.io", ["python"])
    assert candidate["linkedin_url"] == "https://linkedin.com/in/jane-profile"
    assert (candidate["consent_at"], candidate["consent_by"], candidate["consent_how"]) == (
        MONDAY.isoformat(),
        REC,
        "email reply",
    )
    opted_out = (candidate["opted_out"], candidate["opted_out_at"], candidate["opted_out_by"])
    assert opted_out == (True, (MONDAY + timedelta(days=3)).isoformat(), REC)
    assert candidate["last_applied_at"] == (MONDAY + timedelta(days=2)).isoformat()
    assert candidate["erased"] is False

    slack, ats = export["rejections"]
    assert (slack["role_title"], slack["stage"], slack["rating"], slack["note"]) == (ROLE, "final", 5, "Jane note")
    assert (slack["source"], slack["recruiter_user_id"], slack["rejected_at"]) == (None, REC, MONDAY.isoformat())
    assert (ats["source"], ats["application_id"], ats["reason"]) == ("greenhouse", "cand-1-app-1", "Jane why")
    assert ats["recruiter_user_id"] == REC

    [checkin] = export["checkins"]
    assert (checkin["candidate_id"], checkin["recruiter_user_id"], checkin["status"]) == (jane, REC, "active")
    assert [(r["step"], r["channel"]) for r in checkin["reminders_sent"]] == [(1, "DU0REC")]
    assert [(t["kind"], t["detail"], t["user_id"]) for t in checkin["touchpoints"]] == [("snoozed", "7 days", REC)]

    [outreach] = export["outreach"]
    assert (outreach["candidate_id"], outreach["user_id"], outreach["role_title"]) == (jane, REC, ROLE)
    # Alerts name no one: both roles of her job (hers and Ada's) alerted her recruiter after she was a finalist, so
    # either could have named her; the sales role's could not.
    alerts = [(a["role_title"], a["created_at"]) for a in export["reopen_alerts"]]
    assert alerts == [(ROLE, NOW.isoformat())] * 2

    assert [(a["source"], a["ats_id"]) for a in export["ats_ids"]] == [("greenhouse", "cand-1")]
    assert [(s["application_id"], s["stage_name"]) for s in export["ats_stages"]] == [("cand-1-app-1", "Onsite")]
    kinds = [(n["kind"], n["application_id"], n["candidate_id"], n["decision"]) for n in export["ats_notices"]]
    assert kinds == [
        ("rejected", "cand-1-app-1", jane, "kept"),
        ("applied", "cand-1-app-2", jane, None),
        ("rejected", "cand-1-app-3", None, None),  # the prompt still waiting: about them by their ATS id
    ]
    assert [(e["act"], e["actor"], e["subject"]) for e in export["audit_entries"]] == [
        ("recorded", "ats", "Jane Doe <jane@x.io>"),  # kept from the ATS without asking
        ("viewed", REC, "Jane Doe <jane@x.io>"),
    ]


def test_nothing_about_another_candidate_or_team(sessions: sessionmaker[Session]) -> None:
    jane = jane_and_neighbours(sessions)
    export = export_of(sessions, jane)
    text = json.dumps(export)
    for other in ("Ada", "ada@x.io", "cand-2", "Else", "T0ELSE"):
        assert other not in text
    with sessions.begin() as session:
        ids = {c.team_id: c.id for c in session.scalars(select(Candidate).where(Candidate.name == "Jane Doe"))}
    assert ids["T0ELSE"] != jane
    for table, section in SECTIONS.items():
        for record in section(export):
            assert record.get("team_id", "T0TEST") == "T0TEST", table
            assert record.get("candidate_id") in (jane, None), table


def test_an_erased_candidate_exports_nothing_personal(sessions: sessionmaker[Session]) -> None:
    jane = jane_and_neighbours(sessions)
    with sessions.begin() as session:
        assert forget_candidate(session=session, team_id="T0TEST", email="jane@x.io", user_id=REC, is_admin=False)
    export = export_of(sessions, jane)
    text = json.dumps(export)
    for personal in ("Jane", "jane@x.io", "Jane note", "Jane why", "jane-profile"):
        assert personal not in text
    assert export["candidate"]["erased"] is True and export["candidate"]["name"] == "(erased)"
    assert export["ats_notices"] == []
    entries = [(e["act"], e["subject"]) for e in export["audit_entries"]]
    assert entries == [("recorded", None), ("viewed", None), ("erased", None)]


def test_only_the_owner_or_an_admin_finds_the_candidate(sessions: sessionmaker[Session]) -> None:
    jane = jane_and_neighbours(sessions)
    with sessions.begin() as session:

        def found(email: str, user: str, *, admin: bool = False, team: str = "T0TEST") -> int | None:
            candidate = find_exportable(session, team_id=team, email=email, user_id=user, is_admin=admin)
            return None if candidate is None else candidate.id

        assert found("JANE@x.io", REC) == jane
        assert found("jane@x.io", OTHER) is None
        assert found("jane@x.io", OTHER, admin=True) == jane
        assert found("nobody@x.io", REC, admin=True) is None
        assert found("jane@x.io", REC, team="T0NONE", admin=True) is None
