"""Whole public pages kept for anonymous visitors, one copy per language and address.

A page is the same for every visitor who is not signed in: the home page, the meetings, the
cohorts and their communities. Rendering it costs a few queries and a template; serving it
from Redis costs one round trip. What is kept, and when:

- Only views marked with :func:`public_page`, only for a ``GET`` without a query string
  (filtered lists would let anyone fill the cache with addresses), and only for a visitor
  with no session and no pending messages: a signed-in member, or someone just back from a
  form, always gets a page made for them.
- Only a ``200`` that sets no cookie and used no CSRF token: an error or anything personal
  is never kept. A page with a form for everyone (the registration form) is marked with
  :func:`public_form_page`: it is kept without its CSRF token, and each visitor served the
  copy gets their own token and cookie, from Django's CSRF middleware, as a made page would.
- The key holds the language of the address, scheme, host and path, so one language's page
  is never served in the other.
- Every copy carries the content version it was made from. The apps name the models their
  public pages show (:func:`pages_follow`); a change to any of them starts a new version, when
  it is made and again when it is committed, and every kept page is made again at its next
  visit. A copy also lasts no longer than ``PEERNET_PAGE_CACHE_SECONDS``, nor past the next
  moment returned by the callables the apps register in :data:`expiry_moments` (a meeting
  starts or ends, the registration page's notice changes).

The middleware sits outside the sessions, users and the database: a hit opens none of them.
A copy holds the headers of the middleware below it (Permissions-Policy, the CSP, which a
kept page never has a nonce in) and gets those of the middleware above it (security, the
check of the client's address) as any other answer does. While Redis is away every visit
misses, and pages are made as usual.
"""

import functools
import hashlib
import logging
import re
import uuid
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.utils import timezone, translation

from .seams import Seam

logger = logging.getLogger(__name__)

# Moments past which no copy is kept: callables with no argument that return the next such
# moment (an aware datetime) or None. Apps register them in their AppConfig.ready().
expiry_moments: Seam = Seam("page cache expiry moments")

VERSION_KEY = "pages:version"
KEY_PREFIX = "pages:page:"
# Set by the middleware on requests it may keep the answer of.
_REQUEST_KEY = "_peernet_page_key"
_RESPONSE_MARK = "peernet_public_page"
PAGE, FORM_PAGE = "page", "form"
# How Django's {% csrf_token %} writes the token (a masked secret of letters and digits).
_TOKEN = re.compile(rb'(?<=name="csrfmiddlewaretoken" value=")[A-Za-z0-9]+(?=")')


def public_page(view):
    """Mark a view (function or class) as a public page: the same for every anonymous visitor
    in one language, read-only, so also run outside the request's transaction."""
    if isinstance(view, type):
        view.dispatch = public_page(view.dispatch)
        return view
    return transaction.non_atomic_requests(_marked(view, PAGE))


def public_form_page(view):
    """Mark a view (function or class) whose blank form is the same for every anonymous visitor
    but for the CSRF token. Its POST still runs in the request's transaction."""
    if isinstance(view, type):
        view.get = _marked(view.get, FORM_PAGE)
        return view
    return _marked(view, FORM_PAGE)


def _marked(view, kind: str):
    @functools.wraps(view)
    def marked(*args, **kwargs):
        response = view(*args, **kwargs)
        setattr(response, _RESPONSE_MARK, kind)
        return response

    return marked


def pages_changed() -> None:
    """Start a new content version now, and again once the current transaction commits: a
    page made in between still shows the old content."""
    _version_new()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(_version_new)


def _version_new() -> str:
    version = uuid.uuid4().hex
    cache.set(VERSION_KEY, version, timeout=None)
    return version


def pages_follow(*models) -> None:
    """Start a new content version whenever a row of one of ``models`` (or one of their
    many-to-many links) is saved or deleted."""
    for model in models:
        uid = f"peernet.pagecache:{model._meta.label}"
        post_save.connect(_changed, sender=model, dispatch_uid=f"{uid}:save", weak=False)
        post_delete.connect(_changed, sender=model, dispatch_uid=f"{uid}:delete", weak=False)
        for field in model._meta.many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(
                _changed,
                sender=through,
                dispatch_uid=f"{uid}:{field.name}:links",
                weak=False,
            )


def _changed(sender, **kwargs) -> None:
    if kwargs.get("raw"):  # loading fixtures
        return
    pages_changed()


def _seconds() -> int:
    return int(getattr(settings, "PEERNET_PAGE_CACHE_SECONDS", 0))


def page_key(request) -> str | None:
    """The key of the kept copy of this request's page, or None when it must be made anew."""
    if _seconds() <= 0 or request.method != "GET" or request.META.get("QUERY_STRING"):
        return None
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or _messages_cookie_name() in cookies:
        return None
    language = translation.get_language_from_path(request.path_info)
    if language is None:
        return None
    try:
        host = request.get_host()
    except DisallowedHost:
        return None  # answered 400 further in
    address = f"{language}\n{request.scheme}\n{host}\n{request.path}"
    return KEY_PREFIX + hashlib.sha256(address.encode()).hexdigest()


def _messages_cookie_name() -> str:
    return getattr(settings, "MESSAGE_COOKIE_NAME", "messages")


def _storable(request, response) -> bool:
    kind = getattr(response, _RESPONSE_MARK, None)
    if kind is None or response.status_code != 200 or response.streaming:
        return False
    if kind == FORM_PAGE:
        # The CSRF cookie is the visitor's own and is set again when the copy is served; the
        # page says "private, no-store" (never_cache) to browsers and proxies, rightly, since
        # each copy served holds a token of its own.
        return set(response.cookies) <= {settings.CSRF_COOKIE_NAME}
    # A CSRF token in any other page belongs to this visitor.
    return (
        not _is_private(response)
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not _uses_nonce(response)
    )


def _uses_nonce(response) -> bool:
    """A page with an inline script allowed by a CSP nonce: the nonce must be new each time."""
    policy = response.headers.get("Content-Security-Policy", "")
    return "'nonce-" in policy


def _is_private(response) -> bool:
    control = response.headers.get("Cache-Control", "").lower()
    return "private" in control or "no-store" in control


def _lifetime(now: datetime) -> int:
    """Seconds a page made now may be kept."""
    seconds = _seconds()
    for moment_next in expiry_moments:
        moment = moment_next()
        if moment is not None:
            seconds = min(seconds, int((moment - now).total_seconds()))
    return seconds


def _kept_lookup(key: str) -> tuple[dict | None, str | None]:
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


def _keep(key: str, version: str | None, **entry) -> None:
    """Keep ``entry`` as made from ``version``, for as long as public content may be kept."""
    seconds = _lifetime(timezone.now())
    if version is not None and seconds >= 1:
        cache.set(key, {"version": version, **entry}, timeout=seconds)


def content_kept(name: str, make):
    """What ``make()`` returns, kept like a public page: made from public content only, it
    is made again once that content changes, when a meeting starts or ends, or after
    ``PEERNET_PAGE_CACHE_SECONDS``. For a part of a personal answer that is the same for
    everyone (the meetings of a member's calendar feed)."""
    if _seconds() <= 0:
        return make()
    key = f"{KEY_PREFIX}{name}"
    entry, version = _kept_lookup(key)
    if entry is not None:
        return entry["value"]
    value = make()
    _keep(key, version, value=value)
    return value


class PublicPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = page_key(request)
        if key is None:
            return self.get_response(request)
        entry, version = _kept_lookup(key)
        if entry is not None:
            return _served(request, entry)
        response = self.get_response(request)
        if _storable(request, response):
            _keep(
                key,
                version,
                headers=list(response.headers.items()),
                # Cut where the CSRF tokens were: each visitor's own goes there.
                parts=_TOKEN.split(response.content),
            )
        return response


def _served(request, entry: dict) -> HttpResponse:
    parts = entry["parts"]
    csrf = None
    token = b""
    if len(parts) > 1:
        # Django's own CSRF middleware reads the visitor's cookie, or makes a secret, and sets
        # the cookie on the way out, as it does for a page made for the request.
        csrf = CsrfViewMiddleware(lambda request: None)
        csrf.process_request(request)
        token = get_token(request).encode()
    response = HttpResponse(token.join(parts))
    for name, value in entry["headers"]:
        response.headers[name] = value
    return csrf.process_response(request, response) if csrf else response
