"""The outbox in the admin with many messages: constant queries, filters that read no whole
table, and a search that finds what it spells."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from peernet.outbox import services
from peernet.outbox.admin import purposes_stored
from peernet.outbox.models import MessageStatus, OutboxMessage

pytestmark = [pytest.mark.unit, pytest.mark.django_db]

CHANGELIST = "admin:outbox_outboxmessage_changelist"
ADDRESSES = [
    {},
    {"status__exact": "failed"},
    {"carries_secret__exact": "0"},
    {"purpose__exact": "tests.second"},
    {"language__exact": "fr"},
    {"q": "person1@gatineau.ca"},
    {"q": "Bonjour"},
]


def _messages(count, start=0):
    for number in range(start, start + count):
        services.message_queue(
            to_email=f"person{number}@gatineau.ca",
            subject=f"Bonjour {number}",
            text="Texte\n",
            html="",
            language="fr" if number % 2 else "en",
            purpose=["tests.first", "tests.second", "tests.third"][number % 3],
            carries_secret=number % 4 == 0,
        )
    failed = list(OutboxMessage.objects.order_by("pk").values_list("pk", flat=True))[::5]
    OutboxMessage.objects.filter(pk__in=failed).update(status=MessageStatus.FAILED)


def _queries(client, query):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse(CHANGELIST), query)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("query", ADDRESSES, ids=lambda query: str(query) or "outbox")
def test_the_outbox_runs_the_same_queries_for_3_or_30_messages(staff_client, query):
    _messages(3)
    staff_client.get(reverse(CHANGELIST), query)
    few = _queries(staff_client, query)
    _messages(27, start=3)
    assert _queries(staff_client, query) == few


def test_the_purpose_filter_offers_each_stored_purpose_once_in_order(staff_client):
    assert purposes_stored() == []
    _messages(7)
    assert purposes_stored() == ["tests.first", "tests.second", "tests.third"]
    response = staff_client.get(reverse(CHANGELIST), {"purpose__exact": "tests.second"})
    shown = {m.purpose for m in response.context["cl"].result_list}
    assert shown == {"tests.second"}
    assert response.context["cl"].result_count == 2
    html = response.content.decode()
    assert "?purpose__exact=tests.third" in html


def test_the_language_filter_offers_the_portal_languages(staff_client):
    _messages(4)
    response = staff_client.get(reverse(CHANGELIST), {"language__exact": "fr"})
    assert {m.language for m in response.context["cl"].result_list} == {"fr"}
    html = response.content.decode()
    assert "?language__exact=en" in html and "?language__exact=fr" in html


def test_the_date_filter_keeps_the_past_week(staff_client):
    _messages(2)
    old = OutboxMessage.objects.order_by("pk").first()
    OutboxMessage.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=30))
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    response = staff_client.get(
        reverse(CHANGELIST),
        {
            "created_at__gte": str(today - timedelta(days=7)),
            "created_at__lt": str(today + timedelta(days=1)),
        },
    )
    assert old not in response.context["cl"].result_list
    assert response.context["cl"].result_count == 1


def test_the_message_id_is_found_whole_and_in_any_case(staff_client):
    _messages(3)
    message = OutboxMessage.objects.order_by("pk").last()
    for term in (message.message_id, message.message_id.upper()):
        response = staff_client.get(reverse(CHANGELIST), {"q": term})
        assert list(response.context["cl"].result_list) == [message]


@pytest.mark.parametrize("term", ["%", "_", "\\", "'%'", "person_@gatineau.ca"])
def test_search_wildcards_are_letters_not_patterns(staff_client, term):
    _messages(3)
    response = staff_client.get(reverse(CHANGELIST), {"q": term})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == []
