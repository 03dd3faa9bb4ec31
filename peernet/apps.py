from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


class PeernetConfig(AppConfig):
    """The project package as an app: the site-wide template tags, the demo-data command, and
    the sites framework's one site kept in step with SITE_URL."""

    name = "peernet"
    verbose_name = "PeerNet"

    def ready(self):
        # The models of django.contrib.sites are not ready before this point.
        from .receivers import site_sync

        # Once the sites framework has its table, whichever app migrated last.
        post_migrate.connect(site_sync, sender=apps.get_app_config("sites"))
