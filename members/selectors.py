"""What other apps may read of the members app: who is a member today, and what a member's
registration says about them (their province, their interpretation wish).

meetings and cohorts ask these functions instead of reaching into registrations, so that the
rule of who counts as a member is written once (``members.models.MEMBER``).
"""

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from .models import MEMBER


def members_active() -> QuerySet:
    """Users who are approved members today (active accounts with an approved registration)."""
    return get_user_model().objects.filter(MEMBER)


def user_is_member(user) -> bool:
    """The same rule for one user, read from the database as it is now (a registration
    withdrawn a moment ago counts, whatever copy of the user the caller holds)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return members_active().filter(pk=user.pk).exists()


def registration_is_member(registration) -> bool:
    """The same rule for a registration the caller has just read with its user
    (``select_related("user")``): no further query."""
    return registration is not None and registration.user.is_member


def _registration_of(user):
    # The registration travels with the user when the caller selected it (select_related).
    return getattr(user, "registration", None) if getattr(user, "pk", None) else None


def member_province(user) -> str | None:
    """The province or territory code of the user's registration, or None."""
    registration = _registration_of(user)
    return registration.province if registration else None


def member_province_label(user) -> str:
    """The province or territory as staff read it, in the active language ("" without one)."""
    registration = _registration_of(user)
    return registration.get_province_display() if registration else ""


def member_organisation_name(user) -> str:
    """The organisation named in the user's registration ("" without one)."""
    registration = _registration_of(user)
    return registration.organisation_name if registration else ""


def member_wants_interpretation(user) -> bool:
    """The interpretation wish given at registration (or later on the profile)."""
    registration = _registration_of(user)
    return bool(registration and registration.wants_interpretation)
