"""`GET /metrics` of the web process over real HTTP, on SQLite and PostgreSQL: off without METRICS_TOKEN, refused
without the token, and counts that move by exactly what each request did; the ATS inbox's depth as the inbox has it."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from slack_sdk import WebClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.metrics import DELIVERY_KINDS, OUTCOMES
from jobs.ats_inbox import Inbox
from models import AtsDelivery, Role
from models.base import utcnow
from testkit.ats import ASHBY_SECRET, GREENHOUSE_SECRET, fixture, send_ashby, send_greenhouse
from testkit.data import reject
from testkit.fakeslack import TEAM_ID, FakeSlack
from testkit.metrics import TOKEN, fetch, labels, scrape, wait_for_scrape
from testkit.running import RunningApp, fresh_recruiter, run
from testkit.slack_http import get, post_signed, slash_command_body

ON = {"METRICS_TOKEN": TOKEN, "GREENHOUSE_WEBHOOK_SECRET": GREENHOUSE_SECRET, "ASHBY_WEBHOOK_SECRET": ASHBY_SECRET}
SCRAPE = labels(kind="metrics", team="", status="200")  # the scrape before is counted once it has answered
ALWAYS_WORKING = {"WORK_DAYS": "mon-sun", "WORK_HOURS": "00:00-23:59", "DEFAULT_TIMEZONE": "UTC"}
MESSAGES = "keepwarm_messages_total"


@pytest.fixture
def app_env(request: pytest.FixtureRequest) -> dict[str, str]:
    """Metrics on, with the Greenhouse and Ashby receivers; a test passes other settings with indirect=True."""
    return dict(getattr(request, "param", ON))


@pytest.mark.parametrize("app_env", [{}], indirect=True, ids=["no METRICS_TOKEN"])
def test_metrics_answer_404_while_no_token_is_set(running: RunningApp) -> None:
    for authorization in (None, f"Bearer {TOKEN}", "Bearer "):
        reply = fetch(running.url + "/metrics", authorization)
        assert (reply.status, reply.json()) == (404, {"ok": False, "error": "not_found"})


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "",
        "Bearer",
        "Bearer ",
        "Bearer wrong-token",
        f"Bearer {TOKEN}x",
        f"Bearer {TOKEN[:-1]}",
        f"Basic {TOKEN}",
        TOKEN,
    ],
    ids=["none", "empty", "scheme alone", "empty token", "wrong", "longer", "shorter", "basic", "no scheme"],
)
def test_metrics_are_refused_without_the_right_bearer_token(running: RunningApp, authorization: str | None) -> None:
    reply = fetch(running.url + "/metrics", authorization)
    assert reply.status == 401
    assert reply.headers["Www-Authenticate"] == 'Bearer realm="keepwarm metrics"'
    assert reply.json() == {"ok": False, "error": "send Authorization: Bearer <METRICS_TOKEN>"}
    assert "keepwarm_" not in reply.body


def test_the_exposition_is_prometheus_text_with_every_family_typed(running: RunningApp) -> None:
    reply = fetch(running.url + "/metrics", f"bearer   {TOKEN}")  # the scheme is case-insensitive
    assert reply.status == 200
    found = scrape(running.url)  # parsed by prometheus_client's own parser
    assert {
        name: found.types[name]
        for name in (
            "keepwarm_requests",
            "keepwarm_request_seconds",
            "keepwarm_messages",
            "keepwarm_job_seconds",
            "keepwarm_job_failures",
            "process_cpu_seconds",
        )
    } == {
        "keepwarm_requests": "counter",
        "keepwarm_request_seconds": "histogram",
        "keepwarm_messages": "counter",
        "keepwarm_job_seconds": "histogram",
        "keepwarm_job_failures": "counter",
        "process_cpu_seconds": "counter",
    }
    # Every kind and outcome of delivery is there from the start, at 0, so a rate() has a series to start from.
    assert len(found.series("keepwarm_messages_total")) == len(DELIVERY_KINDS) * len(OUTCOMES) == 5 * 4
    assert set(found.series("keepwarm_messages_total").values()) == {0.0}


def test_a_signed_command_counts_once_as_a_command_of_its_workspace(running: RunningApp) -> None:
    fresh_recruiter(running)
    before = scrape(running.url)
    run(running, "help")
    after = scrape(running.url)

    assert after.minus(before, "keepwarm_requests_total") == Counter(
        {labels(kind="slack_command", team=TEAM_ID, status="200"): 1, SCRAPE: 1}
    )
    assert after.minus(before, "keepwarm_request_seconds_count") == Counter(
        {labels(kind="slack_command"): 1, labels(kind="metrics"): 1}
    )
    assert after.value("keepwarm_request_seconds_sum", kind="slack_command") > 0


def test_a_request_refused_before_its_signature_holds_names_no_workspace(running: RunningApp) -> None:
    before = scrape(running.url)
    body = slash_command_body(text="help", team_id="T0FORGED")
    assert post_signed(running.events_url, body, secret="not-the-signing-secret").status == 401
    assert get(running.url + "/healthz").status == 200
    assert get(running.url + "/nowhere").status == 404
    after = scrape(running.url)

    assert after.minus(before, "keepwarm_requests_total") == Counter(
        {
            labels(kind="slack", team="", status="401"): 1,
            labels(kind="health", team="", status="200"): 1,
            labels(kind="other", team="", status="404"): 1,
            SCRAPE: 1,
        }
    )


def waiting_in_inbox(running: RunningApp) -> dict[frozenset[tuple[str, str]], float]:
    """What the inbox holds unprocessed, by ATS and workspace, read from the database."""
    with Session(running.engine) as session:
        rows = session.execute(
            select(AtsDelivery.source, AtsDelivery.team_id, func.count())
            .where(AtsDelivery.processed_at.is_(None))
            .group_by(AtsDelivery.source, AtsDelivery.team_id)
        )
        return {labels(ats=source, team=team): float(count) for source, team, count in rows}


def test_ats_deliveries_count_per_ats_and_the_inbox_depth_matches_the_inbox(
    running: RunningApp, fake_slack: FakeSlack
) -> None:
    assert scrape(running.url).series("keepwarm_ats_inbox_waiting") == {}  # nothing ever received
    before = scrape(running.url)
    rejected = fixture("greenhouse", "reject_candidate")
    assert send_greenhouse(running.url, rejected, event_id="gh-1").json()["kept"] is True
    assert send_greenhouse(running.url, rejected, event_id="gh-1").json()["duplicate"] is True  # a retry: kept once
    assert send_greenhouse(running.url, rejected, secret="forged").status == 401
    assert send_ashby(running.url, fixture("ashby", "candidateStageChange")).status == 200
    after = scrape(running.url)

    assert after.minus(before, "keepwarm_requests_total") == Counter(
        {
            labels(kind="ats_greenhouse", team=TEAM_ID, status="200"): 2,
            labels(kind="ats_greenhouse", team=TEAM_ID, status="401"): 1,
            labels(kind="ats_ashby", team=TEAM_ID, status="200"): 1,
            SCRAPE: 1,
        }
    )
    depth = after.series("keepwarm_ats_inbox_waiting")
    assert (
        depth
        == waiting_in_inbox(running)
        == {
            labels(ats="greenhouse", team=TEAM_ID): 1.0,
            labels(ats="ashby", team=TEAM_ID): 1.0,
        }
    )

    client = WebClient(token=running.settings.slack_bot_token, base_url=running.settings.slack_api_url)
    report = Inbox.for_settings(running.settings, client).run(sessions=running.sessions, now=datetime.now(UTC))
    assert report.processed == 2
    # Drained: each ATS stays, at 0, as the inbox has it.
    assert scrape(running.url).series("keepwarm_ats_inbox_waiting") == {
        labels(ats="greenhouse", team=TEAM_ID): 0.0,
        labels(ats="ashby", team=TEAM_ID): 0.0,
    }
    assert waiting_in_inbox(running) == {}


@pytest.mark.parametrize("app_env", [{**ON, **ALWAYS_WORKING}], indirect=True, ids=["always working hours"])
def test_a_reopen_alert_sent_by_the_web_process_counts_as_delivered(running: RunningApp, fake_slack: FakeSlack) -> None:
    fake_slack.set_user("U0ANA", tz="UTC")
    reject(running.sessions, name="Ana Final", role="Backend Engineer", user="U0ANA", at=utcnow() - timedelta(days=30))
    run(running, "Backend Engineer", command="/role")
    with running.sessions() as session:
        role_id = session.scalars(select(Role.id)).one()
    run(running, f"close {role_id}", command="/role")
    before = scrape(running.url)

    run(running, f"reopen {role_id}", command="/role")  # the owner is in working hours: DMed at once
    after = wait_for_scrape(
        running.url, lambda found: found.value(MESSAGES, kind="role_alert", outcome="delivered", team="") > 0
    )

    [alert] = fake_slack.messages("DU0ANA")
    assert "Backend Engineer" in alert["text"]
    assert after.minus(before, MESSAGES) == Counter({labels(kind="role_alert", outcome="delivered", team=""): 1})


def test_metrics_still_answer_while_the_database_is_down(down: RunningApp, caplog: pytest.LogCaptureFixture) -> None:
    found = scrape(down.url)
    assert found.series("keepwarm_ats_inbox_waiting") == {}  # unknown, not 0
    assert found.types["keepwarm_requests"] == "counter"
    assert "metrics: could not read the ATS inbox's depth" in caplog.text
