"""The harness is only worth trusting if the real slack_sdk agrees with it, so these tests drive it with slack_sdk."""

from __future__ import annotations

import json
import math
import time
import urllib.request
from collections.abc import Callable, Iterator
from urllib.parse import parse_qsl

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.signature import SignatureVerifier
from slack_sdk.webhook import WebhookClient

from testkit.fakeslack import TIER_2, FakeSlack, Limit, RateLimits, Reply, rate_limited
from testkit.slack_http import (
    SIGNING_SECRET,
    block_actions_payload,
    event_body,
    get,
    interactive_body,
    post_signed,
    sign,
    slash_command_body,
    view_submission_payload,
)


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as running:
        yield running


@pytest.fixture
def client(fake: FakeSlack) -> WebClient:
    """No retry handlers: a test must see each failure, not slack_sdk quietly retrying it."""
    return WebClient(token="xoxb-test", base_url=fake.api_url, retry_handlers=[])


def test_auth_test(fake: FakeSlack, client: WebClient) -> None:
    reply = client.auth_test()
    assert reply["team_id"] == "T0TEST"
    assert reply["user_id"] == "U0BOT"
    assert reply["bot_id"] == "B0BOT"
    [call] = fake.calls_to("auth.test")
    assert call.headers["Authorization"] == "Bearer xoxb-test"
    assert call.path == "/api/auth.test"


def test_post_message_records_params_and_decodes_blocks(fake: FakeSlack, client: WebClient) -> None:
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*Ada* was a finalist"}}]
    first = client.chat_postMessage(channel="U0REC", text="hi", blocks=blocks)
    second = client.chat_postMessage(channel="C0CHAN", text="again")

    assert first["channel"] == "DU0REC"
    assert second["channel"] == "C0CHAN"
    assert float(first["ts"]) < float(second["ts"])
    assert first["message"]["blocks"] == blocks
    call = fake.calls_to("chat.postMessage")[0]
    assert call.params["channel"] == "U0REC"
    assert call.params["text"] == "hi"
    assert call.params["blocks"] == blocks


def test_views_open_records_view_decoded(fake: FakeSlack, client: WebClient) -> None:
    view = {
        "type": "modal",
        "callback_id": "reject_candidate",
        "title": {"type": "plain_text", "text": "Keepwarm"},
        "blocks": [],
    }
    reply = client.views_open(trigger_id="1337.42.abcd", view=view)

    assert reply["view"]["id"].startswith("V")
    assert reply["view"]["callback_id"] == "reject_candidate"
    [call] = fake.calls_to("views.open")
    assert call.headers["Content-Type"].startswith("application/json")
    assert call.params["view"] == view
    assert call.params["trigger_id"] == "1337.42.abcd"


def test_users_info_known_and_unknown(fake: FakeSlack, client: WebClient) -> None:
    fake.set_user("U0REC", tz="Asia/Tokyo", name="rita")

    user = client.users_info(user="U0REC")["user"]
    assert (user["id"], user["name"], user["tz"], user["deleted"]) == ("U0REC", "rita", "Asia/Tokyo", False)
    assert user["tz_offset"] == 9 * 3600  # Japan has no DST, so this is stable

    with pytest.raises(SlackApiError) as excinfo:
        client.users_info(user="U0NOBODY")
    assert excinfo.value.response["error"] == "user_not_found"


def test_users_lookup_by_email(fake: FakeSlack, client: WebClient) -> None:
    """As Slack's reference shows it: the user object, with the email in its profile; `users_not_found` for an address
    nobody has and for a deactivated user."""
    fake.set_user("U0REC", name="rita", email="Rita@Example.com")
    fake.set_user("U0GONE", email="gone@example.com", deleted=True)

    user = client.users_lookupByEmail(email="rita@example.com")["user"]
    assert (user["id"], user["name"], user["deleted"], user["is_bot"]) == ("U0REC", "rita", False, False)
    assert user["profile"]["email"] == "Rita@Example.com"
    assert client.users_info(user="U0REC")["user"]["profile"]["email"] == "Rita@Example.com"
    [call] = fake.calls_to("users.lookupByEmail")
    assert call.params["email"] == "rita@example.com"

    for email in ("nobody@example.com", "gone@example.com"):
        with pytest.raises(SlackApiError) as excinfo:
            client.users_lookupByEmail(email=email)
        assert excinfo.value.response["error"] == "users_not_found"


def test_usergroup_and_conversations(fake: FakeSlack, client: WebClient) -> None:
    fake.set_usergroup("S0RECRUIT", ["U0A", "U0B"])
    assert client.usergroups_users_list(usergroup="S0RECRUIT")["users"] == ["U0A", "U0B"]
    with pytest.raises(SlackApiError) as excinfo:
        client.usergroups_users_list(usergroup="S0NONE")
    assert excinfo.value.response["error"] == "no_such_subteam"

    assert client.conversations_open(users="U0REC")["channel"]["id"] == "DU0REC"
    channel = client.conversations_info(channel="C0CHAN")["channel"]
    assert channel["is_member"] and not channel["is_archived"] and not channel["is_private"]


def test_scripted_429_surfaces_without_retry_handlers(fake: FakeSlack, client: WebClient) -> None:
    fake.script("chat.postMessage", rate_limited())

    with pytest.raises(SlackApiError) as excinfo:
        client.chat_postMessage(channel="C0CHAN", text="hi")
    assert excinfo.value.response.status_code == 429
    assert excinfo.value.response.headers["Retry-After"] == "1"
    # One-shot: the next call gets the default reply, and both calls were recorded.
    assert client.chat_postMessage(channel="C0CHAN", text="hi")["ok"]
    assert len(fake.calls_to("chat.postMessage")) == 2


# --- Rate limits (opt-in) ---------------------------------------------------------------------------------------------


class StepClock:
    """Time that moves only when the test says, so the limiter's arithmetic is checked exactly."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def refused(call: Callable[[], object]) -> str:
    """The Retry-After of a call Slack refused for its rate, after checking the rest of the 429's shape."""
    with pytest.raises(SlackApiError) as excinfo:
        call()
    response = excinfo.value.response
    assert (response.status_code, response["ok"], response["error"]) == (429, False, "ratelimited")
    return str(response.headers["Retry-After"])


def test_rate_limits_are_off_unless_asked_for_and_reset_turns_them_off(fake: FakeSlack, client: WebClient) -> None:
    for _ in range(20):
        client.chat_postMessage(channel="C0CHAN", text="hi")
    fake.enforce_rate_limits(clock=StepClock())
    for _ in range(3):
        client.chat_postMessage(channel="C0CHAN", text="hi")
    assert refused(lambda: client.chat_postMessage(channel="C0CHAN", text="hi")) == "1"

    fake.reset()
    for _ in range(20):
        client.chat_postMessage(channel="C0CHAN", text="hi")
    assert fake.rate_limited() == {}


def test_post_message_allows_a_burst_then_one_a_second_per_channel(fake: FakeSlack, client: WebClient) -> None:
    clock = StepClock()
    fake.enforce_rate_limits(clock=clock)
    for i in range(3):
        client.chat_postMessage(channel="U0REC", text=f"burst {i}")
    assert refused(lambda: client.chat_postMessage(channel="U0REC", text="too soon")) == "1"
    # Posting to the user and to the DM is one channel; another channel has its own allowance.
    assert refused(lambda: client.chat_postMessage(channel="DU0REC", text="too soon")) == "1"
    client.chat_postMessage(channel="U0OTHER", text="elsewhere")

    clock.now += 0.5
    assert refused(lambda: client.chat_postMessage(channel="U0REC", text="half a second")) == "1"
    clock.now += 0.5
    client.chat_postMessage(channel="U0REC", text="a second later")
    assert refused(lambda: client.chat_postMessage(channel="U0REC", text="again")) == "1"

    assert [m["text"] for m in fake.messages("DU0REC")] == ["burst 0", "burst 1", "burst 2", "a second later"]
    assert fake.rate_limited() == {"chat.postMessage": 4}
    assert len(fake.calls_to("chat.postMessage")) == 9  # refused calls are recorded too


def test_post_message_has_a_workspace_wide_limit_across_channels(fake: FakeSlack, client: WebClient) -> None:
    clock = StepClock()
    fake.enforce_rate_limits(RateLimits(post_per_workspace=Limit(per_minute=120, burst=2)), clock=clock)
    client.chat_postMessage(channel="U0A", text="a")
    client.chat_postMessage(channel="U0B", text="b")
    assert refused(lambda: client.chat_postMessage(channel="U0C", text="c")) == "1"
    clock.now += 0.5  # 120 a minute: a token every half second
    client.chat_postMessage(channel="U0C", text="c")
    assert fake.messages("DU0C")[0]["text"] == "c"


@pytest.mark.parametrize(
    ("method", "call", "burst", "seconds_per_call"),
    [
        ("users.info", lambda c: c.users_info(user="U0REC"), 10, 0.6),  # Tier 4: 100 a minute
        ("conversations.history", lambda c: c.conversations_history(channel="DU0REC"), 5, 1.2),  # Tier 3: 50
        ("conversations.open", lambda c: c.conversations_open(users="U0REC"), 5, 1.2),  # Tier 3: 50
    ],
)
def test_tiered_methods_allow_their_burst_then_their_rate(
    method: str,
    call: Callable[[WebClient], object],
    burst: int,
    seconds_per_call: float,
    fake: FakeSlack,
    client: WebClient,
) -> None:
    fake.set_user("U0REC")
    clock = StepClock()
    fake.enforce_rate_limits(clock=clock)
    for _ in range(burst):
        call(client)
    assert refused(lambda: call(client)) == str(math.ceil(seconds_per_call))
    clock.now += seconds_per_call - 0.01
    refused(lambda: call(client))  # a refused call takes no token, so the next one is still owed the same wait
    clock.now += 0.01
    call(client)
    refused(lambda: call(client))
    assert fake.rate_limited() == {method: 3}


def test_untiered_methods_and_scripted_replies_are_not_limited(fake: FakeSlack, client: WebClient) -> None:
    fake.enforce_rate_limits(RateLimits(tiers={TIER_2: Limit(20, 2)}), clock=StepClock())
    for _ in range(50):
        client.auth_test()
    for _ in range(3):
        client.chat_postMessage(channel="C0CHAN", text="burst")
    fake.script("chat.postMessage", Reply({"ok": True, "channel": "C0CHAN", "ts": "1.000001"}))
    assert client.chat_postMessage(channel="C0CHAN", text="scripted")["ts"] == "1.000001"
    assert fake.rate_limited() == {}


def test_slack_sdk_waits_out_a_real_retry_after(fake: FakeSlack) -> None:
    """What the app's client does with the limiter's 429, on the real clock: waits Retry-After, then succeeds."""
    client = WebClient(
        token="xoxb-test", base_url=fake.api_url, retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)]
    )
    fake.enforce_rate_limits(RateLimits(post_per_channel=Limit(per_minute=60, burst=1)))
    client.chat_postMessage(channel="C0CHAN", text="first")
    started = time.monotonic()
    client.chat_postMessage(channel="C0CHAN", text="second")
    assert time.monotonic() - started >= 0.9
    assert [m["text"] for m in fake.messages("C0CHAN")] == ["first", "second"]
    assert fake.rate_limited() == {"chat.postMessage": 1}


def test_least_seconds_is_what_the_bucket_allows() -> None:
    assert Limit(per_minute=60, burst=3).least_seconds(3) == 0
    assert Limit(per_minute=60, burst=3).least_seconds(13) == 10
    assert Limit(per_minute=100, burst=10).least_seconds(1000) == pytest.approx(594)


def test_answer_every_holds_until_cleared_and_scripts_come_first(fake: FakeSlack, client: WebClient) -> None:
    fake.answer_every("chat.postMessage", Reply({"ok": False, "error": "ratelimited"}, status=429))
    fake.script("chat.postMessage", Reply({"ok": True, "channel": "C0CHAN", "ts": "1.000001"}))
    assert client.chat_postMessage(channel="C0CHAN", text="scripted")["ts"] == "1.000001"
    for _ in range(3):
        with pytest.raises(SlackApiError):
            client.chat_postMessage(channel="C0CHAN", text="storm")
    client.auth_test()  # other methods answer as usual
    fake.answer_every("chat.postMessage", None)
    client.chat_postMessage(channel="C0CHAN", text="after")
    assert [m["text"] for m in fake.messages("C0CHAN")] == ["after"]

    fake.answer_every("auth.test", Reply({"ok": False, "error": "invalid_auth"}))
    fake.reset()
    assert client.auth_test()["ok"]


def test_scripted_malformed_json(client: WebClient, fake: FakeSlack) -> None:
    fake.script("auth.test", Reply("<html>upstream error</html>", status=200))

    with pytest.raises(SlackApiError) as excinfo:
        client.auth_test()
    assert "non-JSON" in excinfo.value.response["error"]


def test_scripted_delay_is_honoured(fake: FakeSlack, client: WebClient) -> None:
    fake.script("auth.test", Reply({"ok": True}, delay=0.3))
    started = time.monotonic()
    client.auth_test()
    assert time.monotonic() - started >= 0.3


def test_slow_down_posts_first_then_answers_late_until_reset(fake: FakeSlack, client: WebClient) -> None:
    fake.slow_down("chat.postMessage", 0.5)
    slow = WebClient(token="xoxb-test", base_url=fake.api_url, timeout=0.2, retry_handlers=[])
    with pytest.raises(TimeoutError):
        slow.chat_postMessage(channel="U0REC", text="held")
    assert [m["text"] for m in fake.messages("DU0REC")] == ["held"]  # Slack acted; only the answer was late
    started = time.monotonic()
    assert client.chat_postMessage(channel="U0REC", text="waited")["ok"]
    assert time.monotonic() - started >= 0.5
    fake.reset()
    started = time.monotonic()
    client.chat_postMessage(channel="U0REC", text="quick")
    assert time.monotonic() - started < 0.5


def test_unknown_method_and_missing_token(fake: FakeSlack, client: WebClient) -> None:
    with pytest.raises(SlackApiError) as excinfo:
        client.api_call("made.up")
    assert excinfo.value.response["error"] == "unknown_method"

    with pytest.raises(SlackApiError) as excinfo:
        WebClient(base_url=fake.api_url, retry_handlers=[]).auth_test()
    assert excinfo.value.response["error"] == "not_authed"
    assert [call.method for call in fake.calls] == ["made.up", "auth.test"]


def test_files_upload_v2_shares_the_bytes_in_the_channel(fake: FakeSlack, client: WebClient) -> None:
    data = '{"name": "Zoë"}'.encode()
    response = client.files_upload_v2(
        channel="DU0REC", content=data, filename="export.json", title="Export", initial_comment="Here it is"
    )
    assert response["file"]["title"] == "Export"
    [shared] = fake.shared_files("DU0REC")
    assert (shared.id, shared.name, shared.title, shared.data) == (
        response["file"]["id"],
        "export.json",
        "Export",
        data,
    )
    assert shared.initial_comment == "Here it is"
    [message] = fake.messages("DU0REC")
    assert message["text"] == "Here it is" and message["files"][0]["mimetype"] == "application/json"
    assert [c.method for c in fake.calls] == [
        "files.getUploadURLExternal",
        "file_upload",
        "files.completeUploadExternal",
    ]
    assert fake.shared_files("C0OTHER") == []


def test_file_uploads_refuse_what_slack_refuses(fake: FakeSlack, client: WebClient) -> None:
    with pytest.raises(SlackApiError) as no_length:
        client.files_getUploadURLExternal(filename="x.json", length=0)
    assert no_length.value.response["error"] == "missing_argument"
    ticket = client.files_getUploadURLExternal(filename="x.json", length=3)
    with pytest.raises(SlackApiError) as not_uploaded:  # completed before its bytes were sent
        client.files_completeUploadExternal(files=[{"id": ticket["file_id"]}], channel_id="DU0REC")
    assert not_uploaded.value.response["error"] == "file_not_found"
    fake.set_channel("C0GONE", exists=False)
    urllib.request.urlopen(urllib.request.Request(ticket["upload_url"], data=b"abc", method="POST")).close()
    with pytest.raises(SlackApiError) as gone:
        client.files_completeUploadExternal(files=[{"id": ticket["file_id"]}], channel_id="C0GONE")
    assert gone.value.response["error"] == "channel_not_found"
    assert fake.shared_files("C0GONE") == []


def test_query_string_params_and_token_param(fake: FakeSlack) -> None:
    with urllib.request.urlopen(fake.api_url + "conversations.info?channel=C0Q&token=xoxb-test") as response:
        assert json.loads(response.read())["channel"]["id"] == "C0Q"
    assert fake.calls_to("conversations.info")[0].params == {"channel": "C0Q", "token": "xoxb-test"}


def test_wait_for_returns_calls_and_times_out(fake: FakeSlack, client: WebClient) -> None:
    client.auth_test()
    assert len(fake.wait_for("auth.test")) == 1

    with pytest.raises(AssertionError, match=r"chat\.postMessage.*auth\.test"):
        fake.wait_for("chat.postMessage", timeout=0.2)


def test_reset_keeps_users(fake: FakeSlack, client: WebClient) -> None:
    fake.set_user("U0REC")
    fake.script("users.info", Reply({"ok": False, "error": "ratelimited"}, status=429))
    client.auth_test()
    fake.reset()

    assert fake.calls == []
    assert client.users_info(user="U0REC")["user"]["id"] == "U0REC"


def test_directory_kept_puts_users_and_groups_back(fake: FakeSlack, client: WebClient) -> None:
    fake.set_user("U0REC", tz="Asia/Tokyo", email="rita@example.com")
    fake.set_usergroup("S0RECRUIT", ["U0REC"])
    with fake.directory_kept():
        fake.set_user("U0REC", tz="Europe/Paris", deleted=True)
        fake.set_user("U0NEW", email="rita@example.com")  # takes the address from U0REC, as Slack would
        fake.set_usergroup("S0RECRUIT", ["U0NEW"])
        assert client.users_info(user="U0REC")["user"]["tz"] == "Europe/Paris"

    assert client.users_info(user="U0REC")["user"]["tz"] == "Asia/Tokyo"
    assert not client.users_info(user="U0REC")["user"]["deleted"]
    assert client.users_lookupByEmail(email="rita@example.com")["user"]["id"] == "U0REC"
    assert client.usergroups_users_list(usergroup="S0RECRUIT")["users"] == ["U0REC"]
    with pytest.raises(SlackApiError, match="user_not_found"):
        client.users_info(user="U0NEW")


def test_response_url_post_is_recorded(fake: FakeSlack) -> None:
    url = fake.response_url("slash")
    reply = WebhookClient(url).send(text="Saved Ada", response_type="ephemeral", replace_original=False)

    assert reply.status_code == 200
    [call] = fake.wait_for("response_url")
    assert call.params == {
        "text": "Saved Ada",
        "response_type": "ephemeral",
        "replace_original": False,
        "_name": "slash",
    }


def test_post_signed_signature_verifies_with_slack_sdk(fake: FakeSlack) -> None:
    body = slash_command_body(text="Ada Lovelace email=ada@example.com")
    reply = post_signed(fake.response_url("signed"), body)

    assert reply.status == 200
    [call] = fake.calls_to("response_url")
    timestamp = call.headers["X-Slack-Request-Timestamp"]
    signature = call.headers["X-Slack-Signature"]
    assert call.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert SignatureVerifier(SIGNING_SECRET).is_valid(body, timestamp, signature)
    assert not SignatureVerifier("another-secret").is_valid(body, timestamp, signature)


def test_sign_matches_slacks_documented_example() -> None:
    """The worked example from Slack's "Verifying requests from Slack" page."""
    body = (
        "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V"
        "&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text="
        "&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN"
        "&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
    )
    expected = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
    assert sign(body, 1531420618, "8f742231b10e8888abcd99yyyzzz85a5") == expected


def test_non_2xx_is_returned_not_raised(fake: FakeSlack) -> None:
    reply = get(fake.api_url.replace("/api/", "/nowhere"))
    assert reply.status == 404
    assert reply.json() == {"ok": False, "error": "not_found"}
    assert reply.headers["Content-Type"].startswith("application/json")


def test_bodies_have_slacks_shape() -> None:
    command = dict(parse_qsl(slash_command_body(text="help", channel_id="D0DM")))
    assert command["command"] == "/rejected"
    assert command["channel_name"] == "directmessage"
    assert command["is_enterprise_install"] == "false"

    submission = view_submission_payload(
        callback_id="cb", values={"b": {"a": {"type": "plain_text_input", "value": "x"}}}
    )
    [(key, raw)] = parse_qsl(interactive_body(submission))
    assert key == "payload"
    assert json.loads(raw)["view"]["state"]["values"]["b"]["a"]["value"] == "x"

    home_click = block_actions_payload(
        action_id="forget", container_type="view", view={"id": "V0HOME"}, channel_id=None, message_ts=None
    )
    assert home_click["container"] == {"type": "view", "view_id": "V0HOME"}
    assert "channel" not in home_click and "message" not in home_click

    first, second = (json.loads(event_body({"type": "app_home_opened", "user": "U0REC"})) for _ in range(2))
    assert first["type"] == "event_callback"
    assert first["event_id"] != second["event_id"]
