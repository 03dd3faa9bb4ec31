"""The cohorts' section of the staff dashboard (registered in ``cohorts/apps.py``): new
expressions of interest, in one query."""

from django.conf import settings
from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from staff import dashboard

from .choices import InterestStatus
from .models import ExpressionOfInterest


def dashboard_panel(request) -> dashboard.Panel | None:
    if not dashboard.may_view(request, ExpressionOfInterest):
        return None
    now = timezone.now()
    figures = ExpressionOfInterest.objects.aggregate(
        new=Count("pk", filter=Q(status=InterestStatus.NEW)),
        oldest=Min("submitted_at", filter=Q(status=InterestStatus.NEW)),
    )
    detail, waited = "", 0
    if figures["oldest"] is not None:
        waited = max((now - figures["oldest"]).days, 0)
        detail = ngettext(
            "The oldest has waited %(days)d day.", "The oldest has waited %(days)d days.", waited
        ) % {"days": waited}
    url = reverse("admin:cohorts_expressionofinterest_changelist")
    return dashboard.Panel(
        key="cohorts",
        title=_("Cohorts"),
        items=[
            dashboard.Item(
                label=_("New expressions of interest"),
                count=figures["new"],
                url=f"{url}?{urlencode({'status__exact': InterestStatus.NEW})}",
                detail=detail,
                needs_attention=waited > settings.PEERNET_REVIEW_WARNING_DAYS,
            )
        ],
    )
