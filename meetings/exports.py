"""What leaves the meetings app as a file: a meeting's attendee list for staff (CSV), and the
meetings section of a member's data export (``settings.PEERNET_MEMBER_DATA_EXPORTERS``)."""

import csv

from django.utils import timezone
from django.utils.translation import gettext as _

from members import selectors as member_selectors
from peernet.spreadsheets import formula_safe

from . import selectors
from .models import CalendarFeed, Invitation, Meeting, Theme, ThemeVote


def meeting_attendees_csv(*, meeting: Meeting, out) -> None:
    """Write everyone invited to `meeting` as CSV to the file-like `out`, headers in the active
    language, every cell safe from spreadsheet formulas."""
    out.write("\ufeff")  # lets spreadsheet programs read the accents as UTF-8
    writer = csv.writer(out)
    writer.writerow(
        [
            _("Last name"),
            _("First name"),
            _("E-mail"),
            _("Organisation"),
            _("Province or territory"),
            _("Language"),
            _("Answer"),
            _("French interpretation"),
            _("Answered"),
        ]
    )
    for invitation in selectors.meeting_attendees(meeting=meeting):
        user = invitation.user
        writer.writerow(
            formula_safe(value)
            for value in [
                user.last_name,
                user.first_name,
                user.email,
                member_selectors.member_organisation_name(user),
                member_selectors.member_province_label(user),
                user.get_preferred_language_display(),
                invitation.get_response_display(),
                _("Yes") if invitation.wants_interpretation else _("No"),
                (
                    timezone.localtime(invitation.responded_at).strftime("%Y-%m-%d %H:%M")
                    if invitation.responded_at
                    else ""
                ),
            ]
        )


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
