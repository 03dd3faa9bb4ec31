"""Enumerations of the meetings app (the bottom layer: imports nothing of the project)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", pgettext_lazy("meeting status", "Scheduled")
    CANCELLED = "cancelled", pgettext_lazy("meeting status", "Cancelled")


class Platform(models.TextChoices):
    ZOOM = "zoom", "Zoom"
    TEAMS = "teams", "Microsoft Teams"
    WEBEX = "webex", "Webex"
    OTHER = "other", pgettext_lazy("platform", "Other")


class Response(models.TextChoices):
    """A member's answer, named after the iCalendar PARTSTAT values (RFC 5545, 3.2.12)."""

    NEEDS_ACTION = "needs_action", _("No answer yet")
    ACCEPTED = "accepted", _("Attending")
    DECLINED = "declined", _("Not attending")


class ReminderKind(models.TextChoices):
    WEEK = "week", _("One week before")
    DAY = "day", _("One day before")
