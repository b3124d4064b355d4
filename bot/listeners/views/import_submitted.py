"""The import form was submitted: check it, acknowledge at once, and import in the background
(bot/candidate_upload.py says why there); the result comes as a DM."""

from __future__ import annotations

from logging import Logger
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.blocks.candidate_import import IMPORT_ADMINS_ONLY, build_import_started
from bot.candidate_upload import read_upload, run_upload
from bot.fields import InputErrors
from bot.ids import IMPORT_FILE_BLOCK
from bot.services import services


def handle_import_submitted(
    ack: Ack, view: dict[str, Any], client: WebClient, context: BoltContext, logger: Logger
) -> None:
    svc = services(context)
    if not svc.access.is_admin(context.user_id):
        ack(response_action="errors", errors={IMPORT_FILE_BLOCK: IMPORT_ADMINS_ONLY})
        return
    try:
        upload = read_upload(view, team_id=context.team_id, user_id=context.user_id)
    except InputErrors as error:
        ack(response_action="errors", errors=error.errors)
        return
    ack(response_action="update", view=build_import_started(upload.file_name, dry_run=upload.dry_run))
    svc.imports.submit(run_upload, upload, svc=svc, client=client, logger=logger)
