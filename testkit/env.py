"""The settings a test deployment of Keepwarm runs with, in this process or in a child one."""

from __future__ import annotations

import os
import re
from pathlib import Path

from testkit.fakeslack import BOT_TOKEN, FakeSlack
from testkit.slack_http import SIGNING_SECRET

REPO = Path(__file__).resolve().parents[1]
# Every setting Keepwarm reads, as documented in .env.example, so a child process can be given exactly the ones a
# test means and no stray .env can add others.
SETTINGS = tuple(
    line.split("=", 1)[0] for line in (REPO / ".env.example").read_text().splitlines() if re.match(r"^[A-Z_]+=", line)
)


def make_env(*, database_url: str, fake_slack: FakeSlack, **extra: str) -> dict[str, str]:
    """The environment a test deployment of Keepwarm runs with.

    Retention is off unless a test sets it: other tests follow candidates for years (check-ins at day 450), and
    retention's own tests (tests/jobs/test_retention.py) say which periods they run with.
    """
    return {
        "RETENTION_DAYS": "0",
        "CONSENT_RETENTION_DAYS": "0",
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake_slack.api_url,
        "DATABASE_URL": database_url,
        **extra,
    }


def child_env(**settings: str) -> dict[str, str]:
    """For a `python -m …` child: PATH, HOME, the repo on PYTHONPATH, every setting blank but `settings`.

    python-dotenv never overrides a variable that exists, and empty means unset, so no .env leaks in.
    """
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/"), "PYTHONPATH": str(REPO)}
    env.update(dict.fromkeys(SETTINGS, ""))
    env.update(settings)
    return env
