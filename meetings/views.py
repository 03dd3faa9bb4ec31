"""Public meeting pages."""

from django.views.generic import DetailView, TemplateView

from . import selectors
from .models import Meeting


class MeetingListView(TemplateView):
    template_name = "meetings/meeting_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["upcoming"] = selectors.meetings_upcoming()
        context["past"] = selectors.meetings_past()[:12]
        return context


class MeetingDetailView(DetailView):
    model = Meeting
    template_name = "meetings/meeting_detail.html"
    context_object_name = "meeting"
