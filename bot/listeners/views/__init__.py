"""Modal submissions."""

from slack_bolt import App

from bot.ids import ATS_KEEP_MODAL, CONSENT_MODAL, IMPORT_MODAL, REJECTION_MODAL, ROLE_MODAL, SETTINGS_MODAL, STOP_MODAL
from bot.listeners.views.checkin_stop_submitted import handle_checkin_stop_submitted
from bot.listeners.views.consent_submitted import handle_consent_submitted
from bot.listeners.views.import_submitted import handle_import_submitted
from bot.listeners.views.notice_kept import handle_notice_kept
from bot.listeners.views.rejection_submitted import handle_rejection_submitted
from bot.listeners.views.role_submitted import handle_role_submitted
from bot.listeners.views.settings_submitted import handle_settings_submitted


def register(app: App) -> None:
    app.view(REJECTION_MODAL)(handle_rejection_submitted)
    app.view(STOP_MODAL)(handle_checkin_stop_submitted)
    app.view(ROLE_MODAL)(handle_role_submitted)
    app.view(ATS_KEEP_MODAL)(handle_notice_kept)
    app.view(IMPORT_MODAL)(handle_import_submitted)
    app.view(CONSENT_MODAL)(handle_consent_submitted)
    app.view(SETTINGS_MODAL)(handle_settings_submitted)
