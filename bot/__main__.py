"""`python -m bot`: Socket Mode when SLACK_APP_TOKEN is set, otherwise a production HTTP server on $PORT."""

from __future__ import annotations

import logging
import os
import sys

import waitress
from dotenv import load_dotenv
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.error import BoltError
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.app import create_app
from bot.config import ConfigError, Settings, load_settings
from bot.startup import StartupError, prepare_database
from bot.web import create_wsgi
from models.db import make_session_factory

# Slack's payloads are a few kilobytes; anything near this is not from Slack.
MAX_BODY_BYTES = 1024 * 1024
logger = logging.getLogger("keepwarm")


def run(settings: Settings) -> None:
    """Start the app in the mode the settings ask for; returns only when the server stops."""
    engine = prepare_database(settings)
    try:
        app = create_app(settings, sessions=make_session_factory(engine))
    except (BoltError, SlackApiError) as error:
        raise StartupError(f"Slack refused SLACK_BOT_TOKEN ({error}): check the token in .env", 2) from None
    except (SlackClientError, OSError) as error:
        raise StartupError(f"cannot reach Slack at SLACK_API_URL ({settings.slack_api_url}): {error}", 1) from None
    if settings.socket_mode:
        logger.info("Keepwarm is running in Socket Mode")
        SocketModeHandler(app, settings.slack_app_token).start()
    else:
        logger.info("Keepwarm is listening on port %s (POST /slack/events, GET /healthz)", settings.port)
        waitress.serve(
            create_wsgi(app, engine), host="0.0.0.0", port=settings.port, max_request_body_size=MAX_BODY_BYTES
        )


def main() -> int:
    """Load .env, check the settings and run; a bad setting is one clear line and exit code 2."""
    load_dotenv(override=False)
    logging.basicConfig(
        level=os.environ.get("LOG_LEVEL", "INFO").upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        run(load_settings(os.environ))
    except ConfigError as error:
        print(f"keepwarm: {error}", file=sys.stderr)
        return 2
    except StartupError as error:
        print(f"keepwarm: {error}", file=sys.stderr)
        return error.code
    return 0


if __name__ == "__main__":
    sys.exit(main())
