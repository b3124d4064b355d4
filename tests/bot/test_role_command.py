"""`/role` end to end: signed slash commands and form submissions over HTTP, both databases, the fake Slack Web API."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, select, text

from bot.blocks.reminders import ButtonValue
from bot.blocks.roles import FINALISTS_SHOWN, build_role_list, build_role_reopened
from bot.ids import FIELD_ACTION, ROLE_MODAL, ROLE_REACH_OUT, STOP_MODAL
from jobs.role_alerts import deliver_role_alerts
from models import Candidate, Checkin, Recruiter, Role, RoleAlert, RoleStatus
from models.roles import Finalist
from testkit.database import row_counts
from testkit.fakeslack import FakeSlack, Reply
from testkit.running import RunningApp, run, submit_view
from testkit.slack_http import everything, interactive_body, post_signed, view_submission_payload
from testkit.sweeps import slack_client

TEAM = "T0TEST"
OTHER_TEAM = "T0ELSE"
ADA_LINE = 'Ada Byron email=ada@x.io role="Senior Backend Engineer" stage=final tags=python,django'


def role(app: RunningApp, text: str, **fields: Any) -> dict[str, Any]:
    """Send `/role <text>` as Slack would and return the ephemeral reply."""
    return run(app, text, command="/role", **fields)


def record(app: RunningApp, text: str, **fields: Any) -> int:
    """Record a rejection through `/rejected`; returns the candidate's id."""
    assert "Recorded" in everything(run(app, text, **fields))
    with app.sessions() as session:
        return session.scalars(select(Candidate.id).order_by(Candidate.id.desc()).limit(1)).one()


def reach_out_buttons(payload: dict[str, Any]) -> list[str]:
    """The values of the "I'll reach out" buttons in a reply, top to bottom."""
    return [
        block["accessory"]["value"]
        for block in payload.get("blocks", [])
        if block.get("accessory", {}).get("action_id") == ROLE_REACH_OUT
    ]


def roles(app: RunningApp) -> list[Role]:
    with app.sessions() as session:
        return list(session.scalars(select(Role).order_by(Role.id)))


def last_role_id(app: RunningApp) -> int:
    return roles(app)[-1].id


def alerts(app: RunningApp) -> list[tuple[int, str, bool]]:
    """(role id, recruiter's user id, sent?) of every reopen alert."""
    with app.sessions() as session:
        rows = session.execute(
            select(RoleAlert.role_id, Recruiter.user_id, RoleAlert.sent_at.is_not(None))
            .join(RoleAlert.recruiter)
            .order_by(RoleAlert.id)
        )
        return [(role_id, user, bool(sent)) for role_id, user, sent in rows]


def within_slack_limits(payload: dict[str, Any]) -> None:
    assert 0 < len(payload["blocks"]) <= 50
    for block in payload["blocks"]:
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= 3000
        if "accessory" in block:
            assert len(block["accessory"]["value"]) <= 2000


def zone_at(local_hour: int) -> str:
    """A fixed-offset time zone in which it is now about `local_hour` o'clock: working hours without a clock."""
    offset = (local_hour - datetime.now(UTC).hour) % 24
    offset = offset - 24 if offset > 12 else offset
    return "Etc/GMT" if offset == 0 else f"Etc/GMT{-offset:+d}"  # Etc/GMT-5 is five hours ahead of UTC


def stop_checkins(app: RunningApp, candidate_id: int) -> None:
    """Stop a candidate's check-ins the way a recruiter does: through the stop form of their reminder."""
    with app.sessions() as session:
        checkin = session.scalars(select(Checkin).where(Checkin.candidate_id == candidate_id)).one()
        value = ButtonValue.current(checkin).encode()
    reason = {
        "type": "radio_buttons",
        "selected_option": {"text": {"type": "plain_text", "text": "x"}, "value": "other"},
    }
    payload = view_submission_payload(
        callback_id=STOP_MODAL, values={"reason": {FIELD_ACTION: reason}}, private_metadata=json.dumps({"value": value})
    )
    assert post_signed(app.events_url, interactive_body(payload)).status == 200
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        with app.sessions() as session:
            if session.get_one(Checkin, checkin.id).status == "stopped":
                return
        time.sleep(0.05)
    raise AssertionError("the check-ins were not stopped")


# --- opening a role -----------------------------------------------------------------------------------------------


def test_opening_a_role_stores_it_and_lists_the_best_past_candidates_at_once(running: RunningApp) -> None:
    ada = record(running, ADA_LINE)
    ben = record(running, "Ben Ode email=ben@x.io role=Backend Engineer stage=final", user_id="U0OTHER")
    record(running, "Cy Dee email=cy@x.io role=Product Designer stage=final tags=figma")

    reply = role(
        running,
        "Backend Engineer tags=Python,DJANGO location=Berlin team=Platform "
        "url=<https://jobs.example.com/backend|jobs.example.com/backend>",
    )

    [stored] = roles(running)
    assert (stored.team_id, stored.source, stored.opened_by, stored.status) == (TEAM, "slack", "U0REC", RoleStatus.OPEN)
    assert (stored.title, stored.tags, stored.location, stored.team_name, stored.url) == (
        "Backend Engineer",
        ["python", "django"],
        "Berlin",
        "Platform",
        "https://jobs.example.com/backend",
    )
    assert stored.digested_at is None
    assert reply["text"] == f"Opened role #{stored.id}: Backend Engineer; 2 past candidates fit"
    assert reach_out_buttons(reply) == [f"{stored.id}:{ada}", f"{stored.id}:{ben}"]
    shown = everything(reply)
    assert (
        f"Opened role #{stored.id} <https://jobs.example.com/backend|*Backend Engineer*> · Berlin · Platform" in shown
    )
    assert "*Ada Byron*: python, django; was finalist for Senior Backend Engineer, today · owner <@U0REC>" in shown
    assert "*Ben Ode*: was finalist for Backend Engineer, today · owner <@U0OTHER>" in shown
    assert "Cy Dee" not in shown and "ada@x.io" not in shown
    within_slack_limits(reply)


class TestWithDigest:
    @pytest.fixture
    def app_env(self) -> dict[str, str]:
        return {"DIGEST_CHANNEL": "C0DIGEST"}

    def test_when_nothing_fits_it_says_so_and_that_the_digest_will_show_it(self, running: RunningApp) -> None:
        record(running, "Cy Dee role=Product Designer stage=final tags=figma")
        reply = role(running, "Site Reliability Engineer tags=kubernetes")
        shown = everything(reply)
        assert "No past finalists or strongly rated candidates fit it yet" in shown
        assert "It will be in the next digest in <#C0DIGEST>." in shown
        assert reach_out_buttons(reply) == []
        assert [r.title for r in roles(running)] == ["Site Reliability Engineer"]

    def test_matches_also_point_to_the_digest(self, running: RunningApp) -> None:
        record(running, ADA_LINE)
        assert "It will be in the next digest in <#C0DIGEST>." in everything(role(running, "Backend Engineer"))


def test_without_a_digest_channel_nothing_promises_a_digest(running: RunningApp) -> None:
    shown = everything(role(running, "Site Reliability Engineer"))
    assert "No digest channel is set up" in shown and "next digest" not in shown


def test_forgotten_and_stopped_candidates_are_never_listed(running: RunningApp) -> None:
    kept = record(running, ADA_LINE)
    record(running, "Fay Gone email=fay@x.io role=Backend Engineer stage=final tags=python")
    stopped = record(running, "Sid Stop email=sid@x.io role=Backend Engineer stage=final tags=python")
    assert "Erased" in everything(run(running, "forget fay@x.io"))
    stop_checkins(running, stopped)

    reply = role(running, "Backend Engineer tags=python")
    shown = everything(reply)
    assert "Ada Byron" in shown and "Fay" not in shown and "Sid Stop" not in shown
    assert [value.split(":")[1] for value in reach_out_buttons(reply)] == [str(kept)]


def test_another_teams_candidates_are_never_listed(running: RunningApp) -> None:
    record(running, ADA_LINE, team_id=OTHER_TEAM)
    reply = role(running, "Backend Engineer tags=python,django")
    assert "Ada" not in everything(reply) and reach_out_buttons(reply) == []
    assert "No past finalists" in everything(reply)


def test_at_most_five_candidates_are_listed(running: RunningApp) -> None:
    for n in range(7):
        record(running, f"Person Number{n} email=p{n}@x.io role=Backend Engineer stage=final")
    reply = role(running, "Backend Engineer")
    assert len(reach_out_buttons(reply)) == 5
    within_slack_limits(reply)


def test_typed_text_is_escaped_in_the_reply(running: RunningApp) -> None:
    record(running, "Bobby &lt;!channel&gt; Tables role=QA &amp; Test Engineer stage=final")
    shown = everything(role(running, "QA &amp; Test Engineer &lt;!here&gt;"))
    assert "<!channel>" not in shown and "<!here>" not in shown
    assert "*Bobby &lt;!channel&gt; Tables*" in shown and "QA &amp; Test Engineer &lt;!here&gt;" in shown
    assert roles(running)[0].title == "QA & Test Engineer <!here>"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("tags=python", "Title is missing"),
        ("Backend Engineer colour=red", "Unknown key “colour”; use tags, location, url or team."),
        ("Backend Engineer url=ftp://x.io/job", "URL “ftp://x.io/job” is not a web address"),
        ("Backend Engineer url=https://x.io/a|b", "is not a web address"),
        (f"Backend Engineer tags={'a' * 41}", "each tag can be at most 40"),
        (f"Backend Engineer location={'b' * 151}", "Location"),
        ('"Backend Engineer tags=python', "A double quote is not closed"),
        ("title=Backend", "Title is not a key"),
    ],
)
def test_bad_input_is_explained_and_nothing_is_written(running: RunningApp, text: str, problem: str) -> None:
    shown = everything(role(running, text))
    assert "Nothing was saved" in shown and problem in shown
    assert "*Open a role:*" in shown  # the usage follows the problem
    assert all(count == 0 for count in row_counts(running.engine).values())


def test_every_problem_is_reported_in_one_reply(running: RunningApp) -> None:
    shown = everything(role(running, "url=nope team=!!! tags=a,a,b,c colour=red"))
    for problem in ("Title is missing", "URL “nope”", "Team “!!!”", "Unknown key “colour”"):
        assert problem in shown


def test_help_shows_the_usage_with_examples(running: RunningApp) -> None:
    reply = role(running, "HELP")
    shown = everything(reply)
    assert reply["text"] == "How to use /role"
    assert "`/role Senior Backend Engineer tags=python,postgres location=Berlin team=Platform`" in shown
    assert "`/role list`" in shown and "`/role close 12`" in shown and "`/role reopen 12`" in shown
    assert roles(running) == []


# --- the form -----------------------------------------------------------------------------------------------------


def form_values(**fields: str | None) -> dict[str, dict[str, dict[str, Any]]]:
    """view.state.values as Slack fills in the role form."""
    return {
        field: {FIELD_ACTION: {"type": "url_text_input" if field == "url" else "plain_text_input", "value": value}}
        for field, value in fields.items()
    }


def submit(app: RunningApp, values: dict[str, Any], metadata: str = "", user_id: str = "U0REC") -> dict[str, Any]:
    payload = view_submission_payload(callback_id=ROLE_MODAL, values=values, private_metadata=metadata, user_id=user_id)
    return submit_view(app, payload)


def test_role_alone_opens_the_form_that_answers_where_the_command_was_typed(
    running: RunningApp, fake_slack: FakeSlack
) -> None:
    ada = record(running, ADA_LINE)
    assert role(running, "", response_url=fake_slack.response_url("cmd"), trigger_id="1337.9.role") == {}

    [opened] = fake_slack.wait_for("views.open")
    view = opened.params["view"]
    assert (opened.params["trigger_id"], view["type"], view["callback_id"]) == ("1337.9.role", "modal", ROLE_MODAL)
    assert [block["block_id"] for block in view["blocks"]] == ["title", "tags", "location", "url", "team"]
    assert [block["optional"] for block in view["blocks"]] == [False, True, True, True, True]
    assert json.loads(view["private_metadata"]) == {"response_url": fake_slack.response_url("cmd")}
    assert roles(running) == []  # opening the form opens no role

    values = form_values(title="Backend Engineer", tags="Python", location=None, url="https://x.io/jobs/1", team=None)
    assert submit(running, values, view["private_metadata"]) == {}  # an empty ack closes the form

    [stored] = roles(running)
    assert (stored.title, stored.tags, stored.location, stored.url, stored.opened_by) == (
        "Backend Engineer",
        ["python"],
        None,
        "https://x.io/jobs/1",
        "U0REC",
    )
    [answer] = fake_slack.wait_for("response_url")
    assert (answer.params["_name"], answer.params["response_type"]) == ("cmd", "ephemeral")
    assert answer.params["text"] == f"Opened role #{stored.id}: Backend Engineer; 1 past candidate fit"
    assert reach_out_buttons(answer.params) == [f"{stored.id}:{ada}"]


def test_without_a_response_url_the_form_answers_by_dm(running: RunningApp, fake_slack: FakeSlack) -> None:
    submit(running, form_values(title="Data Analyst"))
    [dm] = fake_slack.wait_for("chat.postMessage")
    assert dm.params["channel"] == "U0REC" and dm.params["text"].startswith("Opened role #")


def test_the_form_shows_each_problem_next_to_its_field_and_saves_nothing(
    running: RunningApp, fake_slack: FakeSlack
) -> None:
    values = form_values(title="!!!", tags="a" * 41, location="x" * 151, url="ftp://x.io", team="Platform")
    answer = submit(running, values, json.dumps({"response_url": fake_slack.response_url()}))
    assert answer["response_action"] == "errors"
    assert list(answer["errors"]) == ["title", "tags", "location", "url"]
    assert "no letters or digits" in answer["errors"]["title"]
    assert "is not a web address" in answer["errors"]["url"]
    assert all(count == 0 for count in row_counts(running.engine).values())
    assert fake_slack.calls_to("response_url") == [] and fake_slack.calls_to("chat.postMessage") == []

    assert list(submit(running, form_values(title=None))["errors"]) == ["title"]


def test_when_the_form_cannot_open_the_usage_says_to_type_it(running: RunningApp, fake_slack: FakeSlack) -> None:
    fake_slack.script("views.open", Reply({"ok": False, "error": "expired_trigger_id"}))
    assert role(running, "", response_url=fake_slack.response_url("cmd")) == {}
    [answer] = fake_slack.wait_for("response_url")
    assert answer.params["response_type"] == "ephemeral"
    assert "Could not open the form just now; type the role instead." in answer.params["text"]
    assert "*Open a role:*" in everything(answer.params)


# --- list and close -----------------------------------------------------------------------------------------------


def test_list_shows_the_teams_open_roles_newest_first_with_where_they_came_from(running: RunningApp) -> None:
    role(running, "Backend Engineer location=Berlin")
    role(running, "Data Analyst", user_id="U0OTHER")
    role(running, "Theirs", team_id=OTHER_TEAM)
    role(running, "Gone Role")
    role(running, f"close {last_role_id(running)}")
    digested_at = datetime(2026, 3, 2, 9, tzinfo=UTC)
    with running.sessions.begin() as session:
        session.get_one(Role, 1).digested_at = digested_at
        session.add(Role(team_id=TEAM, title="Imported", source="greenhouse", external_id="acme:4012", opened_by=None))

    reply = role(running, "list")
    shown = everything(reply)
    assert reply["text"] == "Open roles: 3"
    order = [shown.index(title) for title in ("Imported", "Data Analyst", "Backend Engineer")]
    assert order == sorted(order)
    assert "Theirs" not in shown and "Gone Role" not in shown
    assert "#1 *Backend Engineer* · Berlin\nopened in Slack by <@U0REC>" in shown
    assert f"in the digest of <!date^{int(digested_at.timestamp())}^" in shown
    assert "opened in Slack by <@U0OTHER>" in shown and "from Greenhouse (acme)" in shown
    assert shown.count("waiting for the next digest") == 2


def test_list_is_capped_and_says_how_many_more(running: RunningApp) -> None:
    with running.sessions.begin() as session:
        start = datetime(2026, 1, 1, tzinfo=UTC)
        session.add_all(
            Role(team_id=TEAM, title=f"Role Number{n}", opened_by="U0REC", opened_at=start + timedelta(days=n))
            for n in range(30)
        )
    reply = role(running, "list")
    shown = everything(reply)
    assert "Role Number29" in shown and "Role Number5*" in shown and "Role Number4*" not in shown
    assert "5 older open roles are not shown." in shown
    within_slack_limits(reply)


def test_list_when_empty_says_how_to_start(running: RunningApp) -> None:
    assert "The team has no open roles. Open one with `/role Title`" in everything(role(running, "list"))


def test_list_with_arguments_explains(running: RunningApp) -> None:
    shown = everything(role(running, "list everything"))
    assert "Cannot list" in shown and "`/role list` takes nothing after it" in shown
    assert roles(running) == []


def test_close_closes_once_and_then_says_it_already_was(running: RunningApp) -> None:
    role(running, "Backend Engineer")
    role_id = last_role_id(running)

    shown = everything(role(running, f"close #{role_id}"))
    assert f"Closed role #{role_id} *Backend Engineer*" in shown
    [closed] = roles(running)
    assert closed.status == RoleStatus.CLOSED and closed.closed_at is not None

    again = everything(role(running, f"close {role_id}"))
    assert "was already closed" in again and f"`/role reopen {role_id}`" in again
    assert roles(running)[0].closed_at == closed.closed_at
    assert "no open roles" in everything(role(running, "list"))


def test_another_teams_role_and_unknown_ids_are_not_found_and_nothing_changes(running: RunningApp) -> None:
    role(running, "Theirs", team_id=OTHER_TEAM)
    theirs = last_role_id(running)
    for command in (f"close {theirs}", f"reopen {theirs}", "close 999", "reopen 99999999999999"):
        shown = everything(role(running, command))
        assert "There is no role #" in shown and "in this workspace" in shown
    [kept] = roles(running)
    assert (kept.status, kept.closed_at) == (RoleStatus.OPEN, None)


@pytest.mark.parametrize("text", ["close", "close twelve", "close 1 2", "reopen", "reopen -3", "close 1.5"])
def test_close_and_reopen_need_one_role_number(running: RunningApp, text: str) -> None:
    role(running, "Backend Engineer")
    shown = everything(role(running, text))
    verb = text.split()[0]
    assert f"`/role {verb}` takes one role number from `/role list`, e.g. `/role {verb} 12`." in shown
    assert "put the title in double quotes" in shown
    [kept] = roles(running)
    assert kept.status == RoleStatus.OPEN


# --- reopen -------------------------------------------------------------------------------------------------------


class TestReopen:
    @pytest.fixture
    def app_env(self) -> dict[str, str]:
        return {"WORK_DAYS": "mon-sun"}

    def finalists_of_backend(self, running: RunningApp, fake_slack: FakeSlack, hour: int) -> dict[str, int]:
        """Past candidates owned by U0ANA and U0BOB, who are now at `hour` o'clock; then a closed Backend role."""
        for user in ("U0ANA", "U0BOB"):
            fake_slack.set_user(user, tz=zone_at(hour))
        ids = {
            "ana": record(
                running, 'Ana Final email=ana@x.io role="Senior Backend Engineer" stage=final', user_id="U0ANA"
            ),
            "bo": record(running, 'Bo Final email=bo@x.io role="Backend Engineer (Go)" stage=final', user_id="U0BOB"),
            "cat": record(running, "Cat Design email=cat@x.io role=Designer stage=final", user_id="U0ANA"),
            "dee": record(running, "Dee Gone email=dee@x.io role=Backend Engineer stage=final", user_id="U0ANA"),
            "eve": record(running, "Eve Strong email=eve@x.io role=Backend Engineer stage=interview rating=5"),
            "fox": record(running, "Fox Away email=fox@x.io role=Backend Engineer stage=final", team_id=OTHER_TEAM),
        }
        run(running, "forget dee@x.io", user_id="U0ANA")
        role(running, "Backend Engineer")
        role(running, f"close {last_role_id(running)}")
        return ids

    def test_reopen_names_the_finalists_and_dms_each_owner_at_once(
        self, running: RunningApp, fake_slack: FakeSlack
    ) -> None:
        ids = self.finalists_of_backend(running, fake_slack, hour=12)
        role_id = last_role_id(running)

        reply = role(running, f"reopen {role_id}")

        shown = everything(reply)
        assert reply["text"] == f"Reopened role #{role_id}: Backend Engineer; 2 past finalists"
        assert "*Bo Final*, finalist for Backend Engineer (Go), today · owner <@U0BOB>" in shown
        assert "*Ana Final*, finalist for Senior Backend Engineer, today · owner <@U0ANA>" in shown
        assert "Their owners (<@U0BOB>, <@U0ANA>) get a DM now, or at the start of their working hours." in shown
        assert not any(name in shown for name in ("Cat", "Dee", "Eve", "Fox"))
        [reopened] = roles(running)
        assert (reopened.status, reopened.closed_at, reopened.digested_at) == (RoleStatus.OPEN, None, None)

        fake_slack.wait_for("chat.postMessage", count=2)
        [to_ana] = fake_slack.messages("DU0ANA")
        [to_bo] = fake_slack.messages("DU0BOB")
        assert reach_out_buttons(to_ana) == [f"{role_id}:{ids['ana']}"]
        assert reach_out_buttons(to_bo) == [f"{role_id}:{ids['bo']}"]
        assert "Backend Engineer" in to_ana["text"]
        deadline = time.monotonic() + 5
        while not all(sent for _, _, sent in alerts(running)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert sorted(alerts(running)) == [(role_id, "U0ANA", True), (role_id, "U0BOB", True)]

        assert "is already open; nothing changed" in everything(role(running, f"reopen {role_id}"))
        assert len(alerts(running)) == 2

    def test_outside_working_hours_the_alerts_wait_and_reopening_again_adds_none(
        self, running: RunningApp, fake_slack: FakeSlack
    ) -> None:
        self.finalists_of_backend(running, fake_slack, hour=3)
        role_id = last_role_id(running)

        assert "get a DM now, or at the start of their working hours" in everything(role(running, f"reopen {role_id}"))
        role(running, f"close {role_id}")
        assert "Reopened" in everything(role(running, f"reopen {role_id}"))

        time.sleep(0.5)  # the delivery after each reply found both owners asleep
        assert fake_slack.messages("DU0ANA") == [] and fake_slack.messages("DU0BOB") == []
        assert sorted(alerts(running)) == [(role_id, "U0ANA", False), (role_id, "U0BOB", False)]

        # The queued alerts are what the reminder sweep delivers once the owners' day starts.
        report = deliver_role_alerts(
            sessions=running.sessions,
            client=slack_client(fake_slack),
            settings=running.settings,
            now=datetime.now(UTC) + timedelta(hours=7),
        )
        assert report.messages == 2
        assert len(fake_slack.messages("DU0ANA")) == len(fake_slack.messages("DU0BOB")) == 1

    def test_without_finalists_nobody_is_alerted(self, running: RunningApp, fake_slack: FakeSlack) -> None:
        role(running, "Chief Happiness Officer")
        role(running, "close 1")
        shown = everything(role(running, "reopen 1"))
        assert "Reopened role #1" in shown and "no one gets a DM" in shown
        assert alerts(running) == []
        assert fake_slack.calls_to("chat.postMessage") == []


def fail_role_alert_inserts(engine: Engine) -> None:
    """A real trigger: reopening changes the role, then the alert insert fails in the same transaction."""
    with engine.begin() as connection:
        if engine.dialect.name == "sqlite":
            connection.execute(
                text("CREATE TRIGGER no_alerts BEFORE INSERT ON role_alerts BEGIN SELECT RAISE(ABORT, 'boom'); END")
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
                    "CREATE TRIGGER no_alerts BEFORE INSERT ON role_alerts "
                    + "FOR EACH ROW EXECUTE FUNCTION keepwarm_boom()"
                )
            )


def test_a_reopen_that_fails_part_way_changes_nothing(running: RunningApp) -> None:
    record(running, ADA_LINE)
    role(running, "Backend Engineer")
    role(running, "close 1")
    fail_role_alert_inserts(running.engine)
    try:
        shown = everything(role(running, "reopen 1"))
    finally:
        with running.engine.begin() as connection:
            suffix = "" if running.engine.dialect.name == "sqlite" else " ON role_alerts"
            connection.execute(text(f"DROP TRIGGER IF EXISTS no_alerts{suffix}"))
    assert "Could not reopen the role just now" in shown and "Nothing was changed" in shown
    [kept] = roles(running)
    assert kept.status == RoleStatus.CLOSED and kept.closed_at is not None
    assert alerts(running) == []
    assert "Reopened" in everything(role(running, "reopen 1"))


# --- who may -----------------------------------------------------------------------------------------------------


class TestAllowList:
    @pytest.fixture
    def app_env(self) -> dict[str, str]:
        return {"RECRUITER_USER_IDS": "U0REC"}

    @pytest.mark.parametrize("text", ["Backend Engineer tags=python", "", "help", "list", "close 1", "reopen 1"])
    def test_others_are_refused_politely_and_nothing_happens(
        self, running: RunningApp, fake_slack: FakeSlack, text: str
    ) -> None:
        shown = everything(role(running, text, user_id="U0STRANGER"))
        assert "Keepwarm is limited to the recruiting team" in shown
        assert all(count == 0 for count in row_counts(running.engine).values())
        assert fake_slack.calls_to("views.open") == []

    def test_the_form_refuses_them_too(self, running: RunningApp) -> None:
        answer = submit(running, form_values(title="Backend Engineer"), user_id="U0STRANGER")
        assert "limited to the recruiting team" in answer["errors"]["title"]
        assert roles(running) == []


class TestUserGroupDown:
    @pytest.fixture
    def app_env(self) -> dict[str, str]:
        return {"RECRUITER_USERGROUP_ID": "S0RECRUIT"}

    def test_when_slack_cannot_say_who_is_a_recruiter_the_command_says_so(
        self, running: RunningApp, fake_slack: FakeSlack
    ) -> None:
        fake_slack.script("usergroups.users.list", Reply({"ok": False, "error": "ratelimited"}, status=429))
        shown = everything(role(running, "Backend Engineer"))
        assert "Could not check that you are one of Keepwarm's recruiters just now" in shown
        assert roles(running) == []


# --- the database is down -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "what"),
    [
        ("Backend Engineer tags=python", "open the role"),
        ("list", "load the open roles"),
        ("close 1", "close the role"),
        ("reopen 1", "reopen the role"),
    ],
)
def test_with_the_database_down_each_command_says_what_could_not_be_done(
    down: RunningApp,
    text: str,
    what: str,
) -> None:
    started = time.monotonic()
    shown = everything(role(down, text))
    assert time.monotonic() - started < 3.0
    assert f"Could not {what} just now: Keepwarm's database is not answering" in shown and "try again" in shown


def test_with_the_database_down_the_form_keeps_its_input(down: RunningApp) -> None:
    answer = submit(down, form_values(title="Backend Engineer"))
    assert answer["response_action"] == "errors"
    assert "Could not open the role just now" in answer["errors"]["title"]


# --- builders, with plain values ----------------------------------------------------------------------------------


def test_a_reopened_role_with_many_finalists_stays_inside_slacks_limits() -> None:
    now = datetime(2026, 6, 1, tzinfo=UTC)
    reopened = Role(id=7, title="Backend Engineer", status=RoleStatus.OPEN)
    finalists = [
        Finalist(n, f"Person {n} " + "x" * 140, "Senior Backend Engineer " + "y" * 120, now, n, f"U{n:08d}")
        for n in range(FINALISTS_SHOWN + 10)
    ]
    reply = build_role_reopened(reopened, finalists, now=now, digest_channel=None)
    within_slack_limits(reply)
    shown = everything(reply)
    assert shown.count("finalist for Senior Backend Engineer") == FINALISTS_SHOWN
    assert "and 10 more" in shown and reply["text"] == "Reopened role #7: Backend Engineer; 40 past finalists"


def test_an_imported_roles_link_cannot_break_out_of_its_label() -> None:
    imported = Role(
        id=3,
        title="Engineer <b>",
        url="https://boards.example.com/a|b>c",
        location="Zürich",
        team_name=None,
        source="lever",
        external_id="acme:4b1d",
        opened_by=None,
        opened_at=datetime(2026, 6, 1, tzinfo=UTC),
        digested_at=None,
    )
    shown = everything(build_role_list([imported], total=1))
    assert "#3 <https://boards.example.com/a%7Cb%3Ec|*Engineer &lt;b&gt;*> · Zürich" in shown
    assert "from Lever (acme)" in shown
