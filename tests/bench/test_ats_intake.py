"""bench/ats_intake.py sends real signed deliveries to a real web process, has the sweep's code process them in a
process of its own while more arrive, and checks the inbox and the notices it leaves behind."""

from __future__ import annotations

import json
import math
import os
from collections import Counter

import pytest

from bench import ats_intake
from bench.ack_latency import Sample
from bench.ats_intake import Backlog, Overlap, Sent
from bench.ats_sweeps import Sweep, Sweeps
from bench.databases import POSTGRES_DEFAULT
from bot.ats import greenhouse
from models.ats_events import Rejected
from testkit.fakeslack import FakeSlack


def test_every_tenth_delivery_is_a_retry_of_an_earlier_one() -> None:
    ids = [ats_intake.event_id(index) for index in range(30)]
    assert len(set(ids)) == 27
    assert [ids[index] for index in (9, 19, 29)] == [ids[0], ids[10], ids[20]]


def test_each_delivery_is_a_rejection_of_its_own_candidate_by_one_of_twenty_recruiters_or_someone_slack_lacks() -> None:
    events = [greenhouse.events(json.loads(ats_intake.delivery_body(serial))) for serial in range(200)]
    rejections = [event for parsed in events for event in parsed]
    assert all(isinstance(event, Rejected) for event in rejections) and len(rejections) == 200
    assert len({r.application_id for r in rejections}) == len({r.candidate_id for r in rejections}) == 200
    assert len({r.emails for r in rejections}) == 200
    named = Counter(email for r in rejections for email in r.recruiter_emails)
    assert sum(named.values()) == 200
    unknown = {email for email in named if email.startswith("departed.")}
    assert len(unknown) == ats_intake.UNKNOWN_RECRUITERS and sum(named[email] for email in unknown) == 20
    known = set(named) - unknown
    assert len(known) == ats_intake.RECRUITERS and {named[email] for email in known} == {9}  # each in turn
    assert [ats_intake.recruiter_of(serial) is None for serial in range(200)].count(True) == 20


def test_the_backlog_of_one_interval_fits_only_when_processing_outpaces_arrival() -> None:
    fast = Backlog.of(alone=400.0, during=300.0, rate=200, intake=200.0)
    assert (fast.deliveries, fast.alone_seconds, fast.with_intake_seconds) == (60_000, 150.0, 200.0)
    assert fast.fits and fast.catch_up_seconds == 600.0  # 60,000 at the 100 a second it gains on arrival
    slow = Backlog.of(alone=180.0, during=150.0, rate=200, intake=120.0)
    assert slow.with_intake_seconds == 400.0 and not slow.fits and slow.catch_up_seconds == math.inf
    assert "(at 120 a second; 333 s alone), NOT within the interval; it never catches up" in slow.line("sqlite")


def test_a_delivery_counts_as_answered_when_it_or_a_retry_of_it_was_kept_in_time() -> None:
    refused, kept = Sample(4.1, '503 {"ok": false}'), Sample(0.01, None)
    sent = Sent(range(8, 12), [refused, kept, refused, kept], cpu_seconds=0.0, started=0.0, ended=1.0)
    # 9 is the retry of 0; 8 and 10 were refused and never retried within the phase
    assert sent.answered == {0, 11}


def test_overlap_counts_only_the_sweeps_that_processed_while_senders_sent() -> None:
    sent = Sent(range(0), samples=[], cpu_seconds=0.0, started=100.0, ended=110.0)
    sweeps = Sweeps(
        (
            Sweep(95.0, 104.0, 1.0, processed=500, failed=0),  # 4 s inside the window
            Sweep(104.0, 104.1, 0.0, processed=0, failed=0),  # found nothing: not busy
            Sweep(106.0, 113.0, 1.0, processed=300, failed=0),  # 4 s inside, then 3 s after the last answer
        ),
        peak_rss_mib=80.0,
    )
    assert Overlap.of(sent, sweeps) == Overlap(busy_share=0.8, drained_after_seconds=3.0)


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_a_run_processes_every_distinct_delivery_once_into_a_notice_for_its_recruiter(
    database: str, request: pytest.FixtureRequest, fake_slack: FakeSlack
) -> None:
    if database == "postgresql":
        request.getfixturevalue("postgres_url")  # skipped, or failed under CI, when the server is down
    base = os.environ.get("TEST_DATABASE_URL") or POSTGRES_DEFAULT  # the benchmark makes its own scratch schema
    outcome = ats_intake.run(database, deliveries=40, rate=200, concurrency=4, postgres_url=base, fake=fake_slack)
    assert (outcome.alone.requests, outcome.during.requests) == (80, 40)
    # Whatever was not answered in time (SQLite's lock can keep the web process waiting) is re-sent afterwards.
    assert outcome.resent.unanswered <= outcome.alone.errors + outcome.during.errors
    # 4 warm-up deliveries, then 3 phases of 40, every tenth a retry: 4 + 36 processed alone, then 36 + 36 with intake
    # (the few refused, if any, when re-sent)
    assert outcome.drain.processed + outcome.concurrent.processed + outcome.resent.processed == 112
    assert outcome.drain.processed <= 40 and outcome.resent.failed == 0
    assert outcome.drain.per_second > 0 and outcome.concurrent.per_second > 0
    stored = outcome.stored
    assert stored.distinct_sent == stored.kept == stored.notices == stored.applications == 112
    assert stored.waiting == 0 and stored.wrong_recruiter == 0
    serials = {ats_intake.original(index) for index in range(4 + 3 * 40)}
    unknown = sum(ats_intake.recruiter_of(serial) is None for serial in serials)
    assert 0 < unknown < 112 and stored.notices - stored.with_recruiter == unknown
    assert outcome.exact
    summary = f"{database}: 112 distinct deliveries, 112 in the inbox, 0 waiting; 112 notices for 112 applications"
    assert any(line.startswith(f"{summary} (exactly one each)") for line in ats_intake.report([outcome]))
    # Each sweeping process (three: alone, with intake, after the re-sending) asks Slack about an address once.
    calls = [call for call in fake_slack.calls if call.method == "users.lookupByEmail"]
    addresses = ats_intake.RECRUITERS + ats_intake.UNKNOWN_RECRUITERS
    assert len({call.params["email"] for call in calls}) == addresses and len(calls) <= 3 * addresses
