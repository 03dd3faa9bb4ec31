"""The circular-economy programme: cohorts, community profiles, the map and expressions of
interest. It may use members/; members/ and meetings/ do not know it."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CohortsConfig(AppConfig):
    name = "cohorts"
    verbose_name = _("Cohorts")

    def ready(self):
        from peernet.pagecache import pages_follow

        from . import models

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
