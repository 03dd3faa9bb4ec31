"""The content version: one value in the cache that every kept page and kept content carries,
renewed whenever what the public pages show changes.

The apps name the models their public pages show with :func:`pages_follow`, in their
``AppConfig.ready()``: every process (a web worker, a Celery worker, a management command)
follows them from its start, whether or not it ever loads the URLconf. A save, a delete and a
change of many-to-many links send a signal; ``update()``, ``bulk_create()`` and
``bulk_update()`` send none, so the managers of a followed model hand out querysets that start
a new version themselves (a queryset's ``delete()`` sends ``post_delete`` for each row, since
receivers are connected).
"""

import functools
import uuid

from django.core.cache import cache
from django.db import transaction
from django.db.models import Manager, Model, QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save

VERSION_KEY = "pages:version"

# Filled once, by the apps' ready(); read by the suite's checks of what the pages show.
_followed: list[type[Model]] = []


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


def pages_follow(*models: type[Model]) -> None:
    """Start a new content version whenever a row of one of ``models`` (or one of their
    many-to-many links) is saved, deleted, updated or created in bulk."""
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
        _bulk_writes_followed(model)
        if model not in _followed:
            _followed.append(model)


def pages_followed() -> tuple[type[Model], ...]:
    """The models named with :func:`pages_follow`, in the order the apps named them."""
    return tuple(_followed)


def _changed(sender, **kwargs) -> None:
    if kwargs.get("raw"):  # loading fixtures
        return
    pages_changed()


class FollowedQuerySet(QuerySet):
    """The queryset of a followed model: its bulk writes, which send no signal, start a new
    content version. ``bulk_update()`` writes through ``update()``, batch by batch."""

    def update(self, **kwargs) -> int:
        rows = super().update(**kwargs)
        if rows:
            pages_changed()
        return rows

    update.alters_data = True

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        if created:
            pages_changed()
        return created

    bulk_create.alters_data = True


class _FollowingManager(Manager):
    def get_queryset(self):
        queryset = super().get_queryset()
        if not isinstance(queryset, FollowedQuerySet):
            queryset.__class__ = _followed_queryset_class(type(queryset))
        return queryset


@functools.cache
def _followed_queryset_class(base: type[QuerySet]) -> type[QuerySet]:
    # Called with the few queryset classes the followed models' managers make (Django's own,
    # modeltranslation's MultilingualQuerySet): one subclass each, made once. A translated
    # model given a queryset of its own gets a new class from modeltranslation at each call:
    # that queryset must then derive from FollowedQuerySet, which is never replaced.
    if base is QuerySet:
        return FollowedQuerySet
    return type(f"Followed{base.__name__}", (FollowedQuerySet, base), {"__module__": __name__})


@functools.cache
def _following_manager_class(base: type[Manager]) -> type[Manager]:
    return type(f"Following{base.__name__}", (_FollowingManager, base), {"__module__": __name__})


def _bulk_writes_followed(model: type[Model]) -> None:
    """Give every manager of ``model`` the followed queryset, in place, as modeltranslation
    gives it its own: ``Model.objects``, the default manager and the related managers built
    from it (``cohort.communities``) all hand it out. The class-level managers are changed
    too, since Django copies them again when its model cache is cleared."""
    for manager in (*model._meta.local_managers, *model._meta.managers):
        if not isinstance(manager, _FollowingManager):
            manager.__class__ = _following_manager_class(type(manager))
