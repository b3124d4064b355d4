"""`python -m jobs import-roles` on SQLite and PostgreSQL: recorded Greenhouse and Lever boards, as real processes.

The recorded boards (tests/data/job_boards) are two weekly snapshots of each board: from week 1 to week 2 one job
changed, one left and one arrived. The fake Slack answers auth.test with the workspace T0TEST. Every test also keeps
roles no board import may touch (from /role, other boards, other teams) and checks them unchanged at the end.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session, sessionmaker

from jobs.import_roles import BoardError, ImportReport, import_roles
from jobs.job_boards import load_board
from models.role import Role, RoleStatus
from models.roles import close_role
from testkit.boards import BoardServer, serve_boards
from testkit.env import REPO, child_env, make_env
from testkit.fakeslack import TEAM_ID, FakeSlack, Reply
from testkit.sweeps import slack_client

DATA = REPO / "tests" / "data" / "job_boards"
GH_WEEK1 = DATA / "greenhouse_acme_week1.json"
GH_WEEK2 = DATA / "greenhouse_acme_week2.json"
GH_GLOBEX = DATA / "greenhouse_globex.json"
LEVER_WEEK1 = DATA / "lever_northwind_week1.json"
LEVER_WEEK2 = DATA / "lever_northwind_week2.json"
OTHER_TEAM = "T0SECOND"
NOW = datetime(2026, 1, 12, 9, tzinfo=UTC)
DIGESTED = datetime(2026, 1, 5, 9, tzinfo=UTC)

ACME = tuple(f"acme:40123{n}" for n in range(45, 51))
BACKEND, DESIGNER, ANALYST, SRE, CSM, FRONTEND = ACME
DATA_ENG = "northwind:5f1c2a9e-8d0b-4c1e-9a6f-3b2d7e4c1a01"
SWE_FR = "northwind:8a3d44f0-1b7e-4f52-b1c9-02e6d5a7c3b2"
IOS = "northwind:c2e9b7d1-54aa-4e0f-8f3b-9d1a6e2f7c44"
RECRUITER = "northwind:e7f0a1b2-3c4d-4e5f-8a9b-0c1d2e3f4a55"
MLE = "northwind:0b9a8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c66"


# --- Helpers ----------------------------------------------------------------------------------------------------------


def cli_env(database_url: str, fake_slack: FakeSlack) -> dict[str, str]:
    """WARNING keeps start-up's INFO lines out of stderr, so a refusal can be checked to be exactly one line."""
    env = child_env()
    env.update(make_env(database_url=database_url, fake_slack=fake_slack), LOG_LEVEL="WARNING")
    return env


def run_import(env: dict[str, str], board: str, source: Path | str, *options: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "jobs", "import-roles", board, str(source), *options],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )


def succeeded(result: subprocess.CompletedProcess[str]) -> list[str]:
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return result.stdout.splitlines()


def refused(result: subprocess.CompletedProcess[str]) -> str:
    """The one stderr line of a refused import, with nothing on stdout."""
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def roles(engine: Engine) -> dict[str, dict[str, Any]]:
    """Every role, every column, keyed by "<team> <source> <external id or id>": what an import may have changed."""
    with engine.connect() as connection:
        rows = connection.execute(select(Role.__table__).order_by(Role.id)).mappings().all()
    return {f"{row['team_id']} {row['source']} {row['external_id'] or row['id']}": dict(row) for row in rows}


def board_roles(engine: Engine, source: str = "greenhouse", team: str = TEAM_ID) -> dict[str, dict[str, Any]]:
    prefix = f"{team} {source} "
    return {key.removeprefix(prefix): row for key, row in roles(engine).items() if key.startswith(prefix)}


def label(row: dict[str, Any]) -> str:
    return f"#{row['id']} {row['title']} ({row['location']})"


def mark_digested(sessions: sessionmaker[Session]) -> None:
    """What a digest leaves on the roles it posted: here, every role of the team's acme board."""
    with sessions.begin() as session:
        session.execute(
            update(Role)
            .where(Role.team_id == TEAM_ID, Role.source == "greenhouse", Role.external_id.in_(ACME))
            .values(digested_at=DIGESTED, digest_token="digest-1", digest_channel="C0DIGEST", digest_ts="1.000100")
        )


def import_in_process(
    sessions: sessionmaker[Session], fake_slack: FakeSlack, board: str, source: Path | str, **options: Any
) -> ImportReport:
    return import_roles(
        sessions=sessions,
        client=slack_client(fake_slack),
        board=board,
        source=str(source),
        team_id=options.pop("team_id", None),
        now=options.pop("now", NOW),
        **options,
    )


@pytest.fixture
def untouchable(sessions: sessionmaker[Session], engine: Engine) -> Iterator[dict[str, dict[str, Any]]]:
    """Roles no import of acme, globex or northwind may change: checked unchanged after the test."""
    opened = datetime(2026, 1, 1, tzinfo=UTC)
    common: dict[str, Any] = {
        "title": "Data Analyst",
        "status": RoleStatus.OPEN,
        "opened_at": opened,
        "updated_at": opened,
    }
    with sessions.begin() as session:
        session.add_all(
            [
                Role(team_id=TEAM_ID, source="slack", opened_by="U0REC", tags=["sql"], **common),  # from /role
                Role(team_id=TEAM_ID, source="greenhouse", external_id="initech:4012347", **common),  # another board
                Role(team_id=TEAM_ID, source="lever", external_id="acme:4012347", **common),  # another ATS
                Role(team_id=TEAM_ID, source="greenhouse", external_id="acme-eu:4012347", **common),  # a longer name
                # Not this board's key, though SQLite's LIKE ignores case.
                Role(team_id=TEAM_ID, source="greenhouse", external_id="ACME:4012347", **common),
                # Only "-" tells it from greenhouse_globex: LIKE's "_" wildcard must not match it.
                Role(team_id=TEAM_ID, source="greenhouse", external_id="greenhouse-globex:5550001", **common),
                Role(team_id="T0THIRD", source="greenhouse", external_id=ANALYST, **common),  # another team
            ]
        )
    before = roles(engine)
    yield before
    after = roles(engine)
    assert {key: after.get(key) for key in before} == before


# --- First import, and a re-run ---------------------------------------------------------------------------------------


def test_the_first_import_opens_a_role_per_job_and_a_rerun_changes_nothing(
    database_url: str, engine: Engine, fake_slack: FakeSlack, untouchable: dict[str, Any]
) -> None:
    env = cli_env(database_url, fake_slack)
    started = datetime.now(UTC)

    lines = succeeded(run_import(env, "greenhouse", GH_WEEK1))

    finished = datetime.now(UTC)
    imported = board_roles(engine)
    order = [BACKEND, DESIGNER, ANALYST, SRE, CSM]
    assert sorted(imported) == sorted(
        [*order, "initech:4012347", "acme-eu:4012347", "ACME:4012347", "greenhouse-globex:5550001"]
    )
    assert lines == [f"new: {label(imported[key])}" for key in order] + [
        "5 new, 0 changed, 0 closed, 0 reopened, 0 unchanged"
    ]
    assert lines[0] == f"new: #{imported[BACKEND]['id']} Senior Backend Engineer (Python) (Berlin, Germany)"
    assert len(fake_slack.calls_to("auth.test")) == 1  # the team is the bot token's workspace
    backend = imported[BACKEND]
    assert {name: backend[name] for name in ("title", "location", "url", "team_name", "tags", "opened_by")} == {
        "title": "Senior Backend Engineer (Python)",
        "location": "Berlin, Germany",
        "url": "https://job-boards.greenhouse.io/acme/jobs/4012345",
        "team_name": "Engineering",
        "tags": ["python", "django", "postgresql", "kubernetes"],
        "opened_by": None,
    }
    jobs = {f"acme:{job.job_id}": job for job in load_board("greenhouse", str(GH_WEEK1)).jobs}
    for key in order:
        row, job = imported[key], jobs[key]
        assert (row["title"], row["location"], row["url"], row["team_name"], row["tags"]) == (
            job.title,
            job.location,
            job.url,
            job.team_name,
            list(job.tags),
        )
        assert (row["status"], row["closed_at"], row["digested_at"], row["digest_token"]) == (
            RoleStatus.OPEN,
            None,
            None,
            None,
        )
        assert started <= row["opened_at"] == row["updated_at"] <= finished
    assert imported[ANALYST]["title"] == "Data Analyst \u2013 Growth"
    assert imported[DESIGNER]["location"] == "München, Deutschland"

    before = roles(engine)
    again = succeeded(run_import(env, "greenhouse", GH_WEEK1))

    assert again == ["0 new, 0 changed, 0 closed, 0 reopened, 5 unchanged"]
    assert roles(engine) == before  # not even updated_at moved


# --- Later snapshots --------------------------------------------------------------------------------------------------


def test_a_later_snapshot_opens_updates_and_closes_and_a_job_coming_back_reopens_its_role(
    database_url: str, engine: Engine, sessions: sessionmaker[Session], fake_slack: FakeSlack, untouchable: Any
) -> None:
    env = cli_env(database_url, fake_slack)
    succeeded(run_import(env, "greenhouse", GH_WEEK1))
    mark_digested(sessions)
    week1 = board_roles(engine)

    started = datetime.now(UTC)
    lines = succeeded(run_import(env, "greenhouse", GH_WEEK2))
    finished = datetime.now(UTC)

    week2 = board_roles(engine)
    assert lines == [
        f"new: #{week2[FRONTEND]['id']} Frontend Engineer (React) (Amsterdam, Netherlands)",
        f"changed: #{week1[BACKEND]['id']} Staff Backend Engineer (Python) (Berlin, Germany): title, tags",
        f"closed: #{week1[ANALYST]['id']} Data Analyst \u2013 Growth (São Paulo, Brasil)",
        "1 new, 1 changed, 1 closed, 0 reopened, 3 unchanged",
    ]
    # The changed job is the same role, updated in place and not put in front of the channel again.
    backend = week2[BACKEND]
    assert backend["title"] == "Staff Backend Engineer (Python)"
    assert backend["tags"] == ["python", "django", "postgresql", "kubernetes", "go"]
    assert started <= backend["updated_at"] <= finished
    unchanged_columns = ("id", "status", "opened_at", "digested_at", "digest_token", "location", "url", "team_name")
    assert {c: backend[c] for c in unchanged_columns} == {c: week1[BACKEND][c] for c in unchanged_columns}
    # The job that left closes its role, and only that.
    analyst = week2[ANALYST]
    assert (analyst["status"], analyst["id"]) == (RoleStatus.CLOSED, week1[ANALYST]["id"])
    assert started <= analyst["closed_at"] == analyst["updated_at"] <= finished
    # The new job waits for the next digest.
    assert (week2[FRONTEND]["status"], week2[FRONTEND]["digested_at"]) == (RoleStatus.OPEN, None)
    for key in (DESIGNER, SRE, CSM):
        assert week2[key] == week1[key]

    lines = succeeded(run_import(env, "greenhouse", GH_WEEK1))

    week1_again = board_roles(engine)
    assert lines == [
        f"changed: #{backend['id']} Senior Backend Engineer (Python) (Berlin, Germany): title, tags",
        f"reopened: #{analyst['id']} Data Analyst \u2013 Growth (São Paulo, Brasil)",
        f"closed: #{week2[FRONTEND]['id']} Frontend Engineer (React) (Amsterdam, Netherlands)",
        "0 new, 1 changed, 1 closed, 1 reopened, 3 unchanged",
    ]
    reopened = week1_again[ANALYST]
    assert reopened["id"] == week1[ANALYST]["id"]  # the same role, not a second one
    assert (reopened["status"], reopened["closed_at"]) == (RoleStatus.OPEN, None)
    assert (reopened["digested_at"], reopened["digest_token"]) == (None, None)  # in the next digest again
    assert reopened["opened_at"] == week1[ANALYST]["opened_at"]
    assert week1_again[FRONTEND]["status"] == RoleStatus.CLOSED
    assert sorted(week1_again) == sorted(week2)


def test_a_lever_board_imports_and_syncs_the_same_way(
    database_url: str, engine: Engine, fake_slack: FakeSlack, untouchable: Any
) -> None:
    env = cli_env(database_url, fake_slack)
    succeeded(run_import(env, "greenhouse", GH_WEEK1))  # a Greenhouse board of the same team stays as it is
    greenhouse = board_roles(engine)

    first = succeeded(run_import(env, "lever", LEVER_WEEK1))

    lever = board_roles(engine, "lever")
    assert sorted(lever) == sorted([DATA_ENG, SWE_FR, IOS, RECRUITER, "acme:4012347"])
    assert first == [f"new: {label(lever[key])}" for key in (DATA_ENG, SWE_FR, IOS, RECRUITER)] + [
        "4 new, 0 changed, 0 closed, 0 reopened, 0 unchanged"
    ]
    assert first[2] == f"new: #{lever[IOS]['id']} Mobile Developer (iOS) (東京 (Tokyo))"
    assert (lever[IOS]["team_name"], lever[IOS]["tags"]) == ("Mobile", ["swift", "ios", "swiftui"])
    assert lever[IOS]["url"] == "https://jobs.lever.co/northwind/c2e9b7d1-54aa-4e0f-8f3b-9d1a6e2f7c44"

    second = succeeded(run_import(env, "lever", LEVER_WEEK2))

    after = board_roles(engine, "lever")
    assert second == [
        f"new: #{after[MLE]['id']} Machine Learning Engineer (Berlin)",
        f"changed: #{lever[DATA_ENG]['id']} Senior Data Engineer (London or Remote (UK)): location",
        f"closed: #{lever[SWE_FR]['id']} Ingénieure logiciel / Software Engineer (Paris)",
        "1 new, 1 changed, 1 closed, 0 reopened, 2 unchanged",
    ]
    assert (after[SWE_FR]["status"], after[DATA_ENG]["location"]) == (RoleStatus.CLOSED, "London or Remote (UK)")
    assert board_roles(engine) == greenhouse


# --- The team ---------------------------------------------------------------------------------------------------------


def test_the_team_is_the_bot_workspace_unless_given_and_each_team_keeps_its_own_roles(
    database_url: str, engine: Engine, fake_slack: FakeSlack, untouchable: Any
) -> None:
    env = cli_env(database_url, fake_slack)

    given = succeeded(run_import(env, "greenhouse", GH_WEEK1, "--team", OTHER_TEAM))

    assert given[-1] == "5 new, 0 changed, 0 closed, 0 reopened, 0 unchanged"
    assert fake_slack.calls_to("auth.test") == []
    assert sorted(board_roles(engine, team=OTHER_TEAM)) == sorted([BACKEND, DESIGNER, ANALYST, SRE, CSM])

    own = succeeded(run_import(env, "greenhouse", GH_WEEK1))  # the same board for the bot's own workspace

    assert own[-1] == "5 new, 0 changed, 0 closed, 0 reopened, 0 unchanged"
    assert len(fake_slack.calls_to("auth.test")) == 1

    succeeded(run_import(env, "greenhouse", GH_WEEK2, "--team", OTHER_TEAM))

    assert board_roles(engine, team=OTHER_TEAM)[ANALYST]["status"] == RoleStatus.CLOSED
    assert board_roles(engine)[ANALYST]["status"] == RoleStatus.OPEN


def test_a_malformed_team_or_a_failing_auth_test_is_exit_1_and_writes_nothing(
    database_url: str, engine: Engine, fake_slack: FakeSlack, untouchable: Any
) -> None:
    env = cli_env(database_url, fake_slack)
    before = roles(engine)

    bad_team = refused(run_import(env, "greenhouse", GH_WEEK1, "--team", "acme"))
    fake_slack.script("auth.test", Reply({"ok": False, "error": "invalid_auth"}))
    no_auth = refused(run_import(env, "greenhouse", GH_WEEK1))

    assert bad_team == "keepwarm: --team 'acme' is not a Slack team id (T or E, then capitals and digits: T0123ABCD)"
    assert no_auth == "keepwarm: Slack's auth.test failed (invalid_auth); pass --team T… to name the team"
    assert roles(engine) == before


# --- Dry run ----------------------------------------------------------------------------------------------------------


def test_a_dry_run_reports_what_would_change_and_changes_nothing(
    database_url: str, engine: Engine, fake_slack: FakeSlack, untouchable: Any
) -> None:
    env = cli_env(database_url, fake_slack)
    assert succeeded(run_import(env, "greenhouse", GH_WEEK1, "--dry-run")) == [
        "new: Senior Backend Engineer (Python) (Berlin, Germany)",
        "new: Product Designer (München, Deutschland)",
        "new: Data Analyst \u2013 Growth (São Paulo, Brasil)",
        "new: Site Reliability Engineer (Remote \u2013 Europe)",
        "new: Customer Success Manager, DACH (Zürich, Schweiz)",
        "dry run: 5 new, 0 changed, 0 closed, 0 reopened, 0 unchanged",
    ]
    assert board_roles(engine).keys() == {
        "initech:4012347",
        "acme-eu:4012347",
        "ACME:4012347",
        "greenhouse-globex:5550001",
    }
    succeeded(run_import(env, "greenhouse", GH_WEEK1))
    week1 = board_roles(engine)
    before = roles(engine)

    lines = succeeded(run_import(env, "greenhouse", GH_WEEK2, "--dry-run"))

    assert lines == [
        "new: Frontend Engineer (React) (Amsterdam, Netherlands)",  # no id: nothing was written
        f"changed: #{week1[BACKEND]['id']} Staff Backend Engineer (Python) (Berlin, Germany): title, tags",
        f"closed: #{week1[ANALYST]['id']} Data Analyst \u2013 Growth (São Paulo, Brasil)",
        "dry run: 1 new, 1 changed, 1 closed, 0 reopened, 3 unchanged",
    ]
    assert roles(engine) == before
    # The same import for real does it: the dry run had something to hold back.
    assert (
        succeeded(run_import(env, "greenhouse", GH_WEEK2))[-1] == "1 new, 1 changed, 1 closed, 0 reopened, 3 unchanged"
    )


# --- Refused sources --------------------------------------------------------------------------------------------------


def partial_board(tmp_path: Path) -> tuple[Path, str]:
    data = json.loads(GH_WEEK2.read_text(encoding="utf-8"))
    data["meta"]["total"] = 9
    path = tmp_path / "acme.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path, f"{path}: the board counts 9 jobs but lists 5; refusing part of a board"


def truncated_file(tmp_path: Path) -> tuple[Path, str]:
    path = tmp_path / "acme.json"
    path.write_bytes(GH_WEEK2.read_bytes()[:500])
    return path, f"{path}: not valid JSON ("


def lever_file_as_greenhouse(tmp_path: Path) -> tuple[Path, str]:
    return (
        LEVER_WEEK2,
        f"{LEVER_WEEK2}: not Greenhouse's /v1/boards/TOKEN/jobs?content=true format: "
        'expected an object with a "jobs" list',
    )


def missing_file(tmp_path: Path) -> tuple[Path, str]:
    path = tmp_path / "acme-week2.json"
    return path, f"{path}: no such file, and not a board token (letters, digits, '-' and '_' only)"


@pytest.mark.parametrize("bad", [partial_board, truncated_file, lever_file_as_greenhouse, missing_file])
def test_a_bad_source_is_exit_1_with_one_clear_line_and_changes_nothing(
    bad: Any, database_url: str, engine: Engine, fake_slack: FakeSlack, untouchable: Any, tmp_path: Path
) -> None:
    env = cli_env(database_url, fake_slack)
    succeeded(run_import(env, "greenhouse", GH_WEEK1))
    before = roles(engine)
    source, message = bad(tmp_path)

    line = refused(run_import(env, "greenhouse", source))

    assert line.startswith(f"keepwarm: {message}"), line
    assert roles(engine) == before


# --- In process: fetching, other boards, roles closed by hand ---------------------------------------------------------


@pytest.fixture
def board_server() -> Iterator[BoardServer]:
    with serve_boards() as server:
        yield server


def test_a_fetched_board_and_its_recorded_snapshot_are_the_same_board(
    engine: Engine, sessions: sessionmaker[Session], fake_slack: FakeSlack, board_server: BoardServer, untouchable: Any
) -> None:
    board_server.routes["/v1/boards/acme/jobs"] = (200, GH_WEEK1.read_bytes())

    fetched = import_in_process(sessions, fake_slack, "greenhouse", "acme", base_url=board_server.url)
    recorded = import_in_process(sessions, fake_slack, "greenhouse", GH_WEEK2, now=NOW + timedelta(days=7))

    assert fetched.summary() == "5 new, 0 changed, 0 closed, 0 reopened, 0 unchanged"
    assert recorded.summary() == "1 new, 1 changed, 1 closed, 0 reopened, 3 unchanged"
    assert board_server.requests == ["/v1/boards/acme/jobs?content=true"]
    imported = board_roles(engine)
    assert imported[ANALYST]["closed_at"] == NOW + timedelta(days=7)
    assert imported[FRONTEND]["opened_at"] == NOW + timedelta(days=7)
    assert imported[BACKEND]["opened_at"] == NOW

    board_server.routes["/v1/boards/acme/jobs"] = (503, b"upstream unavailable")
    before = roles(engine)
    with pytest.raises(BoardError, match=r"answered HTTP 503 Service Unavailable$"):
        import_in_process(sessions, fake_slack, "greenhouse", "acme", base_url=board_server.url)
    assert roles(engine) == before


def test_an_emptied_board_closes_only_its_own_roles(
    engine: Engine, sessions: sessionmaker[Session], fake_slack: FakeSlack, untouchable: Any, tmp_path: Path
) -> None:
    first = import_in_process(sessions, fake_slack, "greenhouse", GH_GLOBEX)
    emptied = tmp_path / "greenhouse_globex.json"  # its URLs gone with its jobs, the stem names the board
    emptied.write_text('{"jobs": [], "meta": {"total": 0}}')

    report = import_in_process(sessions, fake_slack, "greenhouse", emptied, now=NOW + timedelta(days=1))

    assert first.summary() == "2 new, 0 changed, 0 closed, 0 reopened, 0 unchanged"
    assert report.summary() == "0 new, 0 changed, 2 closed, 0 reopened, 0 unchanged"
    imported = board_roles(engine)
    assert {key: row["status"] for key, row in imported.items() if key.startswith("greenhouse_globex:")} == {
        "greenhouse_globex:5550001": RoleStatus.CLOSED,
        "greenhouse_globex:5550002": RoleStatus.CLOSED,
    }


def test_a_board_role_closed_by_hand_while_still_posted_stays_closed(
    engine: Engine, sessions: sessionmaker[Session], fake_slack: FakeSlack
) -> None:
    """The person who closed it knows the hire was made before the board does."""
    import_in_process(sessions, fake_slack, "lever", LEVER_WEEK1)
    role_id = board_roles(engine, "lever")[IOS]["id"]
    with sessions.begin() as session:
        close_role(session=session, team_id=TEAM_ID, role_id=role_id, user_id="U0REC", now=NOW)

    report = import_in_process(sessions, fake_slack, "lever", LEVER_WEEK1, now=NOW + timedelta(hours=1))

    role = board_roles(engine, "lever")[IOS]
    assert report.lines == [f"kept closed: #{role_id} Mobile Developer (iOS) (東京 (Tokyo)) (closed by <@U0REC>)"]
    assert report.summary() == "0 new, 0 changed, 0 closed, 0 reopened, 4 unchanged"
    assert (role["status"], role["closed_by"]) == (RoleStatus.CLOSED, "U0REC")


def test_a_board_role_closed_because_its_job_left_reopens_when_it_is_back(
    engine: Engine, sessions: sessionmaker[Session], fake_slack: FakeSlack
) -> None:
    import_in_process(sessions, fake_slack, "lever", LEVER_WEEK1)
    with sessions.begin() as session:
        session.execute(
            update(Role)
            .where(Role.external_id == IOS)
            .values(status=RoleStatus.CLOSED, closed_at=NOW, digested_at=DIGESTED, digest_claim_expires_at=NOW)
        )

    report = import_in_process(sessions, fake_slack, "lever", LEVER_WEEK1, now=NOW + timedelta(hours=1))

    role = board_roles(engine, "lever")[IOS]
    assert report.lines == [f"reopened: #{role['id']} Mobile Developer (iOS) (東京 (Tokyo))"]
    assert report.summary() == "0 new, 0 changed, 0 closed, 1 reopened, 3 unchanged"
    assert (role["status"], role["closed_at"], role["digested_at"], role["digest_claim_expires_at"]) == (
        RoleStatus.OPEN,
        None,
        None,
        None,
    )
    assert role["updated_at"] == NOW + timedelta(hours=1)


def test_two_imports_at_once_never_duplicate_a_role(database_url: str, engine: Engine, fake_slack: FakeSlack) -> None:
    """Each import is one transaction: the one that loses the race on the unique key writes nothing at all."""
    env = cli_env(database_url, fake_slack)
    command = [sys.executable, "-m", "jobs", "import-roles", "greenhouse", str(GH_WEEK1)]
    processes = [
        subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [process.communicate(timeout=60) for process in processes]

    codes = sorted(process.returncode for process in processes)
    assert codes in ([0, 0], [0, 1]), outputs
    summaries = sorted(stdout.splitlines()[-1] for stdout, _ in outputs if stdout)
    if codes == [0, 0]:  # one ran after the other
        assert summaries == [
            "0 new, 0 changed, 0 closed, 0 reopened, 5 unchanged",
            "5 new, 0 changed, 0 closed, 0 reopened, 0 unchanged",
        ]
    else:
        assert summaries == ["5 new, 0 changed, 0 closed, 0 reopened, 0 unchanged"]
        [error] = [stderr for process, (_, stderr) in zip(processes, outputs, strict=True) if process.returncode]
        assert error.startswith("keepwarm: the role import could not run: "), error
    assert sorted(board_roles(engine)) == sorted([BACKEND, DESIGNER, ANALYST, SRE, CSM])
