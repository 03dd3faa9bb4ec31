"""The staff dashboard on the admin's first page: what needs doing now, and charts.

Each app contributes its own section through ``settings.PEERNET_DASHBOARD_PANELS``, a list of
dotted paths to callables that take the request and return a :class:`Panel` (or None when the
person signed in may see nothing of it). The portal's plumbing knows no app: it collects the
panels, and the template draws what they hold. The daily digest (:mod:`peernet.digest`)
collects the same panels with ``request=None``: then a panel returns only its items, with no
permission check, since the digest goes to the network's own addresses.

Charts are drawn on the server as SVG, with no script and no style attribute (the
Content-Security-Policy forbids both): the geometry is computed here and the colours come from
classes in ``static/css/dashboard.css``. Each chart comes with the table of its figures and a
one-sentence summary, which is what a screen-reader user gets.
"""

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Aggregate, Count, FloatField
from django.utils import timezone
from django.utils.module_loading import import_string

# The promise made to registrants: a request is processed within a week.
REVIEW_PROMISE_DAYS = 7
# "What needs doing now" counts failures and unreadable replies of this many days: older ones
# were seen on the dashboard and in the digests of that week.
RECENT_DAYS = 7


@dataclass(frozen=True)
class Item:
    """One line of "what needs doing now": a count and the admin list that shows those rows."""

    label: str
    count: int
    url: str
    detail: str = ""
    # Something waits past the warning threshold or failed: the day's digest is sent.
    needs_attention: bool = False


@dataclass(frozen=True)
class Cell:
    text: str
    url: str = ""
    numeric: bool = False


@dataclass(frozen=True)
class Table:
    caption: str
    headers: list[str]
    rows: list[list[Cell]]
    empty_text: str = ""


@dataclass(frozen=True)
class Series:
    label: str
    values: list[float]


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


@dataclass(frozen=True)
class Chart:
    """A bar chart, its data table and the sentence that says what it shows."""

    key: str
    title: str
    summary: str
    category_header: str
    categories: list[str]
    series: list[Series]
    # Short labels under the bars (the table shows ``categories`` in full).
    axis_labels: list[str] = field(default_factory=list)
    stacked: bool = False
    horizontal: bool = False
    # A value drawn as a line across the bars, such as the 7 days promised.
    reference: float | None = None
    reference_label: str = ""
    # Columns only the table shows (the share decided within the week, ...).
    extra_columns: list[Series] = field(default_factory=list)
    empty_text: str = ""

    @property
    def is_empty(self) -> bool:
        return not self.categories

    @property
    def table_headers(self) -> list[str]:
        return [self.category_header] + [s.label for s in self.series + self.extra_columns]

    @property
    def table_rows(self) -> list[list]:
        columns = self.series + self.extra_columns
        return [
            [category] + [column.values[index] for column in columns]
            for index, category in enumerate(self.categories)
        ]

    @property
    def drawing(self) -> Drawing:
        return chart_draw(self)


@dataclass(frozen=True)
class Panel:
    """One app's section of the dashboard."""

    key: str
    title: str
    items: list[Item] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)


@dataclass(frozen=True)
class Dashboard:
    panels: list[Panel]

    @property
    def has_items(self) -> bool:
        return any(panel.items or panel.tables for panel in self.panels)

    @property
    def charts(self) -> list[Chart]:
        return [chart for panel in self.panels for chart in panel.charts]


def panels_collect(*, request) -> list[Panel]:
    """Every app's section, in the order of the setting; ``request=None`` for the digest."""
    panels = []
    for path in settings.PEERNET_DASHBOARD_PANELS:
        panel = import_string(path)(request)
        if panel is not None:
            panels.append(panel)
    return panels


def may_view(request, model) -> bool:
    """Whether the person signed in may view ``model``'s rows in the admin (always true for
    the digest, which has no request)."""
    if request is None:
        return True
    options = model._meta
    return request.user.has_perm(f"{options.app_label}.view_{options.model_name}")


def since_parameter(moment: datetime) -> str:
    """A moment as the admin's date filters write it in their links (``created_at__gte``)."""
    return str(timezone.localtime(moment).replace(microsecond=0))


def recent_since(*, now=None) -> datetime:
    """The start of the window of :data:`RECENT_DAYS`: midnight, local time, that many days
    ago, which is what the admin's "Past 7 days" date filter means."""
    today = timezone.localtime(now or timezone.now()).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    return today - timedelta(days=RECENT_DAYS)


def month_starts(*, count: int, now=None) -> list[datetime]:
    """The first moment of each of the last ``count`` months, the current one last."""
    local = timezone.localtime(now or timezone.now())
    year, month = local.year, local.month
    starts = []
    for _ in range(count):
        starts.append(local.replace(year=year, month=month, day=1, hour=0, minute=0, second=0))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return [start.replace(microsecond=0) for start in reversed(starts)]


def week_starts(*, count: int, now=None) -> list[datetime]:
    """The Monday, at midnight local time, of each of the last ``count`` weeks."""
    local = timezone.localtime(now or timezone.now())
    monday = (local - timedelta(days=local.weekday())).date()
    zone = timezone.get_current_timezone()
    return [
        datetime.combine(monday - timedelta(weeks=weeks), datetime.min.time(), tzinfo=zone)
        for weeks in range(count - 1, -1, -1)
    ]


def counts_by_period(queryset, *, field: str, period, by: str) -> dict[tuple[datetime, str], int]:
    """How many rows of ``queryset`` fall in each period (``TruncMonth`` or ``TruncWeek`` of
    ``field``, in local time) for each value of ``by``: one grouped query."""
    rows = (
        queryset.annotate(period=period(field, tzinfo=timezone.get_current_timezone()))
        .values("period", by)
        .annotate(count=Count("pk"))
        .order_by()
    )
    return {(row["period"], row[by]): row["count"] for row in rows}


class PercentileCont(Aggregate):
    """PostgreSQL's ``percentile_cont``: the value at ``fraction`` of the ordered values,
    interpolated between the two nearest (the median of 2, 4, 9 and 10 is 6.5)."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, *, fraction: float, **extra):
        super().__init__(expression, fraction=float(fraction), **extra)


def percentile(values, fraction: float) -> float | None:
    """The same as :class:`PercentileCont`, in Python, for databases that lack it."""
    ordered = sorted(values)
    if not ordered:
        return None
    position = fraction * (len(ordered) - 1)
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


# Drawing -------------------------------------------------------------------------------------

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


def chart_draw(chart: Chart) -> Drawing:
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
