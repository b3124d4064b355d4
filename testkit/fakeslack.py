"""A local fake of the Slack Web API: real HTTP on 127.0.0.1, so the app's real WebClient is exercised end to end."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import math
import threading
import time
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, quote, unquote
from zoneinfo import ZoneInfo

from testkit import http_fake
from testkit.fakeslack_oauth import Installer, OAuthApp, SlackOAuth

TEAM_ID = "T0TEST"
BOT_USER_ID = "U0BOT"
BOT_ID = "B0BOT"
APP_ID = "A0APP"
BOT_TOKEN = "xoxb-test-token"  # the token test deployments run with (testkit.env); uploaded files accept it
FILES_PATH = "/files-pri/"
# Where files.getUploadURLExternal sends the bytes of an upload (Slack's are https://files.slack.com/upload/v1/<ticket>).
UPLOAD_PATH = "/upload/v1/"

# Each method's documented tier, for the methods the jobs call in bulk (slackapi/java-slack-sdk's MethodsRateLimits
# lists every method's tier as its reference page states it). chat.postMessage has a special tier of its own.
TIER_2, TIER_3, TIER_4 = "Tier 2", "Tier 3", "Tier 4"
METHOD_TIERS = {
    "users.info": TIER_4,
    "users.lookupByEmail": TIER_3,
    "conversations.open": TIER_3,
    "conversations.history": TIER_3,
}

# Slack accepts these as JSON-encoded strings in form bodies; tests want to assert on their structure, not their text.
_JSON_FIELDS = frozenset({"view", "blocks", "attachments", "metadata"})


@dataclass
class Call:
    """One request the app made, as Slack would have seen it."""

    method: str
    params: dict[str, Any]
    headers: dict[str, str]
    path: str
    team: str = TEAM_ID  # the workspace of the token it came with


@dataclass
class Reply(http_fake.Reply):
    """A scripted answer, to make the fake misbehave the ways real Slack does (errors, 429s, garbage, slowness)."""

    # Do what the default reply would do (e.g. really post the message) but answer with this reply: Slack acted,
    # and the app never heard (a lost response, a 500 after the fact).
    applied: bool = False


def rate_limited(retry_after: int = 1) -> Reply:
    """Slack's answer beyond a rate limit: HTTP 429, error `ratelimited`, and Retry-After in whole seconds."""
    return Reply({"ok": False, "error": "ratelimited"}, status=429, headers={"Retry-After": str(retry_after)})


@dataclass(frozen=True)
class Limit:
    """A token bucket: `per_minute` calls a minute on average, and up to `burst` of them back to back."""

    per_minute: float
    burst: int

    def least_seconds(self, calls: int) -> float:
        """The least time `calls` calls take through a full bucket: what a lower bound on delivery is made of."""
        return max(0, calls - self.burst) * 60 / self.per_minute


@dataclass(frozen=True)
class RateLimits:
    """Slack's documented Web API limits (docs.slack.dev/apis/web-api/rate-limits), enforced per app and workspace.

    - chat.postMessage: "generally allows posting one message per second per channel", "short bursts >1 allowed",
      "while also maintaining a workspace-wide limit": "several hundred messages per minute" (slack_sdk for Java's
      description of the special tier). We take 300 a minute.
    - Tier 2 "20+ per minute", Tier 3 "50+ per minute", Tier 4 "100+ per minute": the documented floor of each.
    Slack does not publish burst sizes; we allow 3 posts at once per channel and a tenth of a minute's quota
    elsewhere. Beyond a limit: HTTP 429, {"ok": false, "error": "ratelimited"}, and Retry-After in whole seconds.
    """

    post_per_channel: Limit = Limit(60, 3)
    post_per_workspace: Limit = Limit(300, 30)
    tiers: Mapping[str, Limit] = field(
        default_factory=lambda: {TIER_2: Limit(20, 2), TIER_3: Limit(50, 5), TIER_4: Limit(100, 10)}
    )

    def buckets(self, method: str, params: Mapping[str, Any]) -> list[tuple[tuple[str, str], Limit]]:
        """The buckets a call draws from, each named (method, scope); methods not listed here are not limited."""
        if method == "chat.postMessage":
            channel = _posted_channel(str(params.get("channel", "")))
            return [((method, channel), self.post_per_channel), ((method, TEAM_ID), self.post_per_workspace)]
        tier = METHOD_TIERS.get(method)
        return [] if tier is None else [((method, TEAM_ID), self.tiers[tier])]


class _Limiter:
    """Token buckets refilled continuously: a call goes ahead only when every bucket it draws from has a token."""

    def __init__(self, limits: RateLimits, clock: Callable[[], float]) -> None:
        self._limits, self._clock = limits, clock
        self._levels: dict[tuple[str, str], tuple[float, float]] = {}  # bucket -> (tokens, when counted)
        self._lock = threading.Lock()

    def admit(self, method: str, params: Mapping[str, Any]) -> float | None:
        """None when the call may go ahead (its tokens are taken), else the seconds until it could."""
        buckets = self._limits.buckets(method, params)
        with self._lock:
            now = self._clock()
            levels = [(key, limit, self._level(key, limit, now)) for key, limit in buckets]
            waits = [(1 - level) * 60 / limit.per_minute for _, limit, level in levels if level < 1]
            taken = 0 if waits else 1  # a refused call takes nothing
            for key, _, level in levels:
                self._levels[key] = (level - taken, now)
        return max(waits) if waits else None

    def _level(self, key: tuple[str, str], limit: Limit, now: float) -> float:
        tokens, counted = self._levels.get(key, (float(limit.burst), now))
        return min(float(limit.burst), tokens + (now - counted) * limit.per_minute / 60)


@dataclass
class _Channel:
    """How a channel looks to the bot; channels never declared are public ones the bot is a member of."""

    exists: bool = True
    private: bool = False
    archived: bool = False
    member: bool = True

    def refusal(self, *, posting: bool) -> str | None:
        """The error Slack gives the bot for this channel, if any (reading info works for a non-member)."""
        if not self.exists or (self.private and not self.member):
            return "channel_not_found"  # a private channel the bot was not invited to is invisible to it
        if posting and self.archived:
            return "is_archived"
        if posting and not self.member:
            return "not_in_channel"
        return None


@dataclass
class _File:
    """A file someone uploaded, and the token that may download it."""

    id: str
    name: str
    data: bytes
    user: str
    token: str
    created: int

    def slug(self) -> str:
        return quote(self.name.lower().replace(" ", "_"))


@dataclass
class _Upload:
    """An upload begun with files.getUploadURLExternal: its bytes arrive at its upload URL, then
    files.completeUploadExternal makes it a file."""

    file_id: str
    filename: str
    length: int
    data: bytes | None = None


@dataclass(frozen=True)
class SharedFile:
    """A file the app uploaded (files.getUploadURLExternal, its upload URL, files.completeUploadExternal) and shared
    in a channel: what a test reads back."""

    id: str
    name: str
    title: str
    data: bytes
    channel: str
    initial_comment: str


@dataclass
class _User:
    id: str
    name: str
    tz: str
    deleted: bool
    is_bot: bool
    email: str | None
    team: str = TEAM_ID


def _user_object(user: _User) -> dict[str, Any]:
    """A user as users.info and users.lookupByEmail show it: with users:read.email, the profile has the email."""
    now = datetime.now(ZoneInfo(user.tz))
    offset = now.utcoffset()
    profile = {"real_name": user.name, "display_name": user.name, "team": user.team}
    if user.email is not None:
        profile["email"] = user.email
    return {
        "id": user.id,
        "team_id": user.team,
        "name": user.name,
        "real_name": user.name,
        "deleted": user.deleted,
        "is_bot": user.is_bot,
        "is_app_user": False,
        "tz": user.tz,
        "tz_label": now.tzname(),
        "tz_offset": int(offset.total_seconds()) if offset is not None else 0,
        "profile": profile,
    }


def _posted_channel(channel: str) -> str:
    """Posting to a user id lands in the bot's DM with that user."""
    return "D" + channel if channel.startswith(("U", "W")) else channel


def _file_type(name: str) -> dict[str, str]:
    """A file object's type fields, by the name's extension: the two kinds of file Keepwarm exchanges."""
    if name.lower().endswith(".json"):
        return {"mimetype": "application/json", "filetype": "json", "pretty_type": "JSON"}
    return {"mimetype": "text/csv", "filetype": "csv", "pretty_type": "CSV"}


def _canonical_header(name: str) -> str:
    """urllib sends "X-slack-signature"; normalise so tests can write the names the way Slack's docs do."""
    return "-".join(part.capitalize() for part in name.split("-"))


def _token(call: Call) -> str:
    """The token a call came with: `Authorization: Bearer`, as slack_sdk sends it, or a `token` field."""
    authorization = call.headers.get("Authorization", "")
    if authorization.startswith("Bearer "):
        return authorization.removeprefix("Bearer ")
    return str(call.params.get("token", ""))


def _decode_json_fields(params: dict[str, Any]) -> dict[str, Any]:
    """Decode JSON-in-a-string fields so assertions can look inside blocks and views."""
    decoded = dict(params)
    for key in _JSON_FIELDS & decoded.keys():
        if isinstance(decoded[key], str):
            # On failure keep what the app sent: a test can then assert it was wrong.
            with contextlib.suppress(json.JSONDecodeError):
                decoded[key] = json.loads(decoded[key])
    return decoded


class FakeSlack(http_fake.HttpFake):
    """Records every call and answers with Slack-shaped replies, so tests can drive the app without the internet."""

    name = "fakeslack"

    def __init__(self) -> None:
        super().__init__()
        self._cond = threading.Condition()
        self._calls: list[Call] = []
        self._scripts: dict[str, deque[Reply]] = defaultdict(deque)
        self._latency: dict[str, float] = {}
        self._users: dict[str, _User] = {}
        self._groups: dict[str, list[str]] = {}
        self._channels: dict[str, _Channel] = {}
        self._history: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self._files: dict[str, _File] = {}
        self._uploads: dict[str, _Upload] = {}  # by the ticket in the upload URL
        self._shared: list[SharedFile] = []
        self._serial = 0
        self._limiter: _Limiter | None = None
        self._limited: Counter[str] = Counter()
        self._standing: dict[str, Reply] = {}
        self.oauth = SlackOAuth()
        self._handlers: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
            "auth.test": self._auth_test,
            "chat.postMessage": self._chat_post_message,
            "chat.update": self._chat_update,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "views.open": self._view_reply,
            "views.update": self._view_reply,
            "views.publish": self._view_reply,
            "conversations.open": self._conversations_open,
            "conversations.info": self._conversations_info,
            "conversations.history": self._conversations_history,
            "users.info": self._users_info,
            "users.lookupByEmail": self._users_lookup_by_email,
            "usergroups.users.list": self._usergroups_users_list,
            "files.info": self._files_info,
            "files.getUploadURLExternal": self._files_get_upload_url_external,
            "files.completeUploadExternal": self._files_complete_upload_external,
        }

    @property
    def api_url(self) -> str:
        """Base URL for WebClient(base_url=...); the trailing slash matters because slack_sdk appends the method."""
        return f"{self._origin}/api/"

    @property
    def authorize_url(self) -> str:
        """Slack's authorize page, where the install's "Add to Slack" link leads."""
        return f"{self._origin}/oauth/v2/authorize"

    def register_app(
        self, client_id: str, client_secret: str, redirect_url: str, *, rotation: bool = False, expires_in: int = 43200
    ) -> None:
        """A distributed app with its one Redirect URL (and token rotation, its tokens living `expires_in` s)."""
        self.oauth.apps[client_id] = OAuthApp(client_id, client_secret, redirect_url, rotation, expires_in)

    def install_as(self, team_id: str, user_id: str, team_name: str | None = None) -> None:
        """Who approves the next installs on the authorize page."""
        self.oauth.installer = Installer(team_id, team_name or f"Team {team_id}", user_id)

    def response_url(self, name: str = "default") -> str:
        """A response_url the app can POST to (as Bolt's respond() does); the name tells several apart."""
        return f"{self._origin}/response/{quote(name, safe='')}"

    # --- inspection and scripting ----------------------------------------------------------------------------

    @property
    def calls(self) -> list[Call]:
        """A snapshot, so a test can iterate while the app keeps calling."""
        with self._cond:
            return list(self._calls)

    def calls_to(self, method: str) -> list[Call]:
        with self._cond:
            return [call for call in self._calls if call.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        """Block until the app has made `count` calls to `method`: the app works on other threads."""
        with self._cond:
            done = self._cond.wait_for(lambda: sum(c.method == method for c in self._calls) >= count, timeout)
            seen = [c.method for c in self._calls]
        if not done:
            raise AssertionError(
                f"expected {count} call(s) to {method} within {timeout}s, got {seen.count(method)}; seen: {seen}"
            )
        return self.calls_to(method)

    def reset(self) -> None:
        """Start a new scenario without re-declaring the workspace's users and groups."""
        with self._cond:
            self._calls.clear()
            self._scripts.clear()
            self._history.clear()
            self._channels.clear()
            self._latency.clear()
            self._limiter = None
            self._limited.clear()
            self._standing.clear()
            self._files.clear()
            self._uploads.clear()
            self._shared.clear()
        self.oauth.reset()

    def script(self, method: str, *responses: Reply) -> None:
        """Queue one-shot replies for `method`; once used up, the default reply comes back."""
        with self._cond:
            self._scripts[method].extend(responses)

    def slow_down(self, method: str, seconds: float) -> None:
        """Answer every unscripted call to `method` only after `seconds`, until reset(): a slow Slack, so a test can
        stop the app while a call is in flight. The call takes effect (a message is posted) before the wait."""
        with self._cond:
            self._latency[method] = seconds

    def answer_every(self, method: str, reply: Reply | None) -> None:
        """Answer every call to `method` with `reply` (a 429 storm, an outage) until called with None or reset().

        One-shot scripted replies still come first.
        """
        with self._cond:
            if reply is None:
                self._standing.pop(method, None)
            else:
                self._standing[method] = reply

    def enforce_rate_limits(
        self, limits: RateLimits | None = None, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        """Answer 429 beyond Slack's limits from now until reset(); off by default, so no other test is slowed.

        Scripted replies still come first. `clock` (seconds) lets a test step time instead of sleeping.
        """
        with self._cond:
            self._limiter = _Limiter(limits or RateLimits(), clock)
            self._limited.clear()

    def rate_limited(self) -> Counter[str]:
        """How many calls to each method were refused with a 429 by the limits (scripted 429s not counted)."""
        with self._cond:
            return Counter(self._limited)

    def messages(self, channel: str) -> list[dict[str, Any]]:
        """What a channel shows now, oldest first: posted messages as last updated."""
        with self._cond:
            return [dict(message) for message in self._history[channel]]

    def set_user(
        self,
        user_id: str,
        *,
        tz: str = "America/New_York",
        deleted: bool = False,
        is_bot: bool = False,
        name: str | None = None,
        email: str | None = None,
        team: str = TEAM_ID,
    ) -> None:
        """A workspace member; with an `email`, users.lookupByEmail finds them and their profile shows it."""
        ZoneInfo(tz)  # fail here, in the test's setup, on a typo rather than later inside a request
        with self._cond:
            if email is not None:  # an address belongs to one member of a workspace, as in Slack
                for other in list(self._users.values()):
                    if other.id != user_id and other.email is not None and other.email.lower() == email.lower():
                        self._users[other.id] = dataclasses.replace(other, email=None)
            self._users[user_id] = _User(user_id, name or user_id.lower(), tz, deleted, is_bot, email, team)

    def set_channel(
        self,
        channel_id: str,
        *,
        exists: bool = True,
        private: bool = False,
        archived: bool = False,
        member: bool = True,
    ) -> None:
        """How conversations.info, chat.postMessage and conversations.history see a channel, until reset()."""
        with self._cond:
            self._channels[channel_id] = _Channel(exists=exists, private=private, archived=archived, member=member)

    def _channel(self, channel_id: str) -> _Channel:
        with self._cond:
            return self._channels.get(channel_id, _Channel())

    def add_file(
        self, data: bytes, *, name: str = "candidates.csv", user: str = "U0ADMIN", token: str = BOT_TOKEN
    ) -> dict[str, Any]:
        """A file `user` uploaded, until reset(); returns its file object as a file_input's state and files.info
        give it. Its url_private and url_private_download serve `data` to `Authorization: Bearer <token>` only;
        any other request is redirected to the sign-in page, as Slack does (see _file_download)."""
        with self._cond:
            self._serial += 1
            file = _File(f"F0{self._serial:09d}", name, data, user, token, 1700000000 + self._serial)
            self._files[file.id] = file
        return self._file_object(file)

    def shared_files(self, channel: str) -> list[SharedFile]:
        """The files the app uploaded and shared in `channel`, oldest first, with their bytes."""
        with self._cond:
            return [file for file in self._shared if file.channel == channel]

    def wait_for_file(self, channel: str, timeout: float = 5.0) -> SharedFile:
        """Block until the app has shared one file in `channel`, and return it: the app uploads on another thread,
        and a completing call is recorded before its file is shared."""
        with self._cond:
            if not self._cond.wait_for(lambda: any(f.channel == channel for f in self._shared), timeout):
                raise AssertionError(f"no file shared in {channel} within {timeout}s")
            [file] = [f for f in self._shared if f.channel == channel]
        return file

    def _file_object(self, file: _File) -> dict[str, Any]:
        """A file object's fields as Slack sends them for an uploaded CSV (docs.slack.dev, the file object; a
        file_input's view_submission state, as recorded in slackapi's issues, carries the same)."""
        base = f"{self._origin}{FILES_PATH}{TEAM_ID}-{file.id}"
        return {
            "id": file.id,
            "created": file.created,
            "timestamp": file.created,
            "name": file.name,
            "title": file.name,
            **_file_type(file.name),
            "user": file.user,
            "user_team": TEAM_ID,
            "editable": False,
            "size": len(file.data),
            "mode": "hosted",
            "is_external": False,
            "external_type": "",
            "is_public": False,
            "public_url_shared": False,
            "display_as_bot": False,
            "username": "",
            "url_private": f"{base}/{file.slug()}",
            "url_private_download": f"{base}/download/{file.slug()}",
            "media_display_type": "unknown",
            "permalink": f"https://keepwarm-test.slack.com/files/{file.user}/{file.id}/{file.slug()}",
            "permalink_public": f"https://slack-files.com/{TEAM_ID}-{file.id}-0123456789",
            "comments_count": 0,
            "shares": {},
            "channels": [],
            "groups": [],
            "ims": [],
            "has_more_shares": False,
            "has_rich_preview": False,
            "file_access": "visible",
        }

    def set_usergroup(self, group_id: str, user_ids: list[str]) -> None:
        with self._cond:
            self._groups[group_id] = list(user_ids)

    @contextlib.contextmanager
    def directory_kept(self) -> Iterator[None]:
        """Put the workspace's users and groups back as they were once the block ends: what one test declares or
        changes (a time zone, a departure, an address) must not reach a later test sharing this fake."""
        with self._cond:
            users, groups = dict(self._users), {group: list(members) for group, members in self._groups.items()}
        try:
            yield
        finally:
            with self._cond:
                self._users, self._groups = users, groups

    # --- request handling ------------------------------------------------------------------------------------

    def _answer(self, request: http_fake.Request) -> Reply:
        """The request as the Call Slack would see: its Web API method, or what else on Slack's hosts it asked for."""
        url = request.url
        params: dict[str, Any] = dict(parse_qsl(url.query, keep_blank_values=True))
        headers = {_canonical_header(key): value for key, value in request.headers.items()}
        if url.path.startswith(UPLOAD_PATH):  # a file's bytes, whatever Content-Type urllib gave them
            return self._record(Call("file_upload", {"_bytes": request.body}, headers, url.path))
        raw = request.body.decode("utf-8")
        if raw and request.headers.get_content_type() == "application/json":
            try:
                body = json.loads(raw)
            except json.JSONDecodeError:
                body = {"_raw": raw}  # kept so the test can see what the app actually sent
            params.update(body if isinstance(body, dict) else {"_raw": body})
        elif raw:
            params.update(parse_qsl(raw, keep_blank_values=True))

        if url.path.startswith("/api/"):
            method = url.path.removeprefix("/api/")
        elif url.path.startswith("/response/"):
            method = "response_url"
            params["_name"] = unquote(url.path.removeprefix("/response/"))
        elif url.path.startswith(FILES_PATH):
            method = "file_download"  # /files-pri/<team>-<file id>[/download]/<name>
            params["_file"] = url.path.removeprefix(FILES_PATH).split("/")[0].partition("-")[2]
        elif url.path == "/" and "redir" in params:
            method = "sign_in"
        elif url.path == "/oauth/v2/authorize":
            method = "oauth_authorize"
        else:
            method = url.path
        call = Call(method, _decode_json_fields(params), headers, url.path)
        call.team = self.oauth.team_of(_token(call), TEAM_ID)
        return self._record(call)

    def _record(self, call: Call) -> Reply:
        """Record first, then pick the reply, so even slow or failing replies are visible to wait_for."""
        with self._cond:
            self._calls.append(call)
            self._cond.notify_all()
            queue = self._scripts.get(call.method)
            scripted = (queue.popleft() if queue else None) or self._standing.get(call.method)
            limiter = self._limiter
            latency = self._latency.get(call.method, 0.0)
        if scripted is None and limiter is not None and call.path.startswith("/api/"):
            wait = limiter.admit(call.method, call.params)
            if wait is not None:
                with self._cond:
                    self._limited[call.method] += 1
                return rate_limited(max(1, math.ceil(wait)))
        if scripted is not None and scripted.applied:
            self._default_reply(call)
        if scripted is not None:
            return scripted
        reply = self._default_reply(call)
        reply.delay = latency
        return reply

    def _default_reply(self, call: Call) -> Reply:
        if call.method == "response_url":
            return Reply("ok", headers={"Content-Type": "text/plain; charset=utf-8"})
        if call.method == "file_download":
            return self._file_download(call)
        if call.method == "file_upload":
            return self._file_upload(call)
        if call.method == "sign_in":
            return Reply(_SIGN_IN_PAGE, headers={"Content-Type": "text/html; charset=utf-8"})
        if call.method == "oauth_authorize":
            status, headers, page = self.oauth.authorize(call.params)
            return Reply(page, status=status, headers={"Content-Type": "text/html; charset=utf-8", **headers})
        if not call.path.startswith("/api/"):
            return Reply({"ok": False, "error": "not_found"}, status=404)
        if call.method == "oauth.v2.access":  # the app's credentials, not a token, authenticate these two
            return Reply(self.oauth.access(call.params, call.headers))
        if call.method == "oauth.v2.exchange":
            return Reply(self.oauth.exchange(call.params, call.headers))
        token = _token(call)
        if not token:
            return Reply({"ok": False, "error": "not_authed"})
        refusal = self.oauth.refusal(token)
        if refusal is not None:
            return Reply({"ok": False, "error": refusal})
        if "_raw" in call.params:
            return Reply({"ok": False, "error": "invalid_json"})
        handler = self._handlers.get(call.method)
        if handler is None:
            return Reply({"ok": False, "error": "unknown_method"})
        return Reply(handler({**call.params, "_team": call.team, "_token": token}))

    def _next_ts(self) -> str:
        """Unique, increasing message timestamps in Slack's "seconds.micro" format."""
        with self._cond:
            self._serial += 1
            serial = self._serial
        return f"{1700000000 + serial // 10000}.{serial % 10000 * 100:06d}"

    def _auth_test(self, params: dict[str, Any]) -> dict[str, Any]:
        """Whose token it is: a token an install issued answers for its own workspace and bot user."""
        issued = self.oauth.token_of(params["_token"])
        if issued is not None:
            domain = issued.team_id.lower()
            team, team_id, user_id, bot_id = (
                issued.team_name,
                issued.team_id,
                issued.bot_user_id,
                "B" + issued.bot_user_id[1:],
            )
        else:
            domain, team, team_id, user_id, bot_id = "keepwarm-test", "Keepwarm Test", TEAM_ID, BOT_USER_ID, BOT_ID
        return {
            "ok": True,
            "url": f"https://{domain}.slack.com/",
            "team": team,
            "user": "keepwarm",
            "team_id": team_id,
            "user_id": user_id,
            "bot_id": bot_id,
            "is_enterprise_install": False,
        }

    def _member(self, user_id: str, team: str) -> _User | None:
        """A user as the caller's workspace sees them: members of other workspaces are not found."""
        with self._cond:
            user = self._users.get(user_id)
        return user if user is not None and user.team == team else None

    def _bot_message(self, params: dict[str, Any], ts: str) -> dict[str, Any]:
        message: dict[str, Any] = {
            "type": "message",
            "text": params.get("text", ""),
            "user": BOT_USER_ID,
            "bot_id": BOT_ID,
            "app_id": APP_ID,
            "team": TEAM_ID,
            "ts": ts,
        }
        if "blocks" in params:
            message["blocks"] = params["blocks"]
        return message

    def _chat_post_message(self, params: dict[str, Any]) -> dict[str, Any]:
        target = str(params.get("channel", ""))
        if target.startswith(("U", "W")) and target in self._users and self._member(target, params["_team"]) is None:
            return {"ok": False, "error": "channel_not_found"}  # a DM to someone of another workspace
        channel = _posted_channel(target)
        refusal = self._channel(channel).refusal(posting=True)
        if refusal is not None:
            return {"ok": False, "error": refusal}
        ts = self._next_ts()
        message = self._bot_message(params, ts)
        stored = dict(message)
        if isinstance(params.get("metadata"), dict):
            stored["metadata"] = params["metadata"]
        with self._cond:
            self._history[channel].append(stored)
        return {"ok": True, "channel": channel, "ts": ts, "message": message}

    def _conversations_history(self, params: dict[str, Any]) -> dict[str, Any]:
        """Newest first, between `oldest` and `latest`; metadata only with include_all_metadata, as Slack does."""
        oldest = float(params.get("oldest") or 0)
        latest = float(params.get("latest") or "inf")
        inclusive = str(params.get("inclusive", "")).lower() in ("1", "true")
        with_metadata = str(params.get("include_all_metadata", "")).lower() in ("1", "true")
        state = self._channel(str(params.get("channel", "")))
        refusal = state.refusal(posting=False) or (None if state.member else "not_in_channel")
        if refusal is not None:
            return {"ok": False, "error": refusal}

        def wanted(ts: float) -> bool:
            return oldest <= ts <= latest if inclusive else oldest < ts < latest

        with self._cond:
            found = [dict(m) for m in self._history[str(params.get("channel", ""))] if wanted(float(m["ts"]))]
        if not with_metadata:
            for message in found:
                message.pop("metadata", None)
        return {"ok": True, "messages": found[::-1], "has_more": False}

    def _chat_update(self, params: dict[str, Any]) -> dict[str, Any]:
        ts = str(params.get("ts", ""))
        with self._cond:
            for message in self._history[str(params.get("channel", ""))]:
                if message["ts"] == ts:
                    message.update(self._bot_message(params, ts))
        return {
            "ok": True,
            "channel": params.get("channel", ""),
            "ts": ts,
            "text": params.get("text", ""),
            "message": self._bot_message(params, ts),
        }

    def _chat_post_ephemeral(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "message_ts": self._next_ts()}

    def _view_reply(self, params: dict[str, Any]) -> dict[str, Any]:
        """Echo the view back the way Slack does, with the server-side fields a later views.update needs."""
        view = params.get("view") if isinstance(params.get("view"), dict) else {}
        view_id = str(params.get("view_id") or f"V{self._next_ts().replace('.', '')}")
        return {
            "ok": True,
            "view": {
                "type": "modal",
                "blocks": [],
                "private_metadata": "",
                "callback_id": "",
                "external_id": "",
                "clear_on_close": False,
                "notify_on_close": False,
                **view,
                "id": view_id,
                "team_id": TEAM_ID,
                "state": {"values": {}},
                "hash": f"{int(time.time())}.{view_id.lower()}",
                "root_view_id": view_id,
                "previous_view_id": None,
                "app_id": APP_ID,
                "app_installed_team_id": TEAM_ID,
                "bot_id": BOT_ID,
            },
        }

    def _conversations_open(self, params: dict[str, Any]) -> dict[str, Any]:
        users = str(params.get("users", "")).split(",")
        channel_id = str(params.get("channel") or "D" + users[0])
        return {"ok": True, "channel": {"id": channel_id}}

    def _conversations_info(self, params: dict[str, Any]) -> dict[str, Any]:
        channel_id = str(params.get("channel", ""))
        state = self._channel(channel_id)
        refusal = state.refusal(posting=False)
        if refusal is not None:
            return {"ok": False, "error": refusal}
        name = f"channel-{channel_id.lower()}"
        return {
            "ok": True,
            "channel": {
                "id": channel_id,
                "name": name,
                "name_normalized": name,
                "is_channel": True,
                "is_group": state.private,
                "is_im": False,
                "is_mpim": False,
                "is_private": state.private,
                "is_archived": state.archived,
                "is_general": False,
                "is_shared": False,
                "is_ext_shared": False,
                "is_org_shared": False,
                "is_member": state.member,
                "created": 1700000000,
                "creator": "U0ADMIN",
                "context_team_id": TEAM_ID,
                "topic": {"value": "", "creator": "", "last_set": 0},
                "purpose": {"value": "", "creator": "", "last_set": 0},
            },
        }

    def _users_info(self, params: dict[str, Any]) -> dict[str, Any]:
        user = self._member(str(params.get("user", "")), params["_team"])
        if user is None:
            return {"ok": False, "error": "user_not_found"}
        return {"ok": True, "user": _user_object(user)}

    def _users_lookup_by_email(self, params: dict[str, Any]) -> dict[str, Any]:
        """Slack's reference: a deactivated user is answered `users_not_found`, as is an address nobody has.

        The reference does not say whether case matters; like mail providers, this fake ignores it.
        """
        wanted = str(params.get("email", "")).lower()
        with self._cond:
            found = [
                u
                for u in self._users.values()
                if u.email is not None and u.email.lower() == wanted and u.team == params["_team"]
            ]
        if not found or found[0].deleted:
            return {"ok": False, "error": "users_not_found"}
        return {"ok": True, "user": _user_object(found[0])}

    def _file_download(self, call: Call) -> Reply:
        """A file's bytes, to its token only. Slack answers any other request for a private file not with 401 or
        403 but with a redirect to the workspace's sign-in page, an HTML page answered 200 (slackapi/bolt-js#2585,
        slackapi/node-slack-sdk#1750: "<a href=\"https://….slack.com/?redir=%2Ffiles-pri%2F…\">Found</a>")."""
        with self._cond:
            file = self._files.get(str(call.params.get("_file")))
        if file is None:
            return Reply("File not found", status=404, headers={"Content-Type": "text/plain; charset=utf-8"})
        if call.headers.get("Authorization") != f"Bearer {file.token}":
            target = f"{self._origin}/?redir={quote(call.path, safe='')}"
            page = f'<a href="{target}">Found</a>.'
            return Reply(page, status=302, headers={"Location": target, "Content-Type": "text/html; charset=utf-8"})
        return Reply(file.data, headers={"Content-Type": "text/csv"})

    def _files_info(self, params: dict[str, Any]) -> dict[str, Any]:
        with self._cond:
            file = self._files.get(str(params.get("file", "")))
        if file is None:
            return {"ok": False, "error": "file_not_found"}
        return {"ok": True, "file": self._file_object(file), "comments": [], "response_metadata": {"next_cursor": ""}}

    def _files_get_upload_url_external(self, params: dict[str, Any]) -> dict[str, Any]:
        """An upload URL and the id the file will have; `filename` and a positive `length` (bytes) are required.

        Slack's reference: "missing_argument ... Typically only occurs when the `length` provided is 0".
        """
        filename = str(params.get("filename") or "")
        try:
            length = int(str(params.get("length", "")))
        except ValueError:
            return {"ok": False, "error": "invalid_arguments"}
        if not filename or length <= 0:
            return {"ok": False, "error": "missing_argument"}
        with self._cond:
            self._serial += 1
            file_id, ticket = f"F0{self._serial:09d}", f"CwABAAAA{self._serial:08d}"
            self._uploads[ticket] = _Upload(file_id, filename, length)
        return {"ok": True, "upload_url": f"{self._origin}{UPLOAD_PATH}{ticket}", "file_id": file_id}

    def _file_upload(self, call: Call) -> Reply:
        """The bytes POSTed to an upload URL, raw (as slack_sdk sends them); Slack answers 200 "OK - <bytes>"."""
        data = call.params.get("_bytes", b"")
        with self._cond:
            upload = self._uploads.get(call.path.removeprefix(UPLOAD_PATH))
            if upload is not None:
                upload.data = data
        if upload is None:
            return Reply("Not Found", status=404, headers={"Content-Type": "text/plain; charset=utf-8"})
        return Reply(f"OK - {len(data)}", headers={"Content-Type": "text/plain; charset=utf-8"})

    def _files_complete_upload_external(self, params: dict[str, Any]) -> dict[str, Any]:
        """Make the uploaded bytes files, shared in `channel_id` with `initial_comment` as their message (a DM to a
        user: channel D<user id>, as conversations.open opens it); `files` is a JSON array of {"id", "title"}."""
        try:
            wanted = json.loads(str(params.get("files", "")))
        except json.JSONDecodeError:
            return {"ok": False, "error": "invalid_arguments"}
        if not isinstance(wanted, list) or not wanted or not all(isinstance(f, dict) for f in wanted):
            return {"ok": False, "error": "invalid_arguments"}
        channel = str(params.get("channel_id") or "")
        if channel:
            refusal = self._channel(channel).refusal(posting=True)
            if refusal is not None:
                return {"ok": False, "error": refusal}
        with self._cond:
            found = {u.file_id: u for u in self._uploads.values() if u.data is not None}
            if any(str(f.get("id")) not in found for f in wanted):
                return {"ok": False, "error": "file_not_found"}
            done = []
            for entry in wanted:
                upload = found[str(entry["id"])]
                title = str(entry.get("title") or upload.filename)
                self._serial += 1
                data = upload.data or b""
                file = _File(upload.file_id, upload.filename, data, BOT_USER_ID, BOT_TOKEN, 1700000000 + self._serial)
                self._files[file.id] = file
                done.append({"id": file.id, "title": title})
                if channel:
                    comment = str(params.get("initial_comment") or "")
                    self._shared.append(SharedFile(file.id, file.name, title, file.data, channel, comment))
            self._cond.notify_all()
        if channel:
            ts = self._next_ts()
            message = self._bot_message({"text": str(params.get("initial_comment") or "")}, ts)
            message["files"] = [self._file_object(self._files[f["id"]]) for f in done]
            with self._cond:
                self._history[channel].append(message)
        return {"ok": True, "files": done}

    def _usergroups_users_list(self, params: dict[str, Any]) -> dict[str, Any]:
        with self._cond:
            users = self._groups.get(str(params.get("usergroup", "")))
        if users is None:
            return {"ok": False, "error": "no_such_subteam"}
        return {"ok": True, "users": list(users)}


# The start of the page Slack's sign-in redirect ends on.
_SIGN_IN_PAGE = (
    '<!DOCTYPE html><html lang="en-US"><head><title>Slack</title></head><body><h1>Sign in to Keepwarm Test</h1>'
    "</body></html>"
)
