"""`python -m jobs export-candidate` as a real process, on SQLite and PostgreSQL: the same JSON as `/rejected export`
on stdout, logged with actor and source "cli"; the team from --team or the bot token's; clear failures."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models import Act, AuditEntry, Candidate
from models.subject_access import candidate_export
from testkit.data import reject
from testkit.env import REPO, child_env, make_env
from testkit.fakeslack import FakeSlack

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)


def export(database_url: str, fake_slack: FakeSlack, *args: str) -> subprocess.CompletedProcess[str]:
    env = child_env()
    env.update(make_env(database_url=database_url, fake_slack=fake_slack))
    return subprocess.run(
        [sys.executable, "-m", "jobs", "export-candidate", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def entries(sessions: sessionmaker[Session]) -> list[tuple[str, str, str, str, int | None, datetime]]:
    with sessions() as session:
        rows = session.scalars(select(AuditEntry).where(AuditEntry.act == Act.EXPORTED).order_by(AuditEntry.id))
        return [(e.team_id, e.act, e.actor, e.source, e.candidate_id, e.at) for e in rows]


def test_prints_the_candidates_export_and_logs_it(
    database_url: str, sessions: sessionmaker[Session], fake_slack: FakeSlack
) -> None:
    jane = reject(sessions, "Jane Doe", email="jane@x.io", rating=5, note="Great systems design").candidate_id
    reject(sessions, "Jane Doe", email="jane@x.io", note="Other team", team="T0ELSE")
    reject(sessions, "Ada Byron", email="ada@x.io", note="Ada note")

    result = export(database_url, fake_slack, "JANE@x.io", "--now", NOW.isoformat())  # the token's team: T0TEST

    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout)
    with sessions() as session:
        expected = json.loads(
            json.dumps(candidate_export(session, candidate=session.get_one(Candidate, jane), now=NOW))
        )
    expected["audit_entries"] = []  # read before this export's own entry was added
    assert printed == expected
    assert (printed["candidate"]["name"], printed["rejections"][0]["note"]) == ("Jane Doe", "Great systems design")
    for other in ("Other team", "T0ELSE", "Ada"):
        assert other not in result.stdout
    assert entries(sessions) == [("T0TEST", "exported", "cli", "cli", jane, NOW)]


def test_team_names_whose_candidate(database_url: str, sessions: sessionmaker[Session], fake_slack: FakeSlack) -> None:
    reject(sessions, "Jane Doe", email="jane@x.io", note="Ours")
    theirs = reject(sessions, "Jane Doe", email="jane@x.io", note="Theirs", team="T0ELSE").candidate_id

    result = export(database_url, fake_slack, "jane@x.io", "--team", "T0ELSE")

    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout)
    assert (printed["team_id"], [r["note"] for r in printed["rejections"]]) == ("T0ELSE", ["Theirs"])
    assert [(e[0], e[4]) for e in entries(sessions)] == [("T0ELSE", theirs)]
    assert fake_slack.calls_to("auth.test") == []  # --team given: Slack not asked


def test_an_unknown_or_erased_email_fails_clearly(
    database_url: str, sessions: sessionmaker[Session], fake_slack: FakeSlack
) -> None:
    reject(sessions, "Jane Doe", email="jane@x.io", note="Ours", team="T0ELSE")

    result = export(database_url, fake_slack, "jane@x.io", "--team", "T0TEST")

    assert result.returncode == 1
    assert result.stdout == ""
    assert "no candidate with email jane@x.io in team T0TEST" in result.stderr
    assert entries(sessions) == []


def test_bad_arguments_fail_clearly(database_url: str, sessions: sessionmaker[Session], fake_slack: FakeSlack) -> None:
    reject(sessions, "Jane Doe", email="jane@x.io")
    bad_email = export(database_url, fake_slack, "not-an-email")
    assert bad_email.returncode == 2 and "email" in bad_email.stderr and bad_email.stdout == ""
    bad_team = export(database_url, fake_slack, "jane@x.io", "--team", "nonsense")
    assert bad_team.returncode == 1 and "is not a Slack team id" in bad_team.stderr and bad_team.stdout == ""
    assert entries(sessions) == []
