from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Meetings")

    def ready(self):
        from peernet.pagecache import expiry_moments, pages_follow

        from . import receivers  # noqa: F401  (connects the signal receivers)
        from .models import Meeting, Theme
        from .replies import tasks as reply_tasks  # noqa: F401  (registers the poll task)
        from .selectors import meetings_next_change

        # What the public meeting pages show, and when they change without any write (a
        # meeting starts or ends).
        pages_follow(Meeting, Theme)
        expiry_moments.register(meetings_next_change)
