"""Line charts as SVG, with nothing to install: the benchmarks' curves, drawn where GitHub renders them.

Made for figures against history size (10k, 100k, 1M): x on a log scale by default, y linear or log, one polyline
with point markers per series, a legend, axis labels and a title. Everything is computed here (scales, ticks,
labels), so the tests can check the geometry without a browser.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

WIDTH, HEIGHT = 760, 440
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 78, 24, 48, 96
LEGEND_ROW = 18
COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f")
FONT = 'font-family="Helvetica, Arial, sans-serif"'


@dataclass(frozen=True)
class Series:
    """One line: its legend name and its (x, y) points; `dashed` and `colour` to pair lines, e.g. one colour per
    database and dashes for a control series."""

    name: str
    points: tuple[tuple[float, float], ...]
    dashed: bool = False
    colour: str | None = None  # one from COLOURS by position when not given


@dataclass(frozen=True)
class Scale:
    """Maps data values in [low, high] onto pixels [start, end], linearly or by their logarithm."""

    low: float
    high: float
    start: float
    end: float
    log: bool = False

    def __post_init__(self) -> None:
        if self.log and self.low <= 0:
            raise ValueError(f"a log scale needs positive values, not {self.low}")
        if self.high <= self.low:
            raise ValueError(f"the scale's high end {self.high} must be above its low end {self.low}")

    def __call__(self, value: float) -> float:
        transform = math.log10 if self.log else float
        share = (transform(value) - transform(self.low)) / (transform(self.high) - transform(self.low))
        return self.start + share * (self.end - self.start)


def log_range(values: Sequence[float]) -> tuple[float, float]:
    """The powers of ten just around the values, so every point sits between two labelled ticks."""
    low, high = min(values), max(values)
    if low <= 0:
        raise ValueError(f"a log scale needs positive values, not {low}")
    bottom, top = 10 ** math.floor(math.log10(low)), 10 ** math.ceil(math.log10(high))
    return bottom, top if top > bottom else bottom * 10


def log_ticks(low: float, high: float) -> list[float]:
    """Powers of ten from low to high; with under three decades, also 2 and 5 times them."""
    first, last = math.floor(math.log10(low) + 1e-9), math.ceil(math.log10(high) - 1e-9)
    multiples = (1, 2, 5) if last - first < 3 else (1,)
    ticks = [m * 10.0**e for e in range(first, last + 1) for m in multiples]
    return [tick for tick in ticks if low * (1 - 1e-9) <= tick <= high * (1 + 1e-9)]


def linear_range(values: Sequence[float]) -> tuple[float, float]:
    """From zero (or the lowest value, if negative) to a round number at or above the highest."""
    low, high = min(0.0, min(values)), max(values)
    if high <= low:
        high = low + 1
    step = nice_step((high - low) / 5)
    return math.floor(low / step) * step, math.ceil(high / step) * step


def nice_step(rough: float) -> float:
    """The 1, 2 or 5 times a power of ten nearest above `rough`: tick spacing people read at a glance."""
    power = 10 ** math.floor(math.log10(rough))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= rough * (1 - 1e-9))


def linear_ticks(low: float, high: float) -> list[float]:
    """About five evenly spaced round ticks from low to high."""
    step = nice_step((high - low) / 5)
    first = math.ceil(low / step - 1e-9)
    return [round((first + i) * step, 10) for i in range(int((high - low) / step + 1e-9) + 1)]


def padded(low: float, high: float, log: bool, share: float = 0.04) -> tuple[float, float]:
    """The range widened by `share` of it at both ends, so points on the first and last tick clear the frame."""
    if log:
        factor = (high / low) ** share
        return low / factor, high * factor
    margin = (high - low) * share
    return low - margin, high + margin


def number(value: float) -> str:
    """A tick label: 10k, 100k, 1M for big numbers, plain digits otherwise, no trailing zeros."""
    for size, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            return f"{value / size:g}{suffix}"
    return f"{value:g}"


def line_chart(
    *,
    title: str,
    x_label: str,
    y_label: str,
    series: Sequence[Series],
    log_x: bool = True,
    log_y: bool = False,
    width: int = WIDTH,
    height: int = HEIGHT,
) -> str:
    """The SVG document: axes with ticks and grid lines, one polyline (and its point markers) per series, and a
    legend under the plot."""
    if not series or not all(s.points for s in series):
        raise ValueError("a chart needs at least one series, each with at least one point")
    xs = [x for s in series for x, _ in s.points]
    ys = [y for s in series for _, y in s.points]
    legend_rows = math.ceil(len(series) / 2)
    bottom = height - MARGIN_BOTTOM - LEGEND_ROW * max(0, legend_rows - 2)
    x_low, x_high = log_range(xs) if log_x else linear_range(xs)
    y_low, y_high = log_range(ys) if log_y else linear_range(ys)
    x_scale = Scale(*padded(x_low, x_high, log_x), MARGIN_LEFT, width - MARGIN_RIGHT, log_x)
    y_scale = Scale(*padded(y_low, y_high, log_y), bottom, MARGIN_TOP, log_y)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" {FONT} font-size="12">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<text x="{width / 2:.1f}" y="26" text-anchor="middle" font-size="15" font-weight="bold">'
        f"{escape(title)}</text>",
    ]
    for tick in log_ticks(x_low, x_high) if log_x else linear_ticks(x_low, x_high):
        x = x_scale(tick)
        parts.append(f'<line x1="{x:.1f}" y1="{MARGIN_TOP}" x2="{x:.1f}" y2="{bottom:.1f}" stroke="#e5e5e5"/>')
        parts.append(f'<text x="{x:.1f}" y="{bottom + 18:.1f}" text-anchor="middle">{number(tick)}</text>')
    right = width - MARGIN_RIGHT
    for tick in log_ticks(y_low, y_high) if log_y else linear_ticks(y_low, y_high):
        y = y_scale(tick)
        parts.append(f'<line x1="{MARGIN_LEFT}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" stroke="#e5e5e5"/>')
        parts.append(f'<text x="{MARGIN_LEFT - 8}" y="{y + 4:.1f}" text-anchor="end">{number(tick)}</text>')
    parts += [
        f'<rect x="{MARGIN_LEFT}" y="{MARGIN_TOP}" width="{width - MARGIN_LEFT - MARGIN_RIGHT}" '
        f'height="{bottom - MARGIN_TOP:.1f}" fill="none" stroke="#555"/>',
        f'<text x="{(MARGIN_LEFT + width - MARGIN_RIGHT) / 2:.1f}" y="{bottom + 40:.1f}" text-anchor="middle">'
        f"{escape(x_label)}</text>",
        f'<text transform="translate(18 {(MARGIN_TOP + bottom) / 2:.1f}) rotate(-90)" text-anchor="middle">'
        f"{escape(y_label)}</text>",
    ]
    for index, line in enumerate(series):
        colour = line.colour or COLOURS[index % len(COLOURS)]
        dash = ' stroke-dasharray="6 4"' if line.dashed else ""
        points = " ".join(f"{x_scale(x):.1f},{y_scale(y):.1f}" for x, y in line.points)
        parts.append(
            f'<polyline data-series={quoteattr(line.name)} points="{points}" fill="none" stroke="{colour}" '
            f'stroke-width="2"{dash}/>'
        )
        parts += [
            f'<circle cx="{x_scale(x):.1f}" cy="{y_scale(y):.1f}" r="3.5" fill="{colour}"/>' for x, y in line.points
        ]
        column, row = index % 2, index // 2
        lx, ly = MARGIN_LEFT + column * (width - MARGIN_LEFT - MARGIN_RIGHT) / 2, bottom + 62 + row * LEGEND_ROW
        parts.append(
            f'<line x1="{lx:.1f}" y1="{ly - 4:.1f}" x2="{lx + 28:.1f}" y2="{ly - 4:.1f}" stroke="{colour}" '
            f'stroke-width="2"{dash}/>'
        )
        parts.append(f'<text x="{lx + 36:.1f}" y="{ly:.1f}">{escape(line.name)}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def write_chart(path: Path, **chart: object) -> Path:
    """Draw `line_chart(**chart)` into `path`, making its folder if needed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(line_chart(**chart))  # type: ignore[arg-type]
    return path
