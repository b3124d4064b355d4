"""The matching and sweep benchmarks filled through `python -m jobs import-candidates` (`--fill import`) run end to end
at a tiny size, so the option cannot rot."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from bench import matching, sweep_cost
from bench.databases import POSTGRES_DEFAULT, scratch_database
from bench.import_candidates import know_recruiters
from bench.import_fill import ImportFiller
from testkit.fakeslack import FakeSlack


def _base(database: str, request: pytest.FixtureRequest) -> str:
    if database == "postgresql":
        request.getfixturevalue("postgres_url")  # skipped, or failed under CI, when the server is down
    return os.environ.get("TEST_DATABASE_URL") or POSTGRES_DEFAULT  # the benchmarks make their own scratch schema


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_the_filler_imports_only_the_rows_each_step_adds(
    database: str, request: pytest.FixtureRequest, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    know_recruiters(fake_slack)
    with scratch_database(database, _base(database, request)) as url:
        filler = ImportFiller(url, fake_slack, tmp_path)
        filler.grow(200)
        first = filler.summaries[-1]
        filler.grow(500)

    assert first.startswith("200 rejections recorded")
    assert filler.summaries[-1].startswith("300 rejections recorded")  # none of the first 200 again
    assert filler.rows == filler.rejections == 500
    assert filler.first_import is not None and list(tmp_path.glob("*.csv")) == []


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_both_benchmarks_run_on_an_imported_database(
    database: str, request: pytest.FixtureRequest, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = _base(database, request)
    common = ["--databases", database, "--postgres-url", base, "--sizes", "300,600"]

    assert matching.main([*common, "--fill", "import", "--queries", "5"]) == 0
    printed = capsys.readouterr().out
    assert "Filled by python -m jobs import-candidates" in printed
    assert f"{database:<11}{600:>11,}" in printed

    results = tmp_path / "sweep.json"
    arguments = [*common, "--fill", "import", "--fixed-due", "20", "--repeats", "2", "--json", str(results)]
    assert sweep_cost.main(arguments) == 0  # each repetition checks every check-in made due was sent exactly once
    rows = json.loads(results.read_text())["results"]
    assert [(row["rejections"], row["due"]) for row in rows if row["series"] == "20"] == [(300, 20), (600, 20)]
