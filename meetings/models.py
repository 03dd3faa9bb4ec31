"""The network's online meetings, the invitations sent for them and the themes members suggest.

Models hold data, constraints and small derived properties; every change goes through
:mod:`meetings.services`.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from members.choices import Language

from .choices import AnswerChannel, MeetingStatus, Platform, ReminderKind, ReplyOutcome, Response


def new_calendar_uid() -> str:
    """A UID that never changes for the life of the meeting (RFC 5545, 3.8.4.7).

    It is made once and stored, so that a change of host name never turns an update into a
    second event in the members' calendars.
    """
    return f"{uuid.uuid4()}@peernet"


class Theme(models.Model):
    """A subject a member suggests for a future meeting; other members vote for it."""

    title = models.CharField(_("theme"), max_length=150)
    details = models.TextField(_("details"), blank=True, max_length=1000)
    language = models.CharField(
        _("written in"), max_length=2, choices=Language.choices, default=Language.EN
    )
    suggested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("suggested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("suggested"), default=timezone.now)
    is_hidden = models.BooleanField(
        _("hidden"), default=False, help_text=_("Hidden themes are not shown to members.")
    )

    class Meta:
        verbose_name = _("theme suggestion")
        verbose_name_plural = _("theme suggestions")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.title


class ThemeVote(models.Model):
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(fields=["theme", "user"], name="one_vote_per_member_and_theme")
        ]

    def __str__(self):
        return f"{self.user} → {self.theme}"


class Meeting(models.Model):
    """One online meeting of the network (title, theme and description in both languages)."""

    title = models.CharField(_("title"), max_length=200)
    theme = models.CharField(_("theme"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    # Stored in UTC (USE_TZ); shown in Eastern time and in every Canadian time zone.
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    platform = models.CharField(
        _("platform"), max_length=10, choices=Platform.choices, default=Platform.ZOOM
    )
    platform_name = models.CharField(
        _("name of the other platform"),
        max_length=60,
        blank=True,
        help_text=_("Only when the platform is “Other”."),
    )
    join_url = models.URLField(
        _("join link"),
        max_length=500,
        blank=True,
        help_text=_("Shown and sent only to approved members."),
    )
    passcode = models.CharField(
        _("passcode"),
        max_length=40,
        blank=True,
        help_text=_("Shown and sent only to approved members."),
    )
    has_interpretation = models.BooleanField(
        _("simultaneous French interpretation"),
        default=True,
        help_text=_("Meetings are held in English; tick when French interpretation is offered."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    suggested_theme = models.ForeignKey(
        Theme,
        verbose_name=_("members' theme"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meetings",
        help_text=_("A theme suggested by members; it fills the theme when that is empty."),
    )
    calendar_uid = models.CharField(
        _("calendar UID"), max_length=100, unique=True, default=new_calendar_uid, editable=False
    )
    sequence = models.PositiveIntegerField(
        pgettext_lazy("iCalendar SEQUENCE", "revision"), default=0, editable=False
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("last changed"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="meeting_ends_after_start",
                violation_error_message=_("The meeting must end after it starts."),
            )
        ]

    def __str__(self):
        return self.title

    @property
    def is_cancelled(self) -> bool:
        return self.status == MeetingStatus.CANCELLED

    @property
    def has_ended(self) -> bool:
        return self.ends_at <= timezone.now()

    @property
    def is_open(self) -> bool:
        """Scheduled and not over: members may still answer and join."""
        return self.status == MeetingStatus.SCHEDULED and not self.has_ended

    @property
    def platform_label(self) -> str:
        if self.platform == Platform.OTHER and self.platform_name:
            return self.platform_name
        return self.get_platform_display()

    @property
    def duration_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


class Invitation(models.Model):
    """A member's invitation to a meeting: their answer, their wish and what was sent."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="meeting_invitations",
    )
    response = models.CharField(
        _("answer"), max_length=12, choices=Response.choices, default=Response.NEEDS_ACTION
    )
    wants_interpretation = models.BooleanField(_("wishes French interpretation"), default=False)
    # The meeting's SEQUENCE in the last REQUEST or CANCEL mailed to this member; None until
    # the first is queued. Comparing it with Meeting.sequence makes every send idempotent.
    sequence_sent = models.PositiveIntegerField(_("revision sent"), null=True, blank=True)
    created_at = models.DateTimeField(_("invited"), default=timezone.now)
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True)
    response_channel = models.CharField(
        _("answered through"), max_length=10, choices=AnswerChannel.choices, blank=True
    )
    # A calendar reply with PARTSTAT=DELEGATED counts as declined; the delegate is kept for
    # staff, who decide whether that person may come (RFC 5546, 3.2.2.3).
    delegated_to = models.EmailField(_("delegated to"), blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["meeting", "user__last_name", "user__first_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="one_invitation_per_member")
        ]

    def __str__(self):
        return f"{self.meeting} → {self.user}"


class Reminder(models.Model):
    """A reminder already queued: the unique row is what keeps it from being sent twice."""

    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(_("kind"), max_length=8, choices=ReminderKind.choices)
    created_at = models.DateTimeField(_("queued"), default=timezone.now)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(fields=["invitation", "kind"], name="one_reminder_per_kind")
        ]

    def __str__(self):
        return f"{self.invitation} ({self.get_kind_display()})"


class CalendarFeed(models.Model):
    """A member's personal calendar feed; deleting the row revokes its address at once."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meeting_feed"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self):
        return str(self.user)


class CalendarReply(models.Model):
    """A message that reached the organiser's mailbox, and what was done with it.

    Every message is kept, believed or not, so that staff can see forwarded invitations,
    counter-proposals and human replies. The Message-ID makes reading a message twice change
    nothing; only a bounded excerpt is kept, never the whole message.
    """

    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    received_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    sender = models.CharField(_("sender"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    method = models.CharField(_("method"), max_length=20, blank=True)
    uid = models.CharField(_("calendar UID"), max_length=255, blank=True)
    attendee = models.CharField(_("attendee"), max_length=254, blank=True)
    partstat = models.CharField(_("participation status"), max_length=20, blank=True)
    sequence = models.PositiveIntegerField(
        pgettext_lazy("iCalendar SEQUENCE", "revision"), null=True, blank=True
    )
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("meeting"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="calendar_replies",
    )
    invitation = models.ForeignKey(
        Invitation,
        verbose_name=_("invitation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="calendar_replies",
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=ReplyOutcome.choices)
    detail = models.CharField(_("detail"), max_length=500, blank=True)
    excerpt = models.TextField(_("excerpt"), blank=True)
    # Who recorded an unproven reply's answer on their own word, and when.
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar reply")
        verbose_name_plural = _("calendar replies")
        ordering = ["-received_at", "-pk"]

    def __str__(self):
        return f"{self.get_outcome_display()}: {self.sender or self.message_id}"
