"""Keep the sites framework's single site in step with SITE_URL (allauth's mail uses it), and
the texts of the public pages present."""

import importlib
from urllib.parse import urlsplit

from django.conf import settings


def site_sync(sender, **kwargs):
    from django.contrib.sites.models import Site

    domain = urlsplit(settings.SITE_URL).netloc or "127.0.0.1:8000"
    Site.objects.update_or_create(
        pk=settings.SITE_ID, defaults={"domain": domain, "name": "PeerNet"}
    )


def site_texts_ensure(sender, apps=None, **kwargs):
    """Create the default page texts that are missing, as their migration does: a database
    emptied by `flush` (or by a test) would otherwise show pages without their sections.
    Texts staff have edited are left as they are."""
    from django.apps import apps as installed

    defaults = importlib.import_module("peernet.migrations.0002_site_texts_defaults")
    defaults.site_texts_create(apps or installed, None)
