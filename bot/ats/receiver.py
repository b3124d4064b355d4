"""`POST /ats/greenhouse`, `/ats/lever` and `/ats/ashby`: verify, keep in the inbox, answer.

Each receiver exists only while its secret is set (else 404, as for any unknown path). A delivery is verified over
the raw bytes before anything else, and written to the inbox before the ATS gets its 200, so a delivery the ATS
counts as received is never lost; a retry or duplicate finds its first copy and is answered 200 without a second.
No Slack or ATS API call happens here: the answer never waits on them. A database that cannot take the delivery
gets a 503, which every ATS retries.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest
from slack_sdk import WebClient
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from bot.ats import ashby, greenhouse, lever
from bot.ats.delivery import Delivery, Refused
from bot.config import AtsSecrets, Settings
from bot.metrics import tag
from bot.workspace_settings import effective
from bot.wsgi_io import json_answer, raw_body
from models.ats_delivery import Ats
from models.ats_inbox import store_delivery
from models.base import utcnow
from models.installs import TEAM_ID, installed, workspace_overrides

PATH_PREFIX = "/ats/"
logger = logging.getLogger("keepwarm.ats")
Reader = Callable[[bytes, dict[str, str]], Delivery]


def switched_on(secrets: AtsSecrets) -> dict[Ats, Reader]:
    """The receivers whose secret is set, each a function of the raw body and the lower-cased headers."""
    readers: dict[Ats, Reader] = {}
    if secrets.greenhouse:
        greenhouse_key = secrets.greenhouse
        readers[Ats.GREENHOUSE] = lambda raw, headers: greenhouse.read(raw, headers, secret=greenhouse_key)
    if secrets.lever:
        tokens = secrets.lever
        readers[Ats.LEVER] = lambda raw, _headers: lever.read(raw, tokens, now=time.time())
    if secrets.ashby:
        ashby_key = secrets.ashby
        readers[Ats.ASHBY] = lambda raw, headers: ashby.read(raw, headers, secret=ashby_key)
    return readers


class AtsReceiver:
    """The WSGI application behind `/ats/<name>`, for the workspace the bot token belongs to; in multi-workspace mode
    (`team_id` None, `settings` given) behind `/ats/<name>/T…`, for that workspace if it is installed, each checked
    with that workspace's own secret (its Settings, else the environment's)."""

    def __init__(
        self,
        secrets: AtsSecrets,
        *,
        sessions: sessionmaker[Session],
        team_id: str | None,
        settings: Settings | None = None,
    ) -> None:
        self.readers = switched_on(secrets)
        self.sessions = sessions
        self.team_id = team_id
        self.settings = settings

    @property
    def paths(self) -> list[str]:
        """The receivers switched on, as paths."""
        if self.team_id is None:
            return [f"{PATH_PREFIX}{ats.value}/T…" for ats in Ats]
        return [PATH_PREFIX + ats.value for ats in self.readers]

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        name, _, named = environ.get("PATH_INFO", "").removeprefix(PATH_PREFIX).partition("/")
        try:
            found = self._readers_of(named)
        except SQLAlchemyError:
            logger.exception("could not look workspace %s up; the ATS will retry", named)
            return json_answer(start_response, 503, {"ok": False, "error": "not stored, retry later"})
        team, readers = found or ("", {})
        source = next((ats for ats in readers if ats.value == name), None)
        if source is None:
            return json_answer(start_response, 404, {"ok": False, "error": "not_found"})
        tag(environ, f"ats_{source.value}", self.team_id)
        if environ.get("REQUEST_METHOD") != "POST":
            return json_answer(start_response, 405, {"ok": False, "error": "use POST"}, [("Allow", "POST")])
        raw = raw_body(environ)
        headers = {header: str(value) for header, value in WsgiHttpRequest(environ).get_headers().items()}
        try:
            delivery = readers[source](raw, headers)
        except Refused as refusal:
            logger.warning("refused a %s delivery: %s", source.value, refusal.reason)
            return json_answer(start_response, refusal.status, {"ok": False, "error": refusal.reason})
        if delivery.key is None:
            return json_answer(start_response, 200, {"ok": True, "kept": False})
        try:
            with self.sessions.begin() as session:
                new = store_delivery(
                    session=session,
                    team_id=team,
                    source=source,
                    delivery_key=delivery.key,
                    event=delivery.event,
                    body=raw.decode("utf-8"),  # every reader has parsed it as UTF-8 JSON
                    now=utcnow(),
                )
        except SQLAlchemyError:
            logger.exception("could not keep a %s %s delivery; the ATS will retry", source.value, delivery.event)
            return json_answer(start_response, 503, {"ok": False, "error": "not stored, retry later"})
        return json_answer(start_response, 200, {"ok": True, "kept": True, "duplicate": not new})

    def _readers_of(self, named: str) -> tuple[str, dict[Ats, Reader]] | None:
        """The workspace a delivery is for and its receivers: the bot token's (the URL names none), or in
        multi-workspace mode the one the URL names if it installed Keepwarm and has not uninstalled it; None answers
        the 404 of a wrong path."""
        if self.team_id is not None:
            return None if named else (self.team_id, self.readers)
        if self.settings is None or not TEAM_ID.fullmatch(named):
            return None
        with self.sessions() as session:
            if not installed(session, named):
                return None
            admins, overrides = workspace_overrides(session, named)
        return named, switched_on(effective(self.settings, admins, overrides).ats)


def receiver_for(settings: Settings, *, sessions: sessionmaker[Session], client: WebClient) -> AtsReceiver | None:
    """The receivers the settings switch on, for the bot token's workspace (asked of Slack once, at start-up, so
    never on a delivery's path), or for the workspace each URL names in multi-workspace mode; None when no ATS
    secret is set."""
    if settings.multi_workspace:
        return AtsReceiver(settings.ats, sessions=sessions, team_id=None, settings=settings)
    if not settings.ats.any:
        return None
    return AtsReceiver(settings.ats, sessions=sessions, team_id=str(client.auth_test()["team_id"]))
