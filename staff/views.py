"""The home page: the network's own words (staff.models.SiteText, read by the template) around
the upcoming meetings, which are computed at each rendering."""

from django.http import HttpResponsePermanentRedirect
from django.views.generic import TemplateView

from peernet.pagecache import public_page

from .seams import upcoming_meetings

# The home page lists this many of the upcoming meetings; the meetings page lists them all.
HOME_MEETINGS_SHOWN = 3


def meetings_upcoming(limit: int) -> list:
    """The first ``limit`` meetings not over yet, soonest first, from the sources registered in
    :data:`staff.seams.upcoming_meetings`."""
    meetings = []
    for source in upcoming_meetings:
        meetings += source()[: limit - len(meetings)]
        if len(meetings) >= limit:
            break
    return meetings


@public_page
class HomeView(TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["upcoming_meetings"] = meetings_upcoming(HOME_MEETINGS_SHOWN)
        return context


def page_texts_admin_moved(request, rest: str):
    """The page texts' admin pages lived under the portal's own app label before the staff app
    held them: a bookmark to one of those addresses leads to the same page at its new one."""
    prefix = request.path[: request.path.index("/admin/peernet/")]
    query = request.META.get("QUERY_STRING", "")
    address = f"{prefix}/admin/staff/sitetext/{rest}"
    return HttpResponsePermanentRedirect(f"{address}?{query}" if query else address)
