"""Times in PeerNet's calendars: America/Toronto with a fixed VTIMEZONE, or UTC.

Times are written in America/Toronto with a fixed VTIMEZONE of one DAYLIGHT and one STANDARD
rule (RFC 5545, 3.6.5). Generated VTIMEZONEs with RDATE lists confuse Outlook, and vobject keeps
only their first value. DTSTAMP, CREATED and LAST-MODIFIED are in UTC, as 3.8.7 requires.
"""

from datetime import UTC, datetime, timedelta

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard, vDatetime
from icalendar.parser import Contentline

from ..timezones import EASTERN
from .values import CRLF

TZID = "America/Toronto"


def event_time(moment: datetime) -> datetime:
    """The time DTSTART or DTEND is written in: Eastern time, or UTC when that is ambiguous.

    A local time in the hour repeated when daylight time ends names its first occurrence
    (RFC 5545, 3.3.5), so an instant in the second one can only be written in UTC.
    """
    local = moment.astimezone(EASTERN)
    naive = local.replace(tzinfo=None)
    first = naive.replace(tzinfo=EASTERN, fold=0).utcoffset()
    second = naive.replace(tzinfo=EASTERN, fold=1).utcoffset()
    if first != second:
        return moment.astimezone(UTC)
    return local


def datetime_line(name: str, moment: datetime) -> str:
    """The content line of DTSTART or DTEND, unfolded: with its TZID, or in UTC."""
    value = vDatetime(event_time(moment))
    return str(Contentline.from_parts(name, value.params, value, sorted=False))


def utc_time(moment: datetime) -> vDatetime:
    """DTSTAMP, CREATED or LAST-MODIFIED: a DATE-TIME in UTC, form 2 of RFC 5545, 3.3.5."""
    return vDatetime(moment.astimezone(UTC))


def _eastern_timezone() -> Timezone:
    """America/Toronto since 2007 (and for as long as the current rules last).

    One rule for the switch to daylight time, the second Sunday of March at 02:00, and one for
    the return to standard time, the first Sunday of November at 02:00: RFC 5545, 3.6.5,
    example 2. The library's own ``Timezone.from_tzid`` writes RDATE lists instead.
    """
    zone = Timezone()
    zone.add("TZID", TZID)
    for kind, offset_from, offset_to, name, start, month, day in (
        (TimezoneDaylight, -5, -4, "EDT", datetime(1970, 3, 8, 2), 3, "2SU"),
        (TimezoneStandard, -4, -5, "EST", datetime(1970, 11, 1, 2), 11, "1SU"),
    ):
        rule = kind()
        rule.add("TZOFFSETFROM", timedelta(hours=offset_from))
        rule.add("TZOFFSETTO", timedelta(hours=offset_to))
        rule.add("TZNAME", name)
        rule.add("DTSTART", start)
        rule.add("RRULE", {"FREQ": "YEARLY", "BYMONTH": month, "BYDAY": day})
        zone.add_component(rule)
    return zone


# Built once: every calendar carries the same component, which is only ever read.
VTIMEZONE = _eastern_timezone()
VTIMEZONE_LINES = tuple(VTIMEZONE.to_ical(sorted=False).decode("utf-8").split(CRLF)[:-1])
