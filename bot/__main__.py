"""`python -m bot`: Socket Mode when SLACK_APP_TOKEN is set, otherwise a production HTTP server on $PORT."""

from __future__ import annotations

import gc
import logging
import os
import sys
import threading
from datetime import UTC

import waitress
from apscheduler.schedulers.background import BackgroundScheduler
from dotenv import find_dotenv, load_dotenv
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.error import BoltError
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.app import create_app, make_client
from bot.ats.receiver import receiver_for
from bot.config import ConfigError, Settings, configure_logging, load_settings
from bot.metrics import Metrics, serve_metrics
from bot.oauth import make_oauth_flow
from bot.startup import StartupError, prepare_database, refuse
from bot.web import WSGIApp, create_wsgi
from jobs.import_candidates import import_candidates
from jobs.role_alerts import deliver_role_alerts
from jobs.schedule import add_jobs
from models.db import make_session_factory, one_line

# Slack's payloads are a few kilobytes; anything near this is not from Slack.
MAX_BODY_BYTES = 1024 * 1024
logger = logging.getLogger("keepwarm")


def run(settings: Settings) -> None:
    """Start the app in the mode the settings ask for; returns only when the server stops."""
    engine = prepare_database(settings)
    try:
        sessions = make_session_factory(engine)
        metrics = Metrics(token=settings.metrics_token, sessions=sessions)
        client = make_client(settings)
        app = create_app(
            settings,
            sessions=sessions,
            deliver_reopen_alerts=metrics.counting("role_alert", deliver_role_alerts),
            import_candidates=import_candidates,
            client=client,
            oauth_flow=make_oauth_flow(settings, engine=engine, client=client) if settings.multi_workspace else None,
        )
        ats = receiver_for(settings, sessions=sessions, client=app.client)
    except (BoltError, SlackApiError) as error:
        raise StartupError(f"Slack refused SLACK_BOT_TOKEN ({one_line(error)}): check the token in .env", 2) from None
    except (SlackClientError, OSError) as error:
        reason = one_line(error)
        raise StartupError(f"cannot reach Slack at SLACK_API_URL ({settings.slack_api_url}): {reason}", 1) from None
    if settings.metrics_port is not None:
        serve_metrics(metrics, settings.metrics_port)
    if settings.run_scheduler:
        scheduler = BackgroundScheduler(timezone=UTC)
        add_jobs(scheduler, settings=settings, sessions=sessions, client=make_client(settings), metrics=metrics)
        scheduler.start()
    freeze_startup_objects()
    wsgi = create_wsgi(app, engine, signing_secret=settings.slack_signing_secret, metrics=metrics, ats=ats)
    if ats is not None:
        logger.info("ATS webhooks are served on port %s: POST %s", settings.port, ", ".join(ats.paths))
    if settings.socket_mode:
        logger.info("Keepwarm is running in Socket Mode")
        if ats is not None:
            # Slack comes over the socket, but an ATS can only POST: serve its webhooks over HTTP beside it.
            threading.Thread(target=serve_http, args=(wsgi, settings.port), name="ats-http", daemon=True).start()
        try:
            SocketModeHandler(app, settings.slack_app_token).start()
        except SlackApiError as error:
            refused = error.response.get("error")
            raise StartupError(
                f"Slack refused SLACK_APP_TOKEN ({refused}): check the app-level token in .env", 2
            ) from None
        except (SlackClientError, OSError) as error:
            raise StartupError(f"cannot reach Slack for Socket Mode: {one_line(error)}", 1) from None
    else:
        install = ", GET /slack/install, GET /slack/oauth_redirect" if settings.multi_workspace else ""
        logger.info("Keepwarm is listening on port %s (POST /slack/events, GET /healthz%s)", settings.port, install)
        serve_http(wsgi, settings.port)


def freeze_startup_objects() -> None:
    """Keep what startup built (modules, the app, its listeners, the engine: about 90,000 objects that live as long
    as the process) out of the garbage collector's full collections.

    Otherwise every full collection rescans all of them while holding the GIL: 40-50 ms of CPU on a two-core
    machine, during which every request in flight waits (bench/ack_latency.py). Objects made later are collected as
    before.
    """
    gc.collect()
    gc.freeze()


def serve_http(wsgi: WSGIApp, port: int) -> None:
    """Serve until stopped. bench/bare_bolt.py serves its baseline app through this too, so both get one server."""
    waitress.serve(wsgi, host="0.0.0.0", port=port, max_request_body_size=MAX_BODY_BYTES)


def main() -> int:
    """Load .env, check the settings and run; a bad setting is one clear line and exit code 2."""
    load_dotenv(find_dotenv(usecwd=True), override=False)
    try:
        settings = load_settings(os.environ)
        configure_logging(settings)
        run(settings)
    except (ConfigError, StartupError) as error:
        return refuse(error)
    return 0


if __name__ == "__main__":
    sys.exit(main())
