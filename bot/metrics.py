"""Prometheus metrics: what each process counts, in a registry of its own, and `GET /metrics` to read them.

One `Metrics` per process (per app in tests, which run many in one process), never prometheus_client's global
registry. Requests are labelled by whoever routes them (`tag`), deliveries by the run reports the jobs already return,
so every call site is one line. `/metrics` answers 404 until METRICS_TOKEN is set, then only to
`Authorization: Bearer <token>`: the web process serves Slack on a public port, and its metrics name workspaces and
how busy they are.
"""

from __future__ import annotations

import hmac
import logging
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, ParamSpec, Protocol, TypeVar

import waitress
from prometheus_client import CONTENT_TYPE_PLAIN_0_0_4, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.process_collector import ProcessCollector
from prometheus_client.registry import Collector
from slack_bolt.request.internals import extract_team_id
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from bot.startup import StartupError
from bot.wsgi_io import WSGIApp, json_answer
from models.ats_delivery import Ats
from models.ats_inbox import waiting_deliveries
from models.db import one_line

METRICS_PATH = "/metrics"
DELIVERY_KINDS = ("checkin", "ats_notice", "role_alert", "departure", "digest")
OUTCOMES = ("delivered", "deferred", "failed", "recovered")
JOBS = ("sweep", "digest")
_LABELS = "keepwarm.metrics"  # the WSGI environ key where a route leaves its request's kind and workspace
_SLACK_KINDS = {
    "block_actions": "slack_action",
    "interactive_message": "slack_action",
    "shortcut": "slack_action",
    "message_action": "slack_action",
    "block_suggestion": "slack_options",
    "view_submission": "slack_view",
    "view_closed": "slack_view",
    "event_callback": "slack_event",
    "url_verification": "slack_event",
}
_TEAM_ID = re.compile(r"[TE][A-Z0-9]{2,20}")
# Slack's acknowledgements take milliseconds and must stay under three seconds; a sweep can take minutes.
_REQUEST_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
_JOB_BUCKETS = (0.1, 0.5, 1.0, 5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0)
logger = logging.getLogger("keepwarm.metrics")
P = ParamSpec("P")


class Delivered(Protocol):
    """What every delivery run reports (jobs.delivery.RunReport), counted in messages."""

    messages: int
    deferred: int
    failed: int
    recovered: int


R = TypeVar("R", bound=Delivered)


def tag(environ: dict[str, Any], kind: str, team: str = "") -> None:
    """Label the request being served; a request nobody tags counts as kind "other"."""
    environ[_LABELS] = (kind, team)


def slack_kind(body: Mapping[str, Any]) -> str:
    """The kind label of a Slack request body: a command, an action, a view, an event, options, or other."""
    return "slack_command" if "command" in body else _SLACK_KINDS.get(str(body.get("type")), "slack_other")


def slack_team(body: dict[str, Any]) -> str:
    """The workspace of a verified Slack request body, or "" when it names none of Slack's shape."""
    team = extract_team_id(body)
    return team if isinstance(team, str) and _TEAM_ID.fullmatch(team) else ""


class Metrics:
    """One process's metrics and the endpoint that exposes them."""

    def __init__(self, *, token: str | None, sessions: sessionmaker[Session] | None = None) -> None:
        """`token`: METRICS_TOKEN, None to answer 404; `sessions`: the database whose ATS inbox's depth is reported."""
        self.token = token
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "keepwarm_requests",
            "HTTP requests answered, by kind, workspace (team id, when the request is verified) and status.",
            ["kind", "team", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "keepwarm_request_seconds",
            "Time to answer an HTTP request (for Slack: the acknowledgement), by kind.",
            ["kind"],
            buckets=_REQUEST_BUCKETS,
            registry=self.registry,
        )
        self.messages = Counter(
            "keepwarm_messages",
            "Messages posted (delivered), put off to a later run (deferred), given up on (failed), or found already "
            "posted by an earlier run (recovered), by kind: checkin (a reminder DM), ats_notice, role_alert, departure "
            "(admins told a recruiter left), digest; and by workspace (team id; empty in single-workspace mode).",
            ["kind", "outcome", "team"],
            registry=self.registry,
        )
        self.job_seconds = Histogram(
            "keepwarm_job_seconds",
            "How long each run of a scheduled job took: the sweep (ATS inbox, reminders, alerts, notices), the digest.",
            ["job"],
            buckets=_JOB_BUCKETS,
            registry=self.registry,
        )
        self.job_failures = Counter(
            "keepwarm_job_failures",
            "Runs of a scheduled job that could not finish (e.g. the database did not answer).",
            ["job"],
            registry=self.registry,
        )
        for kind in DELIVERY_KINDS:
            for outcome in OUTCOMES:
                self.messages.labels(kind, outcome, "")
        for job in JOBS:
            self.job_seconds.labels(job)
            self.job_failures.labels(job)
        if sessions is not None:
            self.registry.register(InboxDepth(sessions))
        ProcessCollector(registry=self.registry)

    def count(self, kind: str, report: Delivered, team: str | None) -> None:
        """The messages one run reports delivered, deferred, failed and recovered, for one workspace (None: the
        single workspace of SLACK_BOT_TOKEN)."""
        counts = (report.messages, report.deferred, report.failed, report.recovered)
        for outcome, count in zip(OUTCOMES, counts, strict=True):
            self.messages.labels(kind, outcome, team or "").inc(count)

    def counting(self, kind: str, deliver: Callable[P, R]) -> Callable[P, R]:
        """`deliver`, counting the messages each of its runs reports, under the workspace its `team_id` names."""

        def counted(*args: P.args, **kwargs: P.kwargs) -> R:
            report = deliver(*args, **kwargs)
            team = kwargs.get("team_id")
            self.count(kind, report, team if isinstance(team, str) else None)
            return report

        return counted

    @contextmanager
    def timed(self, job: str) -> Iterator[None]:
        """Time one run of `job`; a run that raises counts as a failure too."""
        started = time.perf_counter()
        try:
            yield
        except Exception:
            self.job_failures.labels(job).inc()
            raise
        finally:
            self.job_seconds.labels(job).observe(time.perf_counter() - started)

    def measured(self, app: WSGIApp) -> WSGIApp:
        """`app`, each request counted with its status and timed, under the labels its route tagged it with."""

        def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
            started = time.perf_counter()
            status = "500"  # unless the app answers

            def start(status_line: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
                nonlocal status
                status = status_line.split(" ", 1)[0]
                return start_response(status_line, headers, exc_info)

            try:
                return app(environ, start)
            finally:
                kind, team = environ.get(_LABELS, ("other", ""))
                self.requests.labels(kind, team, status).inc()
                self.latency.labels(kind).observe(time.perf_counter() - started)

        return wsgi

    def endpoint(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        """`GET /metrics`: 404 while no token is set; 401 without the token; the text exposition format."""
        tag(environ, "metrics")
        token = self.token
        if token is None:
            return json_answer(start_response, 404, {"ok": False, "error": "not_found"})
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return json_answer(start_response, 405, {"ok": False, "error": "use GET"}, [("Allow", "GET, HEAD")])
        if not _bearer(str(environ.get("HTTP_AUTHORIZATION", "")), token):
            challenge = [("WWW-Authenticate", 'Bearer realm="keepwarm metrics"')]
            return json_answer(
                start_response, 401, {"ok": False, "error": "send Authorization: Bearer <METRICS_TOKEN>"}, challenge
            )
        body = generate_latest(self.registry)
        start_response("200 OK", [("Content-Type", CONTENT_TYPE_PLAIN_0_0_4), ("Content-Length", str(len(body)))])
        return [body]

    def app(self) -> WSGIApp:
        """The WSGI application of a port that serves metrics alone."""

        def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
            if environ.get("PATH_INFO", "") == METRICS_PATH:
                return self.endpoint(environ, start_response)
            return json_answer(start_response, 404, {"ok": False, "error": "not_found"})

        return self.measured(wsgi)


def _bearer(header: str, token: str) -> bool:
    """Whether an Authorization header carries `token` as a bearer token, compared in constant time so the answer's
    timing tells nothing about the token."""
    scheme, _, given = header.strip().partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())


def serve_metrics(metrics: Metrics, port: int) -> None:
    """Serve `/metrics` alone on `port` from a background thread, for a process that serves no other HTTP.

    The port is bound here, so a port already taken stops start-up instead of leaving a silent thread behind.
    """
    try:
        server = waitress.create_server(metrics.app(), host="0.0.0.0", port=port)
    except OSError as error:
        raise StartupError(f"cannot serve metrics on METRICS_PORT {port}: {error.strerror or error}", 1) from None
    threading.Thread(target=server.run, name="metrics-http", daemon=True).start()
    logger.info("metrics are served on port %s: GET %s", port, METRICS_PATH)


class InboxDepth(Collector):
    """ATS deliveries waiting to be processed, by ATS and workspace, read from the inbox at each scrape.

    A pair seen once stays, at 0 when drained, so a graph shows the inbox emptying rather than a series vanishing.
    """

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions
        self.seen: set[tuple[str, Ats]] = set()

    def describe(self) -> Iterable[Metric]:
        return [self._family()]

    def collect(self) -> Iterable[Metric]:
        try:
            with self.sessions() as session:
                waiting = waiting_deliveries(session)
        except SQLAlchemyError as error:
            logger.warning("metrics: could not read the ATS inbox's depth: %s", one_line(error))
            return []
        self.seen |= waiting.keys()
        family = self._family()
        for team, ats in sorted(self.seen):
            family.add_metric([ats.value, team], waiting.get((team, ats), 0))
        return [family]

    @staticmethod
    def _family() -> GaugeMetricFamily:
        return GaugeMetricFamily(
            "keepwarm_ats_inbox_waiting",
            "ATS webhook deliveries received and not yet processed, by ATS and workspace.",
            labels=["ats", "team"],
        )
