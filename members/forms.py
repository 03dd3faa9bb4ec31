"""Forms of the members app: the public registration form, the member's profile, and allauth's
account forms with bounds on what they accept."""

import hashlib

from allauth.account import forms as account_forms
from allauth.account.forms import SignupForm
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Fieldset, Layout, Submit
from crispy_forms.utils import render_crispy_form
from django import forms
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.validators import MaxLengthValidator
from django.db import IntegrityError, transaction
from django.urls import get_script_prefix, reverse_lazy
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from peernet.pagecache import content_kept

from . import services
from .choices import Language, OrganisationKind, Province
from .fields import (
    TypedTextField,
    job_title_field,
    preferred_language_field,
    province_field,
    wants_interpretation_field,
)
from .models import Registration, User
from .validators import validate_no_control_characters, validate_person_name, validate_plain_text

format_html_lazy = lazy(format_html, str)


def _consent_label():
    return format_html_lazy(
        _(
            'I have read the <a href="{}">privacy notice</a> and agree that PeerNet keeps this '
            "information to review my request and run the network."
        ),
        reverse_lazy("members:privacy"),
    )


class RegistrationForm(SignupForm):
    """allauth's sign-up form with the request's details (ACCOUNT_FORMS['signup'])."""

    first_name = TypedTextField(
        label=_("First name"),
        max_length=100,
        validators=[validate_person_name],
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = TypedTextField(
        label=_("Last name"),
        max_length=100,
        validators=[validate_person_name],
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    job_title = job_title_field()
    department = TypedTextField(
        label=_("Department"),
        max_length=150,
        required=False,
        validators=[validate_plain_text],
    )
    organisation_name = TypedTextField(
        label=_("Organisation"),
        max_length=200,
        validators=[validate_plain_text],
        help_text=_("The municipality or Indigenous community government you work for."),
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    organisation_kind = forms.ChoiceField(
        label=_("Kind of organisation"),
        choices=[("", "—")] + OrganisationKind.choices,
    )
    province = province_field(choices=Province.choices)
    preferred_language = preferred_language_field(
        help_text=_("E-mails and calendar invitations will be sent in this language.")
    )
    wants_interpretation = wants_interpretation_field()
    privacy_consent = forms.BooleanField(label=_consent_label(), required=True)

    field_order = [
        "first_name",
        "last_name",
        "email",
        "job_title",
        "department",
        "organisation_name",
        "organisation_kind",
        "province",
        "preferred_language",
        "wants_interpretation",
        "password1",
        "password2",
        "privacy_consent",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        email = self.fields["email"]
        email.label = _("Work e-mail address")
        # The column holds 254 characters (RFC 5321); refuse longer input before it reaches it.
        email.max_length = 254
        email.validators.append(MaxLengthValidator(254))
        email.widget.attrs["maxlength"] = "254"
        # Labels name each field; a placeholder repeating them only adds noise for screen readers.
        for name in ("email", "password1", "password2"):
            self.fields[name].widget.attrs.pop("placeholder", None)
        email.help_text = _(
            "Use the address your employer gave you: it helps us confirm your eligibility."
        )
        self.fields["privacy_consent"].error_messages["required"] = _(
            "You must agree to the privacy notice to register."
        )
        if not self.is_bound:
            language = (get_language() or "en")[:2]
            self.fields["preferred_language"].initial = (
                language if language in Language.values else Language.EN
            )
        self.helper = FormHelper()
        self.helper.form_tag = False
        # The page writes the CSRF token itself, outside the markup that blank_markup() reuses.
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Fieldset(_("About you"), "first_name", "last_name", "email", "job_title", "department"),
            Fieldset(_("Your organisation"), "organisation_name", "organisation_kind", "province"),
            Fieldset(_("Languages"), "preferred_language", "wants_interpretation"),
            Fieldset(_("Your password"), "password1", "password2"),
            Fieldset(_("Privacy"), "privacy_consent"),
            HTML(""),
            Submit("register", _("Send my request")),
        )
        self._initial_when_made = self._field_initials()

    def _field_initials(self) -> dict:
        return {name: field.initial for name, field in self.fields.items()}

    def is_blank(self) -> bool:
        """Unbound and holding nothing of the request: allauth fills the address in from
        ``?email=`` or from an address verified earlier in the session, after the form is
        made."""
        return (
            not self.is_bound
            and not self.initial
            and self._field_initials() == self._initial_when_made
        )

    def content_version(self) -> str:
        """A digest of what the blank form lists in the active language: its fields, whether
        each is required, its first value, its attributes and its choices.

        Labels and help texts are left out: they come from the code and the catalogues, which
        change only with a deployment (after which a kept markup, like a kept page, lasts
        ``PEERNET_PAGE_CACHE_SECONDS`` at most), and reading them costs more than the rest (the
        password help asks every validator, the consent label reverses a URL).
        """
        described = []
        for name, field in self.fields.items():
            choices = getattr(field, "choices", None)
            described.append(
                (
                    name,
                    type(field).__name__,
                    type(field.widget).__name__,
                    field.required,
                    field.disabled,
                    None if field.initial is None else str(field.initial),
                    sorted((key, str(value)) for key, value in field.widget.attrs.items()),
                    [(value, str(label)) for value, label in choices] if choices else None,
                )
            )
        return hashlib.blake2b(repr(described).encode(), digest_size=16).hexdigest()

    def blank_markup(self) -> SafeString | None:
        """The fields and button of this form as crispy renders them, made once per language
        and content version and then kept with the public pages (so also made again when
        they are); None for a form that must be rendered for its request (bound, so with its
        answers and errors, or filled in from the request)."""
        if not self.is_blank():
            return None
        # The prefix is part of the privacy notice's address, in the consent label.
        return content_kept(
            f"registration-form:{get_language() or ''}:{get_script_prefix()}",
            lambda: render_crispy_form(self),
            made_from=self.content_version(),
        )

    def clean(self):
        """allauth checks the password against a blank account holding only the address; the
        names typed beside it count too, so that a password made of them is refused."""
        cleaned_data = super().clean()
        password = cleaned_data.get("password1")
        if password and "password1" not in self.errors:
            someone = User(
                email=cleaned_data.get("email") or "",
                first_name=cleaned_data.get("first_name") or "",
                last_name=cleaned_data.get("last_name") or "",
            )
            try:
                validate_password(password, someone)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned_data

    def try_save(self, request):
        """Create the account, or answer as allauth does for an address that is already known.

        Two requests with the same new address can both pass the check in ``clean_email``
        before either commits; the second one's insert then waits for the first and fails on
        the unique address. That request takes the "already registered" path, as if it had
        come a moment later: the same page, a notice to the address's owner, no second account.
        The savepoint keeps the request's transaction usable after the failed insert.

        A known address creates no account, so nothing would hash the password: the answer
        would come some 70 ms sooner than for a new address and tell which addresses are
        known. The password is hashed anyway, with the same hasher, and the hash thrown away.
        """
        if self.account_already_exists:
            make_password(self.cleaned_data["password1"])
            return super().try_save(request)
        try:
            with transaction.atomic():
                return super().try_save(request)
        except IntegrityError:
            email = self.cleaned_data.get("email") or ""
            if not User.objects.filter(email__iexact=email).exists():
                raise  # another constraint: a bug, not the race
        self.account_already_exists = True
        return super().try_save(request)

    def signup(self, request, user):
        """Called by allauth once the account exists: record the request itself."""
        services.registration_submit(
            user=user,
            job_title=self.cleaned_data["job_title"],
            department=self.cleaned_data.get("department", ""),
            organisation_name=self.cleaned_data["organisation_name"],
            organisation_kind=self.cleaned_data["organisation_kind"],
            province=self.cleaned_data["province"],
            wants_interpretation=self.cleaned_data.get("wants_interpretation", False),
            privacy_consent=self.cleaned_data["privacy_consent"],
        )


class ProfileForm(forms.Form):
    """What a member may change about themselves."""

    first_name = User._meta.get_field("first_name").formfield(form_class=TypedTextField)
    last_name = User._meta.get_field("last_name").formfield(form_class=TypedTextField)
    job_title = Registration._meta.get_field("job_title").formfield(form_class=TypedTextField)
    department = Registration._meta.get_field("department").formfield(form_class=TypedTextField)
    preferred_language = preferred_language_field()
    wants_interpretation = wants_interpretation_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "first_name",
            "last_name",
            "job_title",
            "department",
            "preferred_language",
            "wants_interpretation",
            Submit("save", _("Save")),
        )


# --- allauth's account forms, bounded (ACCOUNT_FORMS) -------------------------------------------

# The user table's and the outbox's column, and the longest path SMTP carries (RFC 5321,
# 4.5.3.1.3): a longer address would fail in the database, not in the form.
EMAIL_MAX_LENGTH = 254
# Django's own cap from 2013 (CVE-2013-1443): far above any real password or code, and low
# enough that hashing what is typed stays cheap.
SECRET_MAX_LENGTH = 4096


class BoundedInputMixin:
    """Gives every text field of an allauth form a length and refuses control characters, so
    that hostile input gets an error beside its field instead of reaching the database."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if not isinstance(field, forms.CharField):
                continue
            limit = EMAIL_MAX_LENGTH if isinstance(field, forms.EmailField) else SECRET_MAX_LENGTH
            if field.max_length is None or field.max_length > limit:
                field.max_length = limit
                field.validators = [
                    validator
                    for validator in field.validators
                    if not isinstance(validator, MaxLengthValidator)
                ] + [MaxLengthValidator(limit)]
                field.widget.attrs["maxlength"] = str(limit)
            if not isinstance(field, forms.EmailField):  # its own validator refuses them
                field.validators.append(validate_no_control_characters)


class LoginForm(BoundedInputMixin, account_forms.LoginForm):
    pass


class ReauthenticateForm(BoundedInputMixin, account_forms.ReauthenticateForm):
    pass


class ResetPasswordForm(BoundedInputMixin, account_forms.ResetPasswordForm):
    pass


class ResetPasswordKeyForm(BoundedInputMixin, account_forms.ResetPasswordKeyForm):
    pass


class ChangePasswordForm(BoundedInputMixin, account_forms.ChangePasswordForm):
    pass


class SetPasswordForm(BoundedInputMixin, account_forms.SetPasswordForm):
    pass


class AddEmailForm(BoundedInputMixin, account_forms.AddEmailForm):
    pass


class ChangeEmailForm(BoundedInputMixin, account_forms.ChangeEmailForm):
    pass
