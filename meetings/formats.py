"""Date and time formats of meeting pages, mails and calendar texts, in the active language.

The formats are translatable messages because Canadian English and French write times
differently (1:00 p.m. / 13 h 00), which Django's per-language defaults do not.
"""

from datetime import datetime

from django.utils.formats import date_format
from django.utils.translation import pgettext

from .timezones import EASTERN


def long_date(value: datetime) -> str:
    """Wednesday, April 30, 2025 / mercredi 30 avril 2025."""
    return date_format(value, pgettext("long date with weekday, Django date syntax", "l, F j, Y"))


def clock(value: datetime) -> str:
    """1:00 p.m. / 13 h 00."""
    return date_format(value, pgettext("time of day, Django date syntax", "g:i a"))


def eastern_span(starts_at: datetime, ends_at: datetime) -> str:
    """Wednesday, April 30, 2025, 1:00 p.m. – 2:00 p.m. (in Eastern time)."""
    start, end = starts_at.astimezone(EASTERN), ends_at.astimezone(EASTERN)
    return f"{long_date(start)}, {clock(start)} – {clock(end)}"
