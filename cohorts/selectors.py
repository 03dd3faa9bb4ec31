"""Read-side queries of the cohorts app, each in a fixed number of SQL queries.

Pages call these and nothing else to read, so that the number of queries a page runs does
not grow with the number of communities (tests/cohorts/test_views.py measures it).
"""

from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet, prefetch_related_objects

from .choices import RoadmapFilter, RoadmapLanguage, RoadmapStatus
from .models import (
    ActionGroup,
    Advisor,
    Cohort,
    Community,
    ProgrammePartner,
    ProgrammeSession,
    search_key,
)

# Marker colours and shapes by cohort, in cohort order. Each colour has a contrast of at
# least 3:1 with the map's land and sea (WCAG 1.4.11), and the shape and the text legend
# say the same thing for people who do not see the colour (WCAG 1.4.1).
COHORT_STYLES = [
    ("#0b5394", "circle"),
    ("#a34000", "square"),
    ("#1b6e3a", "triangle"),
    ("#7b2d8e", "diamond"),
    ("#8a1c1c", "circle"),
    ("#5a4a00", "square"),
]
NO_COHORT_STYLE = ("#4d4d4d", "diamond")

# Where a community whose position staff have not given yet is shown: a point inside its
# province or territory, so that the map still has one marker for every community.
PROVINCE_CENTRES = {
    "AB": (53.9, -116.6),
    "BC": (53.7, -124.8),
    "MB": (53.8, -98.8),
    "NB": (46.5, -66.2),
    "NL": (48.9, -55.7),
    "NS": (45.0, -63.0),
    "NT": (64.3, -119.2),
    "NU": (64.3, -96.0),
    "ON": (50.0, -85.3),
    "PE": (46.3, -63.2),
    "QC": (52.9, -72.5),
    "SK": (54.0, -106.0),
    "YT": (63.6, -135.8),
}


@dataclass
class CommunityGroup:
    """Communities shown under one heading: a cohort, or those in no cohort yet."""

    cohort: Cohort | None
    communities: list[Community] = field(default_factory=list)
    colour: str = ""
    shape: str = ""

    @property
    def key(self) -> str:
        return f"cohort-{self.cohort.pk}" if self.cohort else "no-cohort"


def sorted_by_name(communities) -> list[Community]:
    """Communities in the order of their names in the current language, accents ignored.

    Sorting here rather than in SQL keeps the order the same on SQLite and PostgreSQL, whose
    collations differ, and follows the name actually shown when a translation falls back.
    """
    return sorted(communities, key=lambda community: (search_key(community.name), community.pk))


def _community_cards() -> QuerySet[Community]:
    # Only what a card shows, so 500 profiles do not drag 500 descriptions along.
    return Community.objects.only(
        "pk",
        "slug",
        "name_en",
        "name_fr",
        "kind",
        "province",
        "logo",
        "roadmap_status",
        "roadmap_language",
    )


def community_filter(
    queryset: QuerySet[Community],
    *,
    cohort: Cohort | None = None,
    province: str = "",
    roadmap: str = "",
    query: str = "",
) -> QuerySet[Community]:
    """The communities that match a visitor's filters and search words."""
    if cohort is not None:
        queryset = queryset.filter(cohorts=cohort)
    if province:
        queryset = queryset.filter(province=province)
    if roadmap == RoadmapFilter.EN:
        queryset = queryset.filter(
            roadmap_status=RoadmapStatus.PUBLISHED,
            roadmap_language__in=[RoadmapLanguage.EN, RoadmapLanguage.BOTH],
        )
    elif roadmap == RoadmapFilter.FR:
        queryset = queryset.filter(
            roadmap_status=RoadmapStatus.PUBLISHED,
            roadmap_language__in=[RoadmapLanguage.FR, RoadmapLanguage.BOTH],
        )
    elif roadmap == RoadmapFilter.COMING_SOON:
        queryset = queryset.filter(roadmap_status=RoadmapStatus.COMING_SOON)
    for word in search_key(query).split()[:10]:
        queryset = queryset.filter(search_text__contains=word)
    return queryset


def _styled(groups: list[CommunityGroup]) -> list[CommunityGroup]:
    for index, group in enumerate(groups):
        if group.cohort is None:
            group.colour, group.shape = NO_COHORT_STYLE
        else:
            group.colour, group.shape = COHORT_STYLES[index % len(COHORT_STYLES)]
    return groups


def cohorts_all() -> list[Cohort]:
    """Every cohort, oldest first (one query)."""
    return list(Cohort.objects.all())


def cohort_groups(
    *, cohorts: list[Cohort], cohort=None, province="", roadmap="", query=""
) -> list[CommunityGroup]:
    """The matching communities of each cohort, in two queries whatever the data.

    Groups follow cohort order; a community in two cohorts is shown under both, and
    communities in no cohort come last. Groups left empty by the filters are dropped.
    """
    matching = community_filter(_community_cards(), province=province, roadmap=roadmap, query=query)
    shown = [item for item in cohorts if cohort is None or item.pk == cohort.pk]
    for item in shown:
        # prefetch_related_objects skips instances that already hold the attribute.
        item.__dict__.pop("matching_communities", None)
    prefetch_related_objects(
        shown, Prefetch("communities", queryset=matching, to_attr="matching_communities")
    )
    styles = {group.cohort.pk: group for group in _styled([CommunityGroup(c) for c in cohorts])}
    groups = []
    for item in shown:
        group = styles[item.pk]
        group.communities = sorted_by_name(item.matching_communities)
        groups.append(group)
    if cohort is None:
        group = _styled([CommunityGroup(cohort=None)])[0]
        group.communities = sorted_by_name(matching.filter(cohorts__isnull=True))
        groups.append(group)
    return [group for group in groups if group.communities]


def community_profile_detail(*, slug: str) -> Community | None:
    """One community with everything its page shows, in four queries."""
    return (
        Community.objects.filter(slug=slug)
        .prefetch_related(
            Prefetch("cohorts", queryset=Cohort.objects.order_by("start_year", "label")),
            "partners",
            Prefetch("action_groups", queryset=ActionGroup.objects.order_by("position", "name")),
        )
        .first()
    )


@dataclass
class MapData:
    groups: list[CommunityGroup]
    points: list[dict]
    unplaced: list[Community]
    approximate: list[Community] = field(default_factory=list)


def community_map() -> MapData:
    """Every community, placed on the map by its first cohort; three queries."""
    groups = _styled([CommunityGroup(cohort=item) for item in Cohort.objects.all()])
    position = {group.cohort.pk: index for index, group in enumerate(groups)}
    no_cohort = _styled([CommunityGroup(cohort=None)])[0]
    communities = Community.objects.only(
        "pk", "slug", "name_en", "name_fr", "province", "latitude", "longitude"
    ).prefetch_related(Prefetch("cohorts", queryset=Cohort.objects.only("pk", "label")))
    points, unplaced, approximate = [], [], []
    for community in sorted_by_name(communities):
        cohort_ids = sorted((item.pk for item in community.cohorts.all()), key=position.get)
        community_groups = [groups[position[pk]] for pk in cohort_ids] or [no_cohort]
        for group in community_groups:
            group.communities.append(community)
        if community.latitude is not None and community.longitude is not None:
            lat, lng = float(community.latitude), float(community.longitude)
        elif community.province in PROVINCE_CENTRES:
            lat, lng = PROVINCE_CENTRES[community.province]
            approximate.append(community)
        else:
            unplaced.append(community)
            continue
        points.append(
            {
                "name": community.name,
                "url": community.get_absolute_url(),
                "lat": lat,
                "lng": lng,
                "approximate": community in approximate,
                "group": community_groups[0].key,
                "cohorts": [group.cohort.label for group in community_groups if group.cohort],
                "province": community.get_province_display(),
            }
        )
    if no_cohort.communities:
        groups.append(no_cohort)
    return MapData(groups=groups, points=points, unplaced=unplaced, approximate=approximate)


def programme_overview() -> dict:
    """Sessions, action groups with their advisors, advisors and partners; five queries."""
    return {
        "sessions": list(ProgrammeSession.objects.all()),
        "action_groups": list(
            ActionGroup.objects.prefetch_related(
                Prefetch(
                    "communities",
                    queryset=Community.objects.only("pk", "slug", "name_en", "name_fr"),
                    to_attr="community_list",
                )
            )
        ),
        "advisors": list(Advisor.objects.all()),
        "partners": list(ProgrammePartner.objects.all()),
    }


def community_for_organisation(*, organisation_id: int | None) -> list[Community]:
    """The communities a member's organisation belongs to (for the member's page)."""
    if organisation_id is None:
        return []
    return sorted_by_name(
        Community.objects.filter(organisations=organisation_id).only(
            "pk", "slug", "name_en", "name_fr"
        )
    )
