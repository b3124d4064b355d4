"""Fill a benchmark's database the way a big team's really is filled: past rejections imported from a CSV export by
`python -m jobs import-candidates`, the command itself in a process of its own, against the fake Slack.

The file holds the matching benchmark's history (bench/history.py) as bench/import_candidates.py writes it, so an
imported database has the same people, roles, ratings, tags and notes as a bulk-seeded one. What an import cannot
say, it does not have: no check-in was ever sent (no `reminders_sent`), none was stopped and no candidate opted
out, and each strong rejection's check-in is at the first point of its cadence after the import (models/policy.py
`next_after`), so nothing is due when it ends.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from bench.history import TEAM
from bench.import_candidates import timed_import, write_csv
from models import Rejection
from models.db import make_engine, make_session_factory
from testkit.env import child_env, make_env
from testkit.fakeslack import FakeSlack

FILL_CHOICES = ("seed", "import")


class ImportFiller:
    """Grows one database through the import command; call `grow` with increasing totals, as `Seeder.grow`.

    Each step imports the next rows of the history only (a file of rows `rejections` to `total`), so a size costs
    what importing it costs; the fake Slack must know the recruiters by email (`know_recruiters`)."""

    def __init__(self, url: str, fake: FakeSlack, directory: Path, team: str | None = TEAM) -> None:
        self.url, self.directory, self.team = url, directory, team  # team None: the bot token's workspace
        self.env = child_env(**make_env(database_url=url, fake_slack=fake), LOG_LEVEL="WARNING")
        self.rows = 0  # rows of the history imported so far
        self.rejections = 0  # rejections in the database (a row repeating an earlier one is recorded once)
        self.first_import: datetime | None = None  # when the first import began: every check-in is due after it
        self.peak_rss_mib = 0.0
        self.summaries: list[str] = []

    def grow(self, total: int) -> None:
        if total <= self.rows:
            return
        path = self.directory / f"rows_{self.rows}_{total}.csv"
        write_csv(path, total, start=self.rows)
        if self.first_import is None:
            self.first_import = datetime.now(UTC)
        try:
            _, peak, summary = timed_import(self.env, path, self.directory / "import.txt", self.team)
        finally:
            path.unlink()
        self.rows = total
        self.peak_rss_mib = max(self.peak_rss_mib, peak)
        self.summaries.append(summary)
        engine = make_engine(self.url)
        try:
            with make_session_factory(engine)() as session:
                self.rejections = session.scalar(select(func.count()).select_from(Rejection)) or 0
        finally:
            engine.dispose()
