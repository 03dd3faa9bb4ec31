from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


class PeernetConfig(AppConfig):
    """The project package as an app: site-wide templates, template tags, commands and the
    texts of the public pages that staff edit."""

    name = "peernet"
    verbose_name = "PeerNet"

    def ready(self):
        from . import digest  # noqa: F401  (registers its task, which is not in a tasks module)
        from .models import SiteText
        from .pagecache import pages_follow
        from .receivers import site_sync, site_texts_ensure

        # Once the sites framework has its table, whichever app migrated last.
        post_migrate.connect(site_sync, sender=apps.get_app_config("sites"))
        post_migrate.connect(site_texts_ensure, sender=self)
        # The home, meetings and cohorts pages show these texts.
        pages_follow(SiteText)
