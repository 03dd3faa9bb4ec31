"""The reference list of governments and their e-mail domains, in the Django admin.

The eligibility assistant reads this list; editing it assesses again the requests that await
a decision (:func:`members.services.registration_flags_refresh_open`).
"""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from .. import services
from ..domains import domain_clean
from ..models import KnownDomain, KnownOrganisation


class KnownDomainForm(forms.ModelForm):
    class Meta:
        model = KnownDomain
        fields = ["domain"]

    def clean_domain(self):
        # Normalised here, so that the formset sees @Calgary.CA and calgary.ca as one domain.
        return domain_clean(self.cleaned_data["domain"])


class KnownDomainInline(admin.TabularInline):
    model = KnownDomain
    form = KnownDomainForm
    extra = 1


@admin.register(KnownOrganisation)
class KnownOrganisationAdmin(TranslationAdmin):
    list_display = ["name", "kind", "province", "domain_list"]
    list_filter = ["kind", "province"]
    search_fields = ["name_en", "name_fr", "domains__domain"]
    inlines = [KnownDomainInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("domains")

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Requests awaiting a decision are assessed again against the edited list.
        services.registration_flags_refresh_open()

    @admin.display(description=_("domains"))
    def domain_list(self, obj):
        return ", ".join(domain.domain for domain in obj.domains.all())
