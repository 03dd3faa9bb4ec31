"""Expressions of interest (cohorts.services)."""

from pathlib import Path

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from cohorts import services
from cohorts.choices import InterestStatus
from cohorts.models import ExpressionOfInterest
from members.choices import OrganisationKind
from peernet.outbox.models import OutboxMessage
from tests.members.factories import StaffFactory

from .factories import ExpressionOfInterestFactory

pytestmark = [pytest.mark.unit, pytest.mark.django_db]

CSV = Path(__file__).resolve().parents[2] / "cohorts" / "data" / "ccri_communities.csv"
HEADER = (
    "name_en,name_fr,cohort,province,population,website,roadmap_language,roadmap_status,"
    "joint,latitude,longitude\n"
)


def interest_data(**overrides):
    data = {
        "contact_name": "Marie-Ève Gagnon",
        "email": "eve@rimouski.ca",
        "job_title": "Conseillère en environnement",
        "government_name": "Ville de Rimouski",
        "government_kind": OrganisationKind.CITY,
        "province": "QC",
        "population": 48000,
        "motivation": "Nous voulons réduire les déchets de construction.\nEt composter.",
        "language": "fr",
    }
    return data | overrides


def test_interest_submit_stores_and_queues_both_messages(
    settings, django_capture_on_commit_callbacks
):
    settings.PEERNET_STAFF_EMAILS = ["staff@peernet.example", "coach@peernet.example"]
    with django_capture_on_commit_callbacks(execute=True):
        interest = services.interest_submit(**interest_data())

    interest.refresh_from_db()
    assert (interest.status, interest.language, interest.population) == ("new", "fr", 48000)
    assert interest.privacy_consent_at is not None
    messages = {
        (m.to_email, m.purpose, m.language): m.subject for m in OutboxMessage.objects.order_by("pk")
    }
    assert messages == {
        ("staff@peernet.example", "cohorts.interest_staff", "en"): (
            "Expression of interest: Ville de Rimouski"
        ),
        ("coach@peernet.example", "cohorts.interest_staff", "en"): (
            "Expression of interest: Ville de Rimouski"
        ),
        ("eve@rimouski.ca", "cohorts.interest_confirmation", "fr"): (
            "Nous avons reçu votre manifestation d’intérêt"
        ),
    }
    assert sorted(message.to[0] for message in mail.outbox) == [
        "coach@peernet.example",
        "eve@rimouski.ca",
        "staff@peernet.example",
    ]


def test_staff_message_links_to_the_admin_and_quotes_the_request(settings):
    settings.PEERNET_STAFF_EMAILS = ["staff@peernet.example"]
    interest = services.interest_submit(**interest_data())
    staff = OutboxMessage.objects.get(purpose="cohorts.interest_staff")
    assert f"/en/admin/cohorts/expressionofinterest/{interest.pk}/change/" in staff.body_text
    assert "Nous voulons réduire les déchets de construction." in staff.body_text
    assert "Marie-Ève Gagnon, Conseillère en environnement <eve@rimouski.ca>" in staff.body_text


def test_confirmation_is_in_the_senders_language():
    services.interest_submit(**interest_data(language="en", email="a@canmore.ca"))
    confirmation = OutboxMessage.objects.get(purpose="cohorts.interest_confirmation")
    assert confirmation.subject == "We received your expression of interest"
    assert confirmation.body_text.startswith("Hello Marie-Ève Gagnon,")
    assert "/en/cohorts/" in confirmation.body_text

    services.interest_submit(**interest_data(language="fr", email="b@chapais.ca"))
    french = OutboxMessage.objects.get(to_email="b@chapais.ca")
    assert french.body_text.startswith("Bonjour Marie-Ève Gagnon,")
    assert "/fr/cohortes/" in french.body_text
    assert '<html lang="fr">' in french.body_html


def test_markup_in_a_request_is_escaped_in_the_html_mail():
    services.interest_submit(
        **interest_data(government_name="Ville <b>X</b>", motivation="<script>x</script>")
    )
    staff = OutboxMessage.objects.get(purpose="cohorts.interest_staff")
    assert "<script>" not in staff.body_html
    assert "&lt;script&gt;x&lt;/script&gt;" in staff.body_html
    assert "Ville &lt;b&gt;X&lt;/b&gt;" in staff.body_html


def test_the_same_request_sent_twice_is_recorded_and_mailed_once(settings):
    settings.PEERNET_STAFF_EMAILS = ["staff@peernet.example"]
    first = services.interest_submit(**interest_data())
    again = services.interest_submit(**interest_data(email="EVE@rimouski.ca"))
    assert again == first
    assert ExpressionOfInterest.objects.count() == 1
    assert OutboxMessage.objects.count() == 2
    other = services.interest_submit(**interest_data(motivation="Autre chose."))
    assert other != first
    assert OutboxMessage.objects.count() == 4


def test_interest_submit_refuses_invalid_data_and_saves_nothing():
    with pytest.raises(ValidationError):
        services.interest_submit(**interest_data(email="not-an-address"))
    assert ExpressionOfInterest.objects.count() == 0
    assert OutboxMessage.objects.count() == 0


def test_interest_status_set_records_who_and_when():
    staff = StaffFactory()
    interest = ExpressionOfInterestFactory()
    services.interest_status_set(
        interest=interest, status=InterestStatus.CONTACTED, actor=staff, note="Called them."
    )
    interest.refresh_from_db()
    assert (interest.status, interest.handled_by) == ("contacted", staff)
    assert interest.handled_at is not None
    assert interest.staff_notes.endswith(f"{staff.email}] Called them.")


def test_interest_status_set_refuses_an_unknown_status():
    with pytest.raises(ValidationError):
        services.interest_status_set(
            interest=ExpressionOfInterestFactory(), status="lost", actor=None
        )


def test_at_most_three_confirmations_a_day_go_to_one_address():
    for number in range(3):
        services.interest_submit(**interest_data(motivation=f"Raison {number}."))
    with pytest.raises(services.InterestLimitReached):
        services.interest_submit(**interest_data(email="EVE@Rimouski.ca", motivation="Encore."))
    assert ExpressionOfInterest.objects.count() == 3


def test_one_client_may_send_the_form_ten_times_an_hour():
    for _ in range(10):
        services.interest_client_count(client="203.0.113.5")
    with pytest.raises(services.InterestLimitReached):
        services.interest_client_count(client="203.0.113.5")
    services.interest_client_count(client="203.0.113.6")  # someone else is not affected
