"""The audit log over signed HTTP on both databases: each act this app does through Slack (recorded by command and by
form, opted out and in, erased) is logged in its own transaction, and `/rejected audit [email]` shows admins the
last entries, newest first, and nobody else anything."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.listeners.commands.audit import AUDIT_LIMIT
from models import AuditEntry, Candidate
from models.audit import log_act
from testkit.fakeslack import FakeSlack
from testkit.running import RunningApp, run
from testkit.slack_http import everything, interactive_body, post_signed, view_submission_payload
from tests.bot.test_rejection_modal import FULL, state

ADMIN = "U0ADMIN"
REC = "U0REC"
LINE = re.compile(r"<!date\^(\d+)\^\{date_short\} \{time\}\|(\S+ \S+) UTC> · (.+)")


@pytest.fixture
def app_env() -> dict[str, str]:
    return {"ADMIN_USER_IDS": ADMIN}


def entries(running: RunningApp) -> list[tuple[str, str, str, str | None, str | None]]:
    with running.sessions() as session:
        found = session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        return [(e.act, e.actor, e.source, e.subject, e.detail) for e in found]


def lines(reply: dict) -> list[str]:
    """The entries' lines as shown, without their date markup (checked apart)."""
    shown = []
    for block in reply["blocks"]:
        match = LINE.fullmatch(block.get("text", {}).get("text", "")) if block["type"] == "section" else None
        if match:
            shown.append(match.group(3))
    return shown


def test_every_act_through_slack_is_logged_and_admins_read_it_newest_first(
    running: RunningApp, fake_slack: FakeSlack
) -> None:
    run(running, 'Jane Doe email=jane@x.io role="Senior Backend Engineer" stage=final', user_id=REC)
    payload = view_submission_payload(
        callback_id="rejection_modal",
        values=state(**FULL),
        private_metadata=json.dumps({"response_url": fake_slack.response_url("form")}),
        user_id=REC,
    )
    assert post_signed(running.events_url, interactive_body(payload)).status == 200
    run(running, "optout jane@x.io", user_id=REC)
    run(running, "optin jane@x.io", user_id=ADMIN)
    run(running, "forget zoe@example.com", user_id=REC)

    assert entries(running) == [
        ("recorded", REC, "command", "Jane Doe <jane@x.io>", "Senior Backend Engineer"),
        ("recorded", REC, "form", None, "Staff Engineer"),  # Zoë, erased since: her name went with her
        ("opted_out", REC, "command", "Jane Doe <jane@x.io>", None),
        ("opted_in", ADMIN, "command", "Jane Doe <jane@x.io>", None),
        ("erased", REC, "command", None, None),
    ]

    reply = run(running, "audit", user_id=ADMIN)
    assert lines(reply) == [
        f"<@{REC}> · *erased* · from command · (erased)",
        f"<@{ADMIN}> · *opted in* · from command · Jane Doe &lt;jane@x.io&gt;",
        f"<@{REC}> · *opted out* · from command · Jane Doe &lt;jane@x.io&gt;",
        f"<@{REC}> · *recorded* · from form · (erased) · _Staff Engineer_",
        f"<@{REC}> · *recorded* · from command · Jane Doe &lt;jane@x.io&gt; · _Senior Backend Engineer_",
    ]
    shown = everything(reply)
    assert "Times are in your own time zone" in shown and "Newest first" in shown
    with running.sessions() as session:
        newest = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert newest is not None
        stamp = f"<!date^{int(newest.at.timestamp())}^{{date_short}} {{time}}|{newest.at:%Y-%m-%d %H:%M} UTC>"
    assert stamp in shown

    about_jane = run(running, "audit <mailto:JANE@x.io|JANE@x.io>", user_id=ADMIN)
    assert [line.split(" · ")[1] for line in lines(about_jane)] == ["*opted in*", "*opted out*", "*recorded*"]
    assert "Audit log about jane@x.io: the last 3 entries" in everything(about_jane)


def test_the_log_shows_the_last_entries_only_and_job_actors_by_name(running: RunningApp) -> None:
    run(running, "Jane Doe email=jane@x.io role=Backend stage=final")
    start = datetime(2026, 1, 5, 9, tzinfo=UTC)
    with running.sessions.begin() as session:
        jane = session.scalars(select(Candidate)).one()
        for minute in range(AUDIT_LIMIT + 5):
            at = start + timedelta(minutes=minute)
            log_act(session, act="viewed", actor="ats", source="ats", candidate=jane, at=at, detail=f"n{minute}")
    shown = lines(run(running, "audit", user_id=ADMIN))
    assert len(shown) == AUDIT_LIMIT
    assert shown[0].startswith(f"<@{REC}> · *recorded*")  # recorded just now: the newest
    assert shown[1] == f"`ats` · *viewed* · from ats · Jane Doe &lt;jane@x.io&gt; · _n{AUDIT_LIMIT + 4}_"
    assert shown[-1].endswith(f"_n{5 + 1}_")


def test_an_empty_log_and_an_unknown_email_say_so(running: RunningApp) -> None:
    assert "Nothing is logged yet." in everything(run(running, "audit", user_id=ADMIN))
    unknown = everything(run(running, "audit nobody@x.io", user_id=ADMIN))
    assert "No candidate with email nobody@x.io in this workspace" in unknown


@pytest.mark.parametrize("text", ["audit", "audit jane@x.io", "audit nobody@x.io", "audit not-an-email", "audit a b"])
def test_anyone_but_an_admin_is_refused_the_same_way_whatever_they_ask(running: RunningApp, text: str) -> None:
    run(running, "Jane Doe email=jane@x.io role=Backend stage=final", user_id=REC)
    shown = everything(run(running, text, user_id=REC))  # even the recruiter who recorded her
    assert shown == everything(run(running, "audit", user_id="U0SOMEONE"))
    assert "Only Keepwarm admins can read the audit log." in shown
    assert "Jane" not in shown and "jane@x.io" not in shown and "recorded" not in shown


def test_an_admin_request_signed_for_another_team_sees_nothing_of_this_one(running: RunningApp) -> None:
    run(running, "Jane Doe email=jane@x.io role=Backend stage=final", user_id=REC)
    run(running, "Ann Else email=ann@x.io role=Backend stage=final", user_id=REC, team_id="T0ELSE")
    there = everything(run(running, "audit", user_id=ADMIN, team_id="T0ELSE"))
    assert "Ann Else" in there and "Jane" not in there
    unknown = everything(run(running, "audit jane@x.io", user_id=ADMIN, team_id="T0ELSE"))
    assert "No candidate with email jane@x.io in this workspace" in unknown and "Jane Doe" not in unknown


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("audit a@x.io b@x.io", "Give at most one email"),
        ("audit not-an-email", "is not a valid address"),
        ("audit <!here>", "is not a valid address"),
        ("audit " + "b" * 4000 + "@x.io", "the limit is 254"),
    ],
)
def test_a_malformed_email_is_explained(running: RunningApp, text: str, says: str) -> None:
    reply = run(running, text, user_id=ADMIN)
    shown = everything(reply)
    assert says in shown and "`/rejected audit jane@x.io`" in shown
    assert "<!here>" not in shown and len(reply["text"]) <= 3000


def test_names_and_details_cannot_inject_mentions_or_links(running: RunningApp) -> None:
    run(running, 'Evil <!channel> <https://x.io|y> email=evil@x.io role="<@U0BOSS> & co" stage=final')
    shown = everything(run(running, "audit", user_id=ADMIN))
    assert "<!channel>" not in shown and "<@U0BOSS>" not in shown and "<https://x.io|y>" not in shown
    assert "Evil &lt;!channel&gt;" in shown
