"""What the public pages read (cohorts.selectors)."""

import pytest
from django.utils import translation

from cohorts import selectors
from cohorts.choices import RoadmapLanguage, RoadmapStatus

from .factories import CohortFactory, CommunityFactory

pytestmark = [pytest.mark.unit, pytest.mark.django_db]


@pytest.fixture
def cohorts():
    return CohortFactory(label="2021/22", start_year=2021), CohortFactory(
        label="2022/23", start_year=2022
    )


def names(groups):
    return {
        (group.cohort.label if group.cohort else None): [c.name for c in group.communities]
        for group in groups
    }


def test_groups_follow_cohorts_and_names(cohorts):
    first, second = cohorts
    CommunityFactory(name_en="Town of Zeta", cohorts=[first])
    CommunityFactory(name_en="City of Élan", cohorts=[first, second])
    CommunityFactory(name_en="Borough of Alpha", cohorts=[second])
    CommunityFactory(name_en="Village of Nowhere")
    groups = selectors.cohort_groups(cohorts=selectors.cohorts_all())
    assert names(groups) == {
        "2021/22": ["City of Élan", "Town of Zeta"],
        "2022/23": ["Borough of Alpha", "City of Élan"],
        None: ["Village of Nowhere"],
    }
    assert [(group.colour, group.shape) for group in groups] == [
        ("#0b5394", "circle"),
        ("#a34000", "square"),
        ("#4d4d4d", "diamond"),
    ]


def test_names_sort_in_the_page_language(cohorts):
    first, _second = cohorts
    CommunityFactory(
        name_en="Borough of Outremont", name_fr="Arrondissement d’Outremont", cohorts=[first]
    )
    CommunityFactory(name_en="City of Gatineau", name_fr="Ville de Gatineau", cohorts=[first])
    CommunityFactory(name_en="Town of Chapais", name_fr="", cohorts=[first])
    with translation.override("fr"):
        groups = selectors.cohort_groups(cohorts=selectors.cohorts_all())
        assert names(groups) == {
            "2021/22": ["Arrondissement d’Outremont", "Town of Chapais", "Ville de Gatineau"]
        }


def test_filters(cohorts):
    first, second = cohorts
    CommunityFactory(
        name_en="City of Montréal", province="QC", roadmap_language="fr", cohorts=[first]
    )
    CommunityFactory(
        name_en="City of Calgary", province="AB", roadmap_language="en", cohorts=[first]
    )
    CommunityFactory(
        name_en="City of Whitehorse",
        province="YT",
        roadmap_status=RoadmapStatus.COMING_SOON,
        roadmap_language="en",
        cohorts=[first],
    )
    CommunityFactory(
        name_en="City of Ottawa",
        province="ON",
        roadmap_language=RoadmapLanguage.BOTH,
        cohorts=[second],
    )
    CommunityFactory(
        name_en="Town of Pinawa",
        province="MB",
        roadmap_status="none",
        roadmap_language="",
        cohorts=[second],
    )
    every = selectors.cohorts_all()

    def matching(**filters):
        return sorted(
            c.name for g in selectors.cohort_groups(cohorts=every, **filters) for c in g.communities
        )

    assert matching(cohort=second) == ["City of Ottawa", "Town of Pinawa"]
    assert matching(province="QC") == ["City of Montréal"]
    assert matching(roadmap="fr") == ["City of Montréal", "City of Ottawa"]
    assert matching(roadmap="en") == ["City of Calgary", "City of Ottawa"]
    assert matching(roadmap="coming_soon") == ["City of Whitehorse"]
    assert matching(query="MONTREAL") == ["City of Montréal"]
    assert matching(query="québec") == ["City of Montréal"]
    assert matching(query="city yukon") == ["City of Whitehorse"]
    assert matching(query="nothing like this") == []
    assert matching(cohort=first, province="QC", roadmap="en") == []


def test_search_treats_sql_wildcards_as_text(cohorts):
    CommunityFactory(name_en="City of 100% Reuse", cohorts=[cohorts[0]])
    CommunityFactory(name_en="City of Calgary", cohorts=[cohorts[0]])
    groups = selectors.cohort_groups(cohorts=selectors.cohorts_all(), query="%")
    assert names(groups) == {"2021/22": ["City of 100% Reuse"]}
    assert selectors.cohort_groups(cohorts=selectors.cohorts_all(), query="_") == []


def test_search_typed_with_ascii_apostrophes_and_hyphens_finds_typographic_names(cohorts):
    CommunityFactory(
        name_en="City of St. John’s", name_fr="Ville de St. John’s", cohorts=[cohorts[0]]
    )
    CommunityFactory(
        name_en="City of Saint\u2011Jérôme",
        name_fr="Ville de Saint\u2011Jérôme",
        cohorts=[cohorts[0]],
    )
    CommunityFactory(name_en="Borough of Outremont", name_fr="Arrondissement d’Outremont")

    def found(query):
        groups = selectors.cohort_groups(cohorts=selectors.cohorts_all(), query=query)
        return sorted(c.name for group in groups for c in group.communities)

    assert found("st john's") == ["City of St. John’s"]
    assert found("ST. JOHN’S") == ["City of St. John’s"]
    assert found("saint-jerome") == ["City of Saint\u2011Jérôme"]
    with translation.override("fr"):
        assert found("d'outremont") == ["Arrondissement d’Outremont"]


def test_profile_detail(cohorts):
    community = CommunityFactory(cohorts=list(cohorts))
    found = selectors.community_profile_detail(slug=community.slug)
    assert found == community
    assert [c.label for c in found.cohorts.all()] == ["2021/22", "2022/23"]
    assert selectors.community_profile_detail(slug="nope") is None


def test_map_places_each_community_once_coloured_by_its_first_cohort(cohorts):
    first, second = cohorts
    both = CommunityFactory(name_en="City of Both", cohorts=[second, first])
    CommunityFactory(name_en="City of Lost", latitude=None, longitude=None, cohorts=[second])
    CommunityFactory(
        name_en="City of Nowhere", province="XX", latitude=None, longitude=None, cohorts=[second]
    )
    CommunityFactory(name_en="Town of Solo")
    data = selectors.community_map()
    assert [(p["name"], p["group"], p["cohorts"], p["approximate"]) for p in data.points] == [
        ("City of Both", f"cohort-{first.pk}", ["2021/22", "2022/23"], False),
        ("City of Lost", f"cohort-{second.pk}", ["2022/23"], True),
        ("Town of Solo", "no-cohort", [], False),
    ]
    assert data.points[0]["url"] == both.get_absolute_url()
    assert (data.points[0]["lat"], data.points[0]["lng"]) == (
        float(both.latitude),
        float(both.longitude),
    )
    assert [c.name for c in data.approximate] == ["City of Lost"]
    assert [c.name for c in data.unplaced] == ["City of Nowhere"]
    assert [(g.key, [c.name for c in g.communities]) for g in data.groups] == [
        (f"cohort-{first.pk}", ["City of Both"]),
        (f"cohort-{second.pk}", ["City of Both", "City of Lost", "City of Nowhere"]),
        ("no-cohort", ["Town of Solo"]),
    ]
