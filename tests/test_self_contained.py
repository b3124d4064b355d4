"""Nothing the repository runs or tests may read a file outside it: a fresh clone, alone in a folder, must pass.

Two checks over every tracked file: Python path arithmetic that starts at `__file__` must never climb above the
repository root, and no code or script may name a place that only exists on one machine (a sibling `shared/` folder,
the home folder, an absolute machine path). `.ci/run` proves the same end to end by running the tests in a clone
with nothing beside it.
"""

from __future__ import annotations

import ast
import re
import subprocess
from collections.abc import Sequence
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
CODE_SUFFIXES = {".py", ".sh", ".toml", ".ini", ".cfg", ".yml", ".yaml"}
CODE_NAMES = {"Procfile", "run", ".env.example"}
OUTSIDE = re.compile(
    r"""\.\./+shared\b             # the sibling folder of reference material
    | ["'/]shared/slack\b          # the same, however it is joined
    | Path\.home\(\) | expanduser\( | \$HOME\b | ~/
    | ["'](?:/home|/root|/work|/Users|/mnt)/   # absolute machine paths
    """,
    re.VERBOSE,
)


def tracked_code() -> list[Path]:
    """The files git tracks that are code, scripts or configuration: where a path to the outside could hide."""
    listing = subprocess.run(["git", "ls-files", "-z"], cwd=REPO_ROOT, capture_output=True, check=True, text=True)
    paths = [REPO_ROOT / name for name in listing.stdout.split("\0") if name]
    return [path for path in paths if path.suffix in CODE_SUFFIXES or path.name in CODE_NAMES]


def levels_above_root(node: ast.expr, file: Path, names: dict[str, int]) -> int | None:
    """How many folders below the repository root a path expression built from `__file__` stands.

    Negative once it has climbed out, and it stays negative: `ROOT.parent / "shared"` is outside, not back in.
    None when the expression is not such a path. `names` holds module-level names already bound to one.
    """
    match node:
        case ast.Name(id="__file__"):
            return len(file.relative_to(REPO_ROOT).parts)
        case ast.Name(id=name) if name in names:
            return names[name]
        case ast.Call(func=ast.Name(id="Path"), args=[inner]):
            return levels_above_root(inner, file, names)
        case ast.Call(func=ast.Attribute(value=inner, attr="resolve" | "absolute"), args=[]):
            return levels_above_root(inner, file, names)
        case ast.Attribute(value=inner, attr="parent"):
            return climb(levels_above_root(inner, file, names), [".."])
        case ast.Subscript(value=ast.Attribute(value=inner, attr="parents"), slice=ast.Constant(value=int(up))):
            return climb(levels_above_root(inner, file, names), [".."] * (up + 1))
        case ast.BinOp(left=inner, op=ast.Div(), right=ast.Constant(value=str(part))):
            return climb(levels_above_root(inner, file, names), Path(part).parts)
    return None


def climb(depth: int | None, parts: Sequence[str]) -> int | None:
    """The depth after walking `parts` (".." goes up), kept negative once it has left the repository."""
    for part in parts:
        if depth is None or depth < 0:
            return depth
        depth += -1 if part == ".." else 1
    return depth


def climbs_out(source: str, file: Path) -> list[int]:
    """The lines of a Python module (at `file`) whose `__file__`-based paths reach above the repository root."""
    tree = ast.parse(source)
    names: dict[str, int] = {}
    for statement in tree.body:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target = statement.targets[0]
            depth = levels_above_root(statement.value, file, names)
            if isinstance(target, ast.Name) and depth is not None:
                names[target.id] = depth
    return sorted(
        {
            node.lineno
            for node in ast.walk(tree)
            if isinstance(node, ast.expr) and (levels_above_root(node, file, names) or 0) < 0
        }
    )


def test_no_python_path_climbs_above_the_repository() -> None:
    found = [
        f"{path.relative_to(REPO_ROOT)}:{line}"
        for path in tracked_code()
        if path.suffix == ".py"
        for line in climbs_out(path.read_text(encoding="utf-8"), path)
    ]
    assert found == [], "paths outside the repository; copy what they need into it: " + ", ".join(found)


def test_no_code_names_a_place_outside_the_repository() -> None:
    found = [
        f"{path.relative_to(REPO_ROOT)}:{number}: {line.strip()}"
        for path in tracked_code()
        if path != Path(__file__).resolve()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if OUTSIDE.search(line)
    ]
    assert found == [], "machine-specific places; copy what they need into the repository:\n" + "\n".join(found)


@pytest.mark.parametrize(
    ("source", "outside"),
    [
        ('ROOT = Path(__file__).resolve().parents[1]\nX = ROOT.parent / "shared" / "slack"', [2]),
        ('X = Path(__file__).resolve().parent.parent.parent / "x.json"', [1]),
        ('X = Path(__file__).parent / ".." / ".." / "shared"', [1]),
        ("X = Path(__file__).resolve().parents[2]", [1]),
        ('ROOT = Path(__file__).resolve().parents[1]\nX = ROOT / "tests" / "data" / "a.json"', []),
        ('X = Path(__file__).resolve().parent / "results"', []),
        ('X = Path(__file__).parent / ".." / "manifest.yml"', []),
    ],
)
def test_the_check_sees_a_climb_out(source: str, outside: list[int]) -> None:
    """The check itself, for a module one folder below the root, as tests/test_manifest.py was when it failed."""
    assert climbs_out(source, REPO_ROOT / "tests" / "probe.py") == outside
