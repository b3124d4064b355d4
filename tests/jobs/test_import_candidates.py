"""Importing past candidates from CSV files as ATS exports and spreadsheets write them (tests/data/imports), through
`import_candidates()` and through `python -m jobs import-candidates`, on SQLite and PostgreSQL, recruiters found in
the fake Slack by email."""

from __future__ import annotations

import io
import random
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.slack_directory import SlackDirectory
from jobs.import_candidates import BATCH_ROWS, ImportReport, import_candidates
from models import Candidate, Checkin, MatchTerm, Recruiter, Rejection
from models.audit import IMPORT_ACTOR, Act, AuditEntry, Source
from models.opt_out import OptChange, opt_out
from models.policy import Policy
from testkit.data import reject
from testkit.database import row_counts, snapshot
from testkit.env import REPO, child_env, make_env
from testkit.fakeslack import TEAM_ID, FakeSlack, Reply, rate_limited
from testkit.sweeps import slack_client

DATA = REPO / "tests" / "data" / "imports"
NOW = datetime(2026, 1, 12, 9, tzinfo=UTC)
POLICY = Policy()
RECRUITERS = {"U0ANA": "ana@acme.example", "U0BEN": "ben@acme.example", "U0DANA": "dana@acme.example"}


@pytest.fixture(autouse=True)
def recruiters(fake_slack: FakeSlack) -> None:
    for user, email in RECRUITERS.items():
        fake_slack.set_user(user, email=email)


def run(
    sessions: sessionmaker[Session],
    settings: Settings,
    fake_slack: FakeSlack,
    source: str | bytes | BinaryIO,
    *,
    owner: str | None = None,
    dry_run: bool = False,
    skip_invalid: bool = False,
) -> ImportReport:
    """Import a fixture by name, or bytes, as the CLI does but in this process."""
    if isinstance(source, str):
        source = (DATA / source).read_bytes()
    stream = io.BytesIO(source) if isinstance(source, bytes) else source
    return import_candidates(
        sessions=sessions,
        directory=SlackDirectory(slack_client(fake_slack)),
        settings=settings,
        source=stream,
        team_id=TEAM_ID,
        owner=owner,
        dry_run=dry_run,
        skip_invalid=skip_invalid,
        now=NOW,
        actor=IMPORT_ACTOR,
    )


def rejections(sessions: sessionmaker[Session]) -> list[tuple[Any, ...]]:
    """Every rejection with its candidate and recruiter, oldest first."""
    with sessions.begin() as session:
        rows = session.execute(
            select(
                Candidate.name,
                Candidate.email,
                Candidate.linkedin_url,
                Rejection.role_title,
                Rejection.stage,
                Rejection.rating,
                Rejection.reason,
                Recruiter.user_id,
                Rejection.rejected_at,
            )
            .join(Rejection.candidate)
            .join(Rejection.recruiter)
            .order_by(Rejection.rejected_at)
        )
        return [tuple(row) for row in rows]


def checkins(sessions: sessionmaker[Session]) -> dict[str, tuple[str, str, int, datetime]]:
    """Each candidate's stream: owner, the role of the rejection it counts from, step, due date."""
    with sessions.begin() as session:
        rows = session.execute(
            select(Candidate.name, Recruiter.user_id, Rejection.role_title, Checkin.step, Checkin.due_at)
            .join(Checkin.candidate)
            .join(Checkin.recruiter)
            .join(Checkin.rejection)
        )
        return {name: (user, role, step, due) for name, user, role, step, due in rows}


# --- What an import records -----------------------------------------------------------------------------------------


def test_a_greenhouse_export(sessions: sessionmaker[Session], settings: Settings, fake_slack: FakeSlack) -> None:
    report = run(sessions, settings, fake_slack, "greenhouse_candidates.csv")

    assert report.ok, report.problems
    assert report.summary() == (
        "6 rejections recorded, for 5 new candidates and 0 already in Keepwarm; 0 rows skipped as already recorded; "
        "4 check-ins scheduled for 3 recruiters"
    )
    assert report.lines == [
        "columns: first name “First Name”, last name “Last Name”, email “Email”, links “Social Media”, role “Job”, "
        "stage “Current Stage”, rating “Overall Recommendation”, tags “Tags”, rejection reason “Rejection Reason”, "
        "recruiter “Recruiter”, rejection date “Rejected On”",
        "ignored columns: “Candidate ID”, “Source”",
        "check-ins for U0ANA (ana@acme.example): 1, the first due 2026-02-01, at most 1 due on one day",
        "check-ins for U0BEN (ben@acme.example): 2, the first due 2026-01-13, at most 1 due on one day",
        "check-ins for U0CAT: 1, the first due 2026-03-20, at most 1 due on one day",
    ]
    noon = datetime(2023, 4, 10, 12, tzinfo=UTC)
    assert rejections(sessions) == [
        (
            *(
                "Zoë Müller",
                "zoe.muller@example.com",
                "https://www.linkedin.com/in/zoe-muller",
                "Staff Backend Engineer",
            ),
            *("final", 5, "Hired someone else", "U0ANA", noon),
        ),
        (
            *("Chloé Dubois", "chloe@example.com", None, "Data Scientist (Python)", "screen", 2),
            *("Not enough experience", "U0ANA", noon.replace(year=2023, month=9, day=1)),
        ),
        (
            *("José García", "jose.garcia@example.com", None, "Product Designer", "interview", 4),
            *("Went with a candidate with more B2B experience", "U0BEN", noon.replace(year=2024, month=6, day=18)),
        ),
        (
            *(
                "Zoë Müller",
                "zoe.muller@example.com",
                "https://www.linkedin.com/in/zoe-muller",
                "Senior Backend Engineer",
            ),
            *("final", 5, "Hired someone else", "U0ANA", noon.replace(year=2025, month=11, day=3)),
        ),
        (
            *(
                "Søren Ødegaard",
                None,
                "https://linkedin.com/in/soren-odegaard",
                "Site Reliability Engineer",
                "final",
                3,
            ),
            *("Position filled", "U0CAT", noon.replace(year=2025, month=12, day=20)),
        ),
        (
            *("Sam O'Brien, Jr.", "sam.obrien@example.com", None, "Account Executive, Payments", "final", None),
            *("Accepted a counter-offer", "U0BEN", noon.replace(year=2025, month=12, day=30)),
        ),
    ]
    # Each stream at the next point of its cadence after today: the 90-day check-in for Zoë and Søren, whose
    # 14-day ones have passed; Zoë's stream counts from her newer rejection though its row came first.
    assert checkins(sessions) == {
        "Zoë Müller": ("U0ANA", "Senior Backend Engineer", 1, datetime(2026, 2, 1, 12, tzinfo=UTC)),
        "José García": ("U0BEN", "Product Designer", 4, datetime(2026, 3, 10, 12, tzinfo=UTC)),
        "Søren Ødegaard": ("U0CAT", "Site Reliability Engineer", 1, datetime(2026, 3, 20, 12, tzinfo=UTC)),
        "Sam O'Brien, Jr.": ("U0BEN", "Account Executive, Payments", 0, datetime(2026, 1, 13, 12, tzinfo=UTC)),
    }
    assert [call.params["email"] for call in fake_slack.calls_to("users.lookupByEmail")] == [
        "ana@acme.example",
        "ben@acme.example",
    ]


def test_the_rows_are_matched_to_new_roles(
    sessions: sessionmaker[Session], settings: Settings, fake_slack: FakeSlack
) -> None:
    run(sessions, settings, fake_slack, "greenhouse_candidates.csv")
    with sessions.begin() as session:
        indexed = session.scalars(select(MatchTerm.term).join(Rejection).where(Rejection.role_title == "Offer")).all()
        terms = set(session.scalars(select(MatchTerm.term)))
    assert indexed == []
    assert {"=backend engineer", "python", "postgresql", "kubernetes", "=site reliability engineer"} <= terms


def test_a_lever_export_with_semicolons(
    sessions: sessionmaker[Session], settings: Settings, fake_slack: FakeSlack
) -> None:
    report = run(sessions, settings, fake_slack, "lever_archived_semicolons.csv")

    assert report.ok, report.problems
    assert report.summary() == (
        "3 rejections recorded, for 3 new candidates and 0 already in Keepwarm; 0 rows skipped as already recorded; "
        "2 check-ins scheduled for 1 recruiter"
    )
    with sessions.begin() as session:
        ingrid = session.scalars(select(Rejection).join(Candidate).where(Candidate.email == "ingrid@example.se")).one()
        assert (ingrid.note, ingrid.stage, ingrid.reason, ingrid.rejected_at) == (
            "Excellent research talk; ask again\r\nwhen the ML team grows",
            "final",
            "Underqualified",
            datetime(2024, 2, 14, 12, tzinfo=UTC),
        )
        assert ingrid.candidate.tags == ["machine learning", "pytorch"]
        assert ingrid.candidate.linkedin_url == "https://linkedin.com/in/ingrid-b"
    assert checkins(sessions)["Łukasz Wójcik"][0] == "U0DANA"
    assert rejections(sessions)[1][-1] == datetime(2025, 7, 3, 14, 30, tzinfo=UTC)
    assert rejections(sessions)[2][:5] == ("Ana Lúcia", None, None, "Customer Success Manager", "screen")


def test_an_ashby_export(sessions: sessionmaker[Session], settings: Settings, fake_slack: FakeSlack) -> None:
    report = run(sessions, settings, fake_slack, "ashby_candidates.csv")

    assert report.ok, report.problems
    assert [(r[0], r[2], r[4], r[-1]) for r in rejections(sessions)] == [
        (
            "Kofi Mensah",
            "https://www.linkedin.com/in/kofi-mensah",
            "final",
            datetime(2025, 8, 14, 16, 5, 11, tzinfo=UTC),
        ),
        ("Aiko Tanaka", None, "interview", datetime(2025, 10, 2, 9, 30, tzinfo=UTC)),
    ]


def test_an_export_of_every_application_imports_only_the_rejected_ones(
    sessions: sessionmaker[Session], settings: Settings, fake_slack: FakeSlack
) -> None:
    report = run(sessions, settings, fake_slack, "ashby_applications_with_status.csv")

    assert report.ok, report.problems
    assert [r[0] for r in rejections(sessions)] == ["Kofi Mensah", "Aiko Tanaka"]
    assert (report.rows, report.not_rejected, report.invalid) == (5, 3, 0)  # Sara's unknown recruiter is no problem
    assert "status “Status”" in report.lines[0] and not any("ignored" in line for line in report.lines)
    assert report.summary() == (
        "2 rejections recorded, for 2 new candidates and 0 already in Keepwarm; 0 rows skipped as already recorded, "
        "3 skipped: hired or still in process (Status); 1 check-in scheduled for 1 recruiter"
    )


def test_a_hand_made_sheet_with_british_dates_and_no_emails(
    sessions: sessionmaker[Session], settings: Settings, fake_slack: FakeSlack
) -> None:
    report = run(sessions, settings, fake_slack, "silver_medalists.csv")

    assert report.ok, report.problems
    assert "dates like 03/05/2024 are read day first, as line 2: “25/03/2024” shows" in report.lines
    assert [(r[0], r[-1].date()) for r in rejections(sessions)] == [
        ("Priya Raman", date(2024, 3, 25)),
        ("Tom Baker", date(2024, 11, 4)),
        ("Mei Chen", date(2025, 1, 7)),
    ]

    again = run(sessions, settings, fake_slack, "silver_medalists.csv")
    assert (again.recorded, again.repeats) == (0, 3)  # no email: the same name, role and day is the same rejection


def test_importing_a_file_twice_changes_nothing_the_second_time(
    sessions: sessionmaker[Session], settings: Settings, fake_slack: FakeSlack, engine: Engine
) -> None:
    run(sessions, settings, fake_slack, "greenhouse_candidates.csv")
    before = snapshot(engine)

    again = run(sessions, settings, fake_slack, "greenhouse_candidates.csv")

    assert again.ok
    assert again.summary() == (
        "0 rejections recorded, for 0 new candidates and 0 already in Keepwarm; 6 rows skipped as already recorded; "
        "0 check-ins scheduled for 0 recruiters"
    )
    assert snapshot(engine) == before


def test_a_candidate_already_in_keepwarm_gets_the_rejection_added_to_their_history(
    sessions: sessionmaker[Session], settings: Settings, fake_slack: FakeSlack
) -> None:
    typed = reject(sessions, "José García", "Senior Product Designer", email="jose.garcia@example.com", at=NOW)

    report = run(sessions, settings, fake_slack, "greenhouse_candidates.csv")

    assert (report.new_candidates, report.known_candidates) == (4, 1)
    with sessions.begin() as session:
        jose = session.scalars(select(Candidate).where(Candidate.email == "jose.garcia@example.com")).one()
        assert [r.role_title for r in jose.rejections] == ["Product Designer", "Senior Product Designer"]
        checkin = session.scalars(select(Checkin).where(Checkin.candidate_id == jose.id)).one()
        assert checkin.rejection_id == typed.rejection_id  # the 2024 rejection leaves this week's stream alone
    assert "check-ins for U0BEN (ben@acme.example): 1," in " ".join(report.lines)


def test_an_opted_out_candidates_row_records_nothing_and_the_summary_says_so(
    sessions: sessionmaker[Session], settings: Settings, fake_slack: FakeSlack
) -> None:
    typed = reject(sessions, "José García", "Senior Product Designer", email="jose.garcia@example.com", at=NOW)
    with sessions.begin() as session:
        done = opt_out(
            session,
            team_id=TEAM_ID,
            email="jose.garcia@example.com",
            user_id="U0REC",
            is_admin=False,
            source=Source.COMMAND,
            now=NOW,
        )
        assert done.change is OptChange.DONE
        due_before = session.scalars(select(Checkin.due_at).where(Checkin.rejection_id == typed.rejection_id)).one()

    report = run(sessions, settings, fake_slack, "greenhouse_candidates.csv")

    assert report.ok and (report.recorded, report.opted_out, report.known_candidates) == (5, 1, 0)
    assert report.summary() == (
        "5 rejections recorded, for 4 new candidates and 0 already in Keepwarm; 0 rows skipped as already recorded, "
        "1 skipped: opted out; 3 check-ins scheduled for 3 recruiters"
    )
    with sessions.begin() as session:
        jose = session.scalars(select(Candidate).where(Candidate.email == "jose.garcia@example.com")).one()
        assert [r.role_title for r in jose.rejections] == ["Senior Product Designer"]
        assert session.scalars(select(Checkin.due_at).where(Checkin.candidate_id == jose.id)).all() == [due_before]
        recorded = session.scalars(select(AuditEntry).where(AuditEntry.act == Act.RECORDED)).all()
        assert jose.id not in {entry.candidate_id for entry in recorded}


def test_each_recorded_rejection_is_logged_once_in_the_imports_name(
    sessions: sessionmaker[Session], settings: Settings, fake_slack: FakeSlack
) -> None:
    report = run(sessions, settings, fake_slack, "greenhouse_candidates.csv")
    again = run(sessions, settings, fake_slack, "greenhouse_candidates.csv")

    assert (report.recorded, again.recorded) == (6, 0)
    with sessions.begin() as session:
        logged = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        rejections = session.scalars(select(Rejection).order_by(Rejection.id)).all()
        assert [(e.act, e.actor, e.source, e.at) for e in logged] == [("recorded", IMPORT_ACTOR, "import", NOW)] * 6
        assert [(e.candidate_id, e.detail) for e in logged] == [(r.candidate_id, r.role_title) for r in rejections]
        names = {c.id: f"{c.name} <{c.email}>" if c.email else c.name for c in session.scalars(select(Candidate))}
        assert [e.subject for e in logged] == [names[r.candidate_id] for r in rejections]


def test_a_dry_run_counts_the_same_and_writes_nothing(
    sessions: sessionmaker[Session], settings: Settings, fake_slack: FakeSlack, engine: Engine
) -> None:
    reject(sessions, "José García", "Senior Product Designer", email="jose.garcia@example.com", at=NOW)
    before = snapshot(engine)

    dry = run(sessions, settings, fake_slack, "greenhouse_candidates.csv", dry_run=True)

    assert snapshot(engine) == before
    real = run(sessions, settings, fake_slack, "greenhouse_candidates.csv")
    assert (dry.ok, dry.summary(), dry.lines) == (real.ok, real.summary(), real.lines)


# --- The statistics after an import ---------------------------------------------------------------------------------


def analysed(engine: Engine) -> dict[str, Any]:
    """What the database knows of match_terms' statistics: SQLite's sqlite_stat1 rows for it; PostgreSQL's last
    VACUUM and ANALYZE of it (by hand, not autovacuum's)."""
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            stat1 = connection.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").first()
            rows = connection.exec_driver_sql("SELECT idx FROM sqlite_stat1 WHERE tbl = 'match_terms'") if stat1 else []
            return {"stat1": sorted(str(idx) for (idx,) in rows)}
        row = connection.exec_driver_sql(
            "SELECT last_vacuum, last_analyze FROM pg_stat_user_tables "
            "WHERE relname = 'match_terms' AND schemaname = current_schema()"
        ).one()
        return {"vacuumed": row[0], "analysed": row[1]}


def test_a_real_import_leaves_the_tables_analysed_and_a_dry_run_does_not(
    sessions: sessionmaker[Session], settings: Settings, fake_slack: FakeSlack, engine: Engine
) -> None:
    before = analysed(engine)
    run(sessions, settings, fake_slack, "greenhouse_candidates.csv", dry_run=True)
    assert analysed(engine) == before

    started = datetime.now(UTC)
    report = run(sessions, settings, fake_slack, "greenhouse_candidates.csv")

    assert report.ok and report.not_analysed is None and report.analysed_seconds is not None
    after = analysed(engine)
    if engine.dialect.name == "sqlite":
        assert before == {"stat1": []}
        assert after["stat1"], "ANALYZE wrote no statistics for match_terms"
    else:
        # (Not relallvisible: VACUUM marks no page all-visible while any other session on the server holds an older
        # snapshot, which parallel test runs do.)
        assert after["vacuumed"] > started and after["analysed"] > started

    again = run(sessions, settings, fake_slack, "greenhouse_candidates.csv")  # records nothing: nothing to analyse
    assert (again.recorded, again.analysed_seconds) == (0, None)


def test_statistics_that_cannot_be_refreshed_do_not_fail_the_import(
    sessions: sessionmaker[Session],
    settings: Settings,
    fake_slack: FakeSlack,
    engine: Engine,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Another session holds the lock VACUUM needs on match_terms (inserts do not need it); VACUUM gives up at its
    lock timeout. SQLite has no lock that blocks ANALYZE but not the import's own writes, so this runs on PostgreSQL."""
    if engine.dialect.name == "sqlite":
        pytest.skip("no SQLite lock blocks ANALYZE without blocking the import's writes")
    with engine.connect() as blocker:
        blocker.exec_driver_sql("LOCK TABLE match_terms IN SHARE UPDATE EXCLUSIVE MODE")
        report = run(sessions, settings, fake_slack, "greenhouse_candidates.csv")
        blocker.rollback()

    assert report.ok and report.recorded == 6 and report.analysed_seconds is None
    assert row_counts(engine)["rejections"] == 6
    assert report.not_analysed and "lock timeout" in report.not_analysed
    assert report.summary() == (
        "6 rejections recorded, for 5 new candidates and 0 already in Keepwarm; 0 rows skipped as already recorded; "
        f"4 check-ins scheduled for 3 recruiters; but the tables' statistics could not be refreshed "
        f"({report.not_analysed}), so matching may be slow until the database is analysed (PostgreSQL: VACUUM "
        "ANALYZE; SQLite: ANALYZE)"
    )
    assert "imported rows are committed, but the tables could not be analysed" in caplog.text


def test_old_rejections_have_their_checkins_spread_over_the_next_six_months(
    sessions: sessionmaker[Session], settings: Settings, fake_slack: FakeSlack
) -> None:
    """What README says a recruiter sees: 500 finalists rejected over three years, none overdue, the next check-in of
    each somewhere in the cadence's 180-day cycle, a few a day."""
    rng = random.Random(5)
    dates = [(NOW - timedelta(days=rng.randrange(15, 3 * 365))).date() for _ in range(500)]
    rows = "".join(f"Person {n},p{n}@example.com,Engineer,final,ana@acme.example,{at}\n" for n, at in enumerate(dates))

    report = run(sessions, settings, fake_slack, f"Name,Email,Role,Stage,Recruiter,Date\n{rows}".encode())

    with sessions.begin() as session:
        due = session.scalars(select(Checkin.due_at)).all()
    assert len(due) == 500
    assert all(NOW < at <= NOW + timedelta(days=180) for at in due)
    busiest = max(Counter(at.date() for at in due).values())
    assert busiest <= 10, busiest
    assert report.lines[-1].startswith("check-ins for U0ANA (ana@acme.example): 500, the first due 2026-01-1")
    assert report.lines[-1].endswith(f"at most {busiest} due on one day")


# --- Problems -------------------------------------------------------------------------------------------------------

PROBLEMS = [
    "line 4 (row 3 in a spreadsheet): Email “bob@” is not a valid address; use the form name@example.com.",
    "line 5 (row 4 in a spreadsheet): Role is missing; give the job title the candidate applied for.",
    "line 6 (row 5 in a spreadsheet): Rating “great” is not a rating; use a whole number from 1 to 5, or a "
    "scorecard's word: Strong Yes, Yes, Mixed, No, Strong No.",
    "line 7 (row 6 in a spreadsheet): Date “2031-01-01” is in the future; give the day the candidate was rejected.",
    "line 8 (row 7 in a spreadsheet): recruiter “nobody@acme.example” is not in Slack (no active member has that "
    "email); fix it, or pass --owner U… to give these candidates to whoever runs the import.",
    "line 9 (row 8 in a spreadsheet): The row has 9 values but the header has 8 columns; a value holding the "
    "separator must be in double quotes. Email “Jane” is not a valid address; use the form name@example.com. Rating "
    "“final” is not a rating; use a whole number from 1 to 5, or a scorecard's word: Strong Yes, Yes, Mixed, No, "
    "Strong No. Date “ana@acme.example” is not a date; write it as 2024-03-05 (or 05.03.2024, 5 Mar 2024, "
    "03/05/2024).",
]


def test_problems_are_all_reported_by_line_and_nothing_is_written(
    sessions: sessionmaker[Session], settings: Settings, fake_slack: FakeSlack, engine: Engine
) -> None:
    report = run(sessions, settings, fake_slack, "with_problems.csv")

    assert not report.ok
    assert report.problems == PROBLEMS
    assert report.summary() == (
        "nothing was imported: 6 of 8 rows have problems; fix them and import the file again, or import only the "
        "valid rows (--skip-invalid)"
    )
    assert set(row_counts(engine).values()) == {0}


def test_skip_invalid_imports_the_valid_rows_and_lists_the_others(
    sessions: sessionmaker[Session], settings: Settings, fake_slack: FakeSlack
) -> None:
    report = run(sessions, settings, fake_slack, "with_problems.csv", skip_invalid=True)

    assert report.ok
    assert report.problems == PROBLEMS
    assert report.summary() == (
        "2 rejections recorded, for 2 new candidates and 0 already in Keepwarm; 0 rows skipped as already recorded, "
        "6 as invalid; 2 check-ins scheduled for 2 recruiters"
    )
    assert [r[0] for r in rejections(sessions)] == ["Ada Lovelace", "Good Row"]


def test_owner_takes_the_rows_whose_recruiter_is_not_in_slack(
    sessions: sessionmaker[Session], settings: Settings, fake_slack: FakeSlack
) -> None:
    data = (DATA / "with_problems.csv").read_bytes().splitlines(keepends=True)
    only_unknown = b"".join(data[:3] + data[7:8] + data[9:])  # the header, Ada, the unknown recruiter, Good Row

    report = run(sessions, settings, fake_slack, only_unknown, owner="U0BOSS")

    assert report.ok, report.problems
    assert {r[0]: r[7] for r in rejections(sessions)} == {
        "Ada Lovelace": "U0ANA",
        "Unknown Recruiter": "U0BOSS",
        "Good Row": "U0BEN",
    }
    assert any(line.startswith("check-ins for U0BOSS (--owner): 1,") for line in report.lines)


def test_a_file_without_recruiters_needs_an_owner(
    sessions: sessionmaker[Session], settings: Settings, fake_slack: FakeSlack
) -> None:
    data = b"Name,Role\nAda,Designer\n"
    refused = run(sessions, settings, fake_slack, data)
    assert refused.problems == [
        "The header has no Recruiter column (an email or a Slack user id per row) and no --owner was given: say who "
        "follows up with these candidates."
    ]
    assert run(sessions, settings, fake_slack, data, owner="U0ANA").recorded == 1


def test_at_most_fifty_problems_are_listed(
    sessions: sessionmaker[Session], settings: Settings, fake_slack: FakeSlack
) -> None:
    rows = "".join(f"Person {n},,Designer,U0ANA\n" for n in range(60))
    report = run(sessions, settings, fake_slack, f"Name,Email,Role,Recruiter\n{rows}".replace(",,", ",bad@,").encode())

    assert len(report.problems) == 51
    assert report.problems[0].startswith("line 2: Email “bad@”")
    assert report.problems[49].startswith("line 51: ")
    assert report.problems[50] == "… and 10 more problems"
    assert report.problem_count == 60


def test_a_missing_role_column_stops_before_any_row(
    sessions: sessionmaker[Session], settings: Settings, fake_slack: FakeSlack
) -> None:
    report = run(sessions, settings, fake_slack, b"Name,Title,Recruiter\nAda,CTO,nobody@acme.example\n")

    assert report.problems == [
        "The header has no column for the role the candidate was rejected for: call it “Role” (or “Job”, “Job "
        "Title”, “Position”). Columns found: “Name”, “Title”, “Recruiter”."
    ]
    assert report.summary() == "nothing was imported"
    assert fake_slack.calls_to("users.lookupByEmail") == []


def test_a_file_in_another_encoding_is_refused_at_its_line(
    sessions: sessionmaker[Session], settings: Settings, fake_slack: FakeSlack, engine: Engine
) -> None:
    data = "Name,Role,Recruiter\nAda,Designer,U0ANA\nJosé,Designer,U0ANA\n".encode("cp1252")

    report = run(sessions, settings, fake_slack, data)

    assert report.problems[0].startswith("Line 3 is not UTF-8 text (byte 0xE9 at character 4)")
    assert set(row_counts(engine).values()) == {0}


@pytest.mark.parametrize(
    "reply", [Reply({"ok": False, "error": "internal_error"}, status=500), rate_limited(1)], ids=["500", "429"]
)
def test_slack_failing_to_find_recruiters_writes_nothing(
    sessions: sessionmaker[Session], settings: Settings, fake_slack: FakeSlack, engine: Engine, reply: Reply
) -> None:
    fake_slack.answer_every("users.lookupByEmail", reply)

    report = run(sessions, settings, fake_slack, "greenhouse_candidates.csv")

    assert not report.ok
    assert report.problems[0].startswith("Slack did not answer when asked who a recruiter is (users.lookupByEmail")
    assert report.summary() == "nothing was imported"
    assert set(row_counts(engine).values()) == {0}


REFUSED_ROLE = "Role The Database Refuses"


def refuse_role(engine: Engine) -> None:
    """The database refuses a rejection for REFUSED_ROLE (a trigger), as a database going away would."""
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.exec_driver_sql(
                "CREATE FUNCTION refuse_role() RETURNS trigger AS $$ BEGIN IF NEW.role_title = "
                f"'{REFUSED_ROLE}' THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql"
            )
            connection.exec_driver_sql(
                "CREATE TRIGGER refuse_role BEFORE INSERT ON rejections FOR EACH ROW EXECUTE FUNCTION refuse_role()"
            )
        else:
            connection.exec_driver_sql(
                f"CREATE TRIGGER refuse_role BEFORE INSERT ON rejections WHEN NEW.role_title = '{REFUSED_ROLE}' "
                "BEGIN SELECT RAISE(ABORT, 'refused'); END"
            )


def accept_role(engine: Engine) -> None:
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.exec_driver_sql("DROP TRIGGER IF EXISTS refuse_role ON rejections")
            connection.exec_driver_sql("DROP FUNCTION IF EXISTS refuse_role()")
        else:
            connection.exec_driver_sql("DROP TRIGGER IF EXISTS refuse_role")


@pytest.fixture
def refusing(engine: Engine) -> Iterator[None]:
    refuse_role(engine)
    yield
    accept_role(engine)  # the PostgreSQL schema outlives the test


@pytest.mark.usefixtures("refusing")
def test_an_import_the_database_stopped_is_finished_by_running_it_again(
    sessions: sessionmaker[Session], settings: Settings, fake_slack: FakeSlack, engine: Engine
) -> None:
    rows = [f"Person {n},p{n}@example.com,Engineer {n},U0ANA\n" for n in range(BATCH_ROWS + 10)]
    rows[BATCH_ROWS + 5] = f"Refused,refused@example.com,{REFUSED_ROLE},U0ANA\n"
    data = ("Name,Email,Role,Recruiter\n" + "".join(rows)).encode()

    stopped = run(sessions, settings, fake_slack, data)

    assert not stopped.ok
    assert stopped.problems[0].startswith(f"The database failed after {BATCH_ROWS:,} rejections were recorded: ")
    assert stopped.summary() == (
        f"stopped after {BATCH_ROWS:,} rejections recorded; run the same file again to import the rest (the rows "
        "already recorded are recognised and skipped)"
    )
    assert row_counts(engine)["rejections"] == BATCH_ROWS  # the first batch was committed, the second not

    accept_role(engine)
    finished = run(sessions, settings, fake_slack, data)

    assert (finished.ok, finished.recorded, finished.repeats) == (True, 10, BATCH_ROWS)
    assert row_counts(engine)["rejections"] == BATCH_ROWS + 10


def test_a_stream_that_cannot_be_read_twice_is_copied_first(
    sessions: sessionmaker[Session], settings: Settings, fake_slack: FakeSlack
) -> None:
    class Download(io.RawIOBase):
        """Bytes as an HTTP response gives them: once, forwards only."""

        def __init__(self, data: bytes) -> None:
            self.data = io.BytesIO(data)

        def readable(self) -> bool:
            return True

        def readinto(self, buffer: Any) -> int:
            return self.data.readinto(buffer)

    report = run(sessions, settings, fake_slack, Download((DATA / "ashby_candidates.csv").read_bytes()))
    assert report.recorded == 2


# --- The command ----------------------------------------------------------------------------------------------------


@pytest.fixture
def cli(database_url: str, fake_slack: FakeSlack) -> Iterator[dict[str, str]]:
    env = child_env()
    env.update(make_env(database_url=database_url, fake_slack=fake_slack), LOG_LEVEL="WARNING")
    yield env


def command(env: dict[str, str], *options: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "jobs", "import-candidates", *map(str, options)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )


def test_the_command_imports_then_finds_everything_already_there(cli: dict[str, str], engine: Engine) -> None:
    dry = command(cli, DATA / "greenhouse_candidates.csv", "--dry-run")
    assert (dry.returncode, dry.stderr) == (0, "")
    assert dry.stdout.splitlines()[-1] == (
        "dry run: 6 rejections recorded, for 5 new candidates and 0 already in Keepwarm; 0 rows skipped as already "
        "recorded; 4 check-ins scheduled for 3 recruiters"
    )
    assert set(row_counts(engine).values()) == {0}

    done = command(cli, DATA / "greenhouse_candidates.csv")
    assert (done.returncode, done.stderr) == (0, "")
    *lines, analysed_line, summary = done.stdout.splitlines()
    assert [*lines, summary] == dry.stdout.replace("dry run: ", "").splitlines()
    assert re.fullmatch(r"tables analysed for matching in \d+\.\d s", analysed_line)
    assert row_counts(engine)["rejections"] == 6
    with engine.connect() as connection:
        actors = connection.execute(select(AuditEntry.actor, AuditEntry.source)).all()
    assert actors == [("import-candidates", "import")] * 6

    again = command(cli, DATA / "greenhouse_candidates.csv", "--team", TEAM_ID)
    assert again.stdout.splitlines()[-1].startswith(
        "0 rejections recorded, for 0 new candidates and 0 already in Keepwarm; 6 rows skipped as already recorded;"
    )


def test_the_command_lists_problems_on_stderr_and_exits_1(cli: dict[str, str], engine: Engine) -> None:
    result = command(cli, DATA / "with_problems.csv")

    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr.splitlines()[-7:] == [
        *PROBLEMS,
        "keepwarm: nothing was imported: 6 of 8 rows have problems; fix them and import the file again, or import "
        "only the valid rows (--skip-invalid)",
    ]
    assert set(row_counts(engine).values()) == {0}


@pytest.mark.parametrize(
    ("options", "code", "said"),
    [
        (("missing.csv",), 1, "keepwarm: cannot read missing.csv: No such file or directory"),
        ((DATA / "ashby_candidates.csv", "--team", "acme"), 1, "keepwarm: --team 'acme' is not a Slack team id"),
        ((DATA / "ashby_candidates.csv", "--owner", "jane"), 2, "argument --owner: not a Slack user id: 'jane'"),
    ],
    ids=["no file", "bad team", "bad owner"],
)
def test_the_command_refuses_bad_arguments(
    cli: dict[str, str], engine: Engine, options: tuple[str | Path, ...], code: int, said: str
) -> None:
    result = command(cli, *options)

    assert result.returncode == code
    assert said in result.stderr
    assert set(row_counts(engine).values()) == {0}
