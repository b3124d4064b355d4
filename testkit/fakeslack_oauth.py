"""The fake Slack's OAuth side: Slack's authorize page, oauth.v2.access (a code, or a refresh token with token
rotation), oauth.v2.exchange, and the tokens it issues, each good for its own workspace only.

Shapes as Slack documents them (docs.slack.dev: "Installing with OAuth", "Using token rotation", the
oauth.v2.access and oauth.v2.exchange references): a bot token's access answer carries access_token,
token_type "bot", scope, bot_user_id, app_id, team {id, name}, enterprise null, is_enterprise_install false and
authed_user {id, scope, token_type}; with rotation, also expires_in and refresh_token, the access token starting
xoxe.xoxb- and the refresh token xoxe-1-.
"""

from __future__ import annotations

import base64
import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

APP_ID = "A0APP"
ROTATION_SECONDS = 43200  # Slack's rotating tokens live 12 hours


@dataclass
class OAuthApp:
    """A distributed app as Slack knows it: its credentials, its one Redirect URL, whether token rotation is on."""

    client_id: str
    client_secret: str
    redirect_url: str
    rotation: bool = False
    expires_in: int = ROTATION_SECONDS


@dataclass
class Token:
    """A bot token Slack issued to a workspace's installation."""

    team_id: str
    team_name: str
    bot_user_id: str
    scopes: str
    expires_at: float | None = None
    revoked: bool = False


@dataclass
class Installer:
    """Who is signed in to Slack in the browser that opens the authorize page, and in which workspace."""

    team_id: str = "T0TEST"
    team_name: str = "Keepwarm Test"
    user_id: str = "U0ADMIN"


@dataclass
class _Code:
    installer: Installer
    scopes: str
    redirect_uri: str | None
    client_id: str


@dataclass
class SlackOAuth:
    """The apps, codes and tokens; thread-safe, as the fake answers on many threads."""

    clock: Callable[[], float] = time.time
    apps: dict[str, OAuthApp] = field(default_factory=dict)
    tokens: dict[str, Token] = field(default_factory=dict)
    installer: Installer = field(default_factory=Installer)
    _codes: dict[str, _Code] = field(default_factory=dict)
    _refresh: dict[str, str] = field(default_factory=dict)  # refresh token -> the access token it renews
    _serial: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def reset(self) -> None:
        with self._lock:
            self.apps.clear()
            self.tokens.clear()
            self._codes.clear()
            self._refresh.clear()
            self.installer = Installer()

    # --- the browser's side: Slack's authorize page --------------------------------------------------------

    def authorize(self, params: dict[str, Any]) -> tuple[int, dict[str, str], str]:
        """The installer approves at once: a redirect back to the app with a code and the state, as Slack does.

        An unknown client_id or a redirect_uri that is not the app's is answered with an error page, not a
        redirect (Slack never sends a code to a URL the app did not register)."""
        with self._lock:
            app = self.apps.get(str(params.get("client_id", "")))
            if app is None:
                return 400, {}, "<h1>Invalid client_id parameter</h1>"
            redirect = str(params.get("redirect_uri") or app.redirect_url)
            if redirect != app.redirect_url:
                return 400, {}, "<h1>redirect_uri did not match any configured URIs</h1>"
            code = f"{next(self._serial)}.{int(self.clock())}.code"
            self._codes[code] = _Code(
                self.installer, str(params.get("scope", "")), params.get("redirect_uri"), app.client_id
            )
        query = urlencode({"code": code, "state": str(params.get("state", ""))})
        return 302, {"Location": f"{redirect}?{query}"}, ""

    # --- the app's side: oauth.v2.access and oauth.v2.exchange --------------------------------------------

    def access(self, params: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
        """oauth.v2.access: a code for a token, or (grant_type=refresh_token) a refresh token for a new one."""
        app = self._client(params, headers)
        if app is None:
            return {"ok": False, "error": "invalid_client_id"}
        if params.get("grant_type") == "refresh_token":
            return self._refreshed(app, str(params.get("refresh_token", "")))
        with self._lock:
            code = self._codes.pop(str(params.get("code", "")), None)  # a code works once
        if code is None or code.client_id != app.client_id:
            return {"ok": False, "error": "invalid_code"}
        if code.redirect_uri is not None and params.get("redirect_uri") != code.redirect_uri:
            return {"ok": False, "error": "bad_redirect_uri"}
        who = code.installer
        answer = self._issue(app, who.team_id, who.team_name, code.scopes)
        answer["authed_user"] = {"id": who.user_id, "scope": "", "token_type": "user"}
        return answer

    def exchange(self, params: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
        """oauth.v2.exchange: a long-lived token for a rotating one, once rotation is switched on."""
        app = self._client(params, headers)
        if app is None:
            return {"ok": False, "error": "invalid_client_id"}
        with self._lock:
            old = self.tokens.get(str(params.get("token", "")))
        if old is None or old.revoked or old.expires_at is not None:
            return {"ok": False, "error": "invalid_auth"}
        answer = self._issue(app, old.team_id, old.team_name, old.scopes, rotate=True)
        with self._lock:
            old.revoked = True
        return answer

    def _refreshed(self, app: OAuthApp, refresh_token: str) -> dict[str, Any]:
        with self._lock:
            old_access = self._refresh.pop(refresh_token, None)  # each refresh token is used once
            old = self.tokens.get(old_access or "")
        if old is None:
            return {"ok": False, "error": "invalid_refresh_token"}
        return self._issue(app, old.team_id, old.team_name, old.scopes, rotate=True)

    def _issue(
        self, app: OAuthApp, team_id: str, team_name: str, scopes: str, *, rotate: bool = False
    ) -> dict[str, Any]:
        rotating = rotate or app.rotation
        serial = next(self._serial)
        access = f"{'xoxe.' if rotating else ''}xoxb-{team_id}-{serial}"
        bot_user = f"U0BOT{team_id.removeprefix('T')}"
        token = Token(team_id, team_name, bot_user, scopes)
        answer: dict[str, Any] = {
            "ok": True,
            "access_token": access,
            "token_type": "bot",
            "scope": scopes,
            "bot_user_id": bot_user,
            "app_id": APP_ID,
            "team": {"id": team_id, "name": team_name},
            "enterprise": None,
            "is_enterprise_install": False,
        }
        if rotating:
            token.expires_at = self.clock() + app.expires_in
            refresh = f"xoxe-1-{team_id}-{serial}"
            answer.update(expires_in=app.expires_in, refresh_token=refresh)
            with self._lock:
                self._refresh[refresh] = access
        with self._lock:
            self.tokens[access] = token
        return answer

    def _client(self, params: dict[str, Any], headers: dict[str, str]) -> OAuthApp | None:
        """The app whose credentials came with the call: HTTP Basic (what slack_sdk sends) or form fields."""
        client_id, secret = params.get("client_id"), params.get("client_secret")
        basic = headers.get("Authorization", "")
        if basic.startswith("Basic "):
            client_id, _, secret = base64.b64decode(basic.removeprefix("Basic ")).decode().partition(":")
        with self._lock:
            app = self.apps.get(str(client_id))
        return app if app is not None and app.client_secret == secret else None

    # --- every other method: whose token is it ------------------------------------------------------------

    def refusal(self, token: str) -> str | None:
        """Slack's error for a token it issued that no longer works; None for a good one, or one it did not issue
        here (the single-workspace tests' fixed tokens)."""
        with self._lock:
            found = self.tokens.get(token)
        if found is None:
            return None
        if found.revoked:
            return "token_revoked"
        if found.expires_at is not None and self.clock() >= found.expires_at:
            return "token_expired"
        return None

    def team_of(self, token: str, default: str) -> str:
        with self._lock:
            found = self.tokens.get(token)
        return default if found is None else found.team_id

    def token_of(self, token: str) -> Token | None:
        with self._lock:
            return self.tokens.get(token)

    def revoke_team(self, team_id: str) -> None:
        """An uninstall: every token of the workspace stops working."""
        with self._lock:
            for token in self.tokens.values():
                if token.team_id == team_id:
                    token.revoked = True

    def expire(self, team_id: str, *, in_seconds: float = 0) -> None:
        """Make the workspace's rotating tokens expire `in_seconds` from now."""
        with self._lock:
            for token in self.tokens.values():
                if token.team_id == team_id and token.expires_at is not None:
                    token.expires_at = self.clock() + in_seconds
