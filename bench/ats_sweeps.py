"""The clock's processing of the ATS inbox, run by a benchmark in a process of its own and timed there.

Each sweep is what the clock's sweep does first: `Inbox.for_settings(settings, client).run(...)` (jobs/ats_inbox.py),
its Slack lookups going to whatever SLACK_API_URL names. A process of its own, as the clock is one beside the web
process: the two share the machine's cores and the database, never one interpreter, so neither's timings carry the
other's waits for Python's global lock.
"""

from __future__ import annotations

import multiprocessing
import resource
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Event

from bot.app import make_client
from bot.config import load_settings
from jobs.ats_inbox import Inbox
from models.base import utcnow
from models.db import make_engine, make_session_factory

IDLE_SECONDS = 0.2  # after a sweep that found nothing, before the next: the inbox is polled, not spun on
START_TIMEOUT_SECONDS = 60.0
FINISH_TIMEOUT_SECONDS = 3600.0


@dataclass(frozen=True)
class Sweep:
    """One run over the inbox: when it started and ended (time.monotonic, the same clock in every process on
    Linux), the CPU its process spent, and what it did."""

    started: float
    ended: float
    cpu_seconds: float
    processed: int
    failed: int

    @property
    def seconds(self) -> float:
        return self.ended - self.started


@dataclass(frozen=True)
class Sweeps:
    """Every sweep of one sweeping process, in order, and the most memory that process held."""

    runs: tuple[Sweep, ...]
    peak_rss_mib: float

    @property
    def processed(self) -> int:
        return sum(run.processed for run in self.runs)

    @property
    def failed(self) -> int:
        """Attempts that failed and were left for the next sweep (each is counted again if it fails again)."""
        return sum(run.failed for run in self.runs)

    @property
    def busy(self) -> tuple[Sweep, ...]:
        """The sweeps that processed something; the empty ones only show the inbox was drained."""
        return tuple(run for run in self.runs if run.processed)

    @property
    def busy_seconds(self) -> float:
        return sum(run.seconds for run in self.busy)

    @property
    def cpu_seconds(self) -> float:
        return sum(run.cpu_seconds for run in self.busy)

    @property
    def drained_at(self) -> float:
        """When the last sweep that processed anything ended."""
        return max((run.ended for run in self.busy), default=self.runs[0].started)


@dataclass
class Sweeper:
    """A sweeping process: started, then sweeping once `go()` is called, until `finish()`."""

    _go: Event
    _stop: Event
    _results: Queue[Sweeps]
    _process: multiprocessing.process.BaseProcess

    def go(self) -> None:
        self._go.set()

    def finish(self) -> Sweeps:
        """Tell it the senders are done; it sweeps until a sweep begun after this finds nothing, then reports."""
        self._go.set()
        self._stop.set()
        sweeps = self._results.get(timeout=FINISH_TIMEOUT_SECONDS)
        self._process.join(timeout=10)
        return sweeps


@contextmanager
def sweeper(env: Mapping[str, str]) -> Iterator[Sweeper]:
    """A process that has read its settings (`env`, as the clock reads its environment) and made its database
    engine, waiting for `go()`. It is stopped on the way out whatever happened."""
    context = multiprocessing.get_context("spawn")  # a fresh interpreter, as the clock is, whatever this one holds
    ready, go, stop = context.Event(), context.Event(), context.Event()
    results: Queue[Sweeps] = context.Queue()
    process = context.Process(target=_sweep, args=(dict(env), ready, go, stop, results), name="ats-sweeper")
    process.start()
    try:
        if not ready.wait(START_TIMEOUT_SECONDS):
            raise RuntimeError(f"the sweeping process was not ready within {START_TIMEOUT_SECONDS:.0f} s")
        yield Sweeper(go, stop, results, process)
    finally:
        if process.is_alive():
            process.terminate()
            process.join(timeout=10)


def _sweep(env: dict[str, str], ready: Event, go: Event, stop: Event, results: Queue[Sweeps]) -> None:
    """In the child: sweep back to back once told to go; stop after a sweep that began after `stop` and found
    nothing to do, so everything sent before `stop` has been processed (or failed) by then."""
    settings = load_settings(env, serving=False)
    engine = make_engine(settings.database_url)
    sessions = make_session_factory(engine)
    inbox = Inbox.for_settings(settings, make_client(settings))
    ready.set()
    go.wait()
    runs: list[Sweep] = []
    try:
        while True:
            stopping = stop.is_set()
            started, cpu = time.monotonic(), time.process_time()
            report = inbox.run(sessions=sessions, now=utcnow())
            runs.append(Sweep(started, time.monotonic(), time.process_time() - cpu, report.processed, report.failed))
            if report.processed == 0:
                if stopping:
                    break
                stop.wait(IDLE_SECONDS)
    finally:
        results.put(Sweeps(tuple(runs), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))  # KiB on Linux
        engine.dispose()
