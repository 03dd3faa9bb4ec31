"""Keep the texts of the public pages present."""

from django.apps import apps as installed

from .site_text_defaults import site_texts_create


def site_texts_ensure(sender, apps=None, **kwargs):
    """Create the default page texts that are missing, as their migration does: a database
    emptied by `flush` (or by a test) would otherwise show pages without their sections.
    Texts staff have edited are left as they are."""
    site_texts_create(apps or installed)
