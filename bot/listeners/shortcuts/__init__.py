"""Global shortcuts."""

from slack_bolt import App

from bot.ids import IMPORT_SHORTCUT
from bot.listeners.shortcuts.import_candidates import handle_import_shortcut


def register(app: App) -> None:
    app.shortcut(IMPORT_SHORTCUT)(handle_import_shortcut)
