"""Fields that staff write in English and French (django-modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register

from .models import (
    ActionGroup,
    Advisor,
    Cohort,
    Community,
    PartnerGovernment,
    ProgrammePartner,
    ProgrammeSession,
)


@register(Cohort)
class CohortTranslationOptions(TranslationOptions):
    fields = ("introduction", "media_release_url")


@register(Community)
class CommunityTranslationOptions(TranslationOptions):
    fields = ("name", "description")
    required_languages = ("en",)


@register(PartnerGovernment)
class PartnerGovernmentTranslationOptions(TranslationOptions):
    fields = ("name",)
    required_languages = ("en",)


@register(ProgrammeSession)
class ProgrammeSessionTranslationOptions(TranslationOptions):
    fields = ("title", "summary")
    required_languages = ("en",)


@register(ActionGroup)
class ActionGroupTranslationOptions(TranslationOptions):
    fields = ("name", "description")
    required_languages = ("en",)


@register(Advisor)
class AdvisorTranslationOptions(TranslationOptions):
    fields = ("role", "organisation", "biography")


@register(ProgrammePartner)
class ProgrammePartnerTranslationOptions(TranslationOptions):
    fields = ("name", "description")
    required_languages = ("en",)
