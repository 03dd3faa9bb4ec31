"""The circular-economy programme: cohorts, community profiles, the map and expressions of
interest. It may use members/; members/ and meetings/ do not know it."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CohortsConfig(AppConfig):
    name = "cohorts"
    verbose_name = _("Cohorts")

    def ready(self):
        from members.seams import member_panels, personal_data_purges
        from peernet.media import PublicFileField, public_file_fields
        from peernet.pagecache import pages_follow
        from staff.seams import dashboard_panels

        from . import dashboard, models, panels, services
        from .choices import RoadmapStatus

        # Everything the public cohort pages show; expressions of interest are not shown.
        pages_follow(
            models.Cohort,
            models.Community,
            models.PartnerGovernment,
            models.ProgrammeSession,
            models.ActionGroup,
            models.Advisor,
            models.ProgrammePartner,
        )
        # The uploads anyone may download. A roadmap document can only exist on a published
        # roadmap (a database constraint); the lookup says so again where it matters.
        public_file_fields.register(PublicFileField(models.Community, "logo"))
        public_file_fields.register(
            PublicFileField(
                models.Community,
                "roadmap_document",
                lookups={"roadmap_status": RoadmapStatus.PUBLISHED},
            )
        )
        public_file_fields.register(PublicFileField(models.ProgrammePartner, "logo"))
        # What cohorts adds to the member's page and the staff dashboard.
        member_panels.register(panels.member_community_panel)
        dashboard_panels.register(dashboard.dashboard_panel)
        # Expressions of interest are deleted by the members app's scheduled purge.
        personal_data_purges.register(services.interests_purge)
