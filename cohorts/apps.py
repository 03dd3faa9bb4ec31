"""The circular-economy programme: cohorts, community profiles, the map and expressions of
interest. It may use members/; members/ and meetings/ do not know it."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CohortsConfig(AppConfig):
    name = "cohorts"
    verbose_name = _("Cohorts")
