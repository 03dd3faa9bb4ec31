"""Entries kept in the cache under the content version they were made from, for as long as
public content may be kept: the whole pages of the middleware, and the parts of answers that
are the same for everyone (:func:`content_kept`)."""

import uuid
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from ..seams import Seam
from .versions import VERSION_KEY

# Moments past which no copy is kept: callables with no argument that return the next such
# moment (an aware datetime) or None. Apps register them in their AppConfig.ready().
expiry_moments: Seam = Seam("page cache expiry moments")

CONTENT_KEY_PREFIX = "pages:content:"


def cache_seconds() -> int:
    """``PEERNET_PAGE_CACHE_SECONDS``: how long anything may be kept at most; 0 keeps nothing."""
    return int(getattr(settings, "PEERNET_PAGE_CACHE_SECONDS", 0))


def _lifetime(now: datetime) -> int:
    """Seconds an entry made now may be kept."""
    seconds = cache_seconds()
    for moment_next in expiry_moments:
        moment = moment_next()
        if moment is not None:
            seconds = min(seconds, int((moment - now).total_seconds()))
    return seconds


def entry_lookup(key: str) -> tuple[dict | None, str | None]:
    """The entry kept under ``key`` if it was made from the current content version (one
    round trip to Redis for both), and that version; a first version is started when none
    exists. The version is None while Redis is away: nothing is kept then."""
    found = cache.get_many([key, VERSION_KEY])
    version = found.get(VERSION_KEY)
    entry = found.get(key)
    if entry is not None and version is not None and entry["version"] == version:
        return entry, version
    if version is None and cache.add(VERSION_KEY, first := uuid.uuid4().hex, timeout=None):
        version = first
    return None, version


def entry_keep(key: str, version: str | None, **entry) -> None:
    """Keep ``entry`` as made from ``version``, for as long as public content may be kept."""
    seconds = _lifetime(timezone.now())
    if version is not None and seconds >= 1:
        cache.set(key, {"version": version, **entry}, timeout=seconds)


def content_kept(name: str, make, *, made_from: str = ""):
    """What ``make()`` returns, kept like a public page: made from public content only, it
    is made again once that content changes, when a meeting starts or ends, or after
    ``PEERNET_PAGE_CACHE_SECONDS``. For a part of an answer that is the same for everyone
    (the meetings of a member's calendar feed, the registration page's blank form).

    ``made_from`` names what else the value follows from (a digest of a form's definition):
    a value kept from something else is made again, in the place of the old one.
    """
    if cache_seconds() <= 0:
        return make()
    key = f"{CONTENT_KEY_PREFIX}{name}"
    entry, version = entry_lookup(key)
    if entry is not None and entry.get("made_from", "") == made_from:
        return entry["value"]
    value = make()
    entry_keep(key, version, value=value, made_from=made_from)
    return value
