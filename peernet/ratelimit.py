"""Fixed-window counters in the cache, for forms that make the portal send mail to an address
someone typed: without a limit, anyone could use them to flood a stranger's inbox."""

from allauth.core.internal.ratelimit import get_ip
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.shortcuts import render


def client_address(request) -> str:
    """The client's address exactly as allauth counts it for its own limits, so that a person is
    one client everywhere: REMOTE_ADDR, or X-Forwarded-For read from the right past the trusted
    proxies (ALLAUTH_TRUSTED_PROXY_COUNT), or the proxy's header
    (ALLAUTH_TRUSTED_CLIENT_IP_HEADER); IPv6 addresses count by their /64 network.

    A request that carries no usable address is refused by allauth with PermissionDenied (403).
    """
    try:
        return get_ip(request)
    except ImproperlyConfigured as error:
        # Fewer X-Forwarded-For entries than trusted proxies: the request did not come through
        # them, so nothing in it can be trusted.
        raise SuspiciousOperation("X-Forwarded-For is shorter than the trusted proxies") from error


def allow(key: str, *, limit: int, window_seconds: int) -> bool:
    """Count one more use of `key`; False once it was used `limit` times in the window.

    While the cache is unreachable every use is allowed: the limit protects third parties from
    floods, it must not lock everybody out of the form.
    """
    cache_key = f"ratelimit:{key}"
    if cache.add(cache_key, 1, timeout=window_seconds):
        return True
    try:
        return cache.incr(cache_key) <= limit
    except ValueError:  # the key expired between add() and incr()
        cache.add(cache_key, 1, timeout=window_seconds)
        return True


def too_many_requests(request):
    return render(request, "429.html", status=429)
