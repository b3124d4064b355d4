"""The SVG chart writer: its scales and ticks, and a document that parses, with one polyline per series, each point
where the scales put it."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from bench.chart import (
    Scale,
    Series,
    line_chart,
    linear_range,
    linear_ticks,
    log_range,
    log_ticks,
    nice_step,
    number,
    write_chart,
)

SVG = "{http://www.w3.org/2000/svg}"


def pixels(line: ET.Element) -> list[tuple[float, float]]:
    """A polyline's points, as drawn."""
    return [(float(x), float(y)) for x, y in (pair.split(",") for pair in (line.get("points") or "").split())]


def test_a_log_scale_puts_each_decade_the_same_distance_apart() -> None:
    scale = Scale(1_000, 1_000_000, 100, 700, log=True)
    assert scale(1_000) == pytest.approx(100)
    assert scale(10_000) == pytest.approx(300)
    assert scale(100_000) == pytest.approx(500)
    assert scale(1_000_000) == pytest.approx(700)
    assert scale(math.sqrt(10) * 10_000) == pytest.approx(400)


def test_a_linear_scale_can_run_downwards_as_a_y_axis_does() -> None:
    scale = Scale(0, 50, 400, 100)
    assert scale(0) == 400
    assert scale(25) == pytest.approx(250)
    assert scale(50) == pytest.approx(100)


@pytest.mark.parametrize(("low", "high"), [(0, 10), (-1, 10), (5, 5), (10, 1)])
def test_a_scale_refuses_what_it_cannot_draw(low: float, high: float) -> None:
    with pytest.raises(ValueError):
        Scale(low, high, 0, 100, log=True)


def test_log_ranges_and_ticks_land_on_powers_of_ten() -> None:
    assert log_range([10_000, 100_000, 1_000_000]) == (10_000, 1_000_000)
    assert log_range([12_000, 850_000]) == (10_000, 1_000_000)
    assert log_range([3.0]) == (1, 10)
    assert log_ticks(10_000, 1_000_000) == [10_000, 20_000, 50_000, 100_000, 200_000, 500_000, 1_000_000]
    assert log_ticks(1, 100_000) == [1, 10, 100, 1_000, 10_000, 100_000]  # many decades: powers only
    with pytest.raises(ValueError):
        log_range([0, 10])


def test_linear_ranges_start_at_zero_and_ticks_are_round() -> None:
    assert nice_step(0.7) == 1 and nice_step(1.3) == 2 and nice_step(3) == 5 and nice_step(7) == 10
    assert linear_range([3.2, 87.0]) == (0, 100)
    assert linear_ticks(0, 100) == [0, 20, 40, 60, 80, 100]
    assert linear_ticks(0, 1) == [0, 0.2, 0.4, 0.6, 0.8, 1]


def test_tick_labels_are_short() -> None:
    assert [number(v) for v in (10_000, 100_000, 1_000_000, 2_500_000, 500, 0.5, 0)] == [
        "10k",
        "100k",
        "1M",
        "2.5M",
        "500",
        "0.5",
        "0",
    ]


def test_the_chart_parses_and_draws_each_series_through_its_points(tmp_path: Path) -> None:
    series = [
        Series("SQLite, 1% due", ((10_000, 100.0), (100_000, 1_000.0), (1_000_000, 10_000.0))),
        Series(
            "PostgreSQL, 1,000 due <flat>",
            ((10_000, 500.0), (100_000, 520.0), (1_000_000, 480.0)),
            dashed=True,
            colour="#123456",
        ),
    ]
    path = write_chart(
        tmp_path / "charts" / "sweep.svg",
        title="Sweep & claim",
        x_label="rejections",
        y_label="ms",
        series=series,
        log_y=True,
        width=800,
        height=500,
    )
    root = ET.fromstring(path.read_text())
    assert root.tag == f"{SVG}svg" and root.get("width") == "800"
    lines = root.findall(f"{SVG}polyline")
    assert [line.get("data-series") for line in lines] == [s.name for s in series]
    assert lines[1].get("stroke-dasharray") and not lines[0].get("stroke-dasharray")
    assert lines[1].get("stroke") == "#123456" and lines[0].get("stroke") != "#123456"
    texts = [text.text for text in root.iter(f"{SVG}text")]
    assert {"Sweep & claim", "rejections", "ms", "SQLite, 1% due", "PostgreSQL, 1,000 due <flat>"} <= set(texts)
    assert {"10k", "100k", "1M"} <= set(texts)

    for line in lines:
        xs = [x for x, _ in pixels(line)]
        assert len(xs) == 3
        # Log x: the three history sizes are evenly spaced; left to right in the order given.
        assert xs[0] < xs[1] < xs[2] and xs[1] - xs[0] == pytest.approx(xs[2] - xs[1], abs=0.2)
    first = pixels(lines[0])
    # Log y: ten times more is the same height each time, and higher values are drawn higher (smaller y).
    assert first[0][1] > first[1][1] > first[2][1]
    assert first[0][1] - first[1][1] == pytest.approx(first[1][1] - first[2][1], abs=0.2)
    flat = pixels(lines[1])
    assert max(y for _, y in flat) - min(y for _, y in flat) < 15
    # Every point also has its marker, and every marker is inside the plot.
    markers = root.findall(f"{SVG}circle")
    centres = [(float(m.get("cx") or 0), float(m.get("cy") or 0)) for m in markers]
    assert centres == pixels(lines[0]) + pixels(lines[1])
    assert all(78 <= float(m.get("cx") or 0) <= 800 - 24 and 48 <= float(m.get("cy") or 0) <= 500 for m in markers)


def test_a_chart_needs_points() -> None:
    with pytest.raises(ValueError):
        line_chart(title="t", x_label="x", y_label="y", series=[])
    with pytest.raises(ValueError):
        line_chart(title="t", x_label="x", y_label="y", series=[Series("empty", ())])
