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
    TENTATIVE = "tentative", _("Maybe")


class ReminderKind(models.TextChoices):
    WEEK = "week", _("One week before")
    DAY = "day", _("One day before")


class AnswerChannel(models.TextChoices):
    """Where a member gave their answer."""

    LINK = "link", _("Answer link in the e-mail")
    PAGE = "page", _("Member page")
    CALENDAR = "calendar", _("Calendar reply")


class ReplyOutcome(models.TextChoices):
    """What was done with a message that reached the organiser's mailbox."""

    RECORDED = "recorded", _("Answer recorded")
    NOT_INVITED = "not_invited", _("Attendee not invited")
    SENDER_MISMATCH = "sender_mismatch", _("Sender is not the attendee")
    UNKNOWN_EVENT = "unknown_event", _("Unknown event")
    MEETING_CLOSED = "meeting_closed", _("Meeting cancelled or over")
    OUTDATED = "outdated", _("Answers an older time")
    COUNTER = "counter", _("Counter-proposal")
    OTHER_MAIL = "other_mail", _("Other mail")
    INVALID = "invalid", _("Refused: unreadable")
