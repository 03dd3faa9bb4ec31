"""The staff's own domain: the texts of the public pages and the home page they make, the
privacy notice's facts, the register of confidentiality incidents, the dashboard on the
admin's first page and the daily digest.

It uses only the shared plumbing of ``peernet/``; members, meetings and cohorts contribute to
its pages through :mod:`staff.seams`.
"""

from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_delete


class StaffConfig(AppConfig):
    name = "staff"
    # The admin lists the page texts under the portal's name, as it did before they had an
    # app of their own.
    verbose_name = "PeerNet"

    def ready(self):
        # Models and the apps' registries are ready only from here on.
        from peernet.pagecache import pages_follow

        from .dashboard import outbox
        from .models import ConfidentialityIncident, SiteText
        from .receivers import incident_deletion_refuse, site_texts_ensure
        from .seams import dashboard_panels

        post_migrate.connect(site_texts_ensure, sender=self)
        pre_delete.connect(incident_deletion_refuse, sender=ConfidentialityIncident)
        # The home, meetings and cohorts pages show these texts.
        pages_follow(SiteText)
        # The outbox is plumbing and registers nothing; its section comes last, after those of
        # the apps (this app is the last of INSTALLED_APPS).
        dashboard_panels.register(outbox.dashboard_panel)
