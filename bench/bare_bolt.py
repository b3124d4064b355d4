"""The baseline for bench/ack_latency.py: a Bolt app whose only handler acks `/rejected`, served the way `python -m bot`
serves Keepwarm (the same waitress call, the same Bolt request handler, the same logging), so the difference in
latency between the two is what Keepwarm itself adds.

    SLACK_BOT_TOKEN=xoxb-… SLACK_SIGNING_SECRET=… SLACK_API_URL=… PORT=… python -m bench.bare_bolt
"""

from __future__ import annotations

import logging
import os
import sys

from slack_bolt import Ack, App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient

from bot.__main__ import serve_http
from bot.ids import REJECTED_COMMAND
from bot.web import EVENTS_PATH


def create_bare_app(*, token: str, signing_secret: str, api_url: str) -> App:
    """Bolt checks the token with auth.test at start, as it does for Keepwarm, so the fake Slack must answer."""
    app = App(client=WebClient(token=token, base_url=api_url), signing_secret=signing_secret)

    @app.command(REJECTED_COMMAND)
    def acknowledge(ack: Ack) -> None:
        ack()

    return app


def main() -> int:
    logging.basicConfig(level="INFO", format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    env = os.environ
    app = create_bare_app(
        token=env["SLACK_BOT_TOKEN"], signing_secret=env["SLACK_SIGNING_SECRET"], api_url=env["SLACK_API_URL"]
    )
    serve_http(SlackRequestHandler(app, path=EVENTS_PATH), int(env["PORT"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
