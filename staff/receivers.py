"""Keep the texts of the public pages present, and the register of confidentiality incidents
for as long as the law asks."""

from django.apps import apps as installed
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import ConfidentialityIncident
from .site_text_defaults import site_texts_create


class IncidentKeptError(Exception):
    """An entry of the register of confidentiality incidents is still within its period."""


def site_texts_ensure(sender, apps=None, **kwargs):
    """Create the default page texts that are missing, as their migration does: a database
    emptied by `flush` (or by a test) would otherwise show pages without their sections.
    Texts staff have edited are left as they are."""
    site_texts_create(apps or installed)


def incident_deletion_refuse(sender, instance: ConfidentialityIncident, **kwargs):
    """No path deletes an entry younger than five years: the admin, a queryset's delete(), a
    purge or a cascade all send ``pre_delete`` for each row of a model that has a receiver."""
    if not instance.may_be_deleted(today=timezone.localdate()):
        raise IncidentKeptError(
            _("This incident must be kept in the register until %(date)s.")
            % {"date": instance.kept_until.isoformat()}
        )
