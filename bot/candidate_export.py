"""`/rejected export`: a candidate's data as a JSON file, uploaded to the asker's DM after the command is answered,
and logged as exported once Slack has it.

The upload runs on Services.exports, a thread of its own, for the reason imports run on theirs
(bot/candidate_upload.py): files_upload_v2 is three calls to Slack (files.getUploadURLExternal, the bytes to the
upload URL, files.completeUploadExternal) that must not hold one of Bolt's listener threads, nor the answer Slack
waits three seconds for.

The data is read, and who may read it checked, in one transaction while the command is answered; the audit entry is
written in a second one after the upload, not in the first: on SQLite every transaction holds the database's write
lock (models/db.py), and holding it across three calls to Slack would stall every other request for as long as Slack
takes. So an entry says the file reached the asker, and an upload that failed leaves none.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from logging import Logger

from slack_bolt import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.blocks.exports import build_export_failed, export_comment
from bot.listeners.replies import ephemeral
from bot.services import Services
from models.audit import Act, log_act
from models.base import utcnow
from models.candidate import Candidate
from models.subject_access import candidate_export, find_exportable


@dataclass(frozen=True)
class Export:
    """One candidate's data, read for one asker, waiting to be uploaded to their DM."""

    team_id: str
    user_id: str
    email: str
    candidate_id: int
    content: bytes

    @property
    def filename(self) -> str:
        return f"keepwarm-export-{self.candidate_id}.json"


def read_export(session: Session, *, team_id: str, user_id: str, email: str, is_admin: bool) -> Export | None:
    """The candidate's data as the file's bytes, or None when there is nobody this user may export."""
    candidate = find_exportable(session, team_id=team_id, email=email, user_id=user_id, is_admin=is_admin)
    if candidate is None:
        return None
    data = candidate_export(session, candidate=candidate, now=utcnow())
    content = json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
    return Export(team_id=team_id, user_id=user_id, email=email, candidate_id=candidate.id, content=content)


def run_export(export: Export, *, svc: Services, client: WebClient, respond: Respond, logger: Logger) -> None:
    """Upload the file to the asker's DM and log it; tell them where they typed the command when it did not arrive.
    Never raises (it runs on a thread of its own, where an exception would vanish)."""
    try:
        reason = _upload(export, client=client, logger=logger)
    except Exception:
        error_id = uuid.uuid4().hex[:8]
        logger.exception(
            "unexpected error %s exporting candidate %s for %s", error_id, export.candidate_id, export.user_id
        )
        reason = f"Keepwarm hit an unexpected error (quote {error_id} to whoever runs it)."
    if reason is None:
        _log(export, svc=svc, logger=logger)
        return
    try:
        respond(**ephemeral(build_export_failed(export.email, reason)))
    except (SlackClientError, OSError):
        logger.exception("could not tell %s that their export failed", export.user_id)


def _upload(export: Export, *, client: WebClient, logger: Logger) -> str | None:
    """None once the file is in the asker's DM, else why not, in a sentence for them."""
    try:
        channel = client.conversations_open(users=export.user_id)["channel"]["id"]
        client.files_upload_v2(
            channel=channel,
            content=export.content,
            filename=export.filename,
            title=f"Keepwarm export: {export.email}",
            initial_comment=export_comment(export.email),
        )
    except SlackApiError as error:
        code = error.response.get("error")
        logger.warning("Slack refused the export of candidate %s for %s: %s", export.candidate_id, export.user_id, code)
        return f"Slack refused the upload ({code})."
    except (SlackClientError, OSError) as error:  # slack_sdk's SlackRequestError for an upload URL that failed, too
        logger.warning("could not upload the export of candidate %s: %s", export.candidate_id, error)
        return "the upload to Slack failed."
    return None


def _log(export: Export, *, svc: Services, logger: Logger) -> None:
    """The export reached the asker: log it. A database that fails now cannot take the file back, so it is said in
    the logs, for whoever runs Keepwarm to record by hand."""
    try:
        with svc.sessions.begin() as session:
            candidate = session.get(Candidate, export.candidate_id)
            if candidate is not None and candidate.team_id == export.team_id:
                log_act(session, act=Act.EXPORTED, actor=export.user_id, source="command", candidate=candidate)
    except SQLAlchemyError:
        logger.exception(
            "the export of candidate %s reached %s but could not be logged", export.candidate_id, export.user_id
        )
