"""Template filters for meeting dates and times, in the active language."""

from django import template

from .. import formats

register = template.Library()


@register.filter
def long_date(value) -> str:
    return formats.long_date(value) if value else ""


@register.filter
def clock(value) -> str:
    return formats.clock(value) if value else ""


@register.filter
def eastern_span(starts_at, ends_at) -> str:
    """``{{ meeting.starts_at|eastern_span:meeting.ends_at }}``, in Eastern time."""
    return formats.eastern_span(starts_at, ends_at) if starts_at and ends_at else ""
