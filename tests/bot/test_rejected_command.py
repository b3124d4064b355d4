"""`/rejected` end to end: signed slash commands over HTTP, the database, and the fake Slack Web API."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Connection, event, select
from sqlalchemy.engine.default import CACHE_HIT
from sqlalchemy.orm import selectinload

from bot.recording import REPEAT_WINDOW
from bot.rejection_input import parse_rejection_command
from models import Recruiter, Rejection
from models.base import utcnow
from models.records import record_rejection
from testkit.database import row_counts
from testkit.fakeslack import FakeSlack
from testkit.running import RunningApp, candidates, fresh_recruiter, rejections, run, transactions_begun
from testkit.slack_http import everything

EXAMPLE = (
    'Jane Doe email=jane@x.io role="Senior Backend Engineer" stage=final rating=5 tags=python,postgres '
    "linkedin=<https://www.linkedin.com/in/jane-doe|linkedin.com/in/jane-doe> "
    'note="Great systems design; ask again in Q2"'
)


def test_records_the_documented_example(running: RunningApp, fake_slack: FakeSlack) -> None:
    fake_slack.set_user("U0REC", tz="Europe/Berlin")
    reply = run(running, EXAMPLE)

    text = everything(reply)
    assert "Recorded *Jane Doe* for Senior Backend Engineer · finalist · 5/5" in text
    assert "remind you to check in with Jane Doe" in text and "14 days" in text
    [candidate] = candidates(running)
    assert (candidate.team_id, candidate.name, candidate.email) == ("T0TEST", "Jane Doe", "jane@x.io")
    assert candidate.linkedin_url == "https://www.linkedin.com/in/jane-doe"
    assert candidate.tags == ["python", "postgres"]
    assert not candidate.erased and not candidate.opted_out
    with running.sessions() as session:
        rejection = session.scalars(select(Rejection)).one()
        assert (rejection.role_title, rejection.stage, rejection.rating) == ("Senior Backend Engineer", "final", 5)
        assert rejection.note == "Great systems design; ask again in Q2"
        assert rejection.recruiter.user_id == "U0REC"
    # The recruiter's time zone is fetched after the reply, for working-hours reminders later.
    fake_slack.wait_for("users.info")
    deadline = time.monotonic() + 5
    while True:
        with running.sessions() as session:
            tz = session.scalars(select(Recruiter.tz)).one()
        if tz or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert tz == "Europe/Berlin"


def test_a_recruiter_whose_zone_is_fresh_costs_the_database_one_transaction(
    running: RunningApp, fake_slack: FakeSlack
) -> None:
    """The recording itself says whether the time zone wants refreshing, so nothing else touches the database:
    on SQLite each transaction holds the one write lock that the next request waits for."""
    fresh_recruiter(running)
    with transactions_begun(running) as begun:
        reply = run(running, EXAMPLE)
    assert "Recorded *Jane Doe*" in everything(reply)
    assert len(begun) == 1
    assert fake_slack.calls_to("users.info") == []


@contextmanager
def statements_run(app: RunningApp) -> Iterator[list[tuple[str, Any, Any]]]:
    """The SQL the app sends in the block, each with its parameters and how SQLAlchemy's statement cache served it
    (None: not compiled by SQLAlchemy, as the BEGIN IMMEDIATE the engine sends on SQLite)."""
    statements: list[tuple[str, Any, Any]] = []

    def note(_conn: Connection, _cursor: Any, statement: str, params: Any, context: Any, _many: bool) -> None:
        statements.append((" ".join(statement.split()), params, context.cache_hit if context.compiled else None))

    event.listen(app.engine, "before_cursor_execute", note)
    try:
        yield statements
    finally:
        event.remove(app.engine, "before_cursor_execute", note)


def test_recording_a_new_candidate_sends_only_the_statements_it_needs(running: RunningApp) -> None:
    """One statement per row kind, each compiled once per process, after the look for a double submit: a new
    candidate has no check-in and no earlier rejection to look up, and the index's rows and term counts go in one batch
    each. Every statement beyond these is CPU and, on PostgreSQL, a round trip that the acknowledgement waits for."""
    fresh_recruiter(running)
    run(running, "Sam Roe email=sam@x.io role=Backend stage=final tags=go")  # compiles what the next one reuses
    with statements_run(running) as statements:
        reply = run(running, 'Jane Doe email=jane@x.io role="Senior Backend Engineer" stage=final tags=python')
    assert "Recorded *Jane Doe*" in everything(reply)
    sent = [sql for sql, _params, _cache in statements if sql != "BEGIN IMMEDIATE"]
    assert [" ".join(sql.split()[:3]) for sql in sent] == [
        "SELECT recruiters.id FROM",  # the same rejection sent moments ago? (bot.recording)
        "SELECT candidates.id, candidates.team_id,",  # nobody with this email yet, so no
        "SELECT recruiters.id, recruiters.team_id,",
        "SELECT candidates.id, candidates.team_id,",
        "SAVEPOINT sa_savepoint_1",
        "INSERT INTO candidates",
        "RELEASE SAVEPOINT sa_savepoint_1",
        "INSERT INTO rejections",
        "INSERT INTO checkins",
        "INSERT INTO audit_entries",  # before the index: its term counts' locks are held until commit
        "INSERT INTO match_terms",
        "INSERT INTO match_term_counts",
    ]
    uncached = [sql for sql, _params, cache in statements if "SAVEPOINT" not in sql and cache not in (None, CACHE_HIT)]
    assert uncached == []


def test_weak_rejection_says_no_checkins_are_scheduled(running: RunningApp) -> None:
    text = everything(run(running, "Sam Roe role=Analyst stage=screen rating=2"))
    assert "Recorded *Sam Roe* for Analyst · screen · 2/5" in text
    assert "No check-ins are scheduled" in text


def test_strong_rating_without_final_stage_gets_checkins(running: RunningApp) -> None:
    assert "remind you to check in" in everything(run(running, "Sam Roe role=Analyst stage=interview rating=4"))


def test_unicode_names_and_slack_escapes(running: RunningApp) -> None:
    text = everything(
        run(running, "Zoë Ångström-Łukasz email=<mailto:Zoe@Example.COM|Zoe@Example.COM> role=R&amp;D stage=final")
    )
    assert "Zoë Ångström-Łukasz" in text
    [candidate] = candidates(running)
    assert (candidate.name, candidate.email) == ("Zoë Ångström-Łukasz", "zoe@example.com")
    assert rejections(running)[0].role_title == "R&D"


def test_names_are_escaped_in_replies(running: RunningApp) -> None:
    text = everything(run(running, "Bobby &lt;!channel&gt; Tables role=QA stage=final"))
    assert "<!channel>" not in text
    assert "Bobby &lt;!channel&gt; Tables" in text


def test_same_email_in_any_case_is_one_candidate_with_history(running: RunningApp) -> None:
    run(running, "Jane Doe email=jane@x.io role=Backend stage=interview tags=python")
    reply = run(running, "Jane Q. Doe email=JANE@X.IO role=Platform stage=final tags=go,python")
    [candidate] = candidates(running)
    assert candidate.name == "Jane Q. Doe"
    assert candidate.tags == ["python", "go"]
    assert [r.role_title for r in rejections(running)] == ["Backend", "Platform"]
    assert "1 earlier rejection on record" in everything(reply)


def test_same_email_in_another_workspace_is_another_candidate(running: RunningApp) -> None:
    run(running, "Jane Doe email=jane@x.io role=Backend stage=final", team_id="T0TEST")
    run(running, "Jane Doe email=jane@x.io role=Backend stage=final", team_id="T0OTHER")
    assert sorted(c.team_id for c in candidates(running)) == ["T0OTHER", "T0TEST"]


BAD_INPUT = [
    ("Jane Doe role=Backend stage=final salary=100k", "Unknown key “salary”"),
    ("Jane Doe role=Backend stage=final rating=6", "Rating"),
    ("Jane Doe role=Backend stage=final rating=0", "Rating"),
    ("Jane Doe role=Backend stage=onsite", "Stage “onsite” is not recognised"),
    ("role=Backend stage=final", "name"),
    ("!!! role=Backend stage=final", "name"),
    ("Jane Doe role=Backend stage=final email=jane-at-x.io", "not a valid address"),
    ("Jane Doe role=Backend stage=final note=" + '"' + "x" * 3001 + '"', "3,001 characters"),
    ("Jane Doe stage=final", "Role"),
    ("Jane Doe role=Backend", "Stage"),
    ("Jane Doe role=Backend stage=final linkedin=https://example.com/jane", "LinkedIn"),
    ('Jane Doe role="Backend stage=final', "double quote is not closed"),
    ("Jane Doe role=Backend role=Frontend stage=final", "role was given twice"),
]


@pytest.mark.parametrize(("text", "problem"), BAD_INPUT)
def test_bad_input_is_explained_with_usage_and_writes_nothing(running: RunningApp, text: str, problem: str) -> None:
    reply = run(running, text)
    shown = everything(reply)
    assert "Nothing was saved" in shown
    assert problem.lower() in shown.lower()
    assert "/rejected Full Name role=" in shown  # the usage follows the problem
    assert all(count == 0 for count in row_counts(running.engine).values())


def test_several_problems_are_reported_at_once(running: RunningApp) -> None:
    shown = everything(run(running, "Jane Doe role=Backend stage=onsite rating=9 email=nope"))
    assert "Stage" in shown and "Rating" in shown and "Email" in shown


def test_help_shows_usage_with_examples(running: RunningApp) -> None:
    shown = everything(run(running, "help"))
    assert "/rejected Jane Doe email=jane@x.io" in shown
    assert "Nothing was saved" not in shown


def test_no_text_opens_the_form_with_the_commands_trigger(running: RunningApp, fake_slack: FakeSlack) -> None:
    response_url = fake_slack.response_url("cmd")
    assert run(running, "", trigger_id="123.456.abc", response_url=response_url) == {}
    [call] = fake_slack.wait_for("views.open")
    assert call.params["trigger_id"] == "123.456.abc"
    view = call.params["view"]
    assert view["callback_id"] == "rejection_modal"
    assert [b["block_id"] for b in view["blocks"]] == [
        "name",
        "role",
        "stage",
        "rating",
        "email",
        "linkedin",
        "tags",
        "note",
        "consent",
    ]
    assert response_url in view["private_metadata"]


def test_simultaneous_recordings_of_a_new_email_make_one_candidate(running: RunningApp) -> None:
    def record(n: int) -> str:
        return everything(run(running, f"Jane Doe email=jane@x.io role=Role{n} stage=final", user_id=f"U0REC{n}"))

    with ThreadPoolExecutor(max_workers=8) as pool:
        replies = list(pool.map(record, range(8)))
    assert all("Recorded" in reply for reply in replies), replies
    [candidate] = candidates(running)
    assert sorted(r.role_title for r in candidate.rejections) == [f"Role{n}" for n in range(8)]


# ---------------------------------------------------------------------------------------------------------------------
# Double submits: the same rejection sent again within minutes is answered, not recorded twice
# ---------------------------------------------------------------------------------------------------------------------

TWICE = "Jane Doe email=jane@x.io role=Backend stage=final rating=4 tags=python,go note=Strong"
ALREADY = "Already recorded Jane Doe for Backend; nothing new was saved."


@pytest.mark.parametrize(
    "again",
    [TWICE, TWICE.replace("tags=python,go", "tags=go"), TWICE.replace(" tags=python,go", "")],
    ids=["identical", "fewer tags", "no tags"],
)
def test_the_same_rejection_sent_again_is_answered_as_already_recorded(running: RunningApp, again: str) -> None:
    """Enter pressed twice, or the command sent again because Slack was slow: recording it would add nothing."""
    assert run(running, TWICE)["text"] == "Recorded Jane Doe for Backend."
    before = row_counts(running.engine)
    reply = run(running, again)
    assert reply["text"] == ALREADY
    assert "You recorded *Jane Doe* for Backend · finalist · 4/5 a few minutes ago" in everything(reply)
    assert row_counts(running.engine) == before


def test_the_same_rejection_without_email_is_one_candidate(running: RunningApp) -> None:
    """Without email or LinkedIn nothing merges candidates, so a double submit would even make a second one."""
    run(running, "Sam Lee role=QA stage=screen")
    assert (
        run(running, "Sam Lee role=QA stage=screen")["text"]
        == "Already recorded Sam Lee for QA; nothing new was saved."
    )
    assert [candidate.name for candidate in candidates(running)] == ["Sam Lee"]


@pytest.mark.parametrize(
    "again",
    [
        TWICE.replace("role=Backend", "role=Platform"),
        TWICE.replace("stage=final", "stage=interview"),
        TWICE.replace("rating=4", "rating=5"),
        TWICE.replace(" rating=4", ""),
        TWICE.replace("note=Strong", "note=Stronger"),
        TWICE.replace(" note=Strong", ""),
        TWICE.replace("tags=python,go", "tags=python,go,rust"),
        TWICE.replace("Jane Doe", "Jane Q. Doe"),
        TWICE.replace("jane@x.io", "jane@y.io"),
        TWICE + " linkedin=linkedin.com/in/jane",
    ],
    ids=["role", "stage", "rating", "no rating", "note", "no note", "a new tag", "name", "email", "a linkedin"],
)
def test_a_rejection_that_differs_in_anything_is_recorded(running: RunningApp, again: str) -> None:
    run(running, TWICE)
    assert run(running, again)["text"].startswith("Recorded ")
    assert len(rejections(running)) == 2


def test_another_recruiter_sending_the_same_rejection_records_it(running: RunningApp) -> None:
    run(running, TWICE, user_id="U0REC")
    assert run(running, TWICE, user_id="U0REC2")["text"] == "Recorded Jane Doe for Backend."
    assert sorted(r.recruiter.user_id for r in rejections_with_recruiters(running)) == ["U0REC", "U0REC2"]


def test_the_same_rejection_after_the_window_is_recorded_again(running: RunningApp) -> None:
    """A candidate rejected again for the same role later (they reapplied) is a second rejection."""
    entry = parse_rejection_command(TWICE)
    with running.sessions.begin() as session:
        record_rejection(
            session=session,
            team_id="T0TEST",
            user_id="U0REC",
            entry=entry,
            policy=running.settings.policy,
            now=utcnow() - REPEAT_WINDOW - timedelta(seconds=1),
        )
    reply = run(running, TWICE)
    assert reply["text"] == "Recorded Jane Doe for Backend."
    assert "1 earlier rejection on record" in everything(reply)
    assert len(rejections(running)) == 2


def test_the_same_rejection_after_the_candidate_was_forgotten_is_recorded(running: RunningApp) -> None:
    run(running, TWICE)
    assert run(running, "forget jane@x.io")["text"] == "Erased the candidate with email jane@x.io."
    assert run(running, TWICE)["text"] == "Recorded Jane Doe for Backend."


def rejections_with_recruiters(app: RunningApp) -> list[Rejection]:
    with app.sessions() as session:
        query = select(Rejection).options(selectinload(Rejection.recruiter)).order_by(Rejection.id)
        return list(session.scalars(query))


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("email", ["jane@x.io", None], ids=["with email", "without email"])
def test_the_double_submit_look_up_reads_one_candidate_or_one_recruiters_latest_rejections(
    running: RunningApp, email: str | None
) -> None:
    """Every recording runs it first, so it must not read the team's recent history: by the unique (team, email)
    index and that candidate's own rejections when there is an email, else by the recruiter's own latest
    rejections. No read of the whole recording scans a table. (PostgreSQL's plans depend on its statistics, which is
    why each read is led by a value looked up before it; bench/recording_cost.py measures them.)"""
    contact = f" email={email}" if email else ""
    run(running, f'Jane Doe role="Senior Backend Engineer" stage=final{contact}')
    run(running, 'Sam Roe role="Senior Backend Engineer" stage=final email=sam@x.io')
    with statements_run(running) as statements:  # the same candidate for another role: looked up, then recorded
        assert "Recorded *Jane Doe*" in everything(run(running, f"Jane Doe role=Designer stage=final{contact}"))
    selects = [(sql, params) for sql, params, _cache in statements if sql.startswith("SELECT")]
    with running.engine.connect() as connection:
        cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        plans = [[row[3] for row in cursor.execute("EXPLAIN QUERY PLAN " + sql, params)] for sql, params in selects]
    steps = [step for plan in plans for step in plan]
    assert not [step for step in steps if step.startswith("SCAN")], plans
    if email:
        assert any("candidates USING INDEX" in step and "(team_id=? AND email=?)" in step for step in steps), plans
        assert any("USING INDEX ix_rejections_candidate_id (candidate_id=?)" in step for step in steps), plans
    else:
        assert any(
            "ix_rejections_team_recruiter_rejected_at (team_id=? AND recruiter_id=? AND rejected_at>?)" in step
            for step in steps
        ), plans
