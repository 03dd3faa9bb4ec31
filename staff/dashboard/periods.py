"""The periods the dashboard counts in (the recent days, months, weeks) and the counting
itself, in one grouped query per chart."""

import math
from datetime import datetime, timedelta

from django.db.models import Aggregate, Count, FloatField
from django.utils import timezone

# "What needs doing now" counts failures and unreadable replies of this many days: older ones
# were seen on the dashboard and in the digests of that week.
RECENT_DAYS = 7


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
