"""Everything Keepwarm holds about one candidate of one team, as JSON-ready data: the answer to a subject access
request (`/rejected export`, `python -m jobs export-candidate`).

Each row is exported whole, every column of its table, so a column added later is exported without anyone
remembering to: tests/models/test_subject_access.py fails if a table about candidates is left out. Every query is
bounded by the candidate's id and team, so nothing about another candidate or another team can come along.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import and_, false, inspect, or_, select, tuple_
from sqlalchemy.orm import Session

from models.ats_link import AtsStage, CandidateAtsId
from models.ats_notice import AtsNotice
from models.audit import audit_entries
from models.base import Base
from models.candidate import Candidate
from models.checkin import Checkin, ReminderSent, Touchpoint
from models.records import recorded_by
from models.recruiter import Recruiter
from models.rejection import Rejection
from models.retention_warning import RetentionWarning
from models.role import Role, RoleAlert, RoleOutreach
from models.terms import title_phrase

FORMAT = "keepwarm-candidate-export/1"

# The tables that hold nothing about a candidate that the export does not already give, and why.
NOT_EXPORTED = {
    "recruiters": "Keepwarm's users, not candidates; each row's recruiter is given by Slack user id",
    "roles": "the team's openings; the title and status of each role a candidate is linked to are given with the link",
    "match_terms": "the search index of a candidate's rejections: words taken from the rejections exported here",
    "match_term_counts": "how many rejections of a team contain each word, about no one",
    "ats_deliveries": "ATS webhooks waiting to be processed, emptied once processed; until then linked to no one",
    "departure_notices": "admins' DMs about a recruiter who left: about Keepwarm's users, naming no candidate",
    "slack_installations": "a workspace's install of Keepwarm (its tokens): about the workspace, not a candidate",
    "slack_bots": "a workspace's bot token: about the workspace, not a candidate",
    "slack_oauth_states": "the state of an install in progress, about no one",
    "workspaces": "a workspace's installer, admins and settings: about Keepwarm's users, not a candidate",
}


def find_exportable(session: Session, *, team_id: str, email: str, user_id: str, is_admin: bool) -> Candidate | None:
    """The team's candidate with this email, if this user may export them: an admin, or a recruiter who recorded
    them. None otherwise, without saying which of the two it was (as `/rejected forget`)."""
    candidate = session.scalars(
        select(Candidate).where(Candidate.team_id == team_id, Candidate.email == email.lower())
    ).one_or_none()
    if candidate is None or not (is_admin or recorded_by(session=session, candidate=candidate, user_id=user_id)):
        return None
    return candidate


def candidate_export(session: Session, *, candidate: Candidate, now: datetime) -> dict[str, Any]:
    """Every row about `candidate`, JSON-ready (instants as ISO 8601 strings), grouped by what it is."""
    team_id, candidate_id = candidate.team_id, candidate.id
    users = _user_ids(session, team_id=team_id)
    rejections = session.scalars(
        select(Rejection)
        .where(Rejection.team_id == team_id, Rejection.candidate_id == candidate_id)
        .order_by(Rejection.rejected_at, Rejection.id)
    ).all()
    checkins = session.scalars(
        select(Checkin).where(Checkin.team_id == team_id, Checkin.candidate_id == candidate_id).order_by(Checkin.id)
    ).all()
    ats_ids = session.scalars(
        select(CandidateAtsId)
        .where(CandidateAtsId.team_id == team_id, CandidateAtsId.candidate_id == candidate_id)
        .order_by(CandidateAtsId.id)
    ).all()
    notices = _notices(session, candidate=candidate, ats_ids=[(a.source, a.ats_id) for a in ats_ids])
    applications = {(r.source, r.application_id) for r in [*rejections, *notices] if r.source and r.application_id}
    return {
        "format": FORMAT,
        "exported_at": now.isoformat(),
        "team_id": team_id,
        "candidate": row(candidate),
        "rejections": [{**row(r), "recruiter_user_id": users.get(r.recruiter_id)} for r in rejections],
        "checkins": [_checkin(session, checkin, users) for checkin in checkins],
        "outreach": _outreach(session, candidate=candidate),
        "reopen_alerts": _reopen_alerts(session, team_id=team_id, rejections=rejections, checkins=checkins),
        "ats_ids": [row(a) for a in ats_ids],
        "ats_stages": _stages(session, team_id=team_id, applications=applications),
        "ats_notices": [{**row(n), "recruiter_user_id": users.get(n.recruiter_id)} for n in notices],
        "retention_warnings": [
            {**row(w), "recruiter_user_id": users.get(w.recruiter_id)}
            for w in session.scalars(
                select(RetentionWarning)
                .where(RetentionWarning.team_id == team_id, RetentionWarning.candidate_id == candidate_id)
                .order_by(RetentionWarning.id)
            )
        ],
        "audit_entries": [row(e) for e in reversed(audit_entries(session, team_id=team_id, candidate_id=candidate_id))],
    }


def row(instance: Base) -> dict[str, Any]:
    """Every column of a row, by name, JSON-ready."""
    return {column.key: _plain(getattr(instance, column.key)) for column in inspect(instance).mapper.column_attrs}


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, datetime) else value


def _user_ids(session: Session, *, team_id: str) -> dict[int, str]:
    """The team's recruiters' Slack user ids by row id, to name who recorded, owns or was told."""
    found = session.execute(select(Recruiter.id, Recruiter.user_id).where(Recruiter.team_id == team_id)).tuples()
    return {recruiter_id: user_id for recruiter_id, user_id in found}


def _checkin(session: Session, checkin: Checkin, users: dict[int, str]) -> dict[str, Any]:
    """The stream, who owns it, each reminder sent and each thing its recruiter did about it."""
    sent = session.scalars(
        select(ReminderSent).where(ReminderSent.checkin_id == checkin.id).order_by(ReminderSent.step)
    ).all()
    done = session.scalars(
        select(Touchpoint).where(Touchpoint.checkin_id == checkin.id).order_by(Touchpoint.at, Touchpoint.id)
    ).all()
    return {
        **row(checkin),
        "recruiter_user_id": users.get(checkin.recruiter_id),
        "reminders_sent": [row(r) for r in sent],
        "touchpoints": [row(t) for t in done],
    }


def _outreach(session: Session, *, candidate: Candidate) -> list[dict[str, Any]]:
    """Each "I'll reach out" about them, with the role's title and status."""
    found = session.execute(
        select(RoleOutreach, Role.title, Role.status)
        .join(Role, Role.id == RoleOutreach.role_id)
        .where(RoleOutreach.team_id == candidate.team_id, RoleOutreach.candidate_id == candidate.id)
        .order_by(RoleOutreach.at, RoleOutreach.id)
    ).tuples()
    return [{**row(outreach), "role_title": title, "role_status": status} for outreach, title, status in found]


def _reopen_alerts(
    session: Session, *, team_id: str, rejections: Iterable[Rejection], checkins: Iterable[Checkin]
) -> list[dict[str, Any]]:
    """Reopen alerts store no candidate (their finalists are found when the DM is sent), so these are the ones that
    could have named them: for a role of the same job as one of their final-stage rejections, queued after it, to
    a recruiter who owns them."""
    finals = [(title_phrase(r.role_title), r.rejected_at) for r in rejections if r.stage == "final"]
    owners = {r.recruiter_id for r in rejections} | {c.recruiter_id for c in checkins}
    if not finals or not owners:
        return []
    found = session.execute(
        select(RoleAlert, Role.title)
        .join(Role, Role.id == RoleAlert.role_id)
        .where(RoleAlert.team_id == team_id, Role.team_id == team_id, RoleAlert.recruiter_id.in_(owners))
        .order_by(RoleAlert.created_at, RoleAlert.id)
    ).tuples()
    return [
        {**row(alert), "role_title": title}
        for alert, title in found
        if any(phrase is not None and phrase == title_phrase(title) and alert.created_at >= at for phrase, at in finals)
    ]


def _notices(session: Session, *, candidate: Candidate, ats_ids: list[tuple[str, str]]) -> list[AtsNotice]:
    """The ATS's notices about them: linked to them, or not linked to anyone yet and naming one of their ATS ids or
    their email (a notice linked to another candidate is that candidate's)."""
    unlinked_about = [
        tuple_(AtsNotice.source, AtsNotice.ats_candidate_id).in_(ats_ids) if ats_ids else false(),
        AtsNotice.email == candidate.email if candidate.email is not None else false(),
    ]
    query = (
        select(AtsNotice)
        .where(
            AtsNotice.team_id == candidate.team_id,
            or_(
                AtsNotice.candidate_id == candidate.id,
                and_(AtsNotice.candidate_id.is_(None), or_(*unlinked_about)),
            ),
        )
        .order_by(AtsNotice.created_at, AtsNotice.id)
    )
    return list(session.scalars(query))


def _stages(session: Session, *, team_id: str, applications: set[tuple[str, str]]) -> list[dict[str, Any]]:
    """The stage each of their ATS applications was last seen in."""
    if not applications:
        return []
    query = (
        select(AtsStage)
        .where(AtsStage.team_id == team_id, tuple_(AtsStage.source, AtsStage.application_id).in_(sorted(applications)))
        .order_by(AtsStage.seen_at, AtsStage.id)
    )
    return [row(stage) for stage in session.scalars(query)]
