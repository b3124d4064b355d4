"""`python -m jobs`: the clock process. `python -m jobs run reminders|digest|notices|ats-inbox|departures|uninstalls
[--now ISO] [--dry-run]`: one run (the ATS inbox and the departures have no dry run; `uninstalls` erases the data of
workspaces uninstalled longer than UNINSTALL_GRACE_DAYS ago).

`python -m jobs import-roles greenhouse|lever <board token or JSON file>`: bring a job board's open roles in.

`python -m jobs import-candidates FILE.csv [--team T…] [--owner U…] [--dry-run] [--skip-invalid]`: bring past
candidates in from a spreadsheet or an ATS export.

`python -m jobs export-candidate EMAIL [--team T…] [--now ISO]`: everything Keepwarm holds about one candidate, as
JSON on stdout (a subject access request).

`python -m jobs audit [--since DATE] [--team T…]`: the audit log as CSV on stdout, oldest first.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import UTC, datetime
from typing import Protocol

from apscheduler.schedulers.blocking import BlockingScheduler
from dotenv import find_dotenv, load_dotenv
from slack_sdk import WebClient
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from bot.app import make_client
from bot.config import USER_ID, ConfigError, Settings, configure_logging, load_settings
from bot.fields import InputErrors
from bot.metrics import Metrics, serve_metrics
from bot.rejection_input import clean_email
from bot.slack_directory import SlackDirectory
from bot.startup import StartupError, prepare_database, refuse
from jobs.ats_inbox import Inbox
from jobs.ats_notices import run_notices
from jobs.audit_log import write_audit_csv
from jobs.departures import run_departures
from jobs.digest import run_digest
from jobs.export_candidate import CandidateUnknown, export_candidate
from jobs.import_candidates import import_candidates
from jobs.import_roles import BoardError, import_roles
from jobs.reminders import run_reminders
from jobs.schedule import add_jobs
from jobs.uninstalls import erase_uninstalled
from jobs.workspace import WorkspaceUnknown, bot_workspace, check_team
from jobs.workspaces import WorkspaceClient, for_each_workspace, one_workspace
from models.audit import IMPORT_ACTOR
from models.base import utcnow
from models.db import make_session_factory, one_line
from models.installs import delete_abandoned_states


def instant(raw: str) -> datetime:
    """An ISO-8601 instant; one without a zone is taken as UTC."""
    return _iso(raw, "date and time", "2026-12-07T09:30:00+01:00")


def since(raw: str) -> datetime:
    """A date (from its start, UTC) or an ISO-8601 instant; one without a zone is taken as UTC."""
    return _iso(raw, "date", "2026-12-01, or 2026-12-01T09:30:00+01:00")


def _iso(raw: str, what: str, example: str) -> datetime:
    """What datetime.fromisoformat reads (a date alone is its midnight), in UTC unless it names its zone."""
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO-8601 {what}: {raw!r} (e.g. {example})") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def user_id(raw: str) -> str:
    """A Slack user id, as Slack shows it in a member's profile (⋮ > Copy member ID)."""
    if not USER_ID.fullmatch(raw):
        raise argparse.ArgumentTypeError(f"not a Slack user id: {raw!r} (U or W, then capitals and digits: U0123ABCD)")
    return raw


def email(raw: str) -> str:
    """A candidate's email, lower-cased, checked as `/rejected` checks it."""
    try:
        return clean_email(raw)
    except InputErrors as error:
        raise argparse.ArgumentTypeError(f"{raw[:100]!r}: {' '.join(error.errors.values())}") from None


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="python -m jobs", description="Keepwarm's scheduled jobs.")
    commands = main.add_subparsers(dest="command")
    run = commands.add_parser("run", help="run one job now and exit")
    run.add_argument("job", choices=["reminders", "digest", "notices", "ats-inbox", "departures", "uninstalls"])
    run.add_argument("--now", type=instant, help="run as of this instant (due dates, working hours, new roles)")
    run.add_argument("--dry-run", action="store_true", help="print what would be sent; send and change nothing")
    run.add_argument("--team", help="multi-workspace installs: run it for this installed workspace only (default: all)")
    board = commands.add_parser("import-roles", help="import the open roles of a public job board, then exit")
    board.add_argument("board", choices=["greenhouse", "lever"])
    board.add_argument("source", help="the board's token (e.g. acme), or a file holding the board's JSON")
    board.add_argument("--team", help="the Slack team id the roles belong to (default: the bot token's workspace)")
    board.add_argument("--dry-run", action="store_true", help="print what would change; change nothing")
    past = commands.add_parser("import-candidates", help="import past candidates from a CSV file, then exit")
    past.add_argument("file", help="the CSV file: a spreadsheet's, or an ATS's candidate export")
    past.add_argument("--team", help="the Slack team id the candidates belong to (default: the bot token's workspace)")
    past.add_argument(
        "--owner", type=user_id, help="Slack user id who follows up with candidates whose recruiter is not in Slack"
    )
    past.add_argument("--dry-run", action="store_true", help="check and count everything; write nothing")
    past.add_argument("--skip-invalid", action="store_true", help="import the valid rows, list the others")
    sar = commands.add_parser("export-candidate", help="print everything Keepwarm holds about a candidate, as JSON")
    sar.add_argument("email", type=email, help="the candidate's email")
    sar.add_argument("--team", help="the Slack team id the candidate belongs to (default: the bot token's workspace)")
    sar.add_argument("--now", type=instant, help="the instant the export and its audit entry carry (default: now)")
    audit = commands.add_parser("audit", help="write the audit log as CSV to stdout, oldest first, then exit")
    audit.add_argument("--since", type=since, help="only entries from this date (UTC) or ISO-8601 instant on")
    audit.add_argument("--team", help="the Slack team id whose log to write (default: the bot token's workspace)")
    return main


def main(argv: list[str]) -> int:
    """Exit 2 on bad usage or settings, 1 when the job could not run (e.g. the database is down), else 0."""
    args = parser().parse_args(argv)
    if args.command == "run" and args.job in ("ats-inbox", "departures") and args.dry_run:
        parser().error(f"run {args.job} has no --dry-run")
    if args.command == "run" and args.job == "uninstalls" and args.team is not None:
        parser().error("run uninstalls has no --team")
    load_dotenv(find_dotenv(usecwd=True), override=False)
    try:
        settings = load_settings(os.environ, serving=False)
        configure_logging(settings)
        engine = prepare_database(settings)
    except (ConfigError, StartupError) as error:
        return refuse(error)
    sessions, client = make_session_factory(engine), make_client(settings)
    if args.command is None:
        metrics = Metrics(token=settings.metrics_token, sessions=sessions)
        if settings.metrics_port is not None:
            try:
                serve_metrics(metrics, settings.metrics_port)
            except StartupError as error:
                return refuse(error)
        scheduler = BlockingScheduler(timezone=UTC)
        add_jobs(scheduler, settings=settings, sessions=sessions, client=client, metrics=metrics)
        scheduler.start()
        return 0
    if args.command == "run" and args.team is not None and not settings.multi_workspace:
        parser().error("--team is for multi-workspace installs")
    teams: list[str] | None = None  # the workspaces a multi-workspace run serves: None for all of them
    if settings.multi_workspace and (args.command in ("import-candidates", "import-roles", "run")):
        try:
            if args.command != "run":
                chosen = one_workspace(settings, sessions, args.team)
                client, settings = chosen.client, chosen.settings
            elif args.team is not None:
                one_workspace(settings, sessions, args.team)  # refuses a workspace that has not installed Keepwarm
                teams = [args.team]
        except WorkspaceUnknown as error:
            print(f"keepwarm: {error}", file=sys.stderr)
            return 1
    if args.command == "import-candidates":
        return run_import_candidates(args, sessions=sessions, client=client, settings=settings)
    if args.command == "export-candidate":
        return run_export_candidate(args, sessions=sessions, client=client)
    if args.command == "audit":
        return run_audit(args, sessions=sessions, client=client)
    try:
        if args.command == "import-roles":
            reports: list[tuple[str | None, Report]] = [
                (
                    None,
                    import_roles(
                        sessions=sessions,
                        client=client,
                        board=args.board,
                        source=args.source,
                        team_id=args.team,
                        now=utcnow(),
                        dry_run=args.dry_run,
                    ),
                )
            ]
        elif args.job == "uninstalls":
            now = args.now or utcnow()
            reports = [(None, erase_uninstalled(sessions=sessions, settings=settings, now=now, dry_run=args.dry_run))]
        else:
            now = args.now or utcnow()
            reports = for_each_workspace(
                settings,
                sessions,
                lambda workspace: (workspace.team_id, one_run(args, workspace, sessions=sessions)),
                what=f"the {args.job} run",
                client=client,
                teams=teams,
            )
            if args.job == "reminders" and settings.multi_workspace and not args.dry_run:
                with sessions.begin() as session:
                    delete_abandoned_states(session, now=now)
    except BoardError as error:
        print(f"keepwarm: {error}", file=sys.stderr)
        return 1
    except SQLAlchemyError as error:
        what = "the role import" if args.command == "import-roles" else f"the {args.job} run"
        print(f"keepwarm: {what} could not run: {one_line(error)}", file=sys.stderr)
        return 1
    for team_id, report in reports:
        for line in report.lines:
            print(line)
        workspace = f"{team_id}: " if team_id else ""
        print(f"{workspace}{'dry run: ' if args.dry_run else ''}{report.summary()}")
    return 0


def one_run(args: argparse.Namespace, workspace: WorkspaceClient, *, sessions: sessionmaker[Session]) -> Report:
    """One job for one workspace, with its token and settings."""
    client, team_id, settings, now = workspace.client, workspace.team_id, workspace.settings, args.now or utcnow()
    if args.job == "ats-inbox":
        return Inbox.for_settings(settings, client).run(sessions=sessions, now=now, team_id=team_id)
    if args.job == "digest":
        return run_digest(sessions=sessions, client=client, settings=settings, now=now, dry_run=args.dry_run)
    if args.job == "notices":
        return run_notices(
            sessions=sessions, client=client, settings=settings, now=now, dry_run=args.dry_run, team_id=team_id
        )
    if args.job == "departures":
        return run_departures(sessions=sessions, client=client, settings=settings, now=now, team_id=team_id)
    return run_reminders(
        sessions=sessions, client=client, settings=settings, now=now, dry_run=args.dry_run, team_id=team_id
    )


def run_import_candidates(
    args: argparse.Namespace, *, sessions: sessionmaker[Session], client: WebClient, settings: Settings
) -> int:
    """Exit 1 with the problems on stderr when nothing (more) could be imported, else 0 with the summary on stdout."""
    try:
        team = None if args.team is None else check_team(args.team)
        with open(args.file, "rb") as source:
            report = import_candidates(
                sessions=sessions,
                directory=SlackDirectory(client),
                settings=settings,
                source=source,
                team_id=team or bot_workspace(client),
                owner=args.owner,
                dry_run=args.dry_run,
                skip_invalid=args.skip_invalid,
                now=utcnow(),
                actor=IMPORT_ACTOR,
            )
    except WorkspaceUnknown as error:
        print(f"keepwarm: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"keepwarm: cannot read {args.file}: {error.strerror or error}", file=sys.stderr)
        return 1
    prefix = "dry run: " if args.dry_run else ""
    out = sys.stdout if report.ok else sys.stderr
    for line in [*report.lines, *report.problems]:
        print(line, file=out)
    if report.analysed_seconds is not None:
        print(f"tables analysed for matching in {report.analysed_seconds:.1f} s", file=out)
    print(f"{prefix if report.ok else 'keepwarm: ' + prefix}{report.summary()}", file=out)
    return 0 if report.ok else 1


def run_export_candidate(args: argparse.Namespace, *, sessions: sessionmaker[Session], client: WebClient) -> int:
    """Exit 1 with the reason on stderr when there is no such candidate or the export could not be read or written;
    else 0, the JSON on stdout."""
    try:
        team = check_team(args.team) if args.team is not None else bot_workspace(client)
        export_candidate(sessions=sessions, team_id=team, email=args.email, now=args.now or utcnow(), out=sys.stdout)
    except (WorkspaceUnknown, CandidateUnknown) as error:
        print(f"keepwarm: {error}", file=sys.stderr)
        return 1
    except SQLAlchemyError as error:
        print(f"keepwarm: the export could not be read: {one_line(error)}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"keepwarm: the export could not be written, so it was not logged: {error}", file=sys.stderr)
        return 1
    return 0


def run_audit(args: argparse.Namespace, *, sessions: sessionmaker[Session], client: WebClient) -> int:
    """Exit 1 with one line on stderr when the team is unknown or the database fails part way (the CSV then stops
    short), else 0 with the whole CSV on stdout."""
    try:
        team = check_team(args.team) if args.team is not None else bot_workspace(client)
        write_audit_csv(sessions, team_id=team, since=args.since, out=sys.stdout)
    except WorkspaceUnknown as error:
        print(f"keepwarm: {error}", file=sys.stderr)
        return 1
    except SQLAlchemyError as error:
        print(f"keepwarm: the audit log could not be read: {one_line(error)}", file=sys.stderr)
        return 1
    return 0


class Report(Protocol):
    """What every one-off job hands back: lines to print, and a one-line summary."""

    lines: list[str]

    def summary(self) -> str: ...


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
