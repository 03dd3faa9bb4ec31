"""What leaves the members app as a spreadsheet for staff: the requests of the review queue
with their decisions, their history, and the members among them (CSV or XLSX).

Each export takes the rows the queue shows (its filters, search and order) and reads them in
chunks with what its columns need, so that the number of queries does not grow with the rows.
"""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from peernet.spreadsheets import Column, spreadsheet_response

from . import selectors
from .choices import FlagCode, Language, OrganisationKind, Province, RegistrationStatus
from .models import Registration, RegistrationEvent


def _label(choices, value) -> str:
    """The label of a stored value, or the value itself when it is no longer a choice."""
    if not value:
        return ""
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _email_of(user) -> str:
    return user.email if user is not None else ""


def _person_columns(registration_of) -> list[Column]:
    """Who the person is, read through `registration_of(row)`."""
    return [
        Column(_("Last name"), lambda row: registration_of(row).user.last_name),
        Column(_("First name"), lambda row: registration_of(row).user.first_name),
        Column(_("E-mail"), lambda row: registration_of(row).user.email),
        Column(_("Organisation"), lambda row: registration_of(row).organisation_name),
    ]


def _request_columns() -> list[Column]:
    return [
        Column(_("Language"), lambda row: _label(Language, row.user.preferred_language)),
        Column(_("Job title"), lambda row: row.job_title),
        Column(_("Department"), lambda row: row.department),
        Column(
            _("Kind of organisation"), lambda row: _label(OrganisationKind, row.organisation_kind)
        ),
        Column(_("Province or territory"), lambda row: _label(Province, row.province)),
        Column(_("French interpretation"), lambda row: row.wants_interpretation),
    ]


def registration_columns() -> list[Column]:
    """A request with what the assistant found and what was decided."""
    return [
        *_person_columns(lambda row: row),
        *_request_columns(),
        Column(_("Status"), lambda row: _label(RegistrationStatus, row.status)),
        Column(
            _("Eligibility flags"),
            lambda row: "; ".join(_label(FlagCode, flag.code) for flag in row.flags.all()),
        ),
        Column(_("Submitted (Eastern time)"), lambda row: row.submitted_at),
        Column(_("E-mail confirmed (Eastern time)"), lambda row: row.email_confirmed_at),
        Column(_("Days waiting"), lambda row: row.days_waiting),
        Column(_("Decided (Eastern time)"), lambda row: row.decided_at),
        Column(_("Decided by"), lambda row: _email_of(row.decided_by)),
        Column(_("Reason"), lambda row: row.decision_reason),
        Column(_("Privacy notice accepted (Eastern time)"), lambda row: row.privacy_consent_at),
        Column(_("Privacy notice version"), lambda row: row.privacy_notice_version),
    ]


def member_columns() -> list[Column]:
    """A member as the network knows them."""
    return [
        *_person_columns(lambda row: row),
        *_request_columns(),
        Column(_("Member since (Eastern time)"), lambda row: row.decided_at),
    ]


def history_columns() -> list[Column]:
    """One step in the life of a request."""
    return [
        *_person_columns(lambda row: row.registration),
        Column(_("When (Eastern time)"), lambda row: row.created_at),
        Column(_("From"), lambda row: _label(RegistrationStatus, row.from_status)),
        Column(_("To"), lambda row: _label(RegistrationStatus, row.to_status)),
        Column(_("By"), lambda row: _email_of(row.actor)),
        Column(_("Note"), lambda row: row.note),
    ]


def registrations_export(*, registrations: QuerySet[Registration], file_format: str):
    """The requests in `registrations`, in their order, with their decisions."""
    rows = registrations.select_related("user", "decided_by").prefetch_related("flags")
    return spreadsheet_response(
        file_format=file_format,
        columns=registration_columns(),
        rows=rows,
        stem="registrations",
        sheet_title=str(_("Registrations")),
    )


def members_export(*, registrations: QuerySet[Registration], file_format: str):
    """The members among `registrations`, in their order."""
    rows = (
        registrations.filter(user__in=selectors.members_active().values("pk"))
        .select_related("user")
        .prefetch_related(None)
    )
    return spreadsheet_response(
        file_format=file_format,
        columns=member_columns(),
        rows=rows,
        stem="members",
        sheet_title=str(_("Members")),
    )


def history_export(*, registrations: QuerySet[Registration], file_format: str):
    """Every step in the life of the requests in `registrations`: request by request in the
    queue's default order, each request's steps in the order they happened."""
    rows = (
        RegistrationEvent.objects.filter(
            registration__in=registrations.prefetch_related(None).values("pk")
        )
        .select_related("registration__user", "actor")
        .order_by("registration__submitted_at", "registration_id", "created_at", "pk")
    )
    return spreadsheet_response(
        file_format=file_format,
        columns=history_columns(),
        rows=rows,
        stem="registration-history",
        sheet_title=str(_("History")),
    )


# What the review queue offers to export, by the name in its address.
EXPORTS = {
    "registrations": registrations_export,
    "members": members_export,
    "history": history_export,
}
