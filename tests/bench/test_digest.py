"""bench/digest.py grows a database through the real import command, opens roles and times the real digest job
posting to the fake Slack, at a tiny size, so the benchmark cannot rot; and it fails a digest that lost a role."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path

import pytest

from bench import digest
from bench.databases import POSTGRES_DEFAULT


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_the_digest_of_new_roles_is_posted_once_after_each_import(
    database: str, request: pytest.FixtureRequest, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if database == "postgresql":
        request.getfixturevalue("postgres_url")  # skipped, or failed under CI, when the server is down
    base = os.environ.get("TEST_DATABASE_URL") or POSTGRES_DEFAULT  # the benchmark makes its own scratch schema
    output = tmp_path / "digest.json"

    code = digest.main(
        ["--databases", database, "--postgres-url", base, "--sizes", "300,600", "--roles", "4", "--output", str(output)]
    )

    assert code == 0, capsys.readouterr().out
    results = [digest.Result(**row) for row in json.loads(output.read_text())["results"]]
    assert [(r.database, r.rejections, r.roles, r.roles_named, r.messages) for r in results] == [
        (database, 300, 4, 4, 1),
        (database, 600, 4, 4, 1),
    ]
    assert all(r.roles_matched > 0 and r.index_rows > 0 for r in results)  # the roles were matched to the imports
    assert all(
        r.digest_lines[-1] == "1 digest message(s), 4 role(s) posted, 0 deferred, 0 failed, 0 found already posted"
        for r in results
    )
    assert all(r.digest_seconds > 0 and r.digest_peak_rss_mib > 0 for r in results)
    assert results[1].import_summary.startswith("300 rejections recorded")  # only the rows the second size adds
    printed = capsys.readouterr().out
    assert f"{database:<12}{600:>11,}" in printed and "FAILED" not in printed

    lost = replace(results[0], roles_named=3, messages=2).problems()
    assert lost == [
        f"{database} 300: the digest posted 2 messages, not 1",
        f"{database} 300: the digest named 3 of the 4 new roles",
    ]
