"""Public pages of the circular-economy cohorts."""

from django.views.generic import TemplateView


class CohortListView(TemplateView):
    template_name = "cohorts/cohort_list.html"
