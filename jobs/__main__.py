"""`python -m jobs`: the clock process; `python -m jobs run reminders [--now ISO] [--dry-run]`: one sweep."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import UTC, datetime

from apscheduler.schedulers.blocking import BlockingScheduler
from dotenv import find_dotenv, load_dotenv
from sqlalchemy.exc import SQLAlchemyError

from bot.app import make_client
from bot.config import ConfigError, configure_logging, load_settings
from bot.startup import StartupError, one_line, prepare_database, refuse
from jobs.reminders import run_reminders
from jobs.schedule import add_jobs
from models.base import utcnow
from models.db import make_session_factory


def instant(raw: str) -> datetime:
    """An ISO-8601 instant; one without a zone is taken as UTC."""
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        message = f"not an ISO-8601 date and time: {raw!r} (e.g. 2026-12-07T09:30:00+01:00)"
        raise argparse.ArgumentTypeError(message) from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="python -m jobs", description="Keepwarm's scheduled jobs.")
    commands = main.add_subparsers(dest="command")
    run = commands.add_parser("run", help="run one job now and exit")
    run.add_argument("job", choices=["reminders"])
    run.add_argument("--now", type=instant, help="evaluate due check-ins and working hours as of this instant")
    run.add_argument("--dry-run", action="store_true", help="print what would be sent; send and change nothing")
    return main


def main(argv: list[str]) -> int:
    """Exit 2 on bad usage or settings, 1 when the job could not run (e.g. the database is down), else 0."""
    args = parser().parse_args(argv)
    load_dotenv(find_dotenv(usecwd=True), override=False)
    try:
        settings = load_settings(os.environ, serving=False)
        configure_logging(settings)
        engine = prepare_database(settings)
    except (ConfigError, StartupError) as error:
        return refuse(error)
    sessions, client = make_session_factory(engine), make_client(settings)
    if args.command is None:
        scheduler = BlockingScheduler(timezone=UTC)
        add_jobs(scheduler, settings=settings, sessions=sessions, client=client)
        scheduler.start()
        return 0
    try:
        report = run_reminders(
            sessions=sessions, client=client, settings=settings, now=args.now or utcnow(), dry_run=args.dry_run
        )
    except SQLAlchemyError as error:
        print(f"keepwarm: the reminder sweep could not run: {one_line(error)}", file=sys.stderr)
        return 1
    for line in report.lines:
        print(line)
    print(
        f"{'dry run: ' if args.dry_run else ''}{report.messages} message(s), {report.checkins} check-in(s) sent, "
        f"{report.waiting_for_working_hours} waiting for working hours, {report.deferred} deferred, "
        f"{report.failed} failed, {report.recovered} found already delivered"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
