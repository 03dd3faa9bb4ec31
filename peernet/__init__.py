"""PeerNet: the portal of a Canadian municipal peer network."""

from .celery import app as celery_app

__all__ = ("celery_app",)
