"""The staff dashboard on the admin's first page: what needs doing now, and charts.

Each app contributes its own section by registering a callable in
:data:`staff.seams.dashboard_panels`; it takes the request and returns a :class:`Panel` (or
None when the person signed in may see nothing of it). This package collects the panels
(``collecting``), and the template draws what they hold; the types a panel is made of are in
``panels``, the periods and counts the charts share in ``periods``, the SVG geometry in
``drawing``. The daily digest (:mod:`staff.digest`) collects the same panels with
``request=None``: then a panel returns only its items, with no permission check, since the
digest goes to the network's own addresses.

The apps use the names exported here (``from staff import dashboard``).
"""

from .collecting import may_view, panels_collect
from .panels import Cell, Chart, Dashboard, Item, Panel, Series, Table
from .periods import (
    RECENT_DAYS,
    PercentileCont,
    counts_by_period,
    month_starts,
    percentile,
    recent_since,
    since_parameter,
    week_starts,
)

__all__ = [
    "RECENT_DAYS",
    "Cell",
    "Chart",
    "Dashboard",
    "Item",
    "Panel",
    "PercentileCont",
    "Series",
    "Table",
    "counts_by_period",
    "may_view",
    "month_starts",
    "panels_collect",
    "percentile",
    "recent_since",
    "since_parameter",
    "week_starts",
]
