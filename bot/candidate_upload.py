"""A CSV of past candidates uploaded in Slack: what the form asked for, and the import itself, run after the form's
acknowledgement and answered by DM.

The import runs on Services.imports, a single thread of its own, not on the thread of Bolt's that handled the
submission. Bolt acknowledges a submission as soon as its listener calls ack() (process_before_response is off), the
same way over HTTP and over Socket Mode, since both dispatch through App.dispatch; what runs after that holds one of
Bolt's ten listener threads, which every command and click of everyone needs within Slack's three seconds. An import
of a large file takes up to a minute, so it gets a thread that no request waits for. One thread: two imports at once
would race to create the same candidates and recruiters, and on SQLite wait on each other's write lock; one after
the other they do not. A lazy listener would not help here: outside AWS Lambda, Bolt runs it on that same pool.

An import the process stops in the middle of (a deploy) is finished by importing the same file again: rows already
recorded are recognised and skipped.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from logging import Logger
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.blocks.candidate_import import (
    IMPORT_NO_FILE,
    IMPORT_NOT_CSV,
    build_import_failed,
    build_import_result,
)
from bot.blocks.common import Message
from bot.fields import InputErrors
from bot.ids import (
    FIELD_ACTION,
    IMPORT_DRY_RUN,
    IMPORT_FILE_BLOCK,
    IMPORT_MINE,
    IMPORT_OPTIONS_BLOCK,
    IMPORT_SKIP_INVALID,
)
from bot.services import Services
from bot.slack_directory import SlackDirectory
from bot.slack_files import DownloadFailed, downloaded
from models.base import utcnow


@dataclass(frozen=True)
class Upload:
    """One submitted import form: who sent it, the file as Slack described it, and the options ticked."""

    team_id: str
    user_id: str
    file: dict[str, Any]
    skip_invalid: bool
    dry_run: bool
    mine: bool  # rows whose recruiter is not in Slack are followed up by whoever uploaded the file

    @property
    def file_name(self) -> str:
        return str(self.file.get("name") or self.file.get("title") or self.file.get("id") or "the file")


def read_upload(view: dict[str, Any], *, team_id: str, user_id: str) -> Upload:
    """The form's file and options; raises InputErrors (by block id) for no file, or one that is no CSV.

    Slack's file_input state holds each file's object, as files.info would give it, under `files` (Slack says its
    `filetypes` check is a convenience only, so the type is checked here too).
    """
    values = view.get("state", {}).get("values", {})
    files = values.get(IMPORT_FILE_BLOCK, {}).get(FIELD_ACTION, {}).get("files") or []
    file = files[0] if isinstance(files, list) and files and isinstance(files[0], dict) else None
    if file is None or not isinstance(file.get("id"), str):
        raise InputErrors({IMPORT_FILE_BLOCK: IMPORT_NO_FILE})
    name = str(file.get("name") or "")
    if file.get("filetype") not in (None, "csv") and not name.lower().endswith(".csv"):
        raise InputErrors({IMPORT_FILE_BLOCK: IMPORT_NOT_CSV})
    chosen = values.get(IMPORT_OPTIONS_BLOCK, {}).get(FIELD_ACTION, {}).get("selected_options")
    ticked = (
        {option.get("value") for option in chosen if isinstance(option, dict)} if isinstance(chosen, list) else set()
    )
    return Upload(
        team_id=team_id,
        user_id=user_id,
        file=file,
        skip_invalid=IMPORT_SKIP_INVALID in ticked,
        dry_run=IMPORT_DRY_RUN in ticked,
        mine=IMPORT_MINE in ticked,
    )


def run_upload(upload: Upload, *, svc: Services, client: WebClient, logger: Logger) -> None:
    """Download the file, import it and DM the uploader how it went; never raises (it runs on a thread of its own,
    where an exception would vanish)."""
    try:
        reply = _imported(upload, svc=svc, client=client, logger=logger)
    except Exception:
        error_id = uuid.uuid4().hex[:8]
        logger.exception("unexpected error %s importing %s for %s", error_id, upload.file_name, upload.user_id)
        reply = build_import_failed(
            upload.file_name,
            f"Keepwarm hit an unexpected error (quote {error_id} to whoever runs it). Import the file again: rows "
            "already recorded are recognised and skipped.",
        )
    try:
        client.chat_postMessage(channel=upload.user_id, text=reply["text"], blocks=reply["blocks"])
    except (SlackApiError, SlackClientError, OSError):
        logger.exception("could not send the result of importing %s to %s", upload.file_name, upload.user_id)


def _imported(upload: Upload, *, svc: Services, client: WebClient, logger: Logger) -> Message:
    try:
        with downloaded(upload.file, client=client, api_url=svc.settings.slack_api_url) as source:
            report = svc.import_candidates(
                sessions=svc.sessions,
                directory=SlackDirectory(client),
                settings=svc.settings,
                source=source,
                team_id=upload.team_id,
                owner=upload.user_id if upload.mine else None,
                dry_run=upload.dry_run,
                skip_invalid=upload.skip_invalid,
                now=utcnow(),
                actor=upload.user_id,
            )
    except DownloadFailed as failure:
        logger.warning("could not download %s for %s: %s", upload.file_name, upload.user_id, failure)
        return build_import_failed(upload.file_name, str(failure))
    logger.info("imported %s for %s: %s", upload.file_name, upload.user_id, report.summary())
    return build_import_result(
        file_name=upload.file_name,
        dry_run=upload.dry_run,
        ok=report.ok,
        summary=report.summary(),
        lines=report.lines,
        problems=report.problems,
    )
