"""Response headers that every page of the portal carries: the browser features it may use,
and no caching of what a signed-in person sees."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils.cache import patch_cache_control

from .ratelimit import client_address


def permissions_policy_header(features: dict[str, list[str]]) -> str:
    """``camera=(), publickey-credentials-get=(self)``: each feature and who may use it."""
    return ", ".join(
        f"{feature}=({' '.join(allowed)})" for feature, allowed in sorted(features.items())
    )


class ClientAddressMiddleware:
    """Answers 400 to a request whose X-Forwarded-For is shorter than the trusted proxies.

    Such a request did not come through the proxies. Checked once, before any view: allauth's
    pages would otherwise meet the mismatch deep inside a rate limit and answer 500.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            client_address(request)  # SuspiciousOperation becomes Django's 400 page
        except PermissionDenied:
            # No usable address at all: only the rate-limited forms need one, and they refuse.
            pass
        return self.get_response(request)


class PermissionsPolicyMiddleware:
    """Adds the ``Permissions-Policy`` header built from ``PEERNET_PERMISSIONS_POLICY``.

    A view that needs another policy sets the header itself, and it is left alone.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = permissions_policy_header(settings.PEERNET_PERMISSIONS_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.header)
        return response


class PrivateCacheMiddleware:
    """``Cache-Control: private, no-store`` on every response to a signed-in person.

    Member pages show personal data (the calendar feed's secret address, the data export) and
    the admin shows everyone's: neither a shared proxy nor the browser's history may keep
    them once the person signed out on a shared computer. A view that already forbids storing
    keeps its own, stricter header; anything laxer (``public``, a ``max-age``) is replaced.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return response
        if "no-store" in response.get("Cache-Control", "").lower():
            patch_cache_control(response, private=True)
            return response
        response["Cache-Control"] = "private, no-store"
        # An Expires date in the future would otherwise let an HTTP/1.0 cache keep the page.
        del response["Expires"]
        return response
