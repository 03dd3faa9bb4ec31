"""Addresses of the cohorts pages; paths are translated (cohorts/ → cohortes/)."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "cohorts"

urlpatterns = [
    path(_("cohorts/"), views.CohortListView.as_view(), name="list"),
    path(_("cohorts/map/"), views.CohortMapView.as_view(), name="map"),
    path(_("cohorts/programme/"), views.ProgrammeView.as_view(), name="programme"),
    path(_("cohorts/join/"), views.InterestView.as_view(), name="interest"),
    path(_("cohorts/join/sent/"), views.InterestSentView.as_view(), name="interest_sent"),
    path(
        _("cohorts/communities/<slug:slug>/"),
        views.CommunityDetailView.as_view(),
        name="community",
    ),
]
