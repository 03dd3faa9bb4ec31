"""Absolute links for e-mails and calendar files, in the recipient's language."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation


def absolute_url(viewname: str, *, language: str, args=None, kwargs=None) -> str:
    with translation.override(language):
        path = reverse(viewname, args=args, kwargs=kwargs)
    return f"{settings.SITE_URL}{path}"
