"""When the database fails, the recruiter hears so inside Slack's three seconds, and nothing is half-written."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from bot.blocks.refusals import CHECKIN_UNAVAILABLE
from bot.config import load_settings
from bot.ids import CHECKIN_DONE
from models.db import make_engine
from models.migrate import upgrade
from testkit.database import row_counts
from testkit.env import make_env
from testkit.fakeslack import FakeSlack
from testkit.running import RunningApp, open_home, run, serve
from testkit.slack_http import (
    block_actions_payload,
    everything,
    get,
    interactive_body,
    post_signed,
    view_submission_payload,
)

SLACK_DEADLINE_SECONDS = 3.0


def test_a_command_answers_could_not_save_in_time(down: RunningApp) -> None:
    started = time.monotonic()
    shown = everything(run(down, "Jane Doe role=Backend stage=final"))
    assert time.monotonic() - started < SLACK_DEADLINE_SECONDS
    assert "Could not save the rejection just now" in shown and "try again" in shown


@pytest.mark.parametrize(("text", "what"), [("list", "load your rejections"), ("forget a@b.io", "erase the candidate")])
def test_other_commands_say_what_could_not_be_done(down: RunningApp, text: str, what: str) -> None:
    assert f"Could not {what} just now" in everything(run(down, text))


def test_the_form_keeps_its_input_and_says_try_again(down: RunningApp) -> None:
    values = {
        "name": {"value": {"type": "plain_text_input", "value": "Jane Doe"}},
        "role": {"value": {"type": "plain_text_input", "value": "Backend"}},
        "stage": {"value": {"type": "static_select", "selected_option": {"value": "final"}}},
    }
    payload = view_submission_payload(callback_id="rejection_modal", values=values)
    reply = post_signed(down.events_url, interactive_body(payload))
    assert reply.status == 200
    answer = reply.json()
    assert answer["response_action"] == "errors"
    assert "Could not save just now" in answer["errors"]["name"]


def test_healthz_reports_the_database_down(down: RunningApp) -> None:
    reply = get(down.url + "/healthz")
    assert reply.status == 503
    assert reply.json() == {"ok": False, "database": "unreachable"}


def test_healthz_reports_a_reachable_database(running: RunningApp) -> None:
    reply = get(running.url + "/healthz")
    assert (reply.status, reply.json()) == (200, {"ok": True, "database": "ok"})


def test_other_paths_are_not_found(running: RunningApp) -> None:
    assert get(running.url + "/admin").status == 404


def fail_rejection_inserts(engine: Engine) -> None:
    """A real trigger that makes the rejection insert fail after the candidate was inserted in the same transaction."""
    with engine.begin() as connection:
        if engine.dialect.name == "sqlite":
            connection.execute(
                text("CREATE TRIGGER no_rejections BEFORE INSERT ON rejections BEGIN SELECT RAISE(ABORT, 'boom'); END")
            )
        else:
            connection.execute(
                text(
                    "CREATE OR REPLACE FUNCTION keepwarm_boom() RETURNS trigger AS "
                    "$$ BEGIN RAISE EXCEPTION 'boom'; END $$ LANGUAGE plpgsql"
                )
            )
            connection.execute(
                text(
                    "CREATE TRIGGER no_rejections BEFORE INSERT ON rejections "
                    + "FOR EACH ROW EXECUTE FUNCTION keepwarm_boom()"
                )
            )


def drop_trigger(engine: Engine) -> None:
    with engine.begin() as connection:
        suffix = "" if engine.dialect.name == "sqlite" else " ON rejections"
        connection.execute(text(f"DROP TRIGGER IF EXISTS no_rejections{suffix}"))


def test_a_failure_part_way_leaves_no_candidate_or_recruiter_behind(running: RunningApp) -> None:
    fail_rejection_inserts(running.engine)
    try:
        shown = everything(run(running, "Jane Doe email=jane@x.io role=Backend stage=final"))
        assert "Could not save the rejection just now" in shown
        assert all(count == 0 for count in row_counts(running.engine).values())
    finally:
        drop_trigger(running.engine)
    assert "Recorded" in everything(run(running, "Jane Doe email=jane@x.io role=Backend stage=final"))


def test_healthz_notices_a_deleted_sqlite_file(tmp_path: Path, fake_slack: FakeSlack) -> None:
    """A pooled SQLite connection keeps working on an unlinked file; health must not be fooled by it."""
    url = f"sqlite:///{tmp_path / 'keepwarm.db'}"
    engine = make_engine(url)
    upgrade(engine)
    for app in serve(load_settings(make_env(database_url=url, fake_slack=fake_slack)), engine):
        assert get(app.url + "/healthz").status == 200
        (tmp_path / "keepwarm.db").unlink()
        assert get(app.url + "/healthz").status == 503
    engine.dispose()


def test_the_home_tab_says_the_database_is_down(down: RunningApp, fake_slack: FakeSlack) -> None:
    started = time.monotonic()
    open_home(down)
    [call] = fake_slack.wait_for("views.publish")
    assert time.monotonic() - started < SLACK_DEADLINE_SECONDS
    assert call.params["user_id"] == "U0REC"
    assert "Keepwarm's database is not answering just now" in str(call.params["view"]["blocks"])


@pytest.mark.parametrize("where", ["dm", "home"])
def test_a_checkin_button_says_the_database_is_down(down: RunningApp, fake_slack: FakeSlack, where: str) -> None:
    """A DM click is answered through its response_url; a Home tab click has none, so Home itself says so."""
    value = "1:0:0:1768816800"
    if where == "dm":
        payload = block_actions_payload(
            action_id=CHECKIN_DONE, value=value, response_url=fake_slack.response_url("click")
        )
    else:
        payload = block_actions_payload(
            action_id=CHECKIN_DONE, value=value, channel_id=None, message_ts=None, container_type="view"
        )
        del payload["response_url"]
    started = time.monotonic()
    assert post_signed(down.events_url, interactive_body(payload)).status == 200
    [home] = fake_slack.wait_for("views.publish")
    assert time.monotonic() - started < SLACK_DEADLINE_SECONDS
    assert "Keepwarm's database is not answering just now" in str(home.params["view"]["blocks"])
    told = [call.params["text"] for call in fake_slack.calls_to("response_url")]
    assert told == ([CHECKIN_UNAVAILABLE] if where == "dm" else [])
