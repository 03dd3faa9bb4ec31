"""The health probe at ``/healthz``: the database, the cache and the task broker answer.

Docker Compose and load balancers call it over plain HTTP (it is exempt from the HTTPS
redirect). It answers 200 when every check passed and 503 when one failed, with a short JSON
body that names the checks and nothing else: no host, port or password, since error texts of
database and Redis clients often carry them. Each check has a few seconds at most, so a frozen
service makes the probe fail rather than hang.
"""

import asyncio
import contextlib
import dataclasses
import datetime
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.http import JsonResponse
from django.urls import path
from health_check import checks
from health_check.contrib.redis import Redis
from health_check.views import HealthCheckView
from redis.asyncio import Redis as RedisClient
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

# A probe is called every few seconds and must answer before its caller gives up (the compose
# probe waits 5 s): a check that needs longer counts as failed.
CHECK_SECONDS = 2


@dataclasses.dataclass
class Database(checks.Database):
    timeout = datetime.timedelta(seconds=CHECK_SECONDS)


@dataclasses.dataclass
class Cache(checks.Cache):
    timeout: datetime.timedelta = dataclasses.field(
        default=datetime.timedelta(seconds=CHECK_SECONDS), repr=False
    )


@dataclasses.dataclass
class Broker(Redis):
    timeout = datetime.timedelta(seconds=CHECK_SECONDS)


def broker_client_factory(url: str):
    """A Redis client that gives up after CHECK_SECONDS instead of retrying a frozen server."""

    def factory():
        return RedisClient.from_url(
            url,
            socket_connect_timeout=CHECK_SECONDS,
            socket_timeout=CHECK_SECONDS,
            retry=Retry(NoBackoff(), 0),
        )

    return factory


class HealthView(HealthCheckView):
    """Database and cache always; the broker when tasks go through Redis."""

    checks = [("database", Database, {}), ("cache", Cache, {})]

    def get_named_checks(self):
        named = [(label, check(**options)) for label, check, options in self.checks]
        broker_url = settings.CELERY_BROKER_URL
        # In-process tasks (memory://, CELERY_TASK_ALWAYS_EAGER) have no broker to ask.
        if broker_url.startswith(("redis://", "rediss://")):
            named.append(("broker", Broker(client_factory=broker_client_factory(broker_url))))
        return named

    @contextlib.contextmanager
    def get_executor(self):
        # Synchronous checks (the database) run in threads of their own: the default executor
        # is joined when the request's event loop closes, so a check stuck on a frozen server
        # would hold the answer back long after its time was up.
        executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="healthz")
        try:
            yield executor
        finally:
            executor.shutdown(wait=False, cancel_futures=True)

    async def get(self, request, *args, **kwargs):
        named = self.get_named_checks()
        with self.get_executor() as executor:
            # Side by side, so that the probe takes as long as the slowest check, not their sum.
            outcomes = await asyncio.gather(
                *(check.get_result(executor) for _label, check in named)
            )
        results = {
            label: "ok" if outcome.error is None else "unavailable"
            for (label, _check), outcome in zip(named, outcomes, strict=True)
        }
        healthy = all(state == "ok" for state in results.values())
        return JsonResponse(
            {"status": "ok" if healthy else "unavailable", "checks": results},
            status=200 if healthy else 503,
        )


urlpatterns = [
    path("healthz", HealthView.as_view(), name="healthz"),
]
