"""A Redis cache that degrades to "nothing cached" while Redis is unreachable.

The cache only holds what can be lost (rate-limit counters, computed fragments); a Redis outage
must not turn every page that touches it into a server error. While Redis is down, reads miss,
writes are dropped, and ``add`` reports success so that callers using it as a lock (allauth's
rate limiter spins until ``add`` succeeds) go on.

A Redis that accepts connections but does not answer costs each call its socket timeout, and
one request makes many calls (allauth's rate limit alone makes four). After a call failed,
the process therefore answers without asking Redis for ``UNREACHABLE_PAUSE_SECONDS``: a
frozen Redis costs a request at most one timeout, and the cache is used again soon after it
is back.

One kind of key must not be answered by the fallback: the mark allauth sets with ``add`` when a
one-time code has been used (``allauth.mfa.totp.internal.auth.TOTP._mark_code_used``). Its
"success" while Redis is down would let the same code in twice; for those keys a call that
cannot reach Redis raises :class:`CacheUnanswered`, which the code's form turns into "try again
in a moment".
"""

import functools
import logging
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError)
UNREACHABLE_PAUSE_SECONDS = 5
# Per process and per Redis location: until when calls skip Redis (time.monotonic()).
_unreachable_until: dict[str, float] = {}
# Keys that record that a one-time code was used: answered by Redis or not at all.
MUST_ANSWER_KEY_PREFIXES = ("allauth.mfa.totp.used",)


class CacheUnanswered(Exception):
    """Redis could not answer a call about a key the fallback must not answer."""


def _answer_without_redis(fallback, args, kwargs):
    key = args[0] if args else kwargs.get("key")
    if isinstance(key, str) and key.startswith(MUST_ANSWER_KEY_PREFIXES):
        raise CacheUnanswered(key)
    return fallback(*args, **kwargs) if callable(fallback) else fallback


def _degrade(fallback):
    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            location = ",".join(self._servers)
            if time.monotonic() < _unreachable_until.get(location, 0.0):
                return _answer_without_redis(fallback, args, kwargs)
            try:
                return method(self, *args, **kwargs)
            except UNREACHABLE as error:
                _unreachable_until[location] = time.monotonic() + UNREACHABLE_PAUSE_SECONDS
                logger.warning("Cache unreachable in %s: %s", method.__name__, error)
                return _answer_without_redis(fallback, args, kwargs)

        return wrapper

    return decorate


class KeptClientRedisCacheClient(RedisCacheClient):
    """Django's Redis client, keeping one ``redis.Redis`` per server rather than making one
    for every call: making one sets up some 170 response callbacks, which cost more than the
    round trip to Redis (most of the time of a page served from the page cache). The object is
    safe to share between threads, as its connection pool is."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = KeptClientRedisCacheClient

    add = _degrade(True)(RedisCache.add)
    get = _degrade(lambda key, default=None, version=None: default)(RedisCache.get)
    set = _degrade(None)(RedisCache.set)
    touch = _degrade(False)(RedisCache.touch)
    delete = _degrade(False)(RedisCache.delete)
    get_many = _degrade({})(RedisCache.get_many)
    set_many = _degrade([])(RedisCache.set_many)
    delete_many = _degrade(None)(RedisCache.delete_many)
    has_key = _degrade(False)(RedisCache.has_key)
    incr = _degrade(1)(RedisCache.incr)
    clear = _degrade(False)(RedisCache.clear)
