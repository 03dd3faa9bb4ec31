"""factory_boy factories of the cohorts app."""

from decimal import Decimal

import factory
from django.utils import timezone

from cohorts import services
from cohorts.choices import InterestStatus, Language, RoadmapLanguage, RoadmapStatus
from cohorts.models import (
    ActionGroup,
    Advisor,
    Cohort,
    Community,
    ExpressionOfInterest,
    PartnerGovernment,
    ProgrammePartner,
    ProgrammeSession,
)
from members.choices import OrganisationKind, Province


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cohort
        django_get_or_create = ("label",)

    start_year = factory.Sequence(lambda n: 2021 + n)
    end_year = factory.LazyAttribute(lambda o: o.start_year + 1)
    label = factory.LazyAttribute(lambda o: f"{o.start_year}/{str(o.end_year)[-2:]}")
    introduction_en = "A cohort of local governments."
    introduction_fr = "Une cohorte de gouvernements locaux."


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Community
        skip_postgeneration_save = True

    name_en = factory.Sequence(lambda n: f"Town of Example {n}")
    name_fr = factory.Sequence(lambda n: f"Ville d’Exemple {n}")
    slug = factory.Sequence(lambda n: f"town-of-example-{n}")
    kind = OrganisationKind.TOWN
    province = Province.QC
    population = 12000
    latitude = factory.Sequence(lambda n: Decimal("45.00000") + Decimal(n % 100) / 10)
    longitude = factory.Sequence(lambda n: Decimal("-75.00000") + Decimal(n % 100) / 10)
    description_en = "<p>A town on a river.</p>"
    description_fr = "<p>Une ville au bord d’une rivière.</p>"
    website = "https://example.ca/"
    roadmap_status = RoadmapStatus.PUBLISHED
    roadmap_language = RoadmapLanguage.EN

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # Written as the admin and the import write a profile, search text included.
        return services.community_save(community=model_class(*args, **kwargs))

    @factory.post_generation
    def cohorts(self, create, extracted, **kwargs):
        if create and extracted:
            self.cohorts.add(*extracted)


class PartnerGovernmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerGovernment

    community = factory.SubFactory(CommunityFactory)
    name_en = factory.Sequence(lambda n: f"County of Example {n}")
    name_fr = factory.Sequence(lambda n: f"Comté d’Exemple {n}")
    kind = OrganisationKind.COUNTY
    position = factory.Sequence(lambda n: n)


class ProgrammeSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgrammeSession

    title_en = factory.Sequence(lambda n: f"Session {n}")
    title_fr = factory.Sequence(lambda n: f"Séance {n}")
    summary_en = "What a circular economy is."
    summary_fr = "Ce qu’est l’économie circulaire."


class ActionGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionGroup

    name_en = factory.Sequence(lambda n: f"Action group {n}")
    name_fr = factory.Sequence(lambda n: f"Groupe d’action {n}")
    slug = factory.Sequence(lambda n: f"action-group-{n}")
    description_en = "<p>Food.</p>"
    description_fr = "<p>Alimentation.</p>"


class AdvisorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Advisor

    name = factory.Sequence(lambda n: f"Advisor {n}")
    role_en = "Circular-economy coach"
    role_fr = "Coach en économie circulaire"
    organisation_en = "Example Consulting"
    organisation_fr = "Conseil Exemple"
    biography_en = "<p>Twenty years of work on waste.</p>"
    biography_fr = "<p>Vingt ans de travail sur les déchets.</p>"


class ProgrammePartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgrammePartner

    name_en = factory.Sequence(lambda n: f"Partner {n}")
    name_fr = factory.Sequence(lambda n: f"Partenaire {n}")
    website = "https://partner.example/"


class ExpressionOfInterestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExpressionOfInterest

    contact_name = "Marie-Ève Gagnon"
    email = factory.Sequence(lambda n: f"eve{n}@rimouski.ca")
    job_title = "Environment officer"
    government_name = "Ville de Rimouski"
    government_kind = OrganisationKind.CITY
    province = Province.QC
    motivation = "We want to cut construction waste."
    language = Language.FR
    privacy_consent_at = factory.LazyFunction(timezone.now)
    status = InterestStatus.NEW
