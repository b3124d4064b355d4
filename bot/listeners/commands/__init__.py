"""Slash commands."""

from slack_bolt import App

from bot.ids import REJECTED_COMMAND, ROLE_COMMAND
from bot.listeners.commands.rejected import handle_rejected
from bot.listeners.commands.role import handle_role


def register(app: App) -> None:
    app.command(REJECTED_COMMAND)(handle_rejected)
    app.command(ROLE_COMMAND)(handle_role)
