"""Small server-rendered charts for the home dashboard: a bar per day, drawn as inline SVG.

The app's content security policy allows no script and no inline style, and nothing from a
CDN, so a chart is geometry computed here and drawn by ``templates/_chart.html`` with SVG
presentation attributes and classes from the app's own stylesheet. The drawing scales to its
box (``viewBox``, width 100 %), so it fits a 360 px screen; it carries a title and a
description for screen readers, and the same figures as a table beside it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

WIDTH, HEIGHT = 320, 140
LEFT, RIGHT, TOP, BOTTOM = 30, 4, 10, 22


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    day: dt.date
    value: int | Decimal


@dataclass
class DayChart:
    """Values per day, oldest first; ``title`` is a msgid (what is counted per day)."""

    title: str
    points: list[tuple[dt.date, int | Decimal]]
    bars: list[Bar] = field(default_factory=list)
    top: int | Decimal = 0
    total: int | Decimal = 0
    width: int = WIDTH
    height: int = HEIGHT
    baseline: float = HEIGHT - BOTTOM
    left: int = LEFT
    right: int = WIDTH - RIGHT
    ticks: list[tuple[float, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        values = [value for _, value in self.points]
        self.top = max(values, default=0)
        self.total = sum(values, 0)
        scale = max(self.top, 1)
        plot = self.baseline - TOP
        slot = (self.right - self.left) / max(len(self.points), 1)
        self.bars = []
        for index, (day, value) in enumerate(self.points):
            height = float(value) / float(scale) * plot
            self.bars.append(Bar(x=round(self.left + index * slot + slot * 0.15, 2),
                                 y=round(self.baseline - height, 2),
                                 width=round(slot * 0.7, 2), height=round(height, 2),
                                 day=day, value=value))
        # first, middle and last day under the axis, as month-day (the same in any language)
        picks = sorted({0, len(self.bars) // 2, len(self.bars) - 1}) if self.bars else []
        self.ticks = [(round(self.bars[i].x + self.bars[i].width / 2, 2),
                       self.bars[i].day.strftime("%m-%d")) for i in picks]


def days_back(today: dt.date, days: int) -> list[dt.date]:
    """The ``days`` days ending with ``today``, oldest first."""
    return [today - dt.timedelta(days=offset) for offset in range(days - 1, -1, -1)]


def day_chart(title: str, today: dt.date, days: int,
              counted: dict[dt.date, int | Decimal]) -> DayChart:
    """A chart of ``days`` days ending today; days missing from ``counted`` are zero."""
    return DayChart(title, [(day, counted.get(day, 0)) for day in days_back(today, days)])
