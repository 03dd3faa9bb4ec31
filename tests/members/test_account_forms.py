"""allauth's account and second-factor forms refuse hostile input with a translated error next
to the field and a 400, in English and French, and nothing is queued or saved."""

import time

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.test import Client
from django.urls import reverse
from django.utils import translation

from members.models import User
from peernet.outbox.models import OutboxMessage
from tests.members.factories import MemberFactory, StaffFactory, UserFactory
from tests.second_factor import PASSWORD

pytestmark = [pytest.mark.unit, pytest.mark.django_db]

ADDRESS_312 = "a" * 300 + "@gatineau.ca"
HOSTILE = {
    "oversize address": ADDRESS_312,
    "oversize text": "x" * 5000,
    "control characters": "amelie\x1b[31m\r\n\x7f@gatineau.ca",
    "NUL": "amelie\x00@gatineau.ca",
}


def _fresh_sign_in(client: Client, user) -> None:
    """Signed in a moment ago, so that pages asking for a recent sign-in open directly."""
    client.force_login(user)
    session = client.session
    session["account_authentication_methods"] = [
        {"method": "password", "at": time.time(), "email": user.email, "reauthenticated": True}
    ]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()


def _url(name: str, language: str, **kwargs) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)


# Each allauth form: how to reach it as the person who would use it, and its typed fields.
def _login(language):
    UserFactory(email="jordan@calgary.ca")
    return Client(), _url("account_login", language), ["login", "password"]


def _signup(language):
    return Client(), _url("account_signup", language), ["email", "password1", "password2"]


def _reset(language):
    UserFactory(email="jordan@calgary.ca")
    return Client(), _url("account_reset_password", language), ["email"]


def _reset_from_key(language):
    user = UserFactory(email="jordan@calgary.ca")
    client = Client()
    key_url = _url(
        "account_reset_password_from_key",
        language,
        uidb36=user_pk_to_url_str(user),
        key=default_token_generator.make_token(user),
    )
    # allauth keeps the key in the session and sends the browser to an address without it.
    response = client.get(key_url)
    assert response.status_code == 302
    return client, response["Location"], ["password1", "password2"]


def _change_password(language):
    client = Client()
    _fresh_sign_in(client, UserFactory(email="jordan@calgary.ca"))
    return (
        client,
        _url("account_change_password", language),
        ["oldpassword", "password1", "password2"],
    )


def _set_password(language):
    user = UserFactory(email="jordan@calgary.ca")
    user.set_unusable_password()
    user.save()
    client = Client()
    _fresh_sign_in(client, user)
    return client, _url("account_set_password", language), ["password1", "password2"]


def _add_email(language):
    client = Client()
    _fresh_sign_in(client, MemberFactory(user__email="jordan@calgary.ca").user)
    url = _url("account_email", language)
    client.get(url)  # the page records the account's own address on first sight
    return client, url, ["email"]


def _reauthenticate(language):
    client = Client()
    client.force_login(UserFactory(email="jordan@calgary.ca"))
    return client, _url("account_reauthenticate", language), ["password"]


def _mfa_authenticate(language):
    staff = StaffFactory(email="robin@peernet.example")
    client = Client()
    response = client.post(
        _url("account_login", language), {"login": staff.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == _url("mfa_authenticate", language)
    return client, response["Location"], ["code"]


def _mfa_reauthenticate(language):
    client = Client()
    client.force_login(StaffFactory(email="robin@peernet.example"))
    return client, _url("mfa_reauthenticate", language), ["code"]


def _mfa_activate_totp(language):
    client = Client()
    _fresh_sign_in(client, MemberFactory(user__email="jordan@calgary.ca").user)
    return client, _url("mfa_activate_totp", language), ["code"]


FORMS = {
    "login": _login,
    "signup": _signup,
    "password reset": _reset,
    "password reset from key": _reset_from_key,
    "password change": _change_password,
    "password set": _set_password,
    "add e-mail": _add_email,
    "reauthenticate": _reauthenticate,
    "second factor": _mfa_authenticate,
    "second factor again": _mfa_reauthenticate,
    "authenticator app set-up": _mfa_activate_totp,
}
EXTRA = {"add e-mail": {"action_add": ""}}
# A 312-character password is a good one: that value is hostile only where an address goes.
ADDRESS_FORMS = {"login", "signup", "password reset", "add e-mail"}
HOSTILE_CASES = [
    (form_name, value_name)
    for form_name in FORMS
    for value_name in HOSTILE
    if value_name != "oversize address" or form_name in ADDRESS_FORMS
]


def _saved_state():
    return (
        OutboxMessage.objects.count(),
        EmailAddress.objects.count(),
        sorted(User.objects.values_list("email", "password")),
    )


def _field_errors(response) -> dict[str, list[str]]:
    form = response.context["form"]
    return {name: list(errors) for name, errors in form.errors.items() if name != "__all__"}


@pytest.mark.parametrize("form_name", FORMS)
@pytest.mark.parametrize("language", ["en", "fr"])
def test_each_allauth_form_opens(form_name, language):
    client, url, _fields = FORMS[form_name](language)
    response = client.get(url)
    assert response.status_code == 200
    assert f'lang="{language}"' in response.content.decode()


@pytest.mark.parametrize(("form_name", "value_name"), HOSTILE_CASES)
def test_hostile_input_gets_a_translated_400_next_to_the_field(form_name, value_name):
    value = HOSTILE[value_name]
    errors = {}
    for language in ("en", "fr"):
        client, url, fields = FORMS[form_name](language)
        before = _saved_state()
        data = {**EXTRA.get(form_name, {}), **dict.fromkeys(fields, value)}
        response = client.post(url, data)
        assert response.status_code == 400, (language, response.status_code)
        assert f'lang="{language}"' in response.content.decode()
        errors[language] = _field_errors(response)
        assert errors[language], f"no error next to a field: {response.context['form'].errors}"
        # The sign-up form also has fields left empty here, with their own errors.
        assert set(errors[language]) & set(fields)
        assert _saved_state() == before
        for messages in errors[language].values():
            for message in messages:
                assert message in response.content.decode().replace("&#x27;", "'")
        OutboxMessage.objects.all().delete()
        User.objects.all().delete()
    assert errors["en"].keys() == errors["fr"].keys()
    for field, messages in errors["en"].items():
        assert set(messages).isdisjoint(errors["fr"][field]), (field, messages)


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "Ensure this value has at most 254 characters (it has 312)."),
        ("fr", "Assurez-vous que cette valeur comporte au plus 254 caractères (actuellement 312)."),
    ],
)
def test_a_312_character_address_on_the_reset_form_is_refused(language, message):
    UserFactory(email="jordan@calgary.ca")
    response = Client().post(_url("account_reset_password", language), {"email": ADDRESS_312})
    assert response.status_code == 400
    assert _field_errors(response) == {"email": [message]}
    assert message in response.content.decode()
    assert OutboxMessage.objects.count() == 0


def test_a_254_character_address_is_still_accepted():
    address = "a" * 242 + "@gatineau.ca"
    assert len(address) == 254
    response = Client().post(_url("account_reset_password", "en"), {"email": address})
    assert response.status_code == 302
    assert OutboxMessage.objects.get().to_email == address


def test_a_valid_reset_is_not_touched():
    user = UserFactory(email="jordan@calgary.ca")
    response = Client().post(_url("account_reset_password", "fr"), {"email": user.email})
    assert response.status_code == 302
    assert OutboxMessage.objects.get().purpose == "account.password_reset_key"


def test_peernet_own_forms_still_answer_400():
    response = Client().post(_url("account_signup", "fr"), {"email": ADDRESS_312})
    assert response.status_code == 400
    assert OutboxMessage.objects.count() == 0


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "Too many failed login attempts. Try again later."),
        ("fr", "Trop de tentatives de connexion échouées. Veuillez réessayer ultérieurement."),
    ],
)
def test_sign_ins_refused_by_the_rate_limit_answer_400(settings, language, message):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "2/m/ip"}
    user = UserFactory(email="jordan@calgary.ca")
    client = Client()
    url = _url("account_login", language)
    statuses = [
        client.post(url, {"login": user.email, "password": f"guess{n}"}).status_code
        for n in range(2)
    ]
    response = client.post(url, {"login": user.email, "password": PASSWORD})
    assert statuses == [400, 400]
    assert response.status_code == 400  # the form again, with allauth's lock-out beside it
    assert message in response.content.decode().replace("&#x27;", "'")
    assert "_auth_user_id" not in client.session
