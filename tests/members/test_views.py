"""The public registration form, address verification and the member's page."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from meetings.models import Meeting
from members.choices import RegistrationStatus
from members.models import Registration, User
from peernet.outbox.models import OutboxMessage
from tests.members.factories import MemberFactory, RegistrationFactory

pytestmark = [pytest.mark.unit, pytest.mark.django_db]

VALID = {
    "first_name": "Sḵwx̱wú7mesh",
    "last_name": "Kanien'kehá:ka",
    "email": "s.k@squamish.net",
    "job_title": "Climate coordinator",
    "department": "Lands and Resources",
    "organisation_name": "Squamish Nation",
    "organisation_kind": "first_nation",
    "province": "BC",
    "preferred_language": "fr",
    "wants_interpretation": "on",
    "password1": "a-Long-passphrase-2026",
    "password2": "a-Long-passphrase-2026",
    "privacy_consent": "on",
}


def register_url(language="en"):
    with translation.override(language):
        return reverse("members:register")


def post(client, language="en", **changes):
    data = {**VALID, **changes}
    data = {key: value for key, value in data.items() if value is not None}
    return client.post(register_url(language), data)


def field_errors(response, field):
    """The error text crispy renders next to one field."""
    html = response.content.decode()
    match = re.search(rf'id="error_\d+_id_{field}"[^>]*>\s*<strong>(.*?)</strong>', html, re.S)
    return match.group(1).strip() if match else None


def nothing_saved():
    return (User.objects.count(), Registration.objects.count(), OutboxMessage.objects.count()) == (
        0, 0, 0,
    )  # fmt: skip


def test_form_is_bilingual(client):
    english = client.get("/en/register/")
    french = client.get("/fr/inscription/")
    assert english.status_code == french.status_code == 200
    assert "Ask to join PeerNet" in english.content.decode()
    assert "Work e-mail address" in english.content.decode()
    assert 'lang="fr"' in french.content.decode()
    assert "Adresse courriel professionnelle" in french.content.decode()


def test_privacy_consent_is_unchecked_by_default(client):
    html = client.get(register_url()).content.decode()
    checkbox = re.search(r"<input[^>]*name=\"privacy_consent\"[^>]*>", html).group(0)
    assert "checked" not in checkbox


def test_form_names_the_next_meeting_and_warns_when_less_than_a_week(client):
    soon = timezone.now() + timedelta(days=3)
    Meeting.objects.create(title="Heat waves", starts_at=soon, ends_at=soon + timedelta(hours=1))
    html = client.get(register_url()).content.decode()
    assert "The next meeting, “Heat waves”" in html
    assert "It is less than a week away" in html


def test_form_does_not_warn_when_the_meeting_is_far(client):
    later = timezone.now() + timedelta(days=30)
    Meeting.objects.create(title="Heat waves", starts_at=later, ends_at=later + timedelta(hours=1))
    html = client.get(register_url()).content.decode()
    assert "The next meeting, “Heat waves”" in html
    assert "It is less than a week away" not in html


def test_registration_verification_and_review_queue(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    registration = Registration.objects.select_related("user").get()
    assert registration.status == RegistrationStatus.SUBMITTED
    user = registration.user
    assert (user.first_name, user.last_name) == ("Sḵwx̱wú7mesh", "Kanien'kehá:ka")
    assert user.preferred_language == "fr"
    assert registration.wants_interpretation is True
    assert registration.privacy_consent_at is not None

    # The verification message is in the registrant's language, not the page's.
    assert len(mail.outbox) == 1
    verification = mail.outbox[0]
    assert verification.to == ["s.k@squamish.net"]
    assert verification.subject == "[PeerNet] Confirmez votre adresse courriel"
    link = re.search(r"https?://\S+/confirm-email/\S+/", verification.body).group(0)
    assert link.startswith("http://testserver/fr/")  # the registrant's language, not the page's

    path = link.split("testserver", 1)[1]
    assert client.get(path).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(path).status_code == 302
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.PENDING
    assert [m.subject for m in mail.outbox[1:]] == [
        "Nous avons bien reçu votre demande d’adhésion à PeerNet"
    ]


def test_member_page_shows_names_exactly(client):
    post(client)
    user = User.objects.get()
    user.emailaddress_set.update(verified=True)
    client.force_login(user)
    html = client.get(reverse("members:home")).content.decode()
    assert "Sḵwx̱wú7mesh" in html
    assert "Kanien&#x27;kehá:ka" in html
    assert "Awaiting e-mail confirmation" in html


def test_registering_again_creates_no_second_request_and_reveals_nothing(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = post(client)
    stranger = Client()
    with django_capture_on_commit_callbacks(execute=True):
        second = post(stranger, email="S.K@Squamish.NET", first_name="Someone", last_name="Else")
    assert (first.status_code, first["Location"]) == (second.status_code, second["Location"])
    assert Registration.objects.count() == 1
    assert User.objects.get().first_name == "Sḵwx̱wú7mesh"
    # The owner of the address is told, the stranger is not.
    assert [m.to for m in mail.outbox] == [["s.k@squamish.net"], ["s.k@squamish.net"]]
    assert mail.outbox[1].subject == "[PeerNet] Vous avez déjà un compte PeerNet"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("first_name", "x" * 101, "Ensure this value has at most 100 characters (it has 101)."),
        ("job_title", "y" * 5000, "Ensure this value has at most 150 characters (it has 5000)."),
        ("organisation_name", "z" * 201, "Ensure this value has at most 200 characters (it has 201)."),
        ("first_name", "<script>alert(1)</script>", "This field cannot contain &lt; or &gt;."),
        ("last_name", "<img src=x onerror=alert(1)>", "This field cannot contain &lt; or &gt;."),
        ("first_name", "Jane\r\nBcc: victim@example.com",
         "This field cannot contain line breaks or control characters."),
        ("job_title", "Planner\x00", "This field cannot contain line breaks or control characters."),
        ("department", "Planning\x1b[31m", "This field cannot contain line breaks or control characters."),
        ("email", "x@example.com\r\nBcc: victim@example.com", "Enter a valid email address."),
        ("email", "not-an-address", "Enter a valid email address."),
        ("email", "a" * 250 + "@x.ca", "Ensure this value has at most 254 characters (it has 255)."),
        ("organisation_kind", "ministry", "Select a valid choice. ministry is not one of the available choices."),
        ("province", "ZZ", "Select a valid choice. ZZ is not one of the available choices."),
        ("preferred_language", "de", "Select a valid choice. de is not one of the available choices."),
        ("privacy_consent", None, "You must agree to the privacy notice to register."),
        ("first_name", "", "This field is required."),
        ("first_name", "1234", "A name must contain at least one letter."),
    ],
)  # fmt: skip
def test_hostile_or_invalid_input_gets_a_400_and_a_message_next_to_the_field(
    client, field, value, message
):
    response = post(client, **{field: value})
    assert response.status_code == 400
    assert field_errors(response, field) == message
    assert nothing_saved()


def test_invisible_characters_of_pasted_text_are_removed(client):
    response = post(
        client,
        first_name="\ufeffAm\u00e9\u00adlie\u200b",
        last_name="Trem\u2060blay",
        organisation_name="Ville de\u2028Gatineau",
    )
    assert response.status_code == 302
    registration = Registration.objects.select_related("user").get()
    assert (registration.user.first_name, registration.user.last_name) == ("Amélie", "Tremblay")
    assert registration.organisation_name == "Ville de Gatineau"


@pytest.mark.parametrize("value", ["Jane\u202eenaJ", "Jane\u0085Doe", "Jane\x7fDoe"])
def test_direction_overrides_and_control_characters_are_refused(client, value):
    response = post(client, first_name=value)
    assert response.status_code == 400
    assert field_errors(response, "first_name") == (
        "This field cannot contain line breaks or control characters."
    )
    assert nothing_saved()


def test_errors_are_translated_in_french(client):
    response = post(client, "fr", first_name="<b>", privacy_consent=None, province="ZZ")
    assert response.status_code == 400
    assert field_errors(response, "first_name") == "Ce champ ne peut pas contenir &lt; ou &gt;."
    assert field_errors(response, "privacy_consent") == (
        "Vous devez accepter l’avis de confidentialité pour vous inscrire."
    )
    assert field_errors(response, "province").startswith("Sélectionnez un choix valide.")
    assert nothing_saved()


def test_mismatched_passwords_are_refused(client):
    response = post(client, password2="something-else-2026")
    assert response.status_code == 400
    assert field_errors(response, "password2") == "You must type the same password each time."
    assert nothing_saved()


@pytest.mark.parametrize("token", [None, "forged-token-0123456789abcdef0123456789abcdef"])
def test_missing_or_forged_csrf_token_is_refused_with_a_translated_page(token):
    client = Client(enforce_csrf_checks=True)
    client.get(register_url("fr"))
    data = dict(VALID)
    if token:
        data["csrfmiddlewaretoken"] = token
    response = client.post(register_url("fr"), data)
    assert response.status_code == 403
    assert "Le formulaire a expiré" in response.content.decode()
    assert nothing_saved()


def test_oversized_request_body_is_a_400_not_a_500(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = post(client, job_title="x" * 20_000)
    assert response.status_code == 400
    assert nothing_saved()


def test_signed_in_member_is_sent_to_their_page(client):
    member = MemberFactory()
    client.force_login(member.user)
    response = client.get(register_url())
    assert response.status_code == 302
    assert response["Location"] == reverse("members:home")


def test_member_page_requires_sign_in(client):
    response = client.get(reverse("members:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_member_page_shows_status(client):
    registration = RegistrationFactory()
    client.force_login(registration.user)
    html = client.get(reverse("members:home")).content.decode()
    assert "Awaiting review" in html
    assert registration.organisation_name in html


def test_profile_edit_saves_and_rejects_bad_input(client):
    registration = MemberFactory()
    client.force_login(registration.user)
    url = reverse("members:profile")
    data = {
        "first_name": "Éloïse",
        "last_name": "Côté",
        "job_title": "Directrice",
        "department": "",
        "preferred_language": "fr",
    }
    bad = client.post(url, {**data, "last_name": "<b>x</b>"})
    assert bad.status_code == 400
    assert client.post(url, data).status_code == 302
    registration.refresh_from_db()
    assert (registration.user.first_name, registration.user.preferred_language) == ("Éloïse", "fr")
    assert registration.wants_interpretation is False


@pytest.mark.parametrize("language", ["en", "fr"])
def test_signing_out_lands_on_the_home_page_in_the_same_language(client, language):
    client.force_login(User.objects.create_user(email="leaving@gatineau.ca", password="x"))
    with translation.override(language):
        response = client.post(reverse("account_logout"))
        assert response["Location"] == reverse("home")
    assert response["Location"] == f"/{language}/"


def _html_part(message):
    return next(content for content, mimetype in message.alternatives if mimetype == "text/html")


def test_verification_mail_has_an_html_part_in_the_registrants_language(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post(client, "en")
    (verification,) = mail.outbox
    html = _html_part(verification)
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="fr">' in html
    assert "Pour confirmer que cette adresse est bien la vôtre" in html
    link = re.search(r"https?://\S+/confirm-email/\S+/", verification.body).group(0)
    assert f'<a href="{link}">' in html


@pytest.mark.parametrize(
    ("language", "subject", "sentence"),
    [
        ("en", "[PeerNet] Choose a new PeerNet password", "your password stays as it is"),
        ("fr", "[PeerNet] Choisissez un nouveau mot de passe PeerNet", "votre mot de passe reste"),
    ],
)
def test_password_reset_mail_is_in_the_members_language(
    client, django_capture_on_commit_callbacks, language, subject, sentence
):
    member = MemberFactory(user__preferred_language=language)
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": member.user.email})
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.subject == subject
    assert sentence in message.body
    assert "e-mail" not in message.body.lower().replace("courriel", "")
    assert f'<html lang="{language}">' in _html_part(message)
    assert f"/{language}/accounts/password/reset/key/" in message.body


def test_password_reset_for_an_unknown_address_is_in_the_pages_language(
    client, django_capture_on_commit_callbacks
):
    with translation.override("fr"), django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": "nobody@gatineau.ca"})
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.subject == "[PeerNet] Aucun compte PeerNet à cette adresse"
    assert "envoyez une demande ici" in message.body
    assert '<html lang="fr">' in _html_part(message)


def test_account_pages_say_courriel_in_french(client):
    response = client.post(
        "/fr/accounts/login/", {"login": "nobody@gatineau.ca", "password": "wrong-password-1"}
    )
    html = response.content.decode()
    assert "L’adresse courriel ou le mot de passe sont incorrects." in html
    assert "e-mail" not in html


STATUS_SENTENCES = {
    RegistrationStatus.SUBMITTED: "Confirm your e-mail address with the link we sent you",
    RegistrationStatus.PENDING: (
        "Your request is being reviewed. You will hear from us within a week."
    ),
    RegistrationStatus.APPROVED: "You are a member of the network. Invitations to each meeting",
    RegistrationStatus.REJECTED: "Your request was not accepted. Reason: Not a local government.",
}


@pytest.mark.parametrize("status", RegistrationStatus.values)
def test_member_page_explains_each_status(client, status):
    registration = RegistrationFactory(status=status, decision_reason="Not a local government.")
    client.force_login(registration.user)
    html = client.get(reverse("members:home")).content.decode()
    shown = [s for s, sentence in STATUS_SENTENCES.items() if sentence in html]
    assert shown == ([status] if status in STATUS_SENTENCES else [])
