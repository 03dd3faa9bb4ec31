"""Forms of the cohorts app: the public filters, the expression of interest and admin uploads."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Field, Fieldset, Layout, Submit
from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import MaxValueValidator, MinValueValidator
from django.urls import reverse_lazy
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from members.choices import ELIGIBLE_KINDS, OrganisationKind, Province
from members.fields import TypedTextField, job_title_field, province_field
from members.validators import validate_person_name, validate_plain_text

from .choices import RoadmapFilter
from .uploads import logo_normalise
from .validators import validate_multiline_text

format_html_lazy = lazy(format_html, str)

CANADIAN_PROVINCES = [(code, label) for code, label in Province.choices if code != Province.OUTSIDE]
GOVERNMENT_KINDS = [
    (code, label) for code, label in OrganisationKind.choices if code in ELIGIBLE_KINDS
]


class CommunityFilterForm(forms.Form):
    """Filters of the public list (a GET form: every value is optional)."""

    q = forms.CharField(label=_("Search by name"), max_length=100, required=False)
    cohort = forms.TypedChoiceField(label=_("Cohort"), required=False, coerce=int, empty_value=None)
    province = forms.ChoiceField(
        label=_("Province or territory"),
        required=False,
        choices=[("", _("All provinces and territories"))] + CANADIAN_PROVINCES,
    )
    roadmap = forms.ChoiceField(
        label=_("Roadmap"),
        required=False,
        choices=[("", _("Any roadmap"))] + RoadmapFilter.choices,
    )

    def __init__(self, *args, cohorts=(), **kwargs):
        super().__init__(*args, **kwargs)
        # The cohorts come from the page's own query, so the form costs no query of its own.
        self.cohorts = {cohort.pk: cohort for cohort in cohorts}
        self.fields["cohort"].choices = [("", _("All cohorts"))] + [
            (cohort.pk, cohort.label) for cohort in cohorts
        ]
        self.fields["q"].widget.attrs.update({"type": "search", "autocomplete": "off"})
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.disable_csrf = True
        self.helper.form_id = "community-filters"
        self.helper.attrs = {"role": "search", "aria-label": _("Filter communities")}
        self.helper.layout = Layout(
            Div(
                Div(Field("q"), css_class="col-md-3"),
                Div(Field("cohort"), css_class="col-md-3"),
                Div(Field("province"), css_class="col-md-3"),
                Div(Field("roadmap"), css_class="col-md-3"),
                css_class="row g-3",
            ),
            HTML(
                format_html_lazy(
                    '<div class="mt-3"><button type="submit" class="btn btn-primary">{}</button> '
                    '<a class="btn btn-link" href="{}">{}</a></div>',
                    _("Show communities"),
                    reverse_lazy("cohorts:list"),
                    _("Clear filters"),
                )
            ),
        )

    def filters(self) -> dict:
        """The valid filters, as keyword arguments of :func:`cohorts.selectors.cohort_groups`."""
        self.is_valid()  # keeps the valid fields in cleaned_data even when another is not
        data = self.cleaned_data
        return {
            "cohort": self.cohorts.get(data.get("cohort")),
            "province": data.get("province") or "",
            "roadmap": data.get("roadmap") or "",
            "query": data.get("q") or "",
        }


def _consent_label():
    return format_html_lazy(
        _(
            'I have read the <a href="{}">privacy notice</a> and agree that PeerNet keeps this '
            "information to answer this request."
        ),
        reverse_lazy("members:privacy"),
    )


class InterestForm(forms.Form):
    """A community's expression of interest in a future cohort."""

    contact_name = TypedTextField(
        label=_("Your name"),
        max_length=200,
        validators=[validate_person_name],
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Work e-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    job_title = job_title_field()
    government_name = TypedTextField(
        label=_("Name of your government"),
        max_length=200,
        validators=[validate_plain_text],
        help_text=_("For example: Town of Canmore, MRC de La Haute-Yamaska."),
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    government_kind = forms.ChoiceField(
        label=_("Kind of government"), choices=[("", "—")] + GOVERNMENT_KINDS
    )
    province = province_field(choices=CANADIAN_PROVINCES)
    population = forms.IntegerField(
        label=_("Population (optional)"),
        required=False,
        validators=[MinValueValidator(1), MaxValueValidator(50_000_000)],
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    motivation = TypedTextField(
        label=_("Why does your community want to join a cohort?"),
        multiline=True,
        max_length=3000,
        validators=[validate_multiline_text],
        help_text=_(
            "What you hope to achieve, what you have already done. At most 3000 characters."
        ),
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    privacy_consent = forms.BooleanField(label=_consent_label(), required=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["privacy_consent"].error_messages["required"] = _(
            "You must agree to the privacy notice to send this request."
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(_("About you"), "contact_name", "email", "job_title"),
            Fieldset(
                _("Your community"), "government_name", "government_kind", "province", "population"
            ),
            Fieldset(_("Your interest"), "motivation"),
            Fieldset(_("Privacy"), "privacy_consent"),
            Submit("send", _("Send our expression of interest")),
        )


class LogoUploadFormMixin:
    """Admin forms with a ``logo``: the upload is checked and re-encoded before it is stored."""

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if isinstance(logo, UploadedFile):
            return logo_normalise(logo)
        return logo


class CommunityAdminForm(LogoUploadFormMixin, forms.ModelForm):
    pass


class ProgrammePartnerAdminForm(LogoUploadFormMixin, forms.ModelForm):
    pass
