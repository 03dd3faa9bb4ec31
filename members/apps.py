from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Members")

    def ready(self):
        from peernet.pagecache import expiry_moments
        from staff.seams import dashboard_panels

        from . import receivers  # noqa: F401
        from .dashboard import dashboard_panel
        from .registration_notice import register_notice_changes_at

        # The registration page's notice about the next meeting changes at a set moment.
        expiry_moments.register(register_notice_changes_at)
        # The review queue's section of the staff dashboard.
        dashboard_panels.register(dashboard_panel)
