"""The register of confidentiality incidents: its own permission, which no group holds, its
entries kept at least five years whatever tries to delete them, and its admin in both
languages."""

import re
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from members.services import registrations_purge
from peernet.outbox.services import messages_purge
from staff.models import ConfidentialityIncident
from staff.receivers import IncidentKeptError
from tests.members.factories import StaffFactory

pytestmark = [pytest.mark.unit, pytest.mark.django_db]

CODENAMES = {
    "add_confidentialityincident",
    "change_confidentialityincident",
    "delete_confidentialityincident",
    "view_confidentialityincident",
}


def incident(**values) -> ConfidentialityIncident:
    fields = {
        "learned_on": timezone.localdate(),
        "description": "A list of invitations was sent to the wrong address.",
        "information_concerned": "Names and work addresses of 12 members.",
        "people_affected": 12,
        "serious_injury_risk": False,
        "risk_reasoning": "Work addresses only, sent to a municipal colleague who deleted them.",
        **values,
    }
    return ConfidentialityIncident.objects.create(**fields)


def url(name, *args, language="en"):
    with translation.override(language):
        return reverse(name, args=args or None)


@pytest.fixture
def staff_without_permission(client):
    staff = StaffFactory(is_superuser=False)
    client.force_login(staff)
    client.staff = staff
    return client


# --- Who may see it --------------------------------------------------------------------------


def test_the_register_has_its_own_permissions_and_no_group_holds_them():
    permissions = Permission.objects.filter(content_type__app_label="staff", codename__in=CODENAMES)
    assert set(permissions.values_list("codename", flat=True)) == CODENAMES
    assert not Group.objects.filter(permissions__in=permissions).exists()


def test_staff_without_the_permission_cannot_see_the_register(staff_without_permission):
    entry = incident()
    client = staff_without_permission
    assert client.get(url("admin:staff_confidentialityincident_changelist")).status_code == 403
    assert (
        client.get(url("admin:staff_confidentialityincident_change", entry.pk)).status_code == 403
    )
    assert client.get(url("admin:staff_confidentialityincident_add")).status_code == 403
    index = client.get(url("admin:index")).content.decode()
    assert "confidentialityincident" not in index
    assert "Confidentiality incidents" not in index


def test_staff_given_the_view_permission_reads_the_register(staff_without_permission):
    entry = incident()
    client = staff_without_permission
    client.staff.user_permissions.add(
        Permission.objects.get(codename="view_confidentialityincident")
    )
    changelist = client.get(url("admin:staff_confidentialityincident_changelist"))
    assert changelist.status_code == 200
    assert "A list of invitations was sent to the wrong address." in changelist.content.decode()
    response = client.post(
        url("admin:staff_confidentialityincident_change", entry.pk),
        {"description": "Changed"},
    )
    assert response.status_code == 403


def test_staff_records_an_incident_with_its_notices(staff_client):
    response = staff_client.post(
        url("admin:staff_confidentialityincident_add"),
        {
            "learned_on": "2026-11-02",
            "occurred": "2026-10-30 to 2026-11-01",
            "description": "A laptop with an export of registrations was stolen.",
            "information_concerned": "Names, work addresses and job titles.",
            "people_affected": "340",
            "serious_injury_risk": "on",
            "risk_reasoning": "The export was not encrypted; identity theft is foreseeable.",
            "measures": "Passwords reset; the export deleted from the backups.",
            "commission_notified_on": "2026-11-03",
            "people_notified_on": "2026-11-04",
            "notices_detail": "Form of the Commission; an e-mail to each person.",
        },
    )
    assert response.status_code == 302
    entry = ConfidentialityIncident.objects.get()
    assert entry.recorded_by == staff_client.staff
    assert entry.people_affected == 340
    assert entry.serious_injury_risk is True
    assert entry.commission_notified_on == date(2026, 11, 3)
    assert entry.people_notified_on == date(2026, 11, 4)
    assert entry.kept_until == date(2031, 11, 2)


def test_an_incident_without_a_risk_assessment_is_refused():
    with pytest.raises(IntegrityError), transaction.atomic():
        incident(risk_reasoning="")


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            ["Risk of serious injury", "Commission d&#x27;accès à l&#x27;information notified on"],
        ),
        ("fr", ["Risque de préjudice sérieux", "Commission d’accès à l’information avisée le"]),
    ],
)
def test_the_register_speaks_both_languages(staff_client, language, expected):
    html = staff_client.get(
        url("admin:staff_confidentialityincident_add", language=language)
    ).content.decode()
    for words in expected:
        assert words in html


# --- Kept at least five years ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("learned_on", "kept_until"),
    [(date(2026, 11, 2), date(2031, 11, 2)), (date(2028, 2, 29), date(2033, 3, 1))],
)
def test_an_entry_is_kept_five_full_years(learned_on, kept_until):
    entry = ConfidentialityIncident(learned_on=learned_on)
    assert entry.kept_until == kept_until
    assert not entry.may_be_deleted(today=kept_until - timedelta(days=1))
    assert entry.may_be_deleted(today=kept_until)


def test_no_path_deletes_an_entry_younger_than_five_years():
    today = timezone.localdate()
    young = incident(learned_on=today.replace(year=today.year - 5) + timedelta(days=1))
    # Each attempt in its own transaction, as a request or a task runs it: the refusal rolls
    # the attempt back.
    with pytest.raises(IncidentKeptError), transaction.atomic():
        young.delete()
    with pytest.raises(IncidentKeptError), transaction.atomic():
        ConfidentialityIncident.objects.all().delete()
    assert ConfidentialityIncident.objects.filter(pk=young.pk).exists()


def test_the_scheduled_purges_leave_the_register_alone():
    today = timezone.localdate()
    entries = [incident(learned_on=today - timedelta(days=days)) for days in (1, 400, 4000)]
    registrations_purge(now=timezone.now() + timedelta(days=3650))
    messages_purge(now=timezone.now() + timedelta(days=3650))
    assert ConfidentialityIncident.objects.count() == len(entries)


def test_an_entry_older_than_five_years_may_be_deleted_by_staff(staff_client):
    old = incident(learned_on=date(2020, 1, 15))
    young = incident()
    delete_young = url("admin:staff_confidentialityincident_delete", young.pk)
    assert staff_client.get(delete_young).status_code == 403
    assert staff_client.post(delete_young, {"post": "yes"}).status_code == 403
    delete_old = url("admin:staff_confidentialityincident_delete", old.pk)
    assert staff_client.post(delete_old, {"post": "yes"}).status_code == 302
    assert list(ConfidentialityIncident.objects.all()) == [young]


def test_the_register_offers_no_deletion_of_a_selection(staff_client):
    incident()
    html = staff_client.get(url("admin:staff_confidentialityincident_changelist")).content.decode()
    assert 'value="delete_selected"' not in html


@pytest.mark.parametrize(
    ("language", "headings"),
    [
        (
            "en",
            ["Learned of it", "People", "Serious risk", "Commission notified", "People notified"],
        ),
        (
            "fr",
            [
                "Connu le",
                "Personnes",
                "Risque sérieux",
                "Commission avisée le",
                "Personnes avisées le",
            ],
        ),
    ],
)
def test_the_register_lists_the_notices_under_short_headings(staff_client, language, headings):
    incident(commission_notified_on=date(2026, 11, 3))
    html = staff_client.get(
        url("admin:staff_confidentialityincident_changelist", language=language)
    ).content.decode()
    shown = [
        re.sub(r"<[^>]+>", "", cell).strip()
        for cell in re.findall(r'<th scope="col"[^>]*>(.*?)</th>', html, re.S)
    ]
    for heading in headings:
        assert heading in shown
