"""The packages import one way: jobs → bot → models. A lower layer that imports a higher one is refused here.

Each package's `__main__.py` is an entry point that wires the layers together, so it may import any of them.
`tests/` and `bench/` sit above the product and import it, but not each other: what both need (the fake Slack,
signed requests, processes, the running app, the data factory) is in `testkit/`, which the product never imports and
which imports neither `tests/` nor `bench/`.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Forbidden:
    """Files of `importer` may not import `imported`, except the files under `exempt` (paths from the repository)."""

    importer: str
    imported: str
    exempt: tuple[str, ...] = ()


ENTRY_POINTS = ("bot/__main__.py", "jobs/__main__.py", "models/__main__.py")
PRODUCT = [
    Forbidden("models", "bot"),
    Forbidden("models", "jobs"),
    Forbidden("bot", "jobs"),
    *(Forbidden(layer, above) for layer in ("models", "bot", "jobs") for above in ("tests", "bench", "testkit")),
]
TOOLS = [
    # tests/bench/ holds the tests of the benchmarks themselves: those import what they test.
    Forbidden("tests", "bench", exempt=("tests/bench/",)),
    Forbidden("bench", "tests"),
    Forbidden("testkit", "tests"),
    Forbidden("testkit", "bench"),
]


def imported_packages(path: Path) -> set[str]:
    """The top-level names a file imports, wherever the import is (in a function, under TYPE_CHECKING)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name.partition(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.partition(".")[0])
    return names


def violations(root: Path, rule: Forbidden) -> list[str]:
    """The files (relative to `root`) that break `rule`."""
    exempt = (*ENTRY_POINTS, *rule.exempt)
    found = []
    for path in sorted((root / rule.importer).rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        if not relative.startswith(exempt) and rule.imported in imported_packages(path):
            found.append(relative)
    return found


@pytest.mark.parametrize(
    "rule", [*PRODUCT, *TOOLS], ids=lambda rule: f"{rule.importer} does not import {rule.imported}"
)
def test_no_package_imports_a_layer_above_it(rule: Forbidden) -> None:
    assert violations(REPO, rule) == []


def test_the_check_sees_every_kind_of_import(tmp_path: Path) -> None:
    models = tmp_path / "models"
    models.mkdir()
    (models / "__main__.py").write_text("import bot.config\n")  # an entry point: allowed
    (models / "fine.py").write_text("from models.db import make_engine\nfrom . import base\n")
    (models / "plain.py").write_text("import bot.config as config\n")
    (models / "hidden.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from bot.rejection_input import RejectionInput\n"
    )
    (models / "late.py").write_text("def f():\n    from bot import app\n    return app\n")
    assert violations(tmp_path, Forbidden("models", "bot")) == ["models/hidden.py", "models/late.py", "models/plain.py"]
