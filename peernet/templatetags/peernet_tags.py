"""Template helpers shared by every page."""

from datetime import datetime
from urllib.parse import quote, unquote_plus, urlsplit
from zoneinfo import ZoneInfo

from django import template
from django.urls import translate_url
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import get_language_from_path, pgettext

register = template.Library()

# Meetings are announced in the network's own time, Eastern (Ottawa, Toronto, Montréal).
EASTERN = ZoneInfo("America/Toronto")


# The parameter through which a page names where to go next (allauth's and Django's).
NEXT_PARAMETER = "next"


def _is_local_path(value: str) -> bool:
    """A path on this site: one slash, no scheme or host, nothing a browser would read as
    another site (``//host``, ``/\\host``) or as a header break (control characters)."""
    if not value.startswith("/") or value.startswith(("//", "/\\")):
        return False
    if any(ord(character) < 32 or ord(character) == 127 for character in value):
        return False
    parts = urlsplit(value)
    return not parts.scheme and not parts.netloc


def _path_in_language(path: str, language: str) -> str:
    """``path`` (with its own query, if any) in ``language``, resolved in the language its
    prefix names, so that a French page can carry an English ``next`` and the reverse."""
    with translation.override(get_language_from_path(path) or translation.get_language()):
        return translate_url(path, language)


def _query_in_language(query: str, language: str) -> str:
    """The query with each local ``next`` path in ``language``; every other parameter, and a
    ``next`` that is not a local path, is kept byte for byte."""
    pieces = []
    for piece in query.split("&"):
        name, equals, raw = piece.partition("=")
        if equals and unquote_plus(name) == NEXT_PARAMETER:
            value = unquote_plus(raw)
            translated = _path_in_language(value, language) if _is_local_path(value) else value
            if translated != value:
                piece = f"{name}={quote(translated, safe='/')}"
        pieces.append(piece)
    return "&".join(pieces)


@register.simple_tag(takes_context=True)
def url_in_language(context, language):
    """The current page's address in another language: the translated path, the same query,
    and a ``next`` address it carries translated too (``/en/accounts/login/?next=/en/meetings/4/``
    becomes ``/fr/accounts/login/?next=/fr/rencontres/4/``)."""
    request = context.get("request")
    if request is None:
        return f"/{language}/"
    path, _, query = request.get_full_path().partition("?")
    if not _is_local_path(path):
        # A path such as //host would make the link leave the site.
        return f"/{language}/"
    translated = _path_in_language(path, language)
    if translated == path and get_language_from_path(path) != language:
        # No page answers here (a 404): the other language's home, not this same address.
        return f"/{language}/"
    return f"{translated}?{_query_in_language(query, language)}" if query else translated


# --- dates and times, written the same way on every page, mail and calendar text ---------------
# The formats are translatable messages because Canadian English and French write times
# differently (1:00 p.m. / 13 h 00), which Django's per-language defaults do not.


def date_long(value: datetime) -> str:
    """Wednesday, April 30, 2025 / mercredi 30 avril 2025."""
    return date_format(value, pgettext("long date with weekday, Django date syntax", "l, F j, Y"))


def time_of_day(value: datetime) -> str:
    """1:00 p.m. / 13 h 00."""
    return date_format(value, pgettext("time of day, Django date syntax", "g:i a"))


def eastern_time_span(starts_at: datetime, ends_at: datetime) -> str:
    """Wednesday, April 30, 2025, 1:00 p.m. – 2:00 p.m. (in Eastern time)."""
    start, end = starts_at.astimezone(EASTERN), ends_at.astimezone(EASTERN)
    return f"{date_long(start)}, {time_of_day(start)} – {time_of_day(end)}"


@register.filter
def eastern_span(starts_at, ends_at) -> str:
    """``{{ meeting.starts_at|eastern_span:meeting.ends_at }}``, in Eastern time."""
    if not starts_at or not ends_at:
        return ""
    return eastern_time_span(starts_at, ends_at)
