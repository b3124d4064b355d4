"""Reading a Keepwarm process's `/metrics` as Prometheus does: over HTTP with the bearer token, parsed by
prometheus_client's own parser, so a malformed exposition fails the test that reads it."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from prometheus_client.parser import text_string_to_metric_families

from testkit.slack_http import HttpReply, get

TOKEN = "metrics-test-token-0123456789-abcdefghijklmnop"
Series = tuple[str, frozenset[tuple[str, str]]]  # a sample's name and its labels


def fetch(url: str, authorization: str | None = None) -> HttpReply:
    """GET `url` with this Authorization header, or none."""
    return get(url, None if authorization is None else {"Authorization": authorization})


@dataclass(frozen=True)
class Scrape:
    """One exposition, parsed: every sample's value, and each family's type."""

    values: dict[Series, float]
    types: dict[str, str]

    def value(self, name: str, **labels: str) -> float:
        """The sample `name` with exactly these labels; 0 when the exposition has no such series."""
        return self.values.get((name, frozenset(labels.items())), 0.0)

    def series(self, name: str) -> dict[frozenset[tuple[str, str]], float]:
        """Every sample named `name`, by its labels."""
        return {labels: value for (sample, labels), value in self.values.items() if sample == name}

    def minus(self, earlier: Scrape, name: str) -> Counter[frozenset[tuple[str, str]]]:
        """How much each series of `name` grew since `earlier`, leaving out those that did not change."""
        grown = Counter(
            {labels: value - earlier.series(name).get(labels, 0.0) for labels, value in self.series(name).items()}
        )
        return Counter({labels: change for labels, change in grown.items() if change})


def scrape(base_url: str, token: str = TOKEN) -> Scrape:
    """GET /metrics with the token as Prometheus sends it; the answer must be the text format and parse."""
    reply = fetch(base_url + "/metrics", f"Bearer {token}")
    assert reply.status == 200, reply.body
    assert reply.headers["Content-Type"].startswith("text/plain; version=0.0.4"), reply.headers
    values: dict[Series, float] = {}
    types: dict[str, str] = {}
    for family in text_string_to_metric_families(reply.body):
        types[family.name] = family.type
        for sample in family.samples:
            values[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return Scrape(values, types)


def wait_for_scrape(base_url: str, ready: Callable[[Scrape], bool], timeout: float = 20.0) -> Scrape:
    """Scrape until `ready` holds of the exposition (a process still starting refuses connections)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            found = scrape(base_url)
            if ready(found):
                return found
        except OSError:
            found = None
        if time.monotonic() > deadline:
            pytest.fail(f"metrics at {base_url} never got ready; last scrape: {found}")
        time.sleep(0.1)


def labels(**values: str) -> frozenset[tuple[str, str]]:
    return frozenset(values.items())
