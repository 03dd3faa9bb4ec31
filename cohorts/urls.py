from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "cohorts"

urlpatterns = [
    path(_("cohorts/"), views.CohortListView.as_view(), name="list"),
]
