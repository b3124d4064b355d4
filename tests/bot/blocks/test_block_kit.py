"""Every Block Kit builder, with realistic and worst-case input, against slack_sdk's models and Slack's own limits.

The table of cases must name every public `build_*` function in `bot.blocks`, so a new builder cannot ship untested.
Data is built the way the app builds it: raw text goes through `validate_rejection`, then into in-memory models.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from types import ModuleType
from typing import Any

import pytest

import bot.blocks
from bot.blocks import (
    ats_notices,
    ats_queue,
    audit,
    candidate_import,
    checkin_modals,
    common,
    digest,
    exports,
    handover,
    home,
    opt_out,
    rejection_modal,
    rejections,
    reminders,
    retention,
    role_alerts,
    role_modal,
    roles,
    settings,
)
from bot.blocks.common import section
from bot.blocks.reminders import MAX_ITEMS
from bot.fields import TAG_MAX, TAGS_MAX
from bot.ids import (
    STOP_REASON_BLOCK,
)
from bot.rejection_input import EMAIL_MAX, LINKEDIN_MAX, NAME_MAX, NOTE_MAX, ROLE_MAX
from bot.workspace_settings import EDITABLE
from models import Act, AtsNotice, AuditEntry, Recruiter
from models.ats_notice import Decision
from models.ats_queue import AssignRefusal, RefusedAssignment
from models.audit import Source, subject_of
from models.handover import HandedOver, Held
from tests.bot.blocks.block_kit import PRIVATE_METADATA_MAX, check_message, check_view, sdk_block, sdk_view
from tests.bot.blocks.inputs import (
    AT,
    DIGEST_CHANNEL,
    EXPANDING,
    HOSTILE,
    IMPORT_LINES,
    IMPORT_PROBLEMS,
    IMPORT_REFUSED,
    IMPORT_SUMMARY,
    MANY_ERRORS_COMMAND,
    MINIMAL,
    NOTICE_EXPANDING,
    NOTICE_MINIMAL,
    NOTICE_REALISTIC,
    NOTICE_WORST,
    NOW,
    POLICY,
    REALISTIC,
    RECRUITER_IDS,
    ROLE_EXPANDING,
    ROLE_MANY_ERRORS_COMMAND,
    ROLE_MINIMAL,
    ROLE_REALISTIC,
    ROLE_WORST,
    STAGE_EXPANDING,
    STAGE_WORST,
    STOP_METADATA,
    SWEEP,
    WORST,
    Json,
    acted_on,
    checkin,
    decided_notices,
    digest_entries,
    entry,
    erased,
    exactly,
    finalists,
    first_checkins,
    import_lines,
    many,
    many_checkins,
    many_notices,
    many_roles,
    matches,
    notice,
    notice_answers,
    notices_of_each_kind,
    open_role,
    queued,
    record,
    reopened,
    role_usage_errors,
    stored_url,
    usage_errors,
)


def warned(raw: dict[str, str | None], count: int) -> list[tuple[Any, Any]]:
    """`count` candidates, stored ids 1001 on, each with an erasure 30 days after SWEEP: a reminder's warnings."""
    found = []
    for n in range(count):
        candidate = record(raw).candidate
        candidate.id = 1001 + n
        found.append((candidate, SWEEP + timedelta(days=30)))
    return found


# ---------------------------------------------------------------------------------------------------------------------
# The table: every public builder, with the inputs that stress it.
# ---------------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    builder: Callable[..., Json]
    label: str
    call: Callable[[Callable[..., Json]], Json]  # given the builder, build the message or view
    marks: tuple[pytest.MarkDecorator, ...] = ()

    def build(self) -> Json:
        return self.call(self.builder)


CASES = [
    Case(rejections.build_confirmation, "realistic", lambda b: b(record(), POLICY)),
    Case(rejections.build_confirmation, "minimal", lambda b: b(record(MINIMAL), POLICY)),
    Case(rejections.build_confirmation, "hostile at maximum lengths", lambda b: b(record(WORST), POLICY)),
    Case(rejections.build_confirmation, "opted out", lambda b: b(record(WORST, opted_out=True), POLICY)),
    Case(
        rejections.build_confirmation,
        "every character escapes to five",
        lambda b: b(record(EXPANDING), POLICY),
    ),
    Case(rejections.build_already_recorded, "realistic", lambda b: b(record())),
    Case(rejections.build_already_recorded, "hostile at maximum lengths", lambda b: b(record(WORST))),
    Case(rejections.build_already_recorded, "every character escapes to five", lambda b: b(record(EXPANDING))),
    Case(rejections.build_usage, "help", lambda b: b()),
    Case(
        rejections.build_usage, "one error", lambda b: b({"stage": "Stage is missing; use screen, interview or final."})
    ),
    Case(rejections.build_usage, "hostile errors", lambda b: b(usage_errors(MANY_ERRORS_COMMAND))),
    Case(
        rejections.build_usage,
        "refused erasure",
        lambda b: b(usage_errors("forget=<!channel>&x"), refused="Nothing was erased"),
    ),
    Case(rejections.build_list_usage, "words after list", lambda b: b(rejections.LIST_ONLY_ALL)),
    Case(rejections.build_list_usage, "all, not an admin", lambda b: b(rejections.LIST_ALL_ADMINS_ONLY)),
    Case(rejections.build_forget_usage, "hostile email", lambda b: b(usage_errors("email=<!channel>&x"))),
    Case(rejections.build_form_unopened, "always", lambda b: b()),
    Case(rejections.build_list, "empty, own", lambda b: b([], whole_team=False)),
    Case(rejections.build_list, "empty, team", lambda b: b([], whole_team=True)),
    Case(rejections.build_list, "realistic, own", lambda b: b(many(REALISTIC, 10), whole_team=False)),
    Case(rejections.build_list, "hostile, own", lambda b: b(many(WORST, 10), whole_team=False)),
    Case(rejections.build_list, "hostile, team", lambda b: b(many(WORST, 10), whole_team=True)),
    Case(rejections.build_list, "erased candidate", lambda b: b([erased()], whole_team=True)),
    Case(rejections.build_list, "200 rows", lambda b: b(many(REALISTIC, 200), whole_team=True)),
    Case(
        rejections.build_list,
        "every character escapes to five",
        lambda b: b(many(EXPANDING, 10), whole_team=True),
    ),
    Case(rejections.build_forgotten, "one rejection", lambda b: b("jane.doe@example.com", 1)),
    Case(rejections.build_forgotten, "hostile address", lambda b: b(entry(WORST).email, 200)),
    Case(rejections.build_forgotten, "expanding address", lambda b: b(entry(EXPANDING).email, 0)),
    Case(rejections.build_not_found, "realistic", lambda b: b("jane.doe@example.com")),
    Case(rejections.build_not_found, "hostile address", lambda b: b(entry(WORST).email)),
    Case(rejections.build_not_found, "expanding address", lambda b: b(entry(EXPANDING).email)),
    Case(exports.build_export_sending, "realistic", lambda b: b("jane.doe@example.com")),
    Case(exports.build_export_sending, "hostile address", lambda b: b(entry(WORST).email)),
    Case(exports.build_export_sending, "expanding address", lambda b: b(entry(EXPANDING).email)),
    Case(exports.build_export_not_found, "realistic", lambda b: b("jane.doe@example.com")),
    Case(exports.build_export_not_found, "hostile address", lambda b: b(entry(WORST).email)),
    Case(exports.build_export_not_found, "expanding address", lambda b: b(entry(EXPANDING).email)),
    Case(exports.build_export_usage, "no email", lambda b: b({"email": exports.EXPORT_ONE_EMAIL})),
    Case(exports.build_export_usage, "hostile error", lambda b: b({"email": exactly(HOSTILE, 3000)})),
    Case(exports.build_export_failed, "refused", lambda b: b("jane.doe@example.com", "Slack refused the upload.")),
    Case(exports.build_export_failed, "hostile", lambda b: b(entry(EXPANDING).email, exactly(HOSTILE, 3000))),
    Case(rejections.build_refusal, "always", lambda b: b()),
    Case(rejections.build_unavailable, "save", lambda b: b("save the rejection")),
    Case(rejections.build_unavailable, "list", lambda b: b("load your rejections")),
    Case(rejections.build_access_unknown, "always", lambda b: b()),
    Case(rejection_modal.build_rejection_modal, "no metadata", lambda b: b()),
    Case(
        rejection_modal.build_rejection_modal,
        "response_url",
        lambda b: b('{"response_url": "https://hooks.slack.com/commands/T0KEEPWARM/123/abc"}'),
    ),
    Case(rejection_modal.build_rejection_modal, "metadata at the limit", lambda b: b("m" * PRIVATE_METADATA_MAX)),
    Case(home.build_home, "empty", lambda b: b(rejections=[])),
    Case(home.build_home_unavailable, "database down", lambda b: b()),
    Case(home.build_home, "realistic", lambda b: b(rejections=many(REALISTIC, 20))),
    Case(home.build_home, "200 hostile", lambda b: b(rejections=many(WORST, 200))),
    Case(home.build_home, "erased candidate", lambda b: b(rejections=[erased()])),
    Case(home.build_home, "every character escapes to five", lambda b: b(rejections=many(EXPANDING, 200))),
    Case(home.build_home, "nothing due or coming up", lambda b: b(rejections=[], checkins=[], now=SWEEP)),
    Case(
        home.build_home,
        "realistic check-ins",
        lambda b: b(rejections=many(REALISTIC, 5), checkins=many_checkins(REALISTIC, 6), policy=POLICY, now=SWEEP),
    ),
    Case(
        home.build_home,
        "100 hostile check-ins and failures, admin",
        lambda b: b(
            rejections=many(WORST, 200),
            checkins=many_checkins(WORST, 100),
            failures=many_checkins(WORST, 100, error="channel_not_found", first_id=101),
            policy=POLICY,
            now=SWEEP,
            is_admin=True,
        ),
    ),
    Case(
        home.build_home,
        "admin's Settings button, lists full",
        lambda b: b(
            rejections=many(WORST, 200),
            checkins=many_checkins(WORST, 100),
            failures=many_checkins(WORST, 100, error="channel_not_found", first_id=101),
            policy=POLICY,
            now=SWEEP,
            is_admin=True,
            settings_button=True,
        ),
    ),
    Case(
        home.build_home,
        "100 hostile check-ins, failures withheld from a recruiter",
        lambda b: b(
            rejections=many(WORST, 200),
            checkins=many_checkins(WORST, 100),
            failures=many_checkins(WORST, 100, error="channel_not_found", first_id=101),
            policy=POLICY,
            now=SWEEP,
        ),
    ),
    Case(
        home.build_home,
        "100 check-ins, every character escapes to five, admin",
        lambda b: b(
            rejections=many(EXPANDING, 200),
            checkins=many_checkins(EXPANDING, 100),
            failures=many_checkins(EXPANDING, 100, error="messages_tab_disabled", first_id=101),
            policy=POLICY,
            now=SWEEP,
            is_admin=True,
        ),
    ),
    Case(
        home.build_home,
        "ATS queue, realistic, admin",
        lambda b: b(rejections=many(REALISTIC, 3), queue=queued(REALISTIC, 3), is_admin=True),
    ),
    Case(
        home.build_home,
        "ATS queue, minimal, admin, just assigned",
        lambda b: b(
            rejections=[],
            queue=queued(MINIMAL, 1),
            is_admin=True,
            outcome=ats_queue.assigned(queued(MINIMAL, 2).notices[1], RECRUITER_IDS[2]),
        ),
    ),
    Case(
        home.build_home,
        "ATS queue withheld from a recruiter",
        lambda b: b(rejections=many(WORST, 3), queue=queued(WORST, 3, stage_name=STAGE_WORST)),
    ),
    Case(
        home.build_home,
        "every list full, hostile, admin, after an assignment",
        lambda b: b(
            rejections=many(WORST, 200),
            checkins=many_checkins(WORST, 100),
            failures=many_checkins(WORST, 100, error="channel_not_found", first_id=101),
            policy=POLICY,
            now=SWEEP,
            is_admin=True,
            queue=queued(WORST, ats_queue.QUEUE_MAX, stage_name=STAGE_WORST, total=200),
            departed=[Held(n, RECRUITER_IDS[n % 3], SWEEP, 2**31 - 1, 2**31 - 1, 2**31 - 1) for n in range(1, 8)],
            outcome=ats_queue.assigned(queued(WORST, 1, stage_name=STAGE_WORST).notices[0], RECRUITER_IDS[0]),
        ),
    ),
    Case(
        home.build_home,
        "every list full, every character escapes to five, admin, already assigned",
        lambda b: b(
            rejections=many(EXPANDING, 200),
            checkins=many_checkins(EXPANDING, 100),
            failures=many_checkins(EXPANDING, 100, error="messages_tab_disabled", first_id=101),
            policy=POLICY,
            now=SWEEP,
            is_admin=True,
            queue=queued(EXPANDING, ats_queue.QUEUE_MAX, stage_name=STAGE_EXPANDING, total=2**31 - 1),
            outcome=ats_queue.assign_refused(
                RefusedAssignment(AssignRefusal.ASSIGNED, assigned_to(queued(EXPANDING, 1).notices[0]))
            ),
        ),
    ),
    Case(
        home.build_home,
        "ATS queue, hostile, admin, settled meanwhile",
        lambda b: b(
            rejections=[],
            queue=queued(WORST, 2, stage_name=STAGE_WORST),
            is_admin=True,
            outcome=ats_queue.assign_refused(
                RefusedAssignment(AssignRefusal.DECIDED, settled(queued(WORST, 1).notices[0]))
            ),
        ),
    ),
    Case(
        home.build_home,
        "refusals of an assignment",
        lambda b: b(
            rejections=[],
            outcome=" ".join(
                [
                    ats_queue.ASSIGN_ADMINS_ONLY,
                    ats_queue.ASSIGN_NOT_FOUND,
                    ats_queue.ASSIGN_CHOOSE,
                    ats_queue.not_a_recruiter(RECRUITER_IDS[1]),
                    ats_queue.cannot_check(RECRUITER_IDS[2]),
                    ats_queue.assign_refused(RefusedAssignment(AssignRefusal.NOT_FOUND)),
                ]
            ),
        ),
    ),
    Case(
        reminders.build_reminder,
        "one, realistic",
        lambda b: b(many_checkins(REALISTIC, 1), more=0, policy=POLICY, now=SWEEP),
    ),
    Case(reminders.build_reminder, "minimal", lambda b: b(many_checkins(MINIMAL, 1), more=0, policy=POLICY, now=SWEEP)),
    Case(
        reminders.build_reminder,
        "a later step, years on",
        lambda b: b([checkin(record(), step=5, due_at=AT + timedelta(days=900))], more=0, policy=POLICY, now=SWEEP),
    ),
    Case(
        reminders.build_reminder,
        "MAX_ITEMS hostile at maximum lengths, more waiting",
        lambda b: b(many_checkins(WORST, MAX_ITEMS), more=84, policy=POLICY, now=SWEEP),
    ),
    Case(
        reminders.build_reminder,
        "MAX_ITEMS hostile, more in the next reminder and more held back by the daily cap",
        lambda b: b(many_checkins(WORST, MAX_ITEMS), more=4, later=84_000, per_day=500, policy=POLICY, now=SWEEP),
    ),
    Case(
        reminders.build_reminder,
        "one, the rest held back by the daily cap",
        lambda b: b(many_checkins(REALISTIC, 1), more=0, later=399, per_day=1, policy=POLICY, now=SWEEP),
    ),
    Case(
        reminders.build_reminder,
        "more check-ins given than fit",
        lambda b: b(many_checkins(REALISTIC, 40), more=0, policy=POLICY, now=SWEEP),
    ),
    Case(
        reminders.build_reminder,
        "MAX_ITEMS, every character escapes to five",
        lambda b: b(many_checkins(EXPANDING, MAX_ITEMS), more=84, policy=POLICY, now=SWEEP),
    ),
    Case(
        reminders.build_outcome,
        "reached out, in a full hostile reminder",
        lambda b: acted_on(
            b(":white_check_mark: Reached out", user_id=RECRUITER_IDS[0], when=SWEEP, next_due=SWEEP + POLICY.gap(1)),
            WORST,
        ),
    ),
    Case(
        reminders.build_outcome,
        "stopped, no next check-in",
        lambda b: acted_on(
            b(":no_entry_sign: Stopped (hired elsewhere)", user_id=RECRUITER_IDS[2], when=SWEEP, next_due=None)
        ),
    ),
    Case(
        reminders.build_outcome,
        "every check-in acted on",
        lambda b: acted_on(
            b(":zzz: Snoozed for a month", user_id=RECRUITER_IDS[1], when=SWEEP, next_due=SWEEP + timedelta(days=30)),
            WORST,
            checkin_ids=tuple(range(1, MAX_ITEMS + 1)),
        ),
    ),
    Case(
        reminders.build_reminder,
        "warnings alone, hostile at maximum lengths",
        lambda b: b([], more=0, policy=POLICY, now=SWEEP, warnings=warned(WORST, reminders.MAX_WARNINGS)),
    ),
    Case(
        reminders.build_reminder,
        "MAX_WARNINGS beside a full day's check-ins, every character escapes to five, more given than fit",
        lambda b: b(
            many_checkins(EXPANDING, MAX_ITEMS),
            more=84,
            later=400,
            per_day=10,
            policy=POLICY,
            now=SWEEP,
            warnings=warned(EXPANDING, 20),
        ),
    ),
    Case(retention.build_consent_modal, "realistic", lambda b: b(warned(REALISTIC, 1)[0][0], STOP_METADATA)),
    Case(
        retention.build_consent_modal,
        "every character escapes to five, metadata at the limit",
        lambda b: b(warned(EXPANDING, 1)[0][0], "m" * PRIVATE_METADATA_MAX),
    ),
    Case(retention.build_consent_draft_modal, "realistic", lambda b: b(warned(REALISTIC, 1)[0][0])),
    Case(retention.build_consent_draft_modal, "hostile at maximum lengths", lambda b: b(warned(WORST, 1)[0][0])),
    Case(checkin_modals.build_stop_modal, "realistic", lambda b: b(checkin(record()), STOP_METADATA)),
    Case(
        checkin_modals.build_stop_modal,
        "hostile at maximum lengths",
        lambda b: b(checkin(record(WORST)), STOP_METADATA),
    ),
    Case(
        checkin_modals.build_stop_modal,
        "every character escapes to five",
        lambda b: b(checkin(record(EXPANDING)), STOP_METADATA),
    ),
    Case(
        checkin_modals.build_stop_modal,
        "metadata at the limit",
        lambda b: b(checkin(record()), "m" * PRIVATE_METADATA_MAX),
    ),
    Case(checkin_modals.build_draft_modal, "first check-in", lambda b: b(checkin(record()), 0, SWEEP)),
    Case(
        checkin_modals.build_draft_modal,
        "a later check-in, hostile",
        lambda b: b(checkin(record(WORST), step=3), 3, SWEEP),
    ),
    Case(
        checkin_modals.build_draft_modal,
        "every character escapes to five",
        lambda b: b(checkin(record(EXPANDING)), 0, SWEEP),
    ),
    Case(
        roles.build_role_opened,
        "realistic matches",
        lambda b: b(open_role(), matches(REALISTIC, open_role(), 3), now=NOW, digest_channel=DIGEST_CHANNEL),
    ),
    Case(
        roles.build_role_opened,
        "no match, no digest channel",
        lambda b: b(open_role(ROLE_MINIMAL), [], now=NOW, digest_channel=None),
    ),
    Case(
        roles.build_role_opened,
        "5 hostile matches at maximum lengths",
        lambda b: b(
            open_role(ROLE_WORST), matches(WORST, open_role(ROLE_WORST), 5), now=NOW, digest_channel=DIGEST_CHANNEL
        ),
    ),
    Case(
        roles.build_role_opened,
        "every character escapes to five",
        lambda b: b(
            open_role(ROLE_EXPANDING, role_id=2**31 - 1),
            matches(EXPANDING, open_role(ROLE_EXPANDING), 5),
            now=NOW,
            digest_channel=None,
        ),
    ),
    Case(
        roles.build_role_opened,
        "a stored job ad with link-breaking characters",
        lambda b: b(stored_url(open_role()), matches(REALISTIC, open_role(), 1), now=NOW, digest_channel=None),
    ),
    Case(roles.build_role_usage, "help", lambda b: b()),
    Case(roles.build_role_usage, "one error", lambda b: b({"title": "Title is missing; start with the job title."})),
    Case(roles.build_role_usage, "hostile errors", lambda b: b(role_usage_errors(ROLE_MANY_ERRORS_COMMAND))),
    Case(
        roles.build_role_usage,
        "refused reopen",
        lambda b: b(
            {"id": "`/role reopen` takes one role number, not <!channel> & <@U123>."}, refused="Nothing was reopened"
        ),
    ),
    Case(roles.build_role_list_usage, "words after list", lambda b: b()),
    Case(roles.build_role_number_usage, "close", lambda b: b("close")),
    Case(roles.build_role_number_usage, "reopen", lambda b: b("reopen")),
    Case(roles.build_role_form_unopened, "always", lambda b: b()),
    Case(roles.build_role_list, "empty", lambda b: b([], total=0)),
    Case(
        roles.build_role_list, "realistic, from Slack and boards", lambda b: b(many_roles(ROLE_REALISTIC, 6), total=6)
    ),
    Case(
        roles.build_role_list,
        "25 hostile of 200, hostile board",
        lambda b: b(many_roles(ROLE_WORST, 25, board="r&d<!channel>|<@U123>"), total=200),
    ),
    Case(
        roles.build_role_list,
        "25 of 200, every character escapes to five",
        lambda b: b(many_roles(ROLE_EXPANDING, 25, board="&" * 40), total=200),
    ),
    Case(roles.build_role_list, "minimal roles", lambda b: b(many_roles(ROLE_MINIMAL, 3), total=3)),
    Case(roles.build_role_closed, "closed now", lambda b: b(open_role(), changed=True)),
    Case(roles.build_role_closed, "already closed, hostile", lambda b: b(open_role(ROLE_WORST), changed=False)),
    Case(
        roles.build_role_closed,
        "board role, every character escapes to five",
        lambda b: b(open_role(ROLE_EXPANDING, source="greenhouse"), changed=True),
    ),
    Case(roles.build_role_not_found, "realistic", lambda b: b(12)),
    Case(roles.build_role_not_found, "largest id", lambda b: b(2**31 - 1)),
    Case(roles.build_already_open, "realistic", lambda b: b(open_role())),
    Case(roles.build_already_open, "hostile at maximum lengths", lambda b: b(open_role(ROLE_WORST))),
    Case(roles.build_already_open, "every character escapes to five", lambda b: b(open_role(ROLE_EXPANDING))),
    Case(
        roles.build_role_reopened,
        "no finalists, no digest channel",
        lambda b: b(open_role(), [], now=NOW, digest_channel=None),
    ),
    Case(
        roles.build_role_reopened,
        "realistic finalists",
        lambda b: b(open_role(), finalists(REALISTIC, 3), now=NOW, digest_channel=DIGEST_CHANNEL),
    ),
    Case(
        roles.build_role_reopened,
        "40 hostile finalists at maximum lengths",
        lambda b: b(open_role(ROLE_WORST), finalists(WORST, 40), now=NOW, digest_channel=DIGEST_CHANNEL),
    ),
    Case(
        roles.build_role_reopened,
        "40 finalists, every character escapes to five",
        lambda b: b(open_role(ROLE_EXPANDING), finalists(EXPANDING, 40), now=NOW, digest_channel=None),
    ),
    Case(role_modal.build_role_modal, "no metadata", lambda b: b()),
    Case(
        role_modal.build_role_modal,
        "response_url",
        lambda b: b('{"response_url": "https://hooks.slack.com/commands/T0KEEPWARM/123/abc"}'),
    ),
    Case(role_modal.build_role_modal, "metadata at the limit", lambda b: b("m" * PRIVATE_METADATA_MAX)),
    Case(
        digest.build_digest,
        "one realistic role, names shown",
        lambda b: b(digest_entries(ROLE_REALISTIC, REALISTIC, 1), show_names=True, now=NOW),
    ),
    Case(
        digest.build_digest,
        "one realistic role, names withheld",
        lambda b: b(digest_entries(ROLE_REALISTIC, REALISTIC, 1), show_names=False, now=NOW),
    ),
    Case(
        digest.build_digest,
        "roles nobody fits yet",
        lambda b: b(digest_entries(ROLE_MINIMAL, REALISTIC, 3, per_role=0), show_names=False, now=NOW),
    ),
    Case(
        digest.build_digest,
        "60 hostile roles with 5 matches each, names shown",
        lambda b: b(digest_entries(ROLE_WORST, WORST, 60), show_names=True, now=NOW),
    ),
    Case(
        digest.build_digest,
        "60 hostile roles with 5 matches each, names withheld",
        lambda b: b(digest_entries(ROLE_WORST, WORST, 60), show_names=False, now=NOW),
    ),
    Case(
        digest.build_digest,
        "60 roles, every character escapes to five, names shown",
        lambda b: b(digest_entries(ROLE_EXPANDING, EXPANDING, 60), show_names=True, now=NOW),
    ),
    Case(
        digest.build_digest,
        "60 roles, every character escapes to five, names withheld",
        lambda b: b(digest_entries(ROLE_EXPANDING, EXPANDING, 60), show_names=False, now=NOW),
    ),
    Case(
        digest.build_digest,
        "500 roles",
        lambda b: b(digest_entries(ROLE_REALISTIC, REALISTIC, 500, per_role=1), show_names=False, now=NOW),
    ),
    Case(digest.build_reveal, "nobody fits any more", lambda b: b(open_role(), [], now=NOW)),
    Case(digest.build_reveal, "realistic", lambda b: b(open_role(), matches(REALISTIC, open_role(), 5), now=NOW)),
    Case(
        digest.build_reveal,
        "hostile at maximum lengths",
        lambda b: b(open_role(ROLE_WORST), matches(WORST, open_role(ROLE_WORST), 5), now=NOW),
    ),
    Case(
        digest.build_reveal,
        "more matches given than are shown",
        lambda b: b(open_role(), matches(REALISTIC, open_role(), 60), now=NOW),
    ),
    Case(
        digest.build_reveal,
        "every character escapes to five",
        lambda b: b(open_role(ROLE_EXPANDING), matches(EXPANDING, open_role(ROLE_EXPANDING), 5), now=NOW),
    ),
    Case(
        role_alerts.build_role_alert,
        "one role, realistic",
        lambda b: b(reopened(ROLE_REALISTIC, REALISTIC, 1, 2), now=NOW),
    ),
    Case(role_alerts.build_role_alert, "minimal", lambda b: b(reopened(ROLE_MINIMAL, MINIMAL, 1, 1), now=NOW)),
    Case(
        role_alerts.build_role_alert,
        "4 hostile roles with 10 finalists each",
        lambda b: b(reopened(ROLE_WORST, WORST, 4, 10), now=NOW),
    ),
    Case(
        role_alerts.build_role_alert,
        "60 hostile roles with 15 finalists each",
        lambda b: b(reopened(ROLE_WORST, WORST, 60, 15), now=NOW),
    ),
    Case(
        role_alerts.build_role_alert,
        "60 roles with 15 finalists each, every character escapes to five",
        lambda b: b(reopened(ROLE_EXPANDING, EXPANDING, 60, 15), now=NOW),
    ),
    Case(
        ats_notices.build_notices,
        "one of each kind, realistic",
        lambda b: b(
            notices_of_each_kind(NOTICE_REALISTIC),
            first_checkins=first_checkins(notices_of_each_kind(NOTICE_REALISTIC)),
            more=0,
        ),
    ),
    Case(
        ats_notices.build_notices,
        "one of each kind, minimal",
        lambda b: b(notices_of_each_kind(NOTICE_MINIMAL), first_checkins={}, more=0),
    ),
    Case(
        ats_notices.build_notices,
        "MAX_NOTICES hostile at maximum lengths, more waiting",
        lambda b: b(
            many_notices(NOTICE_WORST, ats_notices.MAX_NOTICES),
            first_checkins=first_checkins(many_notices(NOTICE_WORST, ats_notices.MAX_NOTICES)),
            more=75,
        ),
    ),
    Case(
        ats_notices.build_notices,
        "more notices given than fit",
        lambda b: b(many_notices(NOTICE_REALISTIC, 60), first_checkins={}, more=0),
    ),
    Case(
        ats_notices.build_notices,
        "MAX_NOTICES, every character escapes to five",
        lambda b: b(many_notices(NOTICE_EXPANDING, ats_notices.MAX_NOTICES), first_checkins={}, more=3),
    ),
    Case(
        ats_notices.build_notices,
        "every notice decided, hostile",
        lambda b: decided_notices(b, NOTICE_WORST),
    ),
    Case(ats_notices.build_keep_modal, "realistic", lambda b: b(notice(), STOP_METADATA)),
    Case(ats_notices.build_keep_modal, "minimal, no role given", lambda b: b(notice(NOTICE_MINIMAL), "")),
    Case(ats_notices.build_keep_modal, "they rejected us", lambda b: b(notice(by_candidate=True), STOP_METADATA)),
    Case(ats_notices.build_keep_modal, "hostile at maximum lengths", lambda b: b(notice(NOTICE_WORST), STOP_METADATA)),
    Case(
        ats_notices.build_keep_modal,
        "every character escapes to five",
        lambda b: b(notice(NOTICE_EXPANDING), "m" * PRIVATE_METADATA_MAX),
    ),
    *(
        Case(ats_notices.build_notice_answer, label, lambda b, text=text: b(text))
        for label, text in notice_answers(NOTICE_WORST).items()
    ),
    Case(candidate_import.build_import_modal, "always", lambda b: b()),
    Case(settings.build_settings_modal, "nothing set", lambda b: b({}, frozenset())),
    Case(
        settings.build_settings_modal,
        "every value at its longest, secrets set",
        lambda b: b({e.name: "x" * 3000 for e in EDITABLE}, frozenset(e.name for e in EDITABLE if e.secret)),
    ),
    Case(candidate_import.build_import_admins_only_view, "always", lambda b: b()),
    Case(candidate_import.build_import_started, "import", lambda b: b("candidates.csv", dry_run=False)),
    Case(candidate_import.build_import_started, "dry run", lambda b: b("candidates.csv", dry_run=True)),
    Case(candidate_import.build_import_started, "hostile name", lambda b: b(exactly(HOSTILE, 255), dry_run=True)),
    Case(candidate_import.build_import_refused, "always", lambda b: b()),
    Case(candidate_import.build_import_usage, "always", lambda b: b()),
    Case(candidate_import.build_import_form_unopened, "always", lambda b: b()),
    Case(
        candidate_import.build_import_result,
        "imported",
        lambda b: b(
            file_name="candidates.csv", dry_run=False, ok=True, summary=IMPORT_SUMMARY, lines=IMPORT_LINES, problems=[]
        ),
    ),
    Case(
        candidate_import.build_import_result,
        "dry run with problems skipped",
        lambda b: b(
            file_name="candidates.csv",
            dry_run=True,
            ok=True,
            summary=IMPORT_SUMMARY,
            lines=IMPORT_LINES,
            problems=IMPORT_PROBLEMS,
        ),
    ),
    Case(
        candidate_import.build_import_result,
        "refused, nothing read",
        lambda b: b(
            file_name="x.csv",
            dry_run=False,
            ok=False,
            summary="nothing was imported",
            lines=[],
            problems=["The header has no column for the role the candidate was rejected for."],
        ),
    ),
    Case(
        candidate_import.build_import_result,
        "51 hostile problems and 300 recruiters, hostile name",
        lambda b: b(
            file_name=exactly(HOSTILE, 255),
            dry_run=False,
            ok=False,
            summary=IMPORT_REFUSED,
            lines=import_lines(HOSTILE, 300, 200),
            problems=import_lines(HOSTILE, 50, 5000, more=9950),
        ),
    ),
    Case(
        candidate_import.build_import_result,
        "every character escapes to five",
        lambda b: b(
            file_name="&" * 255,
            dry_run=True,
            ok=True,
            summary="&" * 3000,
            lines=import_lines("&", 60, 3000),
            problems=import_lines("&", 50, 3000, more=1),
        ),
    ),
    Case(candidate_import.build_import_failed, "refused download", lambda b: b("candidates.csv", "Slack refused.")),
    Case(candidate_import.build_import_failed, "hostile", lambda b: b(exactly(HOSTILE, 255), exactly(HOSTILE, 3000))),
    Case(
        handover.build_departure_dm,
        "one departure",
        lambda b: b([Held(1, RECRUITER_IDS[0], SWEEP, 34, 12, 5)]),
    ),
    Case(
        handover.build_departure_dm,
        "forty, counts in the billions, half handed over",
        lambda b: b(
            [
                *(Held(n, RECRUITER_IDS[n % 3], SWEEP, 2**31 - 1, 2**31 - 1, 2**31 - 1) for n in range(1, 21)),
                *((RECRUITER_IDS[n % 3], RECRUITER_IDS[(n + 1) % 3], RECRUITER_IDS[(n + 2) % 3]) for n in range(20)),
            ]
        ),
    ),
    Case(
        handover.build_inherited_dm,
        "realistic",
        lambda b: b(HandedOver(RECRUITER_IDS[0], RECRUITER_IDS[1], candidates=34, checkins=12, due=5, notices=2)),
    ),
    Case(
        handover.build_inherited_dm,
        "one of each",
        lambda b: b(HandedOver(RECRUITER_IDS[2], RECRUITER_IDS[0], candidates=1, checkins=1, due=1, notices=1)),
    ),
    Case(handover.build_handover_usage, "plain", lambda b: b()),
    Case(handover.build_handover_usage, "hostile problem", lambda b: b(exactly(HOSTILE, 2000))),
    Case(opt_out.build_opt_usage, "missing email", lambda b: b(opt_out.OPT_EMAIL_MISSING.format(verb="optout"))),
    Case(opt_out.build_opt_usage, "hostile errors", lambda b: b(" ".join(usage_errors("email=<!channel>&x").values()))),
    Case(opt_out.build_opted_out, "realistic", lambda b: b("Jane Doe", "jane.doe@example.com")),
    Case(opt_out.build_opted_out, "hostile at maximum lengths", lambda b: b(entry(WORST).name, entry(WORST).email)),
    Case(opt_out.build_opted_out, "expanding", lambda b: b(entry(EXPANDING).name, entry(EXPANDING).email)),
    Case(opt_out.build_opted_in, "check-ins resume", lambda b: b("Jane Doe", "jane.doe@example.com", SWEEP)),
    Case(opt_out.build_opted_in, "no check-ins", lambda b: b("Jane Doe", "jane.doe@example.com", None)),
    Case(opt_out.build_opted_in, "expanding", lambda b: b(entry(EXPANDING).name, entry(EXPANDING).email, SWEEP)),
    Case(opt_out.build_already_opted, "out", lambda b: b("Jane Doe", "jane.doe@example.com", opted_out=True)),
    Case(
        opt_out.build_already_opted, "in, hostile", lambda b: b(entry(WORST).name, entry(WORST).email, opted_out=False)
    ),
    Case(opt_out.build_opt_not_found, "realistic", lambda b: b("jane.doe@example.com")),
    Case(opt_out.build_opt_not_found, "expanding address", lambda b: b(entry(EXPANDING).email)),
    Case(audit.build_audit_refused, "always", lambda b: b()),
    Case(audit.build_audit_usage, "hostile errors", lambda b: b(" ".join(usage_errors("email=<!channel>&x").values()))),
    Case(audit.build_audit_unknown, "expanding address", lambda b: b(entry(EXPANDING).email)),
    Case(audit.build_audit, "empty", lambda b: b([], email=None)),
    Case(audit.build_audit, "one, of a candidate", lambda b: b(audit_log(REALISTIC, 1), email="jane.doe@example.com")),
    Case(audit.build_audit, "the last 20, hostile", lambda b: b(audit_log(WORST, 20), email=entry(WORST).email)),
    Case(
        audit.build_audit, "the last 20, expanding", lambda b: b(audit_log(EXPANDING, 20), email=entry(EXPANDING).email)
    ),
]


def audit_log(raw: dict[str, str | None], count: int) -> list[AuditEntry]:
    """Entries of every act, by people and by jobs, about a candidate named as `raw`, erased every third one, each
    with the longest detail a role title gives."""
    subject = subject_of(entry(raw).name, entry(raw).email)
    actors = (*RECRUITER_IDS, "import-candidates", "ats")
    return [
        AuditEntry(
            team_id="T0KEEPWARM",
            at=AT + timedelta(minutes=n),
            act=list(Act)[n % len(Act)],
            actor=actors[n % len(actors)],
            source=list(Source)[n % len(Source)],
            candidate_id=n + 1,
            subject=None if n % 3 == 2 else subject,
            detail=f"Show names: {entry(raw).role}" + " " + (raw.get("note") or ""),
        )
        for n in range(count)
    ]


def assigned_to(notice: AtsNotice, user_id: str = RECRUITER_IDS[1]) -> AtsNotice:
    """The notice as another admin left it: assigned."""
    notice.recruiter = Recruiter(team_id=notice.team_id, user_id=user_id)
    return notice


def settled(notice: AtsNotice) -> AtsNotice:
    """The notice as the ATS left it: unrejected."""
    notice.decision = Decision.WITHDRAWN
    return notice


# Modules of `bot.blocks` whose builders are tested elsewhere; every other module's builders need cases here.
COVERED_ELSEWHERE: set[str] = set()


def builder_modules() -> list[ModuleType]:
    """Every module of `bot.blocks` (less COVERED_ELSEWHERE), so a builder in a new module is found too."""
    names = [
        f"{bot.blocks.__name__}.{info.name}"
        for info in pkgutil.iter_modules(bot.blocks.__path__)
        if f"{bot.blocks.__name__}.{info.name}" not in COVERED_ELSEWHERE
    ]
    return [bot.blocks, *(importlib.import_module(name) for name in names)]


def public_builders() -> dict[str, Callable[..., Json]]:
    return {
        f"{module.__name__}.{name}": function
        for module in builder_modules()
        for name, function in inspect.getmembers(module, inspect.isfunction)
        if name.startswith("build_") and function.__module__ == module.__name__
    }


def qualified(function: Callable[..., Any]) -> str:
    return f"{function.__module__}.{function.__name__}"


def test_every_builder_has_cases() -> None:
    modules = (
        common,
        rejections,
        rejection_modal,
        home,
        reminders,
        checkin_modals,
        roles,
        role_modal,
        digest,
        ats_notices,
    )
    assert {module.__name__ for module in (*modules, role_alerts)} <= {module.__name__ for module in builder_modules()}
    builders = public_builders()
    covered = {qualified(case.builder) for case in CASES}
    assert sorted(set(builders) - covered) == [], "builders without a case in CASES"
    assert sorted(covered - set(builders)) == [], "CASES names builders that are gone or private"
    assert len(builders) >= 10


def test_a_builder_without_a_case_is_noticed(monkeypatch: pytest.MonkeyPatch) -> None:
    def build_something_new() -> Json:
        return {"text": "New", "blocks": [section("New")]}

    build_something_new.__module__ = rejections.__name__
    monkeypatch.setattr(rejections, "build_something_new", build_something_new, raising=False)
    covered = {qualified(case.builder) for case in CASES}
    assert set(public_builders()) - covered == {"bot.blocks.rejections.build_something_new"}


@pytest.mark.parametrize(
    "case", [pytest.param(case, id=f"{case.builder.__name__}: {case.label}", marks=case.marks) for case in CASES]
)
def test_builder_output_is_valid_block_kit(case: Case) -> None:
    built = case.build()
    if "type" in built:
        check_view(built)
    else:
        check_message(built)


# ---------------------------------------------------------------------------------------------------------------------
# The checks themselves fail when a limit is broken.
# ---------------------------------------------------------------------------------------------------------------------


def valid_message(blocks: list[Json]) -> Json:
    return {"text": "Fallback", "blocks": blocks}


def button(action_id: str) -> Json:
    return {"type": "button", "action_id": action_id, "text": {"type": "plain_text", "text": "Go"}, "value": "1"}


def with_button(**changes: Any) -> Json:
    return valid_message([{"type": "actions", "elements": [button("a") | changes]}])


@pytest.mark.parametrize(
    ("broken", "problem"),
    [
        pytest.param(valid_message([section(f"Row {n}") for n in range(51)]), "51 blocks", id="51 blocks"),
        pytest.param(
            valid_message([{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}]),
            "3,001 characters",
            id="section of 3001",
        ),
        pytest.param(
            valid_message([{"type": "header", "text": {"type": "plain_text", "text": "x" * 151}}]),
            "151 characters",
            id="header of 151",
        ),
        pytest.param(
            valid_message([{"type": "context", "elements": [{"type": "mrkdwn", "text": "x"}] * 11}]),
            "11 elements",
            id="context of 11",
        ),
        pytest.param(
            valid_message([{**section("a"), "block_id": "same"}, {**section("b"), "block_id": "same"}]),
            "block_id repeated",
            id="repeated block_id",
        ),
        pytest.param({"text": " ", "blocks": [section("a")]}, "fallback text is empty", id="blank fallback"),
        pytest.param({"blocks": [section("a")]}, "message keys", id="no fallback"),
        pytest.param(valid_message([section("Hi <!channel>")]), "raw <!channel>", id="raw channel mention"),
        pytest.param(valid_message([section("By <@U123>")]), "raw <@U123>", id="raw user mention"),
        pytest.param(valid_message([section("R&D")]), "unescaped &", id="raw ampersand"),
        pytest.param(valid_message([section("R&am…")]), "unescaped &", id="entity cut by truncation"),
        pytest.param(valid_message([section("<mailto:a@b.io|a@b.i…")]), "unbalanced", id="link cut by truncation"),
        pytest.param(
            valid_message([section("<https://evil.example|LinkedIn>")]), "unexpected control", id="foreign link"
        ),
        pytest.param(valid_message([section("See <#C0ELSEWHERE>")]), "unexpected control", id="another channel"),
        pytest.param(
            valid_message([section("<https://jobs.example.com/42|**>")]), "job ad link without its title", id="no title"
        ),
        pytest.param(valid_message([section("<https://jobs.example.com/42|R&D>")]), "unescaped &", id="raw & in title"),
        pytest.param({"text": "<!here> it is", "blocks": [section("a")]}, "raw <!here>", id="raw mention in fallback"),
        pytest.param(valid_message([{"type": "image", "image_url": "https://x.io/a.png"}]), "no checks", id="unknown"),
        pytest.param(with_button(text={"type": "plain_text", "text": "x" * 76}), "76 characters", id="label of 76"),
        pytest.param(with_button(text={"type": "mrkdwn", "text": "*Done*"}), "text type 'mrkdwn'", id="mrkdwn label"),
        pytest.param(with_button(value="v" * 2001), "button value", id="value of 2001"),
        pytest.param(with_button(value=""), "button value", id="empty value"),
        pytest.param(with_button(style="warning"), "button style 'warning'", id="unknown style"),
        pytest.param(
            valid_message([{"type": "actions", "elements": [button(f"a{n}") for n in range(26)]}]),
            "26 elements",
            id="26 buttons",
        ),
        pytest.param(
            valid_message([{"type": "actions", "elements": [button("same"), button("same")]}]),
            "action_id repeated",
            id="repeated action_id",
        ),
        pytest.param(
            valid_message([{**section("a"), "accessory": {**button("r"), "value": ""}}]),
            "accessory: button value",
            id="accessory checked",
        ),
        pytest.param(
            reminders.build_reminder(many_checkins(REALISTIC, 17), more=0, policy=POLICY, now=SWEEP)
            | {"blocks": [section(f"{n}") for n in range(51)]},
            "51 blocks",
            id="a reminder of 51 blocks",
        ),
        pytest.param(
            valid_message([{**section("a"), "fields_typo": []}]), "dropped or changed", id="field slack_sdk drops"
        ),
    ],
)
def test_message_check_rejects(broken: Json, problem: str) -> None:
    with pytest.raises(AssertionError, match=re.escape(problem)):
        check_message(broken)


def modal_with(**changes: Any) -> Json:
    return rejection_modal.build_rejection_modal() | changes


def with_element(view: Json, field: str, **changes: Any) -> Json:
    blocks = [
        {**block, "element": block["element"] | changes} if block["block_id"] == field else block
        for block in view["blocks"]
    ]
    return view | {"blocks": blocks}


def with_radio(**changes: Any) -> Json:
    view = checkin_modals.build_stop_modal(checkin(record()), "m")
    blocks = [
        {**block, "element": block["element"] | changes} if block.get("block_id") == STOP_REASON_BLOCK else block
        for block in view["blocks"]
    ]
    return view | {"blocks": blocks}


@pytest.mark.parametrize(
    ("broken", "problem"),
    [
        pytest.param(modal_with(title={"type": "plain_text", "text": "x" * 25}), "modal title", id="title of 25"),
        pytest.param(modal_with(submit={"type": "plain_text", "text": "x" * 25}), "modal submit", id="submit of 25"),
        pytest.param(modal_with(close={"type": "plain_text", "text": "x" * 25}), "modal close", id="close of 25"),
        pytest.param(modal_with(private_metadata="m" * 3001), "private_metadata", id="metadata of 3001"),
        pytest.param(with_element(modal_with(), "note", max_length=3001), "max_length 3001", id="max_length 3001"),
        pytest.param(modal_with(blocks=[section(f"{n}") for n in range(101)]), "101 blocks", id="101 blocks"),
        pytest.param({"type": "home", "blocks": [section(f"{n}") for n in range(101)]}, "101 blocks", id="home of 101"),
        pytest.param({"type": "home", "blocks": [section("<!channel>")]}, "raw <!channel>", id="home mention"),
        pytest.param(
            modal_with(blocks=rejection_modal.build_rejection_modal()["blocks"] * 2), "block_id repeated", id="twice"
        ),
        pytest.param(
            with_element(modal_with(), "note", initial_value="n" * 3001),
            "initial_value of 3,001",
            id="initial value over max_length",
        ),
        pytest.param(
            with_radio(options=[{"text": {"type": "plain_text", "text": f"{n}"}, "value": f"{n}"} for n in range(11)]),
            "11 options",
            id="11 radio buttons",
        ),
        pytest.param(
            with_radio(options=[{"text": {"type": "plain_text", "text": "x" * 76}, "value": "x"}]),
            "76 characters",
            id="radio label of 76",
        ),
        pytest.param(
            with_radio(options=[{"text": {"type": "plain_text", "text": "A"}, "value": "a"}] * 2),
            "option values repeat",
            id="radio values repeat",
        ),
        pytest.param(
            {k: v for k, v in checkin_modals.build_stop_modal(checkin(record()), "m").items() if k != "submit"},
            "a modal with inputs needs a submit button",
            id="inputs without submit",
        ),
    ],
)
def test_view_check_rejects(broken: Json, problem: str) -> None:
    with pytest.raises(AssertionError, match=re.escape(problem)):
        check_view(broken)


def test_slack_sdk_validation_is_wired_in() -> None:
    """The same limits also fail in slack_sdk's own validators, not only in the checks written here."""
    with pytest.raises(AssertionError, match="slack_sdk rejects section"):
        sdk_block({"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}})
    with pytest.raises(AssertionError, match="slack_sdk rejects context"):
        sdk_block({"type": "context", "elements": [{"type": "mrkdwn", "text": "x"}] * 11})
    with pytest.raises(AssertionError, match="slack_sdk rejects the modal"):
        sdk_view(modal_with(title={"type": "plain_text", "text": "x" * 25}))
    with pytest.raises(AssertionError, match="slack_sdk rejects the modal"):
        sdk_view(modal_with(private_metadata="m" * 3001))


# ---------------------------------------------------------------------------------------------------------------------
# The inputs are what they claim to be.
# ---------------------------------------------------------------------------------------------------------------------


def test_worst_case_input_is_accepted_at_every_maximum() -> None:
    for raw in (WORST, EXPANDING):
        clean = entry(raw)
        assert (len(clean.name), len(clean.role), len(clean.note or "")) == (NAME_MAX, ROLE_MAX, NOTE_MAX)
        assert len(clean.email or "") == EMAIL_MAX
        assert len(clean.linkedin or "") == LINKEDIN_MAX
        assert len(clean.tags) == TAGS_MAX
        assert {len(tag) for tag in clean.tags} == {TAG_MAX}
    for token in ("<!channel>", "<@U123>", "&", "🦄"):
        assert token in WORST["name"]


def test_in_memory_models_link_both_ways() -> None:
    first = record()
    second = record(candidate=first.candidate, role="Staff Engineer", at=AT + timedelta(days=30))
    assert first.candidate is second.candidate
    assert first.candidate.rejections == [first, second]
    assert second.recruiter.user_id == RECRUITER_IDS[0]
    assert first.candidate.tags == ["python", "postgres", "kubernetes"]
