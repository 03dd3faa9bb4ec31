"""What a section of the staff dashboard holds: counts with the admin list behind each, tables
and bar charts, which each app builds from its own rows (``members/dashboard.py``, ...)."""

from dataclasses import dataclass, field

from .drawing import Drawing, chart_draw


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
