"""The review queue's section of the staff dashboard (registered in ``members/apps.py``).

Every figure is one aggregate query, whatever the number of requests. The links use the
query parameters of the review queue's own filters (members/admin/registrations.py), so that
each count opens the list of exactly those requests.
"""

from django.conf import settings
from django.db import connection
from django.db.models import Count, F, FloatField, Func, Min, Q
from django.db.models.functions import Coalesce, TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from staff import dashboard

from .choices import OrganisationKind, Province, RegistrationStatus
from .models import Registration, review_overdue

# The promise made to registrants: a request is processed within a week.
REVIEW_PROMISE_DAYS = 7
MONTHS_SHOWN = 12
# Outcomes of a request, in the order the chart stacks them.
OUTCOMES = [
    RegistrationStatus.APPROVED,
    RegistrationStatus.REJECTED,
    RegistrationStatus.WITHDRAWN,
    RegistrationStatus.PENDING,
    RegistrationStatus.SUBMITTED,
]
DECIDED = [RegistrationStatus.APPROVED, RegistrationStatus.REJECTED]
KIND_LABEL_LENGTH = 30
DAY_SECONDS = 86400


def _queue_url(**filters) -> str:
    return f"{reverse('admin:members_registration_changelist')}?{urlencode(filters)}"


def _days(moment, now) -> int:
    return max((now - moment).days, 0) if moment else 0


def dashboard_panel(request) -> dashboard.Panel | None:
    if not dashboard.may_view(request, Registration):
        return None
    now = timezone.now()
    figures = Registration.objects.aggregate(
        pending=Count("pk", filter=Q(status=RegistrationStatus.PENDING)),
        overdue=Count("pk", filter=review_overdue(now=now)),
        unconfirmed=Count("pk", filter=Q(status=RegistrationStatus.SUBMITTED)),
        oldest=Min(
            Coalesce("email_confirmed_at", "submitted_at"),
            filter=Q(status=RegistrationStatus.PENDING),
        ),
    )
    warning_days = settings.PEERNET_REVIEW_WARNING_DAYS
    oldest_days = _days(figures["oldest"], now)
    pending_detail = ""
    if figures["pending"]:
        pending_detail = ngettext(
            "The oldest has waited %(days)d day; the promise is a decision within "
            "%(promise)d days.",
            "The oldest has waited %(days)d days; the promise is a decision within "
            "%(promise)d days.",
            oldest_days,
        ) % {"days": oldest_days, "promise": REVIEW_PROMISE_DAYS}
    items = [
        dashboard.Item(
            label=_("Requests awaiting review"),
            count=figures["pending"],
            url=_queue_url(status__exact=RegistrationStatus.PENDING),
            detail=pending_detail,
            needs_attention=oldest_days > REVIEW_PROMISE_DAYS,
        ),
        dashboard.Item(
            label=_("Requests waiting more than %(days)d days") % {"days": warning_days},
            count=figures["overdue"],
            url=_queue_url(status__exact=RegistrationStatus.PENDING, waiting="long"),
            needs_attention=figures["overdue"] > 0,
        ),
        dashboard.Item(
            label=_("Requests waiting for e-mail confirmation"),
            count=figures["unconfirmed"],
            url=_queue_url(status__exact=RegistrationStatus.SUBMITTED),
        ),
    ]
    charts = []
    if request is not None:
        charts = [
            requests_by_month_chart(now=now),
            decision_time_chart(now=now),
            members_by_province_chart(),
            members_by_kind_chart(),
        ]
    return dashboard.Panel(
        key="members", title=_("Registration requests"), items=items, charts=charts
    )


def _month_labels(months):
    return (
        [date_format(month, "YEAR_MONTH_FORMAT") for month in months],
        [date_format(month, "M") for month in months],
    )


def requests_by_month_chart(*, now=None) -> dashboard.Chart:
    """Requests sent in each of the last 12 months, by what became of them."""
    months = dashboard.month_starts(count=MONTHS_SHOWN, now=now)
    counts = dashboard.counts_by_period(
        Registration.objects.filter(submitted_at__gte=months[0]),
        field="submitted_at",
        period=TruncMonth,
        by="status",
    )
    series = [
        dashboard.Series(
            label=str(status.label), values=[counts.get((month, status), 0) for month in months]
        )
        for status in OUTCOMES
    ]
    total = sum(sum(one.values) for one in series)
    approved = sum(series[0].values)
    labels, axis = _month_labels(months)
    return dashboard.Chart(
        key="requests-by-month",
        title=_("Requests per month, by outcome"),
        summary=ngettext(
            "%(total)d request was sent in the last 12 months; %(approved)d of them approved.",
            "%(total)d requests were sent in the last 12 months; %(approved)d of them approved.",
            total,
        )
        % {"total": total, "approved": approved},
        category_header=_("Month sent"),
        categories=labels,
        axis_labels=axis,
        series=series,
        stacked=True,
    )


def _waiting_seconds():
    """Seconds from the moment a request reached the queue to its decision."""
    return Func(
        F("decided_at") - Coalesce("email_confirmed_at", "submitted_at"),
        template="EXTRACT(EPOCH FROM %(expressions)s)",
        output_field=FloatField(),
    )


def _decision_figures(queryset, months, zone) -> dict:
    """Per month of decision: median and 90th percentile in days, count, and how many were
    decided within the promise."""
    promise = REVIEW_PROMISE_DAYS * DAY_SECONDS
    if connection.vendor == "postgresql":
        rows = (
            queryset.annotate(
                month=TruncMonth("decided_at", tzinfo=zone), waited=_waiting_seconds()
            )
            .values("month")
            .annotate(
                median=dashboard.PercentileCont("waited", fraction=0.5),
                slowest=dashboard.PercentileCont("waited", fraction=0.9),
                decided=Count("pk"),
                within=Count("pk", filter=Q(waited__lte=promise)),
            )
            .order_by()
        )
        return {row["month"]: row for row in rows}
    # Other databases (SQLite in development) get the same figures computed here.
    waits: dict = {}
    for decided_at, confirmed_at, submitted_at in queryset.values_list(
        "decided_at", "email_confirmed_at", "submitted_at"
    ):
        local = timezone.localtime(decided_at, zone)
        month = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        waits.setdefault(month, []).append(
            (decided_at - (confirmed_at or submitted_at)).total_seconds()
        )
    return {
        month: {
            "median": dashboard.percentile(values, 0.5),
            "slowest": dashboard.percentile(values, 0.9),
            "decided": len(values),
            "within": sum(1 for value in values if value <= promise),
        }
        for month, values in waits.items()
    }


def decision_time_chart(*, now=None) -> dashboard.Chart:
    """How long approved and rejected requests waited for their decision, per month of
    decision: the median and the 90th percentile, against the week promised."""
    months = dashboard.month_starts(count=MONTHS_SHOWN, now=now)
    zone = timezone.get_current_timezone()
    queryset = Registration.objects.filter(
        status__in=DECIDED, decided_at__isnull=False, decided_at__gte=months[0]
    )
    figures = _decision_figures(queryset, months, zone)

    def days(month, key):
        seconds = figures.get(month, {}).get(key)
        return None if seconds is None else round(seconds / DAY_SECONDS, 1)

    decided = [figures.get(month, {}).get("decided", 0) for month in months]
    within = [figures.get(month, {}).get("within", 0) for month in months]
    shares = [round(100 * w / d) if d else None for w, d in zip(within, decided, strict=True)]
    total, total_within = sum(decided), sum(within)
    labels, axis = _month_labels(months)
    if total:
        summary = ngettext(
            "Of %(total)d decision in the last 12 months, %(share)d%% came within "
            "%(promise)d days.",
            "Of %(total)d decisions in the last 12 months, %(share)d%% came within "
            "%(promise)d days.",
            total,
        ) % {
            "total": total,
            "share": round(100 * total_within / total),
            "promise": REVIEW_PROMISE_DAYS,
        }
    else:
        summary = _("No request was decided in the last 12 months.")
    return dashboard.Chart(
        key="decision-time",
        title=_("Time to decision per month, in days"),
        summary=summary,
        category_header=_("Month decided"),
        categories=labels,
        axis_labels=axis,
        series=[
            dashboard.Series(label=_("Median"), values=[days(m, "median") for m in months]),
            dashboard.Series(
                label=_("90th percentile"), values=[days(m, "slowest") for m in months]
            ),
        ],
        reference=REVIEW_PROMISE_DAYS,
        reference_label=_("%(days)d days promised") % {"days": REVIEW_PROMISE_DAYS},
        extra_columns=[
            dashboard.Series(label=_("Decisions"), values=decided),
            dashboard.Series(label=_("Decided within the week (per cent)"), values=shares),
        ],
    )


def _members_by(field: str):
    # The rule of members.models.MEMBER, read from the registration's side.
    return dict(
        Registration.objects.filter(status=RegistrationStatus.APPROVED, user__is_active=True)
        .values_list(field)
        .annotate(count=Count("pk"))
        .order_by()
    )


def members_by_province_chart() -> dashboard.Chart:
    counts = _members_by("province")
    provinces = [province for province in Province if counts.get(province)]
    total = sum(counts.values())
    return dashboard.Chart(
        key="members-by-province",
        title=_("Members by province or territory"),
        summary=ngettext(
            "%(total)d member, in %(places)d provinces or territories.",
            "%(total)d members, in %(places)d provinces or territories.",
            total,
        )
        % {"total": total, "places": len(provinces)},
        category_header=_("Province or territory"),
        categories=[str(province.label) for province in provinces],
        axis_labels=[province.value for province in provinces],
        series=[dashboard.Series(label=_("Members"), values=[counts[p] for p in provinces])],
        empty_text=_("No member yet."),
    )


def members_by_kind_chart() -> dashboard.Chart:
    counts = _members_by("organisation_kind")
    kinds = sorted(
        (kind for kind in OrganisationKind if counts.get(kind)), key=lambda kind: -counts[kind]
    )
    total = sum(counts.values())
    labels = [str(kind.label) for kind in kinds]
    summary = _("No member yet.")
    if kinds:
        summary = ngettext(
            "%(total)d member; the most common kind of government is %(kind)s (%(count)d).",
            "%(total)d members; the most common kind of government is %(kind)s (%(count)d).",
            total,
        ) % {"total": total, "kind": labels[0], "count": counts[kinds[0]]}
    return dashboard.Chart(
        key="members-by-kind",
        title=_("Members by kind of government"),
        summary=summary,
        category_header=_("Kind of government"),
        categories=labels,
        axis_labels=[
            label if len(label) <= KIND_LABEL_LENGTH else label[: KIND_LABEL_LENGTH - 1] + "…"
            for label in labels
        ],
        series=[dashboard.Series(label=_("Members"), values=[counts[k] for k in kinds])],
        horizontal=True,
        empty_text=_("No member yet."),
    )
