"""Constraints and derived fields of the cohorts models."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from cohorts import services
from cohorts.choices import RoadmapLanguage, RoadmapStatus
from cohorts.models import Cohort, Community, search_key

from .factories import CohortFactory, CommunityFactory

pytestmark = [pytest.mark.unit, pytest.mark.django_db]


def test_search_key_ignores_case_and_accents():
    assert search_key("Ville de Montréal", "Québec") == "ville de montreal quebec"


def test_search_text_holds_both_names_and_both_province_names():
    community = CommunityFactory(
        name_en="City of Montréal", name_fr="Ville de Montréal", province="QC"
    )
    assert community.search_text == "qc city of montreal quebec ville de montreal quebec"


def test_search_text_follows_a_partial_save():
    community = CommunityFactory(name_en="Town of Pinawa")
    community.name_en = "Town of Pinawa Bay"
    services.community_save(community=community, update_fields=["name_en"])
    community.refresh_from_db()
    assert "bay" in community.search_text.split()


def test_a_published_roadmap_needs_its_language():
    with pytest.raises(IntegrityError), transaction.atomic():
        CommunityFactory(roadmap_status=RoadmapStatus.PUBLISHED, roadmap_language="")


def test_a_roadmap_link_needs_a_published_roadmap():
    community = CommunityFactory.build(
        roadmap_status=RoadmapStatus.COMING_SOON,
        roadmap_language=RoadmapLanguage.FR,
        roadmap_url="https://example.ca/roadmap",
    )
    with pytest.raises(ValidationError) as caught:
        community.full_clean()
    assert caught.value.messages == [
        "A roadmap document or link can only be given when the roadmap is published."
    ]


def test_cohort_years_must_be_in_order():
    cohort = Cohort(label="2024/23", start_year=2024, end_year=2023)
    with pytest.raises(ValidationError) as caught:
        cohort.full_clean()
    assert caught.value.messages == ["The last year cannot come before the first."]


def test_roadmap_link_prefers_the_document(settings):
    community = CommunityFactory(roadmap_url="https://example.ca/page")
    assert community.roadmap_link == "https://example.ca/page"
    community.roadmap_document.name = "cohorts/roadmaps/abc.pdf"
    assert community.roadmap_link == "/media/cohorts/roadmaps/abc.pdf"


@pytest.mark.parametrize(
    ("language", "hreflang"),
    [(RoadmapLanguage.EN, "en"), (RoadmapLanguage.FR, "fr"), (RoadmapLanguage.BOTH, "")],
)
def test_roadmap_hreflang(language, hreflang):
    assert Community(roadmap_language=language).roadmap_hreflang == hreflang


def test_community_address_is_translated():
    community = CommunityFactory(slug="town-of-canmore")
    with translation.override("fr"):
        assert community.get_absolute_url() == "/fr/cohortes/collectivites/town-of-canmore/"
    assert community.get_absolute_url() == "/en/cohorts/communities/town-of-canmore/"


def test_cohort_label_is_unique():
    CohortFactory(label="2021/22", start_year=2021, end_year=2022)
    with pytest.raises(IntegrityError), transaction.atomic():
        Cohort.objects.create(label="2021/22", start_year=2021, end_year=2022)


def test_a_community_is_in_a_canadian_province_or_territory():
    community = CommunityFactory.build(province="XX", slug="town-abroad")
    with pytest.raises(ValidationError) as caught:
        community.full_clean()
    assert "province" in caught.value.message_dict
