"""Accounts, registration requests, their history, the reference list of governments and the
sign-in lock's counts."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import (
    POSITIVE_FLAGS,
    FlagCode,
    Language,
    OrganisationKind,
    Province,
    RegistrationStatus,
)
from .domains import domain_clean, domain_normalise
from .flags import reason_text
from .validators import validate_person_name, validate_plain_text


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """An account; the e-mail address is the login."""

    username = None
    email = models.EmailField(_("e-mail address"), unique=True)
    first_name = models.CharField(
        _("first name"), max_length=100, validators=[validate_person_name]
    )
    last_name = models.CharField(_("last name"), max_length=100, validators=[validate_person_name])
    preferred_language = models.CharField(
        _("preferred official language"),
        max_length=2,
        choices=Language.choices,
        default=Language.EN,
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        full_name = self.get_full_name()
        return f"{full_name} <{self.email}>" if full_name else self.email

    @property
    def is_member(self) -> bool:
        """The rule of MEMBER, for one user already in hand."""
        registration = getattr(self, "registration", None)
        return (
            self.is_active
            and registration is not None
            and registration.status == RegistrationStatus.APPROVED
        )


# Who is a member: an active account whose registration was approved. User.is_member says the
# same of one user; members.selectors.members_active() filters with it.
MEMBER = models.Q(is_active=True, registration__status=RegistrationStatus.APPROVED)


class KnownOrganisation(models.Model):
    """A local or Indigenous government whose e-mail domains the assistant recognises."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=OrganisationKind.choices)
    province = models.CharField(_("province or territory"), max_length=2, choices=Province.choices)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("known organisation")
        verbose_name_plural = _("known organisations")
        ordering = ["name"]

    def __str__(self):
        return self.name


class KnownDomain(models.Model):
    organisation = models.ForeignKey(
        KnownOrganisation, on_delete=models.CASCADE, related_name="domains"
    )
    domain = models.CharField(
        _("domain"),
        max_length=253,
        unique=True,
        help_text=_("The part after @, e.g. calgary.ca. Addresses at sub-domains match too."),
    )

    class Meta:
        verbose_name = _("domain")
        verbose_name_plural = _("domains")
        ordering = ["domain"]

    def __str__(self):
        return self.domain

    def save(self, *args, **kwargs):
        self.domain = domain_normalise(self.domain)
        super().save(*args, **kwargs)

    def clean_fields(self, exclude=None):
        # Normalised before the unique check, so that CALGARY.CA is found to be calgary.ca.
        if self.domain and not (exclude and "domain" in exclude):
            try:
                self.domain = domain_clean(self.domain)
            except ValidationError as error:
                raise ValidationError({"domain": error.error_list}) from error
        super().clean_fields(exclude=exclude)


class Registration(models.Model):
    """A request to join the network, and once approved, the member's profile."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="registration",
    )
    job_title = models.CharField(_("job title"), max_length=150, validators=[validate_plain_text])
    department = models.CharField(
        _("department"), max_length=150, blank=True, validators=[validate_plain_text]
    )
    organisation_name = models.CharField(
        _("organisation"), max_length=200, validators=[validate_plain_text]
    )
    organisation_kind = models.CharField(
        _("kind of organisation"), max_length=30, choices=OrganisationKind.choices
    )
    province = models.CharField(_("province or territory"), max_length=2, choices=Province.choices)
    wants_interpretation = models.BooleanField(_("wishes French interpretation"), default=False)
    privacy_consent_at = models.DateTimeField(_("consented to the privacy notice at"))
    privacy_notice_version = models.CharField(_("privacy notice version"), max_length=20)
    known_organisation = models.ForeignKey(
        KnownOrganisation,
        verbose_name=_("recognised as"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="registrations",
    )

    # Normalised copies of the name and mailbox, so that duplicates are found by the database.
    person_key = models.CharField(max_length=250, db_index=True, editable=False)
    mailbox_key = models.CharField(max_length=254, db_index=True, editable=False)

    status = models.CharField(
        _("status"),
        max_length=10,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.SUBMITTED,
        db_index=True,
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    email_confirmed_at = models.DateTimeField(_("e-mail confirmed"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decision_reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["submitted_at", "pk"]

    def __str__(self):
        return f"{self.user.get_full_name()} ({self.organisation_name})"

    @property
    def waiting_since(self):
        return self.email_confirmed_at or self.submitted_at

    @property
    def days_waiting(self) -> int:
        end = self.decided_at or timezone.now()
        return max((end - self.waiting_since).days, 0)

    @property
    def is_review_overdue(self) -> bool:
        """The rule of review_overdue(), for one request already in hand."""
        return (
            self.status == RegistrationStatus.PENDING
            and self.days_waiting > settings.PEERNET_REVIEW_WARNING_DAYS
        )


def review_overdue(*, now=None) -> models.Q:
    """Requests that have waited for a decision longer than staff promise.

    Only requests in the review queue count: until the address is confirmed, a request waits
    for the registrant, not for staff. "Longer" is in the whole days the queue shows, so a
    request shown as waiting 6 days is overdue when the promise is 5 and one shown as 5 is
    not. Registration.is_review_overdue says the same of one request.
    """
    days = settings.PEERNET_REVIEW_WARNING_DAYS + 1
    limit = (now or timezone.now()) - timedelta(days=days)
    return models.Q(status=RegistrationStatus.PENDING) & (
        models.Q(email_confirmed_at__lte=limit)
        | models.Q(email_confirmed_at__isnull=True, submitted_at__lte=limit)
    )


class RegistrationEvent(models.Model):
    """One step in a registration's life: who did what, when and why."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(
        _("from"), max_length=10, choices=RegistrationStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=10, choices=RegistrationStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("history entry")
        verbose_name_plural = _("history")
        ordering = ["created_at", "pk"]

    def __str__(self):
        if not self.from_status:
            return str(self.get_to_status_display())
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


class RegistrationFlag(models.Model):
    """A finding of the eligibility assistant, stored so that the queue can filter by it."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="flags")
    code = models.CharField(_("flag"), max_length=30, choices=FlagCode.choices)
    params = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("eligibility flag")
        verbose_name_plural = _("eligibility flags")
        constraints = [
            models.UniqueConstraint(fields=["registration", "code"], name="one_flag_per_code")
        ]
        ordering = ["pk"]

    def __str__(self):
        return self.get_code_display()

    @property
    def is_positive(self) -> bool:
        return self.code in POSITIVE_FLAGS

    @property
    def reason(self) -> str:
        return reason_text(self.code, self.params)


class SignInFailures(models.Model):
    """The recent failed sign-ins under one of allauth's keys for the sign-in lock (an address,
    a client address), newest first, as allauth keeps them in the cache: see
    members/sign_in_lock.py for why they are kept here instead."""

    key = models.CharField(max_length=255, primary_key=True)
    moments = models.JSONField(default=list)
    forget_after = models.DateTimeField(db_index=True)

    def __str__(self):
        return self.key
