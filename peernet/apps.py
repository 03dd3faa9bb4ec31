from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


class PeernetConfig(AppConfig):
    """The project package as an app: site-wide templates, template tags and commands."""

    name = "peernet"
    verbose_name = "PeerNet"

    def ready(self):
        from .receivers import site_sync

        # This app has no models, so it receives no post_migrate of its own.
        post_migrate.connect(site_sync, sender=apps.get_app_config("sites"))
