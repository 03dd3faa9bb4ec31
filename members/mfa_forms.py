"""allauth's second-factor forms (MFA_FORMS), refusing what they would otherwise answer with a
server error or let through: a security key's answer that cannot be read, and a one-time code
that cannot be marked as used."""

import json

from allauth.mfa.base import forms as base_forms
from allauth.mfa.webauthn import forms as webauthn_forms
from django import forms
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _
from fido2.webauthn import AuthenticationResponse, RegistrationResponse

from peernet.cache import CacheUnanswered

UNREADABLE_CREDENTIAL = _("The answer of your security key could not be read. Please try again.")
CODE_CANNOT_BE_CHECKED = _("Your code cannot be checked right now. Try again in a moment.")


def _readable(response_class, credential) -> bool:
    """fido2 reads the browser's answer field by field and raises KeyError, TypeError or
    ValueError on the first one missing or malformed; allauth catches only some of them, and the
    rest would become a 500 for what is a form error."""
    try:
        response_class.from_dict(credential)
    except (KeyError, TypeError, ValueError):
        return False
    return True


def _refuse_unreadable(response_class, credential) -> None:
    if not _readable(response_class, credential):
        raise forms.ValidationError(UNREADABLE_CREDENTIAL, code="unreadable_credential")


class AddWebAuthnForm(webauthn_forms.AddWebAuthnForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # allauth's view shows an invalid form again through a new form made from the same
        # data (AddWebAuthnView.get_context_data drops the one it is given), which nobody has
        # validated yet; peernet.forms_status gives the page its 400 only for a form whose
        # errors are known. Reading an unreadable answer costs nothing and touches neither the
        # rate limits nor the registration under way, so such a form is validated now.
        if self.is_bound and not self._credential_readable():
            self.full_clean()

    def _credential_readable(self) -> bool:
        try:
            credential = json.loads(self.data.get(self.add_prefix("credential")) or "")
        except ValueError:
            return False
        return _readable(RegistrationResponse, credential)

    def clean(self) -> dict:
        credential = self.cleaned_data.get("credential")
        if credential:
            _refuse_unreadable(RegistrationResponse, credential)
        return super().clean()


class _ReadableAuthenticationMixin:
    def clean_credential(self):
        credential = self.cleaned_data["credential"]
        _refuse_unreadable(AuthenticationResponse, credential)
        return super().clean_credential()


class AuthenticateWebAuthnForm(
    _ReadableAuthenticationMixin, webauthn_forms.AuthenticateWebAuthnForm
):
    pass


class LoginWebAuthnForm(_ReadableAuthenticationMixin, webauthn_forms.LoginWebAuthnForm):
    pass


class ReauthenticateWebAuthnForm(
    _ReadableAuthenticationMixin, webauthn_forms.ReauthenticateWebAuthnForm
):
    pass


# A key under allauth's prefix for used TOTP codes, which the cache answers from Redis or not at
# all (peernet.cache): asking for it tells whether a code could be marked used now.
_USED_CODE_PROBE = "allauth.mfa.totp.used?probe"


class _CodeCheckedOrRefusedMixin:
    """A TOTP code is good once: allauth marks it used in the cache. While the cache cannot
    answer, the mark cannot be set (peernet.cache.CacheUnanswered), so the code is refused with
    a message that says why, rather than taken twice or answered with a server error.

    The cache is asked before the code is read, and every code is refused alike meanwhile: a
    wrong code answered "incorrect" beside a right one answered "try again" would tell them
    apart, while allauth's lock on wrong codes, which lives in the cache, is open."""

    def clean_code(self) -> str:
        try:
            cache.get(_USED_CODE_PROBE)
            return super().clean_code()
        except CacheUnanswered as error:
            raise forms.ValidationError(CODE_CANNOT_BE_CHECKED, code="unanswered") from error


class AuthenticateForm(_CodeCheckedOrRefusedMixin, base_forms.AuthenticateForm):
    pass


class ReauthenticateForm(_CodeCheckedOrRefusedMixin, base_forms.ReauthenticateForm):
    pass
