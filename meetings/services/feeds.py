"""Members' personal calendar feeds."""

import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members import selectors as member_selectors

from ..models import CalendarFeed
from .answers import AnswerError


@transaction.atomic
def feed_regenerate(*, user) -> CalendarFeed:
    """Give the member a new feed address; the old one stops working at once."""
    if not member_selectors.user_is_member(user):
        raise AnswerError(_("Only members of the network have a calendar feed."), code="member")
    token = secrets.token_urlsafe(32)
    feed, _created = CalendarFeed.objects.update_or_create(
        user=user, defaults={"token": token, "created_at": timezone.now()}
    )
    return feed


@transaction.atomic
def feed_revoke(*, user) -> None:
    CalendarFeed.objects.filter(user=user).delete()
