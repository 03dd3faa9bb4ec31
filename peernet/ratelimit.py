"""Fixed-window counters in the cache, for forms that make the portal send mail to an address
someone typed: without a limit, anyone could use them to flood a stranger's inbox."""

from django.core.cache import cache
from django.shortcuts import render


def client_address(request) -> str:
    """The client's address as the web server saw it (set REMOTE_ADDR behind a proxy)."""
    return request.META.get("REMOTE_ADDR", "") or "unknown"


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
