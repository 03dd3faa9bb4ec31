"""What leaves the meetings app as a file: attendance and interpretation requests for staff
(CSV or XLSX: the meetings of the admin list with their counts, everyone invited to them, or
everyone invited to one meeting), and the meetings section of a member's data export
(``members.seams.member_data_exporters``, registered in ``meetings/apps.py``)."""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from members import selectors as member_selectors
from peernet.spreadsheets import Column, spreadsheet_response

from . import selectors
from .models import CalendarFeed, Invitation, Meeting, Theme, ThemeVote


def attendee_columns(*, with_meeting: bool = False) -> list[Column]:
    """One invitation: who, from where, what they answered and whether they want French
    interpretation; `with_meeting` first names the meeting, for lists of several."""
    meeting_columns = [
        Column(_("Meeting"), lambda invitation: invitation.meeting.title),
        Column(_("Starts (Eastern time)"), lambda invitation: invitation.meeting.starts_at),
    ]
    return [
        *(meeting_columns if with_meeting else []),
        Column(_("Last name"), lambda invitation: invitation.user.last_name),
        Column(_("First name"), lambda invitation: invitation.user.first_name),
        Column(_("E-mail"), lambda invitation: invitation.user.email),
        Column(
            _("Organisation"),
            lambda invitation: member_selectors.member_organisation_name(invitation.user),
        ),
        Column(
            _("Province or territory"),
            lambda invitation: member_selectors.member_province_label(invitation.user),
        ),
        Column(_("Language"), lambda invitation: invitation.user.get_preferred_language_display()),
        Column(_("Answer"), lambda invitation: invitation.get_response_display()),
        Column(_("French interpretation"), lambda invitation: invitation.wants_interpretation),
        Column(_("Answered (Eastern time)"), lambda invitation: invitation.responded_at),
        Column(_("Delegated to"), lambda invitation: invitation.delegated_to),
    ]


def meeting_columns() -> list[Column]:
    """A meeting with the answers staff follow (``selectors.meetings_with_counts``)."""
    return [
        Column(_("Meeting"), lambda meeting: meeting.title),
        Column(_("Theme"), lambda meeting: meeting.theme),
        Column(_("Starts (Eastern time)"), lambda meeting: meeting.starts_at),
        Column(_("Ends (Eastern time)"), lambda meeting: meeting.ends_at),
        Column(_("Status"), lambda meeting: meeting.get_status_display()),
        Column(_("French interpretation offered"), lambda meeting: meeting.has_interpretation),
        Column(_("Invited"), lambda meeting: meeting.invited_count),
        Column(_("Attending"), lambda meeting: meeting.accepted_count),
        Column(_("Not attending"), lambda meeting: meeting.declined_count),
        Column(_("Maybe"), lambda meeting: meeting.tentative_count),
        Column(_("No answer"), lambda meeting: meeting.no_answer_count),
        Column(_("Interpretation requested"), lambda meeting: meeting.interpretation_count),
    ]


def meeting_attendees_export(*, meeting: Meeting, file_format: str):
    """Everyone invited to `meeting`, by name."""
    return spreadsheet_response(
        file_format=file_format,
        columns=attendee_columns(),
        rows=selectors.meeting_attendees(meeting=meeting),
        stem=f"meeting-{meeting.pk}-attendees",
        sheet_title=str(_("Attendees")),
    )


def meetings_export(*, meetings: QuerySet[Meeting], file_format: str):
    """The meetings in `meetings` (annotated with their counts), in their order."""
    return spreadsheet_response(
        file_format=file_format,
        columns=meeting_columns(),
        rows=meetings,
        stem="meetings",
        sheet_title=str(_("Meetings")),
    )


def attendees_export(*, meetings: QuerySet[Meeting], file_format: str):
    """Everyone invited to the meetings in `meetings`: meeting by meeting in the order they
    are held, people by name."""
    # The meetings are few (a handful a year) and their list carries the admin's counts:
    # their ids are read once rather than the counting query nested in every chunk.
    meeting_ids = list(meetings.values_list("pk", flat=True))
    invitations = (
        Invitation.objects.filter(meeting_id__in=meeting_ids)
        .select_related("meeting", "user", "user__registration")
        .order_by(
            "meeting__starts_at",
            "meeting_id",
            "user__last_name",
            "user__first_name",
            "user__email",
            "pk",
        )
    )
    return spreadsheet_response(
        file_format=file_format,
        columns=attendee_columns(with_meeting=True),
        rows=invitations,
        stem="meeting-attendees",
        sheet_title=str(_("Attendees")),
    )


# What the meetings list offers to export, by the name in its address.
EXPORTS = {
    "meetings": meetings_export,
    "attendees": attendees_export,
}


def member_data(user) -> tuple[str, dict]:
    """What the meetings app keeps about a person: answers, wishes, feed, themes and votes."""
    invitations = Invitation.objects.filter(user=user).select_related("meeting").order_by("pk")
    feed = CalendarFeed.objects.filter(user=user).first()
    return (
        "meetings",
        {
            "invitations": [
                {
                    "meeting": invitation.meeting.title_en,
                    "starts_at": invitation.meeting.starts_at.isoformat(),
                    "answer": invitation.response,
                    "answered_at": (
                        invitation.responded_at.isoformat() if invitation.responded_at else None
                    ),
                    "wants_interpretation": invitation.wants_interpretation,
                    "invited_at": invitation.created_at.isoformat(),
                    "reminders": sorted(invitation.reminders.values_list("kind", flat=True)),
                }
                for invitation in invitations
            ],
            "calendar_feed_created_at": feed.created_at.isoformat() if feed else None,
            "themes_suggested": [
                {"title": theme.title, "details": theme.details, "at": theme.created_at.isoformat()}
                for theme in Theme.objects.filter(suggested_by=user).order_by("pk")
            ],
            "theme_votes": [
                vote.theme.title
                for vote in ThemeVote.objects.filter(user=user).select_related("theme")
            ],
        },
    )
