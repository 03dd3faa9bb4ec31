from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Meetings")

    def ready(self):
        from members.seams import (
            member_data_exporters,
            member_panels,
            next_meeting_sources,
            personal_data_purges,
        )
        from peernet.pagecache import expiry_moments, pages_follow
        from staff.seams import dashboard_panels, upcoming_meetings

        from . import (
            dashboard,
            exports,
            panels,
            receivers,  # noqa: F401  (connects the signal receivers)
            selectors,
        )
        from .models import Meeting, Theme
        from .replies import services as reply_services
        from .replies import tasks as reply_tasks  # noqa: F401  (registers the poll task)

        # What the public meeting pages show, and when they change without any write (a
        # meeting starts or ends).
        pages_follow(Meeting, Theme)
        expiry_moments.register(selectors.meetings_next_change)
        # What meetings adds to the members' pages, the home page and the staff dashboard.
        member_panels.register(panels.member_panel)
        member_data_exporters.register(exports.member_data)
        personal_data_purges.register(reply_services.calendar_replies_purge)
        next_meeting_sources.register(selectors.meeting_next)
        upcoming_meetings.register(selectors.meetings_upcoming)
        dashboard_panels.register(dashboard.dashboard_panel)
