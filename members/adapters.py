"""allauth hooks: accounts carry the registrant's names and language; mail goes to the outbox;
second-factor secrets are stored encrypted."""

import base64

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse, translate_url
from django.utils import translation
from django.utils.crypto import salted_hmac

from peernet.outbox.services import message_queue

from . import sign_in_lock
from .choices import Language


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        language = form.cleaned_data.get("preferred_language")
        if language in Language.values:
            user.preferred_language = language
        return super().save_user(request, user, form, commit=commit)

    def pre_authenticate(self, request, **credentials):
        """allauth's sign-in lock, counted in the database (members/sign_in_lock.py); allauth
        rolls the attempt back through ``_login_failed_rl_usage`` when the password is right."""
        key = self._get_login_attempts_cache_key(request, **credentials)
        self._login_failed_rl_usage = sign_in_lock.sign_in_attempt_count(request=request, key=key)
        if not self._login_failed_rl_usage:
            raise self.validation_error("too_many_login_attempts")

    def _delete_login_attempts_cached_email(self, request, **credentials):
        # allauth's hook after a password reset by mail; its counts are kept in the database.
        key = self._get_login_attempts_cache_key(request, **credentials)
        sign_in_lock.sign_in_failures_clear(request=request, key=key)

    def get_logout_redirect_url(self, request):
        """The home page in the language of the page the person signed out from."""
        return reverse("home")

    def get_email_confirmation_url(self, request, emailconfirmation):
        """The link opens the confirmation page in the registrant's language, like the mail."""
        url = super().get_email_confirmation_url(request, emailconfirmation)
        language = emailconfirmation.email_address.user.preferred_language
        return translate_url(url, language)

    def _language_for(self, email: str) -> str:
        user = get_user_model().objects.filter(email__iexact=email).first()
        if user is not None:
            return user.preferred_language
        return (translation.get_language() or Language.EN)[:2]

    def send_mail(self, template_prefix, email, context):
        """Render in the recipient's language and store in the outbox instead of sending now."""
        language = self._language_for(email)
        request = allauth_context.request
        # Links open the site in the language of the message (a reset asked from an English
        # page by a French-speaking member leads to the French page).
        context = {
            key: translate_url(value, language)
            if key in ("password_reset_url", "signup_url") and isinstance(value, str)
            else value
            for key, value in context.items()
        }
        full_context = {
            "request": request,
            "email": email,
            "current_site": get_current_site(request),
            **context,
        }
        with translation.override(language):
            message = self.render_mail(template_prefix, email, full_context)
        html = ""
        for content, mimetype in getattr(message, "alternatives", []):
            if mimetype == "text/html":
                html = content
        message_queue(
            to_email=email,
            subject=message.subject,
            text=message.body,
            html=html,
            language=language,
            purpose=f"account.{template_prefix.rsplit('/', 1)[-1]}",
            # Account mail carries reset and confirmation keys, or links that lead to them.
            carries_secret=True,
        )


def _secret_box() -> MultiFernet:
    """Fernet keys derived from SECRET_KEY, then each of SECRET_KEY_FALLBACKS: a rotated key
    still opens what the old one sealed, and new secrets are sealed with the current one."""
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet(
        [
            Fernet(
                base64.urlsafe_b64encode(
                    salted_hmac("members.mfa-secrets", "", secret=key, algorithm="sha256").digest()
                )
            )
            for key in keys
        ]
    )


class MFAAdapter(DefaultMFAAdapter):
    """allauth keeps TOTP secrets and recovery-code seeds in the database as they are; sealed
    here, a copy of the database (a backup, a dump handed to a developer) does not give away
    every staff member's second factor."""

    def encrypt(self, text: str) -> str:
        return _secret_box().encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text: str) -> str:
        try:
            return _secret_box().decrypt(encrypted_text.encode()).decode()
        except InvalidToken as error:
            # Sealed under a key that is neither SECRET_KEY nor one of its fallbacks.
            raise ImproperlyConfigured(
                "A second-factor secret cannot be read with SECRET_KEY or SECRET_KEY_FALLBACKS."
            ) from error
