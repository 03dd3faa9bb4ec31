"""Date and time formats of meeting pages, mails and calendar texts, in the active language.

The formats are translatable messages because Canadian English and French write times
differently (1:00 p.m. / 13 h 00), which Django's per-language defaults do not. They are
written once, in ``peernet.templatetags.peernet_tags``, so that the pages outside this app
that name a meeting (the home page, the registration form) write its time the same way.
"""

from datetime import datetime

from peernet.templatetags import peernet_tags


def long_date(value: datetime) -> str:
    """Wednesday, April 30, 2025 / mercredi 30 avril 2025."""
    return peernet_tags.date_long(value)


def clock(value: datetime) -> str:
    """1:00 p.m. / 13 h 00."""
    return peernet_tags.time_of_day(value)


def eastern_span(starts_at: datetime, ends_at: datetime) -> str:
    """Wednesday, April 30, 2025, 1:00 p.m. – 2:00 p.m. (in Eastern time)."""
    return peernet_tags.eastern_time_span(starts_at, ends_at)
