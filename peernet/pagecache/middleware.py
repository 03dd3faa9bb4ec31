"""The middleware that serves kept public pages to anonymous visitors, and keeps the pages
made for them that every other anonymous visitor would get too."""

import hashlib
import re

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpResponse
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.utils import translation

from .keeping import cache_seconds, entry_keep, entry_lookup
from .pages import FORM_PAGE, RESPONSE_MARK

KEY_PREFIX = "pages:page:"
# How Django's {% csrf_token %} writes the token (a masked secret of letters and digits).
_TOKEN = re.compile(rb'(?<=name="csrfmiddlewaretoken" value=")[A-Za-z0-9]+(?=")')


def page_key(request) -> str | None:
    """The key of the kept copy of this request's page, or None when it must be made anew."""
    if cache_seconds() <= 0 or request.method != "GET" or request.META.get("QUERY_STRING"):
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
    kind = getattr(response, RESPONSE_MARK, None)
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


class PublicPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = page_key(request)
        if key is None:
            return self.get_response(request)
        entry, version = entry_lookup(key)
        if entry is not None:
            return _served(request, entry)
        response = self.get_response(request)
        if _storable(request, response):
            entry_keep(
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
