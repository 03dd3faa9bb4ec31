"""Site-wide pages: the landing page and the error pages."""

from django.conf import settings
from django.shortcuts import render
from django.utils.module_loading import import_string
from django.views.generic import TemplateView

from .pagecache import public_page

# The home page lists this many of the upcoming meetings; the meetings page lists them all.
HOME_MEETINGS_SHOWN = 3


def next_meeting():
    """The next scheduled meeting, through the callable named in settings (or None)."""
    path = getattr(settings, "PEERNET_NEXT_MEETING", "")
    return import_string(path)() if path else None


def meetings_upcoming(limit: int) -> list:
    """The first ``limit`` meetings not over yet, soonest first, through the callable named in
    ``PEERNET_UPCOMING_MEETINGS``; without it, the next meeting alone."""
    path = getattr(settings, "PEERNET_UPCOMING_MEETINGS", "")
    if path:
        return list(import_string(path)()[:limit])
    meeting = next_meeting()
    return [meeting] if meeting is not None else []


@public_page
class HomeView(TemplateView):
    """The network's own words (peernet.models.SiteText, read by the template) around the
    upcoming meetings, which are computed at each rendering."""

    template_name = "home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["upcoming_meetings"] = meetings_upcoming(HOME_MEETINGS_SHOWN)
        return context


def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)


def csrf_failure(request, reason=""):
    return render(request, "403_csrf.html", status=403)
