"""Fuzzing the HTTP layer: requests Slack did not sign (or signed long ago), tampered, replayed, mislabelled,
oversized, undecodable or unknown, sent to the production WSGI app.

Each is refused (400, 401, 404, 409, 413) or answered cleanly (200); never a 500, never a write, and the server still
answers GET /healthz afterwards.

Replays: Bolt keeps no memory of requests, so bot.web remembers the signatures it took (bot.replays) for as long as
they stay valid, and a signed request sent again inside the five-minute window is refused. Slack never resends a
slash command or a click; it retries Events API deliveries (with X-Slack-Retry-Num), and a retry under a signature
already taken is acknowledged without being run again.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import http.client
import json
import socket
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
import waitress
from sqlalchemy import select

from bot.__main__ import MAX_BODY_BYTES
from bot.ids import CHECKIN_DONE, REJECTION_MODAL, ROLE_REACH_OUT
from bot.rejection_input import validate_rejection
from models import RoleOutreach
from models.records import record_rejection
from models.roles import create_role
from testkit.database import row_counts
from testkit.fakeslack import FakeSlack
from testkit.running import RunningApp
from testkit.slack_http import (
    SIGNING_SECRET,
    SLACK_ACK_SECONDS,
    VERIFICATION_TOKEN,
    HttpReply,
    block_actions_payload,
    cpu_seconds,
    event_body,
    get,
    interactive_body,
    slash_command_body,
    view_submission_payload,
)

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
WRITES = slash_command_body(text="Jane Doe email=jane@x.io role=Backend stage=final")  # records when accepted


# ---------------------------------------------------------------------------------------------------------------------
# Sending bytes exactly as given, signed or not
# ---------------------------------------------------------------------------------------------------------------------


def signature(body: bytes, timestamp: int | str, secret: str = SIGNING_SECRET) -> str:
    """Slack's v0 signature over the raw bytes, so bodies that are not UTF-8 can be signed too."""
    digest = hmac.new(secret.encode(), f"v0:{timestamp}:".encode() + body, hashlib.sha256).hexdigest()
    return f"v0={digest}"


def signed_headers(body: bytes, *, content_type: str | None = FORM, timestamp: int | None = None) -> dict[str, str]:
    stamp = int(time.time()) if timestamp is None else timestamp
    headers = {"X-Slack-Request-Timestamp": str(stamp), "X-Slack-Signature": signature(body, stamp)}
    if content_type is not None:
        headers["Content-Type"] = content_type
    return headers


def send(url: str, body: bytes | str, headers: dict[str, str], method: str = "POST") -> HttpReply:
    """One request with exactly these bytes and headers (http.client adds no Content-Type of its own)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
    try:
        connection.request(method, parts.path, body=body.encode() if isinstance(body, str) else body, headers=headers)
        response = connection.getresponse()
        return HttpReply(status=response.status, body=response.read().decode("utf-8", errors="replace"), headers={})
    finally:
        connection.close()


def send_signed(
    url: str, body: bytes | str, *, content_type: str | None = FORM, timestamp: int | None = None
) -> HttpReply:
    data = body.encode() if isinstance(body, str) else body
    return send(url, data, signed_headers(data, content_type=content_type, timestamp=timestamp))


def exchange_raw(url: str, head: bytes, body_chunks: list[bytes]) -> bytes:
    """Write a request by hand and read whatever comes back, even if the server stops reading the body early."""
    parts = urlsplit(url)
    answer = b""
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(head)
        try:
            for chunk in body_chunks:
                sock.sendall(chunk)
        except OSError:  # the server answered and closed before taking it all: what we want to see
            pass
        try:
            while received := sock.recv(65536):
                answer += received
        except OSError:
            pass
    return answer


# ---------------------------------------------------------------------------------------------------------------------
# What "refused or answered cleanly" means
# ---------------------------------------------------------------------------------------------------------------------


def check_no_harm(app: RunningApp, before: dict[str, int]) -> None:
    """Nothing written, and the server still healthy."""
    assert row_counts(app.engine) == before
    assert get(app.url + "/healthz").status == 200


def check_refused(app: RunningApp, reply: HttpReply, before: dict[str, int], status: int) -> None:
    check_no_harm(app, before)
    assert reply.status == status, (reply.status, reply.body)


def nothing_yet(app: RunningApp) -> dict[str, int]:
    counts = row_counts(app.engine)
    assert not any(counts.values())
    return counts


# ---------------------------------------------------------------------------------------------------------------------
# Signatures and timestamps
# ---------------------------------------------------------------------------------------------------------------------

# Each returns the headers to change; None removes the header.
FORGERIES: dict[str, Callable[[bytes, int], dict[str, str | None]]] = {
    "another secret": lambda body, ts: {"X-Slack-Signature": signature(body, ts, "not-the-secret")},
    "signature of another body": lambda body, ts: {"X-Slack-Signature": signature(body + b"&x=1", ts)},
    "signature for another timestamp": lambda body, ts: {"X-Slack-Signature": signature(body, ts - 1)},
    "v1 scheme": lambda body, ts: {"X-Slack-Signature": "v1=" + signature(body, ts)[3:]},
    "no scheme": lambda body, ts: {"X-Slack-Signature": signature(body, ts)[3:]},
    "truncated": lambda body, ts: {"X-Slack-Signature": signature(body, ts)[:-1]},
    "upper-case hex": lambda body, ts: {"X-Slack-Signature": "v0=" + signature(body, ts)[3:].upper()},
    "empty": lambda body, ts: {"X-Slack-Signature": ""},
    "signature header missing": lambda body, ts: {"X-Slack-Signature": None},
    "timestamp header missing": lambda body, ts: {"X-Slack-Request-Timestamp": None},
    "negative timestamp": lambda body, ts: {
        "X-Slack-Request-Timestamp": "-1",
        "X-Slack-Signature": signature(body, -1),
    },
}


@pytest.mark.parametrize("forgery", FORGERIES.values(), ids=FORGERIES.keys())
def test_a_forged_signature_is_refused(
    running: RunningApp, forgery: Callable[[bytes, int], dict[str, str | None]]
) -> None:
    before = nothing_yet(running)
    body = WRITES.encode()
    changed: dict[str, str | None] = {**signed_headers(body), **forgery(body, int(time.time()))}
    reply = send(running.events_url, body, {key: value for key, value in changed.items() if value is not None})
    check_refused(running, reply, before, 401)


@pytest.mark.parametrize(
    "offset_seconds",
    [-301, -3600, -366 * 86400, 330, 3600, 366 * 86400],
    ids=["5m01s old", "an hour old", "a year old", "5m30s ahead", "an hour ahead", "a year ahead"],
)
def test_a_signed_request_outside_the_five_minutes_is_refused(running: RunningApp, offset_seconds: int) -> None:
    """A timestamp ahead of the clock comes closer while the request travels, so that edge keeps a margin.

    The verifier compares the server's fractional now with the whole-second timestamp: one just 301 s ahead is
    inside the window again as soon as the second turns before the server reads it.
    """
    before = nothing_yet(running)
    reply = send_signed(running.events_url, WRITES, timestamp=int(time.time()) + offset_seconds)
    check_refused(running, reply, before, 401)


@pytest.mark.parametrize("offset_seconds", [-290, 290], ids=["4m50s old", "4m50s ahead"])
def test_a_signed_request_inside_the_five_minutes_is_accepted(running: RunningApp, offset_seconds: int) -> None:
    """The control for the two tests above: the same body, correctly signed, records the rejection."""
    reply = send_signed(running.events_url, WRITES, timestamp=int(time.time()) + offset_seconds)
    assert reply.status == 200 and "Recorded Jane Doe" in reply.body
    assert row_counts(running.engine)["rejections"] == 1


TAMPERING: dict[str, Callable[[str], str]] = {
    "text changed": lambda body: body.replace("Jane", "Mallory"),
    "user changed": lambda body: body.replace("U0REC", "U0ADMIN"),
    "team changed": lambda body: body.replace("T0TEST", "T0OTHER"),
    "field appended": lambda body: body + "&user_id=U0ADMIN",
    "truncated": lambda body: body[:-5],
    "trailing newline": lambda body: body + "\n",
    "percent-encoding changed": lambda body: body.replace("%3D", "="),
}


@pytest.mark.parametrize("tamper", TAMPERING.values(), ids=TAMPERING.keys())
def test_a_body_altered_after_signing_is_refused(running: RunningApp, tamper: Callable[[str], str]) -> None:
    before = nothing_yet(running)
    headers = signed_headers(WRITES.encode())
    altered = tamper(WRITES)
    assert altered != WRITES
    check_refused(running, send(running.events_url, altered, headers), before, 401)


# ---------------------------------------------------------------------------------------------------------------------
# Replays and retries
# ---------------------------------------------------------------------------------------------------------------------


def no_more_calls(fake_slack: FakeSlack, method: str, count: int) -> None:
    """Exactly `count` calls to `method` were made, and no further one arrives in the next half second."""
    fake_slack.wait_for(method, count=count)
    with pytest.raises(AssertionError):
        fake_slack.wait_for(method, count=count + 1, timeout=0.5)


def test_a_replayed_command_is_refused_and_writes_nothing(running: RunningApp) -> None:
    """The same signed /rejected again inside the five minutes: refused (409), even marked as a Slack retry, which
    Slack never sends for a command (that one is acknowledged with an empty 200 and not run)."""
    body = WRITES.encode()
    headers = signed_headers(body)
    first = send(running.events_url, body, headers)
    assert first.status == 200 and "Recorded Jane Doe" in first.body
    recorded = row_counts(running.engine)
    assert (recorded["rejections"], recorded["candidates"], recorded["checkins"]) == (1, 1, 1)
    replay = send(running.events_url, body, headers)
    assert (replay.status, json.loads(replay.body)) == (409, {"error": "this request was already received"})
    retry = send(running.events_url, body, headers | {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"})
    assert (retry.status, retry.body) == (200, "")
    check_no_harm(running, recorded)


def test_replays_sent_at_once_are_taken_once(running: RunningApp) -> None:
    """Ten copies of one signed /rejected in flight together: the check is atomic, so exactly one records."""
    body = WRITES.encode()
    headers = signed_headers(body)
    with ThreadPoolExecutor(max_workers=10) as pool:
        replies = list(pool.map(lambda _: send(running.events_url, body, headers), range(10)))
    assert sorted(reply.status for reply in replies) == [200] + [409] * 9
    assert row_counts(running.engine)["rejections"] == 1


def test_the_same_command_signed_at_another_second_is_answered_as_a_double_submit(running: RunningApp) -> None:
    """Two deliveries, not a replay: the signature covers the timestamp, so only Slack (or a holder of the secret)
    can make the second, and bot.web lets it through. Slack gives each command its own trigger_id, so two alike mean
    the recruiter sent the same rejection twice: the second is answered as already recorded and writes nothing."""
    body = WRITES.encode()
    now = int(time.time())
    first = send_signed(running.events_url, body, timestamp=now - 10)
    recorded = row_counts(running.engine)
    second = send_signed(running.events_url, body, timestamp=now)
    assert (first.status, second.status) == (200, 200)
    assert json.loads(first.body)["text"] == "Recorded Jane Doe for Backend."
    assert json.loads(second.body)["text"] == "Already recorded Jane Doe for Backend; nothing new was saved."
    assert (recorded["rejections"], recorded["candidates"], recorded["checkins"]) == (1, 1, 1)
    check_no_harm(running, recorded)


def test_a_replayed_click_is_not_handled_twice(running: RunningApp, fake_slack: FakeSlack) -> None:
    """A click sent again with its signature is refused; a second click (signed anew) is answered from the data:
    "I'll reach out" logs one outreach and says it already was."""
    entry = validate_rejection({"name": "Ada Byron", "role": "Backend Engineer", "stage": "final"})
    with running.sessions.begin() as session:
        rejection = record_rejection(
            session=session, team_id="T0TEST", user_id="U0REC", entry=entry, policy=running.settings.policy
        )
        role = create_role(session=session, team_id="T0TEST", opened_by="U0REC", title="Backend Engineer")
        value = f"{role.id}:{rejection.candidate_id}"
    payload = block_actions_payload(action_id=ROLE_REACH_OUT, value=value, response_url=fake_slack.response_url())
    body = interactive_body(payload).encode()
    headers = signed_headers(body, timestamp=int(time.time()) - 1)
    first = send(running.events_url, body, headers)
    replayed = send(running.events_url, body, headers)
    again = send_signed(running.events_url, body)
    assert (first.status, replayed.status, again.status) == (200, 409, 200)
    # Each click is acknowledged before it is handled, so the two may be handled in either order.
    no_more_calls(fake_slack, "response_url", 2)
    answers = sorted(call.params["text"] for call in fake_slack.calls_to("response_url"))
    assert answers[0].startswith("Noted: you'll reach out to *Ada Byron*")
    assert answers[1].startswith("You already said you'd reach out to *Ada Byron*")
    with running.sessions() as session:
        assert len(session.scalars(select(RoleOutreach)).all()) == 1


def test_a_retried_event_is_acknowledged_and_writes_nothing(running: RunningApp, fake_slack: FakeSlack) -> None:
    """Slack retries an event it thinks we missed. A retry under a signature already taken is acknowledged and not
    run again; one signed anew is handled again, harmlessly: app_home_opened only redraws the Home tab."""
    before = nothing_yet(running)
    body = event_body({"type": "app_home_opened", "user": "U0REC", "channel": "D0DM", "tab": "home"}).encode()
    headers = signed_headers(body, content_type=JSON, timestamp=int(time.time()) - 1)
    assert send(running.events_url, body, headers).status == 200
    for retry in ("1", "2"):
        extra = {"X-Slack-Retry-Num": retry, "X-Slack-Retry-Reason": "http_timeout"}
        assert send(running.events_url, body, headers | extra).status == 200
    fresh = signed_headers(body, content_type=JSON) | {"X-Slack-Retry-Num": "3", "X-Slack-Retry-Reason": "http_error"}
    assert send(running.events_url, body, fresh).status == 200
    no_more_calls(fake_slack, "views.publish", 2)
    check_no_harm(running, before)


# ---------------------------------------------------------------------------------------------------------------------
# Content types, methods, unknown ids
# ---------------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("content_type", [None, "text/plain", "multipart/form-data; boundary=x", JSON, "text/html"])
def test_an_unsigned_body_is_refused_whatever_its_content_type(running: RunningApp, content_type: str | None) -> None:
    before = nothing_yet(running)
    headers = {"Content-Type": content_type} if content_type else {}
    body = WRITES if content_type != JSON else json.dumps({"type": "event_callback", "event": {"type": "x"}})
    check_refused(running, send(running.events_url, body, headers), before, 401)


@pytest.mark.parametrize("content_type", [None, "text/plain", f"{FORM}; charset=utf-8"])
def test_a_signed_form_with_another_content_type_is_read_as_a_form(
    running: RunningApp, content_type: str | None
) -> None:
    """Bolt reads the body by its shape, not its label; the signature is what makes it Slack's."""
    reply = send_signed(running.events_url, WRITES, content_type=content_type)
    assert reply.status == 200 and "Recorded Jane Doe" in reply.body
    assert row_counts(running.engine)["rejections"] == 1


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "PATCH"])
def test_other_methods_are_not_found(running: RunningApp, method: str) -> None:
    before = nothing_yet(running)
    check_refused(running, send(running.events_url, WRITES, signed_headers(WRITES.encode()), method), before, 404)


def unknown_requests() -> dict[str, tuple[str, str]]:
    """Signed requests for things Keepwarm never registered; each (body, content type)."""
    view = view_submission_payload(callback_id="not_a_modal", values={})
    return {
        "unknown command": (slash_command_body(command="/keepwarm-admin", text="drop"), FORM),
        "command in capitals": (slash_command_body(command="/REJECTED", text="Jane role=QA stage=final"), FORM),
        "unknown action id": (interactive_body(block_actions_payload(action_id="delete_everything", value="1")), FORM),
        "action id with a suffix": (interactive_body(block_actions_payload(action_id=CHECKIN_DONE + "_x")), FORM),
        "unknown callback id": (interactive_body(view), FORM),
        "closing a form": (interactive_body({**view, "type": "view_closed"}), FORM),
        "unknown shortcut": (
            interactive_body(
                {"type": "shortcut", "callback_id": "x", "user": {"id": "U0REC"}, "team": {"id": "T0TEST"}}
            ),
            FORM,
        ),
        "unsubscribed event": (event_body({"type": "message", "text": "hi", "user": "U0REC", "channel": "C1"}), JSON),
        "empty body": ("", FORM),
        "empty payload object": (urlencode({"payload": "{}"}), FORM),
    }


@pytest.mark.parametrize(("body", "content_type"), unknown_requests().values(), ids=unknown_requests().keys())
def test_a_signed_request_for_something_unknown_is_not_found(
    running: RunningApp, fake_slack: FakeSlack, body: str, content_type: str
) -> None:
    before = nothing_yet(running)
    calls = len(fake_slack.calls)
    check_refused(running, send_signed(running.events_url, body, content_type=content_type), before, 404)
    assert fake_slack.calls[calls:] == []  # nothing was done on Slack either


@pytest.mark.parametrize(
    "payload",
    [
        {"type": "url_verification", "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"},
        {"type": "event_callback", "event": {"type": "app_home_opened", "user": "U0REC", "tab": "messages"}},
    ],
    ids=["url verification", "messages tab opened"],
)
def test_slacks_housekeeping_requests_are_answered(running: RunningApp, payload: dict[str, object]) -> None:
    before = nothing_yet(running)
    reply = send_signed(running.events_url, json.dumps(payload), content_type=JSON)
    assert reply.status == 200
    if payload["type"] == "url_verification":
        assert json.loads(reply.body) == {"challenge": payload["challenge"]}
    check_no_harm(running, before)


def test_slacks_certificate_check_is_answered_unsigned_and_does_nothing(running: RunningApp) -> None:
    """Bolt answers ssl_check before any signature check, so Slack may send it unsigned; it only gets a 200."""
    before = nothing_yet(running)
    reply = send(running.events_url, f"ssl_check=1&token={VERIFICATION_TOKEN}", {"Content-Type": FORM})
    assert (reply.status, reply.body) == (200, "")
    check_no_harm(running, before)


# ---------------------------------------------------------------------------------------------------------------------
# Size: the production server's cap, and the worst inputs just under it
# ---------------------------------------------------------------------------------------------------------------------


@pytest.fixture
def production(monkeypatch: pytest.MonkeyPatch, database_url: str, request: pytest.FixtureRequest) -> RunningApp:
    """`running`, served with the request-size cap `python -m bot` gives waitress (the bare fixture has none)."""
    capped = functools.partial(waitress.create_server, max_request_body_size=MAX_BODY_BYTES)
    monkeypatch.setattr(waitress, "create_server", capped)
    return request.getfixturevalue("running")


def request_head(length_header: str, headers: dict[str, str]) -> bytes:
    lines = ["POST /slack/events HTTP/1.1", "Host: keepwarm.test", length_header]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


@pytest.mark.parametrize("signed", [True, False], ids=["signed", "unsigned"])
@pytest.mark.parametrize("framing", ["content-length", "chunked"])
def test_a_body_of_several_megabytes_is_refused_before_it_is_read(
    production: RunningApp, signed: bool, framing: str
) -> None:
    before = nothing_yet(production)
    body = slash_command_body(text="Jane Doe role=QA stage=final note=" + "x" * 5_000_000).encode()
    headers = signed_headers(body) if signed else {"Content-Type": FORM}
    pieces = [body[start : start + 65536] for start in range(0, len(body), 65536)]
    if framing == "chunked":
        head = request_head("Transfer-Encoding: chunked", headers)
        pieces = [b"%x\r\n%s\r\n" % (len(piece), piece) for piece in pieces] + [b"0\r\n\r\n"]
    else:
        head = request_head(f"Content-Length: {len(body)}", headers)
    answer = exchange_raw(production.url, head, pieces)
    assert answer.startswith(b"HTTP/1.1 413 "), answer[:100]
    check_no_harm(production, before)


# The slowest shapes for the command parser: one long word, many words, many options, many quoted options.
WORST_SHAPES = {"one word": "J", "many words": "a ", "many options": "k=v ", "many quoted options": 'a="b" '}
# Slack truncates message text at 40,000 characters; taken here as the bound on what anyone can type after a command.
SLACK_TEXT_MAX = 40_000


@pytest.mark.parametrize("unit", WORST_SHAPES.values(), ids=WORST_SHAPES.keys())
def test_the_longest_command_slack_can_send_is_refused_for_under_three_cpu_seconds(
    production: RunningApp, unit: str
) -> None:
    before = nothing_yet(production)
    text = (unit * SLACK_TEXT_MAX)[:SLACK_TEXT_MAX]
    reply, elapsed = cpu_seconds(lambda: send_signed(production.events_url, slash_command_body(text=text)))
    assert elapsed < SLACK_ACK_SECONDS
    assert reply.status == 200 and json.loads(reply.body)["text"].startswith("Nothing was saved: ")
    check_no_harm(production, before)


def test_a_command_as_large_as_the_server_takes_is_refused_cleanly(production: RunningApp) -> None:
    """One megabyte of name: far beyond what Slack sends, still answered with the reason, for under 3 s of CPU.

    (A megabyte of one-letter words takes 1.5 to 3 s to parse on a loaded machine, too close to Slack's limit to
    assert here; only a holder of the signing secret could send it.)
    """
    before = nothing_yet(production)
    name = "J" * (MAX_BODY_BYTES - len(slash_command_body(text="")) - 1)  # waitress refuses a body of the cap itself
    body = slash_command_body(text=name)
    assert len(body) == MAX_BODY_BYTES - 1
    reply, elapsed = cpu_seconds(lambda: send_signed(production.events_url, body))
    assert elapsed < SLACK_ACK_SECONDS
    assert reply.status == 200 and f"is {len(name):,} characters" in json.loads(reply.body)["text"]
    check_no_harm(production, before)


# ---------------------------------------------------------------------------------------------------------------------
# Requests that crashed Bolt into a 500 before bot.web checked them first
# ---------------------------------------------------------------------------------------------------------------------


def unparseable_requests() -> dict[str, tuple[bytes, dict[str, str], int]]:
    """Requests that cannot be read, unsigned (anyone can send them) or signed; each (body, headers, status).

    Unsigned ones are refused as unsigned (401), except a body that is not UTF-8, which cannot even be checked (400).
    """
    stamp = str(int(time.time()))
    bad = {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": "v0=" + "0" * 64}
    not_utf8 = b"token=x&text=\xff\xfe"
    separated = f"{stamp[0]}_{stamp[1:]}"
    underscored = {"X-Slack-Request-Timestamp": separated, "X-Slack-Signature": signature(WRITES.encode(), separated)}
    unsigned = {
        "body not UTF-8": (not_utf8, bad | {"Content-Type": FORM}, 400),
        "JSON that does not parse": (b'{"type": "event_callback", ', bad | {"Content-Type": JSON}, 401),
        "payload that does not parse": (b"payload=%7Bnot+json", bad | {"Content-Type": FORM}, 401),
        "JSON that is not an object": (b"[1, 2]", bad | {"Content-Type": JSON}, 401),
        "a form labelled JSON": (WRITES.encode(), bad | {"Content-Type": JSON}, 401),
        "timestamp not a number": (WRITES.encode(), bad | {"X-Slack-Request-Timestamp": "yesterday"}, 401),
        "timestamp empty": (WRITES.encode(), bad | {"X-Slack-Request-Timestamp": ""}, 401),
        "timestamp with underscores, signed": (WRITES.encode(), underscored, 401),  # int() would read it
        "timestamp with spaces": (WRITES.encode(), bad | {"X-Slack-Request-Timestamp": f" {stamp} "}, 401),
        "signature not ASCII": (WRITES.encode(), bad | {"X-Slack-Signature": "v0=\u00e9"}, 401),
    }
    signed_bodies = {
        "body not UTF-8, signed": (not_utf8, FORM),
        "JSON that does not parse, signed": (b'{"type": "event_callback", ', JSON),
        "payload that does not parse, signed": (b"payload=%7Bnot+json", FORM),
        "JSON that is not an object, signed": (b"[1, 2]", JSON),
        "JSON nested too deep, signed": (b"[" * 100_000 + b"]" * 100_000, JSON),
        "a form labelled JSON, signed": (WRITES.encode(), JSON),
    }
    signed = {
        name: (body, signed_headers(body, content_type=content_type), 400)
        for name, (body, content_type) in signed_bodies.items()
    }
    return unsigned | signed


@pytest.mark.parametrize("case", unparseable_requests().keys())
def test_an_unparseable_request_is_refused_not_a_500(running: RunningApp, case: str) -> None:
    # Signed when the test runs, not when it is collected: a long suite would otherwise send it past Slack's 5 minutes.
    body, headers, status = unparseable_requests()[case]
    before = nothing_yet(running)
    reply = send(running.events_url, body, headers)
    check_refused(running, reply, before, status)
    assert json.loads(reply.body)["error"], reply.body  # says why


def malformed_slack_payloads() -> dict[str, str]:
    """Signed, so only someone holding the signing secret could send them; Slack's own payloads never look so.

    Each crashed Bolt's matching (IndexError) or a listener (KeyError, AttributeError, TypeError) before ack(): 500.
    """
    click = block_actions_payload(action_id=CHECKIN_DONE, value="1:0:0:1")
    form = view_submission_payload(callback_id=REJECTION_MODAL, values={})
    event = json.loads(event_body({"type": "app_home_opened", "user": "U0REC", "tab": "home"}))
    command = dict(parse_qsl(WRITES))
    return {
        "click without actions": interactive_body({**click, "actions": []}),
        "click with no actions field": interactive_body(
            {key: value for key, value in click.items() if key != "actions"}
        ),
        "click action without action id": interactive_body({**click, "actions": [{"value": "1"}]}),
        "click without user": interactive_body({**click, "user": None}),
        "click without team": interactive_body({**click, "team": None, "user": {"id": "U0REC"}}),
        "form values not an object": interactive_body(form | {"view": form["view"] | {"state": {"values": []}}}),
        "form without state": interactive_body(form | {"view": form["view"] | {"state": None}}),
        "form field not an object": interactive_body(form | {"view": form["view"] | {"state": {"values": {"a": 1}}}}),
        "select option as text": interactive_body(
            form | {"view": form["view"] | {"state": {"values": {"stage": {"value": {"selected_option": "final"}}}}}}
        ),
        "form without callback id": interactive_body(form | {"view": {**form["view"], "callback_id": None}}),
        "command without team": urlencode({key: value for key, value in command.items() if key != "team_id"}),
        "command without user": urlencode({key: value for key, value in command.items() if key != "user_id"}),
        "command without trigger id": urlencode({key: value for key, value in command.items() if key != "trigger_id"}),
        "payload that is a string": urlencode({"payload": json.dumps("block_actions")}),
        "event that is a string": json.dumps({**event, "event": "app_home_opened"}),
    }


@pytest.mark.parametrize("body", malformed_slack_payloads().values(), ids=malformed_slack_payloads().keys())
def test_a_signed_payload_of_the_wrong_shape_is_refused_not_a_500(
    running: RunningApp, fake_slack: FakeSlack, body: str
) -> None:
    before = nothing_yet(running)
    calls = len(fake_slack.calls)
    content_type = JSON if body.startswith("{") else FORM
    reply = send_signed(running.events_url, body, content_type=content_type)
    check_refused(running, reply, before, 400)
    assert json.loads(reply.body)["error"].startswith("the body is not a Slack payload: "), reply.body
    assert fake_slack.calls[calls:] == []  # nothing was done on Slack either
