"""Meetings as calendar files: one meeting's ``.ics`` and each member's personal feed, with
the buttons that make a new feed address or turn it off."""

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.decorators import method_decorator
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View

from peernet.pagecache import content_kept

from .. import ical, selectors, services
from ..links import meeting_links
from ..models import Meeting
from .access import MemberRequiredMixin, private_response, redirect_back

CALENDAR_TYPE = "text/calendar; charset=utf-8"


class MeetingCalendarView(MemberRequiredMixin, View):
    """One meeting as a ``.ics`` file, METHOD:PUBLISH (a download is not an invitation)."""

    def get(self, request, pk):
        meeting = get_object_or_404(Meeting, pk=pk)
        language = get_language()
        calendar = ical.calendar_publish(
            meetings=[meeting],
            language=language,
            with_join=True,
            links_for=lambda item: meeting_links(meeting=item, language=language),
        )
        response = HttpResponse(calendar.encode("utf-8"), content_type=CALENDAR_TYPE)
        response["Content-Disposition"] = f'attachment; filename="peernet-meeting-{meeting.pk}.ics"'
        return private_response(response)


# Calendar programs ask for feeds every few minutes; reading one needs no transaction.
@method_decorator(transaction.non_atomic_requests, name="dispatch")
class FeedView(View):
    """A member's personal feed: every upcoming meeting and the past year's, read-only.

    The token is the only credential: a revoked or unknown one, or one whose owner is no
    longer a member, gets the same 404 as any missing page, revealing nothing.
    """

    def get(self, request, token):
        owner = selectors.feed_owner(token=token)
        if owner is None:
            raise Http404
        language = get_language()
        # Every member's feed holds the same meetings: the text is made once per language
        # and content version, and the token only decides who may read it.
        calendar = content_kept(
            f"feed:{language}",
            lambda: ical.calendar_publish(
                meetings=selectors.meetings_for_feed(),
                language=language,
                with_join=True,
                links_for=lambda item: meeting_links(meeting=item, language=language),
                name=_("PeerNet meetings"),
            ),
        )
        response = HttpResponse(calendar.encode("utf-8"), content_type=CALENDAR_TYPE)
        response["Content-Disposition"] = 'inline; filename="peernet-meetings.ics"'
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Referrer-Policy"] = "no-referrer"
        return private_response(response)


class FeedRegenerateView(MemberRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request):
        had_feed = selectors.feed_of(user=request.user) is not None
        services.feed_regenerate(user=request.user)
        if had_feed:
            messages.success(
                request, _("Your calendar feed has a new address; the old one no longer works.")
            )
        else:
            messages.success(request, _("Your calendar feed is ready."))
        return redirect_back(request, "members:home")


class FeedRevokeView(MemberRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request):
        services.feed_revoke(user=request.user)
        messages.success(request, _("Your calendar feed was turned off."))
        return redirect_back(request, "members:home")
