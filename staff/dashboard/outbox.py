"""The outbox's section of the staff dashboard: messages that failed lately, and delivery per
week. Two queries, whatever the number of messages; the weeks are read off the index on
``created_at``.

It lives here rather than in ``peernet/outbox`` because the outbox is plumbing, which knows no
app; the staff app registers it (``staff/apps.py``), after the apps' own sections."""

from datetime import timedelta

from django.db.models.functions import TruncWeek
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from peernet.outbox.models import MessageStatus, OutboxMessage
from staff import dashboard

WEEKS_SHOWN = 12
WAITING = [MessageStatus.QUEUED, MessageStatus.SENDING]


def dashboard_panel(request) -> dashboard.Panel | None:
    if not dashboard.may_view(request, OutboxMessage):
        return None
    since = dashboard.recent_since()
    failed = OutboxMessage.objects.filter(
        status=MessageStatus.FAILED, created_at__gte=since
    ).count()
    # The parameters of the list's own "Past 7 days" filter, with the status.
    tomorrow = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    tomorrow += timedelta(days=1)
    query = urlencode(
        {
            "status__exact": MessageStatus.FAILED,
            "created_at__gte": dashboard.since_parameter(since),
            "created_at__lt": dashboard.since_parameter(tomorrow),
        }
    )
    item = dashboard.Item(
        label=ngettext(
            "E-mails that failed, past %(days)d day",
            "E-mails that failed, past %(days)d days",
            dashboard.RECENT_DAYS,
        )
        % {"days": dashboard.RECENT_DAYS},
        count=failed,
        url=f"{reverse('admin:outbox_outboxmessage_changelist')}?{query}",
        needs_attention=failed > 0,
    )
    charts = [delivery_chart()] if request is not None else []
    return dashboard.Panel(key="outbox", title=_("E-mail"), items=[item], charts=charts)


def delivery_chart(*, now=None) -> dashboard.Chart:
    """Messages created in each of the last 12 weeks, by where they stand now."""
    weeks = dashboard.week_starts(count=WEEKS_SHOWN, now=now)
    counts = dashboard.counts_by_period(
        OutboxMessage.objects.filter(created_at__gte=weeks[0]),
        field="created_at",
        period=TruncWeek,
        by="status",
    )

    def per_week(statuses):
        return [sum(counts.get((week, status), 0) for status in statuses) for week in weeks]

    series = [
        dashboard.Series(label=_("Sent"), values=per_week([MessageStatus.SENT])),
        dashboard.Series(label=_("Waiting"), values=per_week(WAITING)),
        dashboard.Series(label=_("Failed"), values=per_week([MessageStatus.FAILED])),
    ]
    total, failed = sum(sum(one.values) for one in series), sum(series[2].values)
    return dashboard.Chart(
        key="mail-delivery",
        title=_("E-mail delivery per week"),
        summary=ngettext(
            "%(total)d e-mail in the last 12 weeks, %(failed)d of them failed.",
            "%(total)d e-mails in the last 12 weeks, %(failed)d of them failed.",
            total,
        )
        % {"total": total, "failed": failed},
        category_header=_("Week of"),
        categories=[date_format(week, "DATE_FORMAT") for week in weeks],
        axis_labels=[date_format(week, "j M") for week in weeks],
        series=series,
        stacked=True,
    )
