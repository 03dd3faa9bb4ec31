"""The sign-in lock: allauth's limit on failed sign-ins (``ACCOUNT_RATE_LIMITS["login_failed"]``,
by default 10 a minute from one client address and 5 in five minutes for one account), counted
in PostgreSQL.

allauth counts them in the cache, and PeerNet's cache answers "nothing kept" while Redis cannot
be reached (peernet/cache.py), which would leave the lock open for as long as Redis is away:
any number of guesses, then the right password signs in. Signing in needs the database anyway,
so the counts are kept there, with allauth's own rates, keys and arithmetic: the lock holds
whatever the cache does, and a wrong password is still told apart from a locked account.
"""

import time
from dataclasses import dataclass
from datetime import UTC, datetime

from allauth.core.internal import ratelimit
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from .models import SignInFailures

APP = "allauth.account"
ACTION = "login_failed"


def _keys(request: HttpRequest, key: str) -> list[tuple[str, ratelimit.Rate]]:
    """allauth's cache key of each rate, in a fixed order so that two requests lock the same
    rows in the same order."""
    rates = ratelimit.get_rates(app=APP, action=ACTION)
    return sorted(
        (
            (ratelimit.get_cache_key(request, app=APP, action=ACTION, rate=rate, key=key), rate)
            for rate in rates
        ),
        key=lambda pair: pair[0],
    )


@dataclass(frozen=True)
class SignInAttempt:
    """An attempt counted under each of its keys at ``moment``; allauth's adapter rolls it back
    when the password was right, as it does with the cache's usage."""

    keys: tuple[str, ...]
    moment: float

    def rollback(self) -> None:
        sign_in_attempt_forget(attempt=self)


def sign_in_attempt_count(*, request: HttpRequest, key: str) -> SignInAttempt | None:
    """Count an attempt to sign in as ``key``, or None (counting nothing) when one of the rates
    is used up."""
    now = time.time()
    keyed = _keys(request, key)
    with transaction.atomic():
        SignInFailures.objects.filter(forget_after__lt=timezone.now()).delete()
        rows = []
        for cache_key, rate in keyed:
            row, _ = SignInFailures.objects.select_for_update().get_or_create(
                key=cache_key, defaults={"forget_after": timezone.now()}
            )
            allowed, row.moments = ratelimit.apply_rate(list(row.moments), now, rate)
            if not allowed:
                return None
            row.forget_after = datetime.fromtimestamp(now + rate.duration, tz=UTC)
            rows.append(row)
        for row in rows:
            row.save(update_fields=["moments", "forget_after"])
    return SignInAttempt(keys=tuple(cache_key for cache_key, _ in keyed), moment=now)


def sign_in_attempt_forget(*, attempt: SignInAttempt) -> None:
    """Take back an attempt that turned out right, leaving the others counted: wiping the
    counts would let a guesser sign in now and then to go on guessing."""
    with transaction.atomic():
        for row in SignInFailures.objects.select_for_update().filter(key__in=attempt.keys):
            row.moments = [moment for moment in row.moments if moment != attempt.moment]
            row.save(update_fields=["moments"])


def sign_in_failures_clear(*, request: HttpRequest, key: str) -> None:
    """Forget every failure counted for ``key`` (after its password was reset by mail)."""
    SignInFailures.objects.filter(
        key__in=[cache_key for cache_key, _ in _keys(request, key)]
    ).delete()


def sign_in_failures_forget(*, now: datetime) -> int:
    """Delete the counts whose period is over (they hold client addresses): an attempt deletes
    them too, but a quiet portal may see none for a long time."""
    deleted, _ = SignInFailures.objects.filter(forget_after__lt=now).delete()
    return deleted
