from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Meetings")

    def ready(self):
        from peernet.pagecache import pages_follow

        from . import receivers  # noqa: F401  (connects the signal receivers)
        from .models import Meeting, Theme
        from .replies import tasks as reply_tasks  # noqa: F401  (registers the poll task)

        # What the public meeting pages show.
        pages_follow(Meeting, Theme)
