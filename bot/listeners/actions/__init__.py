"""Button clicks and menu choices."""

from slack_bolt import App

from bot.ids import (
    ATS_NOTICE_DISMISS,
    ATS_NOTICE_KEEP,
    ATS_NOTICE_RATE,
    ATS_NOTICE_UNDO,
    ATS_QUEUE_ASSIGN,
    CHECKIN_DONE,
    CHECKIN_DRAFT,
    CHECKIN_SNOOZE_MONTH,
    CHECKIN_SNOOZE_WEEK,
    CHECKIN_STOP,
    CONSENT_AGREED,
    CONSENT_DRAFT,
    DIGEST_REVEAL,
    HANDOVER_PICK,
    RETENTION_ERASE,
    RETRY_DELIVERY,
    ROLE_REACH_OUT,
    SETTINGS_OPEN,
)
from bot.listeners.actions.ats_queue_assign import handle_ats_queue_assign
from bot.listeners.actions.checkin_done import handle_checkin_done
from bot.listeners.actions.checkin_draft import handle_checkin_draft
from bot.listeners.actions.checkin_snooze import handle_checkin_snooze
from bot.listeners.actions.checkin_stop import handle_checkin_stop
from bot.listeners.actions.digest_reveal import handle_digest_reveal
from bot.listeners.actions.handover_pick import handle_handover_pick
from bot.listeners.actions.notice_dismiss import handle_notice_dismiss
from bot.listeners.actions.notice_keep import handle_notice_keep
from bot.listeners.actions.notice_rate import handle_notice_rate
from bot.listeners.actions.notice_undo import handle_notice_undo
from bot.listeners.actions.retention_buttons import handle_consent_agreed, handle_consent_draft, handle_erase_now
from bot.listeners.actions.retry_delivery import handle_retry_delivery
from bot.listeners.actions.role_reach_out import handle_role_reach_out
from bot.listeners.actions.settings_open import handle_settings_open


def register(app: App) -> None:
    app.action(CHECKIN_DONE)(handle_checkin_done)
    app.action(CHECKIN_SNOOZE_WEEK)(handle_checkin_snooze)
    app.action(CHECKIN_SNOOZE_MONTH)(handle_checkin_snooze)
    app.action(CHECKIN_STOP)(handle_checkin_stop)
    app.action(CHECKIN_DRAFT)(handle_checkin_draft)
    app.action(RETRY_DELIVERY)(handle_retry_delivery)
    app.action(SETTINGS_OPEN)(handle_settings_open)
    app.action(DIGEST_REVEAL)(handle_digest_reveal)
    app.action(ROLE_REACH_OUT)(handle_role_reach_out)
    app.action(ATS_NOTICE_KEEP)(handle_notice_keep)
    app.action(ATS_NOTICE_RATE)(handle_notice_rate)
    app.action(ATS_NOTICE_DISMISS)(handle_notice_dismiss)
    app.action(ATS_NOTICE_UNDO)(handle_notice_undo)
    app.action(ATS_QUEUE_ASSIGN)(handle_ats_queue_assign)
    app.action(HANDOVER_PICK)(handle_handover_pick)
    app.action(CONSENT_AGREED)(handle_consent_agreed)
    app.action(CONSENT_DRAFT)(handle_consent_draft)
    app.action(RETENTION_ERASE)(handle_erase_now)
