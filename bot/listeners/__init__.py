"""Binds every Slack listener to the app."""

from slack_bolt import App

from bot.listeners import actions, commands, events, shortcuts, views


def register_listeners(app: App) -> None:
    """One place that wires commands, shortcuts, modal submissions and events."""
    commands.register(app)
    shortcuts.register(app)
    actions.register(app)
    views.register(app)
    events.register(app)
