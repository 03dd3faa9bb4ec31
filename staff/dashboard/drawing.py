"""Bar charts drawn on the server as SVG, with no script and no style attribute (the
Content-Security-Policy forbids both): the geometry is computed here and the colours come from
classes in ``static/css/dashboard.css``. Each chart comes with the table of its figures and a
one-sentence summary (:class:`staff.dashboard.panels.Chart`), which is what a screen-reader
user gets.
"""

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # Only for the annotation: a chart knows how to draw itself through this module.
    from .panels import Chart


@dataclass(frozen=True)
class Bar:
    x: str
    y: str
    width: str
    height: str
    css_class: str
    title: str


@dataclass(frozen=True)
class Tick:
    position: str
    label: str


@dataclass(frozen=True)
class LegendEntry:
    x: str
    y: str
    text_x: str
    text_y: str
    css_class: str
    label: str


@dataclass(frozen=True)
class Drawing:
    """Coordinates for the SVG template, as strings so that no locale formats them."""

    width: int
    height: int
    orientation: str
    plot_left: int
    plot_right: int
    plot_top: int
    plot_bottom: int
    bars: list[Bar]
    value_ticks: list[Tick]
    category_ticks: list[Tick]
    legend: list[LegendEntry]
    reference: Tick | None


WIDTH = 640
HEIGHT = 280
SERIES_CLASSES = 6


def _nice_maximum(value: float) -> tuple[float, float]:
    """An axis maximum at or above ``value`` and its tick step (1, 2 or 5 times a power of 10),
    with four or five ticks."""
    if value <= 0:
        return 1.0, 1.0
    raw = value / 4
    magnitude = 10 ** math.floor(math.log10(raw))
    for multiple in (1, 2, 5, 10):
        step = multiple * magnitude
        if step >= raw:
            break
    if step < 1 and value >= 1:
        step = 1.0
    return step * math.ceil(value / step), step


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _tick_label(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else _number(value)


def chart_draw(chart: "Chart") -> Drawing:
    """The bars, axis ticks and legend of ``chart``, in a WIDTH × HEIGHT view box."""
    horizontal = chart.horizontal
    count = len(chart.categories)
    series = chart.series
    band_count = max(count, 1)
    if horizontal:
        left, right, top = 200, WIDTH - 24, 12
        bottom = max(top + band_count * 22, 120)
        height = bottom + 30 + 20 * math.ceil(len(series) / 3)
    else:
        left, right, top, bottom = 48, WIDTH - 16, 16, HEIGHT - 70
        height = HEIGHT
    totals = []
    for index in range(count):
        values = [s.values[index] or 0 for s in series]
        totals.append(sum(values) if chart.stacked else max(values, default=0))
    highest = max(totals + [chart.reference or 0], default=0)
    maximum, step = _nice_maximum(highest)
    length = (right - left) if horizontal else (bottom - top)
    scale = length / maximum
    band = ((bottom - top) if horizontal else (right - left)) / band_count

    bars = []
    for index, category in enumerate(chart.categories):
        band_start = (top if horizontal else left) + index * band
        offset = 0.0
        width = band * (0.6 if chart.stacked else 0.8 / max(len(series), 1))
        for number, one in enumerate(series):
            value = one.values[index] or 0
            size = value * scale
            if chart.stacked:
                along = band_start + band * 0.2
                start = offset
                offset += size
            else:
                along = band_start + band * 0.1 + number * width
                start = 0.0
            if horizontal:
                x, y, w, h = left + start, along, size, width
            else:
                x, y, w, h = along, bottom - start - size, width, size
            bars.append(
                Bar(
                    x=_number(x),
                    y=_number(y),
                    width=_number(w),
                    height=_number(h),
                    css_class=f"series-{number % SERIES_CLASSES}",
                    title=f"{category}, {one.label}: {_number(value)}",
                )
            )

    value_ticks = []
    tick = 0.0
    while tick <= maximum + 1e-9:
        position = left + tick * scale if horizontal else bottom - tick * scale
        value_ticks.append(Tick(position=_number(position), label=_tick_label(tick)))
        tick += step
    labels = chart.axis_labels or chart.categories
    category_ticks = [
        Tick(
            position=_number((top if horizontal else left) + (index + 0.5) * band),
            label=label,
        )
        for index, label in enumerate(labels)
    ]
    legend_top = bottom + (30 if horizontal else 40)
    legend = []
    for number, one in enumerate(series):
        x, y = left + (number % 3) * 190, legend_top + (number // 3) * 20
        legend.append(
            LegendEntry(
                x=str(x),
                y=str(y),
                text_x=str(x + 18),
                text_y=str(y + 11),
                css_class=f"series-{number % SERIES_CLASSES}",
                label=one.label,
            )
        )
    reference = None
    if chart.reference is not None:
        position = (
            left + chart.reference * scale if horizontal else bottom - chart.reference * scale
        )
        reference = Tick(position=_number(position), label=chart.reference_label)
    if not horizontal:
        height = legend_top + 20 * math.ceil(len(series) / 3)
    return Drawing(
        width=WIDTH,
        height=int(height),
        orientation="horizontal" if horizontal else "vertical",
        plot_left=left,
        plot_right=right,
        plot_top=top,
        plot_bottom=int(bottom),
        bars=bars,
        value_ticks=value_ticks,
        category_ticks=category_ticks,
        legend=legend,
        reference=reference,
    )
