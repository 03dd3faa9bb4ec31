"""The meetings' section of the staff dashboard (registered in ``meetings/apps.py``):
calendar replies that were not recorded as answers, the next meetings with their answers, and
answers and interpretation requests per meeting.

Each figure is one query, whatever the number of meetings, invitations or replies.
"""

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from staff import dashboard

from . import selectors
from .choices import MeetingStatus, ReplyOutcome, Response
from .models import CalendarReply, Invitation, Meeting
from .timezones import EASTERN

NEXT_MEETINGS_SHOWN = 5
CHART_MEETINGS_SHOWN = 8
# Replies staff should look at: everything that was not recorded as a member's answer.
UNMATCHED_OUTCOMES = [outcome for outcome in ReplyOutcome if outcome != ReplyOutcome.RECORDED]
# Who still counts for interpretation (meetings.selectors.meetings_with_counts).
NOT_DECLINED = [Response.ACCEPTED, Response.TENTATIVE, Response.NEEDS_ACTION]


def _changelist(viewname: str, **filters) -> str:
    return f"{reverse(viewname)}?{urlencode(filters)}"


def _invitations_url(meeting, **filters) -> str:
    return _changelist(
        "admin:meetings_invitation_changelist", meeting__id__exact=meeting.pk, **filters
    )


def _meeting_date(meeting, pattern="DATE_FORMAT") -> str:
    return date_format(meeting.starts_at.astimezone(EASTERN), pattern)


def dashboard_panel(request) -> dashboard.Panel | None:
    items, tables, charts = [], [], []
    if dashboard.may_view(request, CalendarReply):
        since = dashboard.recent_since()
        count = CalendarReply.objects.filter(
            outcome__in=UNMATCHED_OUTCOMES, received_at__gte=since
        ).count()
        items.append(
            dashboard.Item(
                label=ngettext(
                    "Calendar replies not recorded as an answer, past %(days)d day",
                    "Calendar replies not recorded as an answer, past %(days)d days",
                    dashboard.RECENT_DAYS,
                )
                % {"days": dashboard.RECENT_DAYS},
                count=count,
                url=_changelist(
                    "admin:meetings_calendarreply_changelist",
                    outcome__in=",".join(UNMATCHED_OUTCOMES),
                    received_at__gte=dashboard.since_parameter(since),
                ),
            )
        )
    if request is not None and dashboard.may_view(request, Invitation):
        tables.append(next_meetings_table())
        charts.append(answers_chart())
    if not (items or tables or charts):
        return None
    return dashboard.Panel(
        key="meetings", title=_("Meetings"), items=items, tables=tables, charts=charts
    )


def next_meetings_table() -> dashboard.Table:
    meetings = selectors.meetings_with_counts(selectors.meetings_open().order_by("starts_at"))[
        :NEXT_MEETINGS_SHOWN
    ]

    def count(meeting, value, **filters):
        return dashboard.Cell(
            text=str(value), url=_invitations_url(meeting, **filters), numeric=True
        )

    rows = [
        [
            dashboard.Cell(
                text=f"{meeting.title} ({_meeting_date(meeting)})",
                url=reverse("admin:meetings_meeting_change", args=[meeting.pk]),
            ),
            count(meeting, meeting.invited_count),
            count(meeting, meeting.accepted_count, response__exact=Response.ACCEPTED),
            count(meeting, meeting.declined_count, response__exact=Response.DECLINED),
            count(meeting, meeting.tentative_count, response__exact=Response.TENTATIVE),
            count(meeting, meeting.no_answer_count, response__exact=Response.NEEDS_ACTION),
            count(
                meeting,
                meeting.interpretation_count,
                wants_interpretation__exact=1,
                response__in=",".join(NOT_DECLINED),
            ),
        ]
        for meeting in meetings
    ]
    return dashboard.Table(
        caption=_("Next meetings"),
        headers=[
            _("Meeting"),
            _("Invited"),
            Response.ACCEPTED.label,
            Response.DECLINED.label,
            Response.TENTATIVE.label,
            Response.NEEDS_ACTION.label,
            _("Interpretation requested"),
        ],
        rows=rows,
        empty_text=_("No meeting is scheduled."),
    )


def answers_chart() -> dashboard.Chart:
    """The last meetings held, with their answers (the table above has the next ones)."""
    recent = Meeting.objects.filter(
        status=MeetingStatus.SCHEDULED, starts_at__lte=timezone.now()
    ).order_by("-starts_at")
    meetings = list(selectors.meetings_with_counts(recent)[:CHART_MEETINGS_SHOWN])
    meetings.reverse()
    fields = [
        (Response.ACCEPTED.label, "accepted_count"),
        (Response.TENTATIVE.label, "tentative_count"),
        (Response.DECLINED.label, "declined_count"),
        (Response.NEEDS_ACTION.label, "no_answer_count"),
        (_("Interpretation requested"), "interpretation_count"),
    ]
    series = [
        dashboard.Series(label=str(label), values=[getattr(meeting, name) for meeting in meetings])
        for label, name in fields
    ]
    summary = _("No meeting was held yet.")
    if meetings:
        summary = ngettext(
            "Over the last %(count)d meeting, %(accepted)d answers said attending and "
            "%(interpretation)d asked for interpretation.",
            "Over the last %(count)d meetings, %(accepted)d answers said attending and "
            "%(interpretation)d asked for interpretation.",
            len(meetings),
        ) % {
            "count": len(meetings),
            "accepted": sum(series[0].values),
            "interpretation": sum(series[-1].values),
        }
    return dashboard.Chart(
        key="answers-per-meeting",
        title=_("Answers and interpretation requests per meeting held"),
        summary=summary,
        category_header=_("Meeting"),
        categories=[f"{meeting.title} ({_meeting_date(meeting)})" for meeting in meetings],
        axis_labels=[_meeting_date(meeting, "SHORT_DATE_FORMAT") for meeting in meetings],
        series=series,
        extra_columns=[
            dashboard.Series(
                label=_("Invited"), values=[meeting.invited_count for meeting in meetings]
            )
        ],
        empty_text=_("No meeting was held yet."),
    )
