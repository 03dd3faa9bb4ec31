"""Waiting, bounded, for what another process does."""

import time


def wait_for(condition, *, timeout: float, interval: float = 0.1):
    """The condition's first truthy value, or None once `timeout` seconds have passed."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)
