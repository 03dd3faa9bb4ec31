"""Site-wide pages: the landing page and the error pages."""

from django.conf import settings
from django.shortcuts import render
from django.utils.module_loading import import_string
from django.views.generic import TemplateView

from .pagecache import public_page


def next_meeting():
    """The next scheduled meeting, through the callable named in settings (or None)."""
    path = getattr(settings, "PEERNET_NEXT_MEETING", "")
    return import_string(path)() if path else None


@public_page
class HomeView(TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["next_meeting"] = next_meeting()
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
