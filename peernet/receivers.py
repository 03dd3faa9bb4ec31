"""Keep the sites framework's single site in step with SITE_URL (allauth's mail uses it)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sites.models import Site


def site_sync(sender, **kwargs):
    domain = urlsplit(settings.SITE_URL).netloc or "127.0.0.1:8000"
    Site.objects.update_or_create(
        pk=settings.SITE_ID, defaults={"domain": domain, "name": "PeerNet"}
    )
