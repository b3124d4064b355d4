"""`python -m jobs audit [--since DATE] [--team T…]` as a real process on SQLite and PostgreSQL: the team's whole log
as CSV, oldest first, read page by page; bad arguments refused with one line on stderr."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

import jobs.audit_log
from jobs.audit_log import HEADER, write_audit_csv
from models import Act, Candidate
from models.audit import Source, log_act
from models.records import forget_candidate
from testkit.data import REC, reject
from testkit.env import REPO
from testkit.fakeslack import TEAM_ID, FakeSlack
from testkit.processes import cli_env

START = datetime(2026, 1, 5, 10, tzinfo=UTC)


def audit(env: dict[str, str], *options: str) -> subprocess.CompletedProcess[str]:
    """The command, logging warnings only: stderr is then exactly what it says is wrong."""
    return subprocess.run(
        [sys.executable, "-m", "jobs", "audit", *options],
        cwd=REPO,
        env=env | {"LOG_LEVEL": "WARNING"},
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )


def log(sessions: sessionmaker[Session], candidate_id: int, act: Act, at: datetime, detail: str | None = None) -> None:
    with sessions.begin() as session:
        candidate = session.get_one(Candidate, candidate_id)
        log_act(session, act=act, actor=REC, source=Source.COMMAND, candidate=candidate, at=at, detail=detail)


@pytest.fixture
def seeded(sessions: sessionmaker[Session]) -> dict[str, int]:
    """Jane (viewed, then opted out), Evil (a name a spreadsheet would run, then erased), and another team's Ann."""
    jane = reject(sessions, "Jane Doe", email="jane@x.io").candidate_id
    evil = reject(sessions, "=HYPERLINK(1)", email="evil@x.io").candidate_id
    ann = reject(sessions, "Ann Else", email="ann@x.io", team="T0ELSE").candidate_id
    log(sessions, jane, Act.VIEWED, START, detail="Show names: Backend, SRE")
    log(sessions, evil, Act.VIEWED, START + timedelta(days=30), detail="-1+1")
    log(sessions, ann, Act.VIEWED, START + timedelta(days=31))
    log(sessions, jane, Act.OPTED_OUT, START + timedelta(days=40))
    with sessions.begin() as session:
        forget_candidate(
            session=session,
            team_id=TEAM_ID,
            email="evil@x.io",
            user_id=REC,
            is_admin=False,
            now=START + timedelta(days=50),
        )
    return {"jane": jane, "evil": evil, "ann": ann}


def test_the_whole_log_oldest_first_as_csv_for_the_bot_tokens_team(
    database_url: str, fake_slack: FakeSlack, seeded: dict[str, int]
) -> None:
    result = audit(cli_env(database_url, fake_slack))

    assert (result.returncode, result.stderr) == (0, "")
    jane, evil = str(seeded["jane"]), str(seeded["evil"])
    named = "Jane Doe <jane@x.io>"
    assert list(csv.reader(io.StringIO(result.stdout))) == [
        list(HEADER),
        ["2026-01-05T10:00:00+00:00", TEAM_ID, REC, "viewed", "command", jane, named, "Show names: Backend, SRE"],
        ["2026-02-04T10:00:00+00:00", TEAM_ID, REC, "viewed", "command", evil, "", "'-1+1"],  # erased since; inert
        ["2026-02-14T10:00:00+00:00", TEAM_ID, REC, "opted_out", "command", jane, named, ""],
        ["2026-02-24T10:00:00+00:00", TEAM_ID, REC, "erased", "command", evil, "", ""],
    ]


def test_since_and_team_choose_the_entries(database_url: str, fake_slack: FakeSlack, seeded: dict[str, int]) -> None:
    env = cli_env(database_url, fake_slack)

    since_day = audit(env, "--since", "2026-02-14")
    since_instant = audit(env, "--since", "2026-02-14T11:00:00+01:00")  # 10:00 UTC: the opt-out's very instant
    other_team = audit(env, "--team", "T0ELSE")

    for result in (since_day, since_instant, other_team):
        assert (result.returncode, result.stderr) == (0, "")
    assert [row[3] for row in csv.reader(io.StringIO(since_day.stdout))] == ["act", "opted_out", "erased"]
    assert since_instant.stdout == since_day.stdout
    rows = list(csv.reader(io.StringIO(other_team.stdout)))
    assert rows[1:] == [
        ["2026-02-05T10:00:00+00:00", "T0ELSE", REC, "viewed", "command", str(seeded["ann"]), "Ann Else <ann@x.io>", ""]
    ]


def test_a_team_with_no_entries_gets_the_header_alone(database_url: str, fake_slack: FakeSlack) -> None:
    result = audit(cli_env(database_url, fake_slack), "--team", "T0EMPTY")
    assert (result.returncode, result.stdout, result.stderr) == (0, ",".join(HEADER) + "\n", "")


@pytest.mark.parametrize(
    ("options", "code", "says"),
    [
        (("--since", "2026-13-45"), 2, "argument --since: not an ISO-8601 date: '2026-13-45' (e.g. 2026-12-01"),
        (("--since", "yesterday"), 2, "not an ISO-8601 date: 'yesterday'"),
        (("--since",), 2, "argument --since: expected one argument"),
        (("--team", "acme; DROP TABLE audit_entries"), 1, "is not a Slack team id"),
        (("--whatever",), 2, "unrecognized arguments: --whatever"),
    ],
)
def test_bad_arguments_are_refused_on_stderr(
    database_url: str, fake_slack: FakeSlack, options: tuple[str, ...], code: int, says: str
) -> None:
    result = audit(cli_env(database_url, fake_slack), *options)
    assert (result.returncode, result.stdout) == (code, "")
    assert says in result.stderr


def test_the_log_is_read_a_page_at_a_time_without_losing_entries_that_share_an_instant(
    sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pages of three over entries logged two per instant: keyset paging on (at, id) loses and repeats none."""
    monkeypatch.setattr(jobs.audit_log, "PAGE", 3)
    jane = reject(sessions, "Jane Doe", email="jane@x.io").candidate_id
    for n in range(11):
        log(sessions, jane, Act.VIEWED, START + timedelta(minutes=n // 2), detail=f"view {n}")
    pages: list[int] = []
    real = jobs.audit_log.entries_after
    monkeypatch.setattr(jobs.audit_log, "entries_after", lambda *a, **k: pages.append(k["limit"]) or real(*a, **k))

    out = io.StringIO()
    assert write_audit_csv(sessions, team_id=TEAM_ID, since=None, out=out) == 11
    assert [row[7] for row in csv.reader(io.StringIO(out.getvalue()))][1:] == [f"view {n}" for n in range(11)]
    assert pages == [3, 3, 3, 3]
