"""Events API subscriptions."""

from slack_bolt import App

from bot.listeners.events.app_home_opened import handle_app_home_opened
from bot.listeners.events.uninstalled import register_uninstall
from bot.listeners.events.user_change import handle_user_change


def register(app: App) -> None:
    app.event("app_home_opened")(handle_app_home_opened)
    app.event("user_change")(handle_user_change)
    register_uninstall(app)
