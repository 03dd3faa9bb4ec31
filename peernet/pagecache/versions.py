"""The content version: one value in the cache that every kept page and kept content carries,
renewed whenever what the public pages show changes.

The apps name the models their public pages show with :func:`pages_follow`, in their
``AppConfig.ready()``: every process (a web worker, a Celery worker, a management command)
follows them from its start, whether or not it ever loads the URLconf.
"""

import uuid

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

VERSION_KEY = "pages:version"


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
