"""Celery tasks of the members app: thin wrappers around one service each."""

from celery import shared_task

from . import services


@shared_task(name="members.registrations_purge")
def registrations_purge() -> int:
    return services.registrations_purge()
