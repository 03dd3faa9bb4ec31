"""The review queue with many requests: the queries do not grow with the rows, the search
reads each table on its own and finds what Django's search found, hostile terms included."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.choices import FlagCode, RegistrationStatus
from members.models import Registration, RegistrationFlag
from tests.members.factories import RegistrationFactory, UserFactory

pytestmark = [pytest.mark.unit, pytest.mark.django_db]

CHANGELIST = "admin:members_registration_changelist"
QUEUE_ADDRESSES = [
    {},
    {"status__exact": "pending"},
    {"flag": "likely"},
    {"flag": "none"},
    {"flag": FlagCode.WEBMAIL},
    {"waiting": "long"},
    {"province__exact": "QC"},
    {"organisation_kind__exact": "city"},
    {"q": "Gatineau"},
    {"q": "Cote"},
    {"q": "person1@gatineau.ca"},
    {"q": "Amélie Gatineau", "status__exact": "pending", "flag": "likely"},
]


def _requests(count, start=0):
    for number in range(start, start + count):
        registration = RegistrationFactory(
            user=UserFactory(last_name=f"Côté {number}"),
            organisation_name=f"Ville de Gatineau {number}",
        )
        codes = [FlagCode.KNOWN_GOVERNMENT] + ([FlagCode.WEBMAIL] if number % 2 else [])
        for code in codes:
            RegistrationFlag.objects.create(registration=registration, code=code, params={})


def _queries(client, query):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse(CHANGELIST), query)
    assert response.status_code == 200
    return len(captured.captured_queries), len(response.context["cl"].result_list)


@pytest.mark.parametrize("query", QUEUE_ADDRESSES, ids=lambda query: str(query) or "queue")
def test_the_queue_runs_the_same_queries_for_3_or_30_requests(staff_client, query):
    _requests(3)
    staff_client.get(reverse(CHANGELIST), query)  # sessions, content types: cached after one
    few, _shown = _queries(staff_client, query)
    _requests(27, start=3)
    many, _shown = _queries(staff_client, query)
    assert many == few


def _found(client, term):
    response = client.get(reverse(CHANGELIST), {"q": term})
    assert response.status_code == 200
    return sorted(r.organisation_name for r in response.context["cl"].result_list)


def test_every_word_must_match_but_each_in_any_field_of_either_table(staff_client):
    RegistrationFactory(
        user=UserFactory(email="amelie@gatineau.ca", first_name="Amélie", last_name="Côté"),
        organisation_name="Ville de Gatineau",
        job_title="Conseillère",
    )
    RegistrationFactory(
        user=UserFactory(email="amelie@levis.ca", first_name="Amélie", last_name="Roy"),
        organisation_name="Ville de Lévis",
        job_title="Planner",
    )
    assert _found(staff_client, "amélie gatineau") == ["Ville de Gatineau"]
    assert _found(staff_client, "AMÉLIE") == ["Ville de Gatineau", "Ville de Lévis"]
    assert _found(staff_client, "levis.ca") == ["Ville de Lévis"]
    assert _found(staff_client, "planner amélie") == ["Ville de Lévis"]
    assert _found(staff_client, '"Ville de Lévis"') == ["Ville de Lévis"]
    assert _found(staff_client, "Amelie Cote") == ["Ville de Gatineau"]  # the folded name
    assert _found(staff_client, "Gatineau Planner") == []


@pytest.mark.parametrize(
    "term", ["%", "_", "\\", "'", '"', "%Gatineau%", "\x00", "Gati\x00neau", "é" * 2000, "''"]
)
def test_hostile_search_terms_find_only_what_they_spell(staff_client, term):
    RegistrationFactory(organisation_name="Ville de Gatineau")
    RegistrationFactory(organisation_name="100% Town_Of Somewhere")
    found = _found(staff_client, term)
    spelled = term.replace("\x00", "")
    expected = {
        "%": ["100% Town_Of Somewhere"],
        "_": ["100% Town_Of Somewhere"],
        "Gati\x00neau": ["100% Town_Of Somewhere", "Ville de Gatineau"],  # @gatineau.ca
        "\x00": ["100% Town_Of Somewhere", "Ville de Gatineau"],
        "''": ["100% Town_Of Somewhere", "Ville de Gatineau"],
        "'": ["100% Town_Of Somewhere", "Ville de Gatineau"],  # an empty quoted word
        '"': ["100% Town_Of Somewhere", "Ville de Gatineau"],
    }.get(term, [])
    assert found == expected, spelled


def test_the_flag_filters_list_each_request_once(staff_client):
    both = RegistrationFactory(organisation_name="Both")
    for code in (FlagCode.WEBMAIL, FlagCode.DOMAIN_MISMATCH):
        RegistrationFlag.objects.create(registration=both, code=code, params={})
    RegistrationFactory(organisation_name="Unflagged")
    for flag, expected in [
        (FlagCode.WEBMAIL, ["Both"]),
        (FlagCode.DOMAIN_MISMATCH, ["Both"]),
        ("none", ["Unflagged"]),
    ]:
        response = staff_client.get(reverse(CHANGELIST), {"flag": flag})
        shown = [r.organisation_name for r in response.context["cl"].result_list]
        assert shown == expected


def test_the_queue_shows_a_stored_value_that_is_no_longer_a_choice(staff_client):
    registration = RegistrationFactory(organisation_name="Old kind")
    Registration.objects.filter(pk=registration.pk).update(organisation_kind="parish")
    html = staff_client.get(reverse(CHANGELIST)).content.decode()
    assert "Old kind<br><small>parish, Quebec</small>" in html


def test_the_queue_still_counts_what_it_shows_and_what_awaits_review(staff_client):
    RegistrationFactory.create_batch(3)
    RegistrationFactory(status=RegistrationStatus.APPROVED, organisation_name="Done")
    response = staff_client.get(reverse(CHANGELIST), {"status__exact": "pending"})
    assert response.context["cl"].result_count == 3
    assert response.context["pending_count"] == 3
