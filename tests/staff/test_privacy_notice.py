"""The privacy notice: every fact Law 25 and PIPEDA ask for, in both languages, written by
staff in the admin; the retention periods read from the purge's settings; the version recorded
with each consent."""

import re

import pytest
from django.apps import apps as django_apps
from django.test import Client
from django.urls import reverse
from django.utils import translation

from cohorts.services import interest_submit
from members.services import registration_submit
from staff.models import PrivacyNoticeVersion, SiteText
from staff.privacy_notice import privacy_notice_version
from staff.site_text_defaults import site_texts_create
from tests.members.factories import UserFactory

pytestmark = [pytest.mark.unit, pytest.mark.django_db]

HEADINGS = {
    "en": [
        "Why we collect personal information",
        "What we collect",
        "Who has access",
        "How long it is kept",
        "Where it is stored",
        "Your rights and how to use them",
        "How to complain",
        "Person in charge of the protection of personal information",
        "Your consent",
    ],
    "fr": [
        "Pourquoi nous recueillons des renseignements personnels",
        "Ce que nous recueillons",
        "Qui y a accès",
        "Durée de conservation",
        "Où ils sont conservés",
        "Vos droits et comment les exercer",
        "Comment porter plainte",
        "Personne responsable de la protection des renseignements personnels",
        "Votre consentement",
    ],
}


@pytest.fixture(autouse=True)
def site_texts(db):
    site_texts_create(django_apps)


def notice(language: str) -> str:
    with translation.override(language):
        address = reverse("members:privacy")
    response = Client().get(address)
    assert response.status_code == 200
    return response.content.decode()


def headings(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", heading) for heading in re.findall(r"<h2[^>]*>(.*?)</h2>", html)]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_notice_says_every_fact_in_order(language):
    assert headings(notice(language)) == HEADINGS[language]


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            [
                "Commission d’accès à l’information du Québec",
                'href="https://www.cai.gouv.qc.ca"',
                "No personal information is communicated outside Québec or Canada",
                "mailto:network@peernet.example",
                "JSON or CSV",
            ],
        ),
        (
            "fr",
            [
                "Commission d’accès à l’information du Québec",
                'href="https://www.cai.gouv.qc.ca"',
                "Aucun renseignement personnel n’est communiqué à l’extérieur du Québec",
                "mailto:network@peernet.example",
                "JSON ou CSV",
            ],
        ),
    ],
)
def test_the_notice_names_the_regulator_the_storage_and_the_person_in_charge(language, expected):
    html = notice(language)
    for words in expected:
        assert words in html


@pytest.mark.parametrize(
    ("language", "rows"),
    [
        (
            "en",
            [
                ("A request whose e-mail address was never confirmed", "7 days after it was sent"),
                (
                    "A request that was not accepted, or a member who was withdrawn",
                    "1 day after the decision",
                ),
                ("E-mails the network sent to a person", "45 days after they were sent"),
                (
                    "Mail received from calendar programs (replies to invitations)",
                    "60 days after it came",
                ),
                (
                    "A community's expression of interest in a cohort",
                    "365 days after it was last handled, or sent",
                ),
                ("A signed-in session", "until it ends, at most 14 days after it was last used"),
                (
                    "Entries of the register of confidentiality incidents",
                    "at least 5 years after the network learned of the incident",
                ),
            ],
        ),
        (
            "fr",
            [
                (
                    "Une demande dont l’adresse courriel n’a jamais été confirmée",
                    "7 jours après son envoi",
                ),
                ("Une demande refusée, ou une adhésion retirée", "1 jour après la décision"),
                (
                    "Les courriels que le réseau a envoyés à une personne",
                    "45 jours après leur envoi",
                ),
                (
                    "Le courrier reçu des logiciels d’agenda (réponses aux invitations)",
                    "60 jours après sa réception",
                ),
                (
                    "La manifestation d’intérêt d’une communauté pour une cohorte",
                    "365 jours après son dernier traitement, ou son envoi",
                ),
                (
                    "Une session de connexion",
                    "jusqu’à sa fin, au plus 14 jours après sa dernière utilisation",
                ),
                (
                    "Les inscriptions au registre des incidents de confidentialité",
                    "au moins 5 ans après que le réseau a pris connaissance de l’incident",
                ),
            ],
        ),
    ],
)
def test_the_notice_reads_the_periods_the_purges_apply(settings, language, rows):
    settings.PEERNET_UNCONFIRMED_RETENTION_DAYS = 7
    settings.PEERNET_DECIDED_RETENTION_DAYS = 1
    settings.PEERNET_OUTBOX_RETENTION_DAYS = 45
    settings.PEERNET_CALENDAR_REPLY_RETENTION_DAYS = 60
    settings.PEERNET_INTEREST_RETENTION_DAYS = 365
    settings.SESSION_COOKIE_AGE = 14 * 86400
    settings.PEERNET_PAGE_CACHE_SECONDS = 0
    html = notice(language)
    shown = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td></tr>", html)
    for row in rows:
        assert row in [(what.replace("&#x27;", "'"), period) for what, period in shown]


def test_a_text_staff_edit_shows_on_the_notice_and_changes_its_version(settings):
    settings.PEERNET_PAGE_CACHE_SECONDS = 0
    before = privacy_notice_version()
    assert privacy_notice_version() == before
    assert f"This is version {before};" in notice("en")
    officer = SiteText.objects.get(key="privacy.officer")
    officer.body_fr = "<p>Camille Tremblay, directrice, vie-privee@peernet.example.</p>"
    officer.save()
    after = privacy_notice_version()
    assert after != before
    assert re.fullmatch(r"2026-12\.[0-9a-f]{12}", after)
    html = notice("fr")
    assert "Camille Tremblay, directrice" in html
    assert f"Voici la version {after};" in html


def test_a_new_retention_period_is_a_new_version(settings):
    before = privacy_notice_version()
    settings.PEERNET_OUTBOX_RETENTION_DAYS = 30
    assert privacy_notice_version() != before


def test_each_consent_records_the_version_it_was_given_to():
    first = registration_submit(
        user=UserFactory(email="a@gatineau.ca"),
        job_title="Planner",
        department="",
        organisation_name="Ville de Gatineau",
        organisation_kind="city",
        province="QC",
        wants_interpretation=False,
        privacy_consent=True,
    )
    version_then = privacy_notice_version()
    purposes = SiteText.objects.get(key="privacy.purposes")
    purposes.body_en = "<p>A new purpose.</p>"
    purposes.save()
    second = registration_submit(
        user=UserFactory(email="b@gatineau.ca"),
        job_title="Planner",
        department="",
        organisation_name="Ville de Gatineau",
        organisation_kind="city",
        province="QC",
        wants_interpretation=False,
        privacy_consent=True,
    )
    first.refresh_from_db()
    assert first.privacy_notice_version == version_then
    assert second.privacy_notice_version == privacy_notice_version() != version_then
    # Each version a consent names keeps the words the person read.
    kept = {notice.version: notice for notice in PrivacyNoticeVersion.objects.all()}
    assert set(kept) == {version_then, second.privacy_notice_version}
    assert kept[second.privacy_notice_version].facts["privacy.purposes"]["body_en"] == (
        "<p>A new purpose.</p>"
    )
    assert (
        kept[version_then]
        .facts["privacy.purposes"]["body_fr"]
        .startswith("<p>PeerNet recueille des renseignements personnels")
    )
    assert kept[version_then].periods["outbox"] == 90


def test_the_versions_are_read_only_in_the_admin(staff_client):
    registration_submit(
        user=UserFactory(email="c@gatineau.ca"),
        job_title="Planner",
        department="",
        organisation_name="Ville de Gatineau",
        organisation_kind="city",
        province="QC",
        wants_interpretation=False,
        privacy_consent=True,
    )
    notice = PrivacyNoticeVersion.objects.get()
    with translation.override("fr"):
        change = reverse("admin:staff_privacynoticeversion_change", args=[notice.pk])
        delete = reverse("admin:staff_privacynoticeversion_delete", args=[notice.pk])
        add = reverse("admin:staff_privacynoticeversion_add")
    html = staff_client.get(change).content.decode()
    assert notice.version in html
    assert "premier consentement" in html.lower()
    assert staff_client.post(change, {"version": "forged"}).status_code == 403
    assert staff_client.post(delete, {"post": "yes"}).status_code == 403
    assert staff_client.get(add).status_code == 403
    notice.refresh_from_db()
    assert notice.version != "forged"


def test_a_community_s_consent_records_the_version_too():
    interest = interest_submit(
        contact_name="Alex Martin",
        email="alex@rimouski.ca",
        job_title="Directrice de l’environnement",
        government_name="Ville de Rimouski",
        government_kind="city",
        province="QC",
        population=48000,
        motivation="Nous voulons une feuille de route.",
        language="fr",
    )
    assert interest.privacy_notice_version == privacy_notice_version()
