"""Chart geometry: bars laid out in SVG units on the server (no chart library, no CDN), for the admin home panels,
the competency chart on 我的学分 and the item analysis of the question bank (it lives in academy, the lowest app,
so that every app draws its charts with the same geometry). Pure functions: no ORM, no I/O."""

from dataclasses import dataclass
from decimal import Decimal

ZERO = Decimal("0.0")


@dataclass(frozen=True)
class SvgBar:
    """One bar of the competency chart, already laid out in SVG units."""

    label: str
    value: Decimal
    colour: str
    x: float
    y: float
    width: float
    height: float
    label_y: float
    cx: float


def bar_chart(values: list[tuple[str, Decimal, str]], *, width: int = 340, height: int = 180) -> list[SvgBar]:
    """Lay out a vertical bar chart of (label, value, colour) inside width × height (labels go below)."""
    if not values:
        return []
    top = max((value for _label, value, _colour in values), default=ZERO)
    scale_to = max(top, Decimal(1))
    slot = width / len(values)
    bar_width = slot * 0.6
    bars = []
    for index, (label, value, colour) in enumerate(values):
        shown = max(value, ZERO)
        bar_height = float(shown / scale_to) * (height - 20)
        bars.append(
            SvgBar(
                label=label,
                value=value,
                colour=colour,
                x=round(index * slot + (slot - bar_width) / 2, 1),
                y=round(height - bar_height, 1),
                width=round(bar_width, 1),
                height=round(bar_height, 1),
                label_y=round(height - bar_height - 4, 1),
                cx=round(index * slot + slot / 2, 1),
            )
        )
    return bars


@dataclass(frozen=True)
class SvgSegment:
    """One coloured part of a stacked bar, laid out in SVG units."""

    x: float
    width: float
    colour: str
    value: int


@dataclass(frozen=True)
class SvgStackedBar:
    label: str
    y: float
    height: float
    total: int
    segments: tuple[SvgSegment, ...]


def stacked_bars(
    rows: list[tuple[str, list[int]]], colours: list[str], *, width: int = 320, bar_height: int = 16, gap: int = 6
) -> list[SvgStackedBar]:
    """Lay out horizontal 100% stacked bars, one per (label, [counts…]); each bar's segments share its width
    in proportion to the counts (a row of zeros draws no segments)."""
    bars = []
    for index, (label, counts) in enumerate(rows):
        total = sum(counts)
        x = 0.0
        segments = []
        for count, colour in zip(counts, colours, strict=True):
            if total and count:
                share = round(width * count / total, 1)
                segments.append(SvgSegment(x=round(x, 1), width=share, colour=colour, value=count))
                x += share
        bars.append(SvgStackedBar(label, float(index * (bar_height + gap)), float(bar_height), total, tuple(segments)))
    return bars
