"""The public pages of meetings: the list, and each meeting's page with what only members
see of it. The join link and passcode reach a response only through :func:`_member_context`,
and only for an approved member."""

from django.views.generic import DetailView, TemplateView

from members import selectors as member_selectors
from peernet.pagecache import public_page

from .. import selectors
from ..choices import Response
from ..models import Meeting
from ..timezones import meeting_zone_times, zone_for_province
from .access import private_response


def member_zone(user):
    """The time zone of the user's province, or None."""
    return zone_for_province(member_selectors.member_province(user))


@public_page
class MeetingListView(TemplateView):
    template_name = "meetings/meeting_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["upcoming"] = selectors.meetings_upcoming().select_related("suggested_theme")
        context["past"] = selectors.meetings_past()[:12]
        return context


@public_page
class MeetingDetailView(DetailView):
    model = Meeting
    template_name = "meetings/meeting_detail.html"
    context_object_name = "meeting"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        meeting, user = self.object, self.request.user
        context["zone_times"] = meeting_zone_times(
            starts_at=meeting.starts_at, ends_at=meeting.ends_at, own_zone=member_zone(user)
        )
        context["is_member"] = member_selectors.user_is_member(user)
        if context["is_member"]:
            context.update(_member_context(meeting=meeting, user=user))
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        return private_response(response) if context["is_member"] else response


def _member_context(*, meeting: Meeting, user) -> dict:
    """What only an approved member sees of a meeting: the link, passcode and their answer."""
    invitation = selectors.invitation_for(meeting=meeting, user=user)
    return {
        "can_join": meeting.is_open,
        "invitation": invitation,
        "response": invitation.response if invitation else Response.NEEDS_ACTION,
        "wants_interpretation": selectors.interpretation_wanted(invitation=invitation, user=user),
    }
