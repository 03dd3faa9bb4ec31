"""The public cohorts pages: content, languages, bad input and query counts."""

import json

import pytest
from django.urls import reverse
from django.utils import translation

from cohorts.choices import RoadmapLanguage, RoadmapStatus
from cohorts.models import ExpressionOfInterest
from peernet.outbox.models import OutboxMessage

from .factories import (
    ActionGroupFactory,
    AdvisorFactory,
    CohortFactory,
    CommunityFactory,
    PartnerGovernmentFactory,
    ProgrammePartnerFactory,
    ProgrammeSessionFactory,
)

pytestmark = [pytest.mark.unit, pytest.mark.django_db]


def url(name, language="en", **kwargs):
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)


def test_addresses_are_translated():
    assert url("cohorts:list") == "/en/cohorts/"
    assert url("cohorts:list", "fr") == "/fr/cohortes/"
    assert url("cohorts:map", "fr") == "/fr/cohortes/carte/"
    assert url("cohorts:interest", "fr") == "/fr/cohortes/participer/"
    assert url("cohorts:community", "fr", slug="ville") == "/fr/cohortes/collectivites/ville/"


def test_list_shows_cards_with_roadmap_badges(client):
    cohort = CohortFactory(label="2021/22", introduction_en="The first cohort.")
    CommunityFactory(
        name_en="Town of Chapais", roadmap_language=RoadmapLanguage.FR, cohorts=[cohort]
    )
    CommunityFactory(
        name_en="City of Whitehorse", roadmap_status=RoadmapStatus.COMING_SOON, cohorts=[cohort]
    )
    response = client.get(url("cohorts:list"))
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<h2 id="cohort-{cohort.pk}-heading">Cohort 2021/22</h2>' in html
    assert "The first cohort." in html
    assert "Roadmap: French only" in html
    assert "Roadmap coming soon" in html
    assert "2 communities." in html


def test_list_in_french(client):
    cohort = CohortFactory(label="2021/22")
    CommunityFactory(
        name_en="Town of Chapais",
        name_fr="Ville de Chapais",
        roadmap_language="fr",
        cohorts=[cohort],
    )
    html = client.get(url("cohorts:list", "fr")).content.decode()
    assert '<html lang="fr">' in html
    assert "Cohorte 2021/22" in html
    assert "Ville de Chapais" in html
    assert "Feuille de route : en français seulement" in html


def test_a_name_shown_in_the_other_language_is_marked(client):
    cohort = CohortFactory()
    CommunityFactory(name_en="Town of Pinawa", name_fr="", cohorts=[cohort])
    html = client.get(url("cohorts:list", "fr")).content.decode()
    assert 'lang="en">Town of Pinawa</a>' in html


def test_every_text_shown_in_the_other_language_is_marked(client):
    """A French page that falls back to English content says so to screen readers
    (WCAG 3.1.2), and the reverse on an English page."""
    cohort = CohortFactory(introduction_en="The first cohort.", introduction_fr="")
    community = CommunityFactory(name_en="Town of Pinawa", name_fr="", cohorts=[cohort])
    group = ActionGroupFactory(name_en="Circular food systems", name_fr="")
    group.communities.add(community)
    AdvisorFactory(role_fr="", organisation_en="", organisation_fr="Conseil Exemple")
    ProgrammePartnerFactory(name_en="Zero Waste Council", name_fr="", description_en="Runs it.")

    html = client.get(url("cohorts:list", "fr")).content.decode()
    assert '<p lang="en">The first cohort.</p>' in html
    html = client.get(url("cohorts:community", "fr", slug=community.slug)).content.decode()
    assert '<li lang="en">Circular food systems</li>' in html
    html = client.get(url("cohorts:programme", "fr")).content.decode()
    assert 'lang="en">Town of Pinawa</a></li>' in html
    assert '<span lang="en">Circular-economy coach</span>' in html
    assert 'lang="en"><a href="https://partner.example/" rel="noopener">Zero Waste Council' in html
    assert '<p class="mb-0" lang="en">Runs it.</p>' in html
    html = client.get(url("cohorts:programme", "en")).content.decode()
    assert '<span lang="fr">Conseil Exemple</span>' in html
    assert 'lang="en"' not in html.split("<main", 1)[1]


def test_list_filters_and_search(client):
    cohort = CohortFactory()
    CommunityFactory(name_en="City of Montréal", province="QC", cohorts=[cohort])
    CommunityFactory(name_en="City of Calgary", province="AB", cohorts=[cohort])
    response = client.get(url("cohorts:list"), {"province": "QC", "q": "montreal"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "City of Montréal" in html
    assert "City of Calgary" not in html
    assert "1 community matches these filters." in html


def test_an_invalid_filter_is_explained_and_answers_400(client):
    cohort = CohortFactory()
    CommunityFactory(name_en="City of Calgary", cohorts=[cohort])
    response = client.get(url("cohorts:list"), {"province": "ZZ", "cohort": "x"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Some filters are not valid" in html
    assert "Select a valid choice. ZZ is not one of the available choices." in html
    assert "City of Calgary" in html


def test_no_match_says_so(client):
    CohortFactory()
    response = client.get(url("cohorts:list"), {"q": "atlantis"})
    assert "No community matches these filters." in response.content.decode()


def test_profile_shows_facts_partners_and_roadmap_notice(client):
    cohort = CohortFactory(label="2022/23")
    community = CommunityFactory(
        name_en="County of Wellington – City of Guelph",
        population=241000,
        roadmap_language=RoadmapLanguage.FR,
        roadmap_url="https://example.ca/feuille-de-route",
        cohorts=[cohort],
    )
    PartnerGovernmentFactory(community=community, name_en="County of Wellington", position=0)
    PartnerGovernmentFactory(community=community, name_en="City of Guelph", position=1)
    ActionGroupFactory(name_en="Built environment").communities.add(community)
    html = client.get(community.get_absolute_url()).content.decode()
    assert '<h1 class="mb-0">County of Wellington – City of Guelph</h1>' in html
    assert "241,000" in html
    assert "2022/23" in html
    assert "<li>County of Wellington</li>" in html
    assert (
        '<a class="btn btn-primary" href="https://example.ca/feuille-de-route" hreflang="fr">'
        in html
    )
    assert "<strong>Available in French only.</strong>" in html
    assert "<li>Built environment</li>" in html


def test_profile_in_french_with_a_description_not_yet_translated(client):
    community = CommunityFactory(description_en="<p>Only English.</p>", description_fr="")
    html = client.get(url("cohorts:community", "fr", slug=community.slug)).content.decode()
    assert "Cette description n’a pas encore été traduite." in html
    assert '<div class="community-description" lang="en"><p>Only English.</p></div>' in html
    assert '<dd class="col-sm-8">12\xa0000</dd>' in html


@pytest.mark.parametrize(
    ("status", "language", "text"),
    [
        (RoadmapStatus.COMING_SOON, "en", "The community's roadmap is coming soon."),
        (RoadmapStatus.NONE, "", "The community has not published a roadmap yet."),
        (RoadmapStatus.PUBLISHED, RoadmapLanguage.BOTH, "Available in English and French."),
    ],
)
def test_profile_roadmap_states(client, status, language, text):
    community = CommunityFactory(roadmap_status=status, roadmap_language=language)
    assert text in client.get(community.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    ("roadmap_language", "reader", "note", "emphasised"),
    [
        (RoadmapLanguage.FR, "en", "Available in French only.", True),
        (RoadmapLanguage.FR, "fr", "Disponible en français seulement.", False),
        (RoadmapLanguage.EN, "fr", "Disponible en anglais seulement.", True),
        (RoadmapLanguage.EN, "en", "Available in English only.", False),
    ],
)
def test_a_roadmap_in_one_language_is_pointed_out_to_readers_of_the_other(
    client, roadmap_language, reader, note, emphasised
):
    community = CommunityFactory(slug="chapais", roadmap_language=roadmap_language)
    html = client.get(url("cohorts:community", reader, slug=community.slug)).content.decode()
    assert note in html
    assert (f"<strong>{note}</strong>" in html) is emphasised


@pytest.mark.parametrize(
    ("status", "roadmap_language", "badge"),
    [
        (RoadmapStatus.PUBLISHED, RoadmapLanguage.EN, "Roadmap: English only"),
        (RoadmapStatus.PUBLISHED, RoadmapLanguage.BOTH, "Roadmap: English and French"),
        (RoadmapStatus.NONE, "", None),
    ],
)
def test_the_cards_badge_follows_the_roadmap(client, status, roadmap_language, badge):
    CommunityFactory(
        roadmap_status=status, roadmap_language=roadmap_language, cohorts=[CohortFactory()]
    )
    html = client.get(url("cohorts:list")).content.decode()
    badges = html.count('class="badge roadmap-badge')
    assert badges == (1 if badge else 0)
    if badge:
        assert f"{badge}</span>" in html


def test_language_switch_leads_to_the_same_profile(client):
    community = CommunityFactory(slug="town-of-chapais")
    html = client.get(community.get_absolute_url()).content.decode()
    assert 'href="/fr/cohortes/collectivites/town-of-chapais/" lang="fr" hreflang="fr"' in html


def test_unknown_profile_is_404(client):
    assert client.get(url("cohorts:community", slug="nowhere")).status_code == 404


def test_map_page_carries_one_point_per_placed_community(client):
    first, second = CohortFactory(label="2021/22"), CohortFactory(label="2022/23")
    CommunityFactory(name_en="City of A", cohorts=[first])
    CommunityFactory(name_en="City of B", cohorts=[first, second])
    CommunityFactory(name_en="City of C", latitude=None, longitude=None, cohorts=[second])
    CommunityFactory(
        name_en="Town of D", province="XX", latitude=None, longitude=None, cohorts=[second]
    )
    response = client.get(url("cohorts:map"))
    html = response.content.decode()
    config = json.loads(
        html.split('<script id="map-config" type="application/json">')[1].split("</script>")[0]
    )
    assert [point["label"] for point in config["points"]] == [
        "City of A, Quebec, cohort 2021/22",
        "City of B, Quebec, cohort 2021/22, 2022/23",
        "City of C, Quebec, cohort 2022/23 (approximate position)",
    ]
    # A community with no position is shown in the middle of its province, not left out.
    assert (config["points"][2]["lat"], config["points"][2]["lng"]) == (52.9, -72.5)
    assert [(g["label"], g["colour"], g["shape"]) for g in config["groups"]] == [
        ("2021/22", "#0b5394", "circle"),
        ("2022/23", "#a34000", "square"),
    ]
    assert config["tiles"] == {"url": "", "attribution": ""}
    assert "Cohort 2021/22 (2 communities)" in html
    assert (
        "1 community has no exact position yet and is shown in the middle of its province or "
        "territory." in html
    )
    assert "1 community has no position yet and is not shown on the map." in html
    assert 'src="/static/vendor/leaflet/leaflet.js"' in html
    assert 'data-outline-url="/static/vendor/world-atlas/countries-50m.json"' in html


def test_map_tile_server_is_configurable(client, settings):
    settings.COHORTS_MAP_TILE_URL = "https://tiles.example/{z}/{x}/{y}.png"
    html = client.get(url("cohorts:map")).content.decode()
    assert '"url": "https://tiles.example/{z}/{x}/{y}.png"' in html


def test_map_library_and_outline_are_served_by_the_portal(client):
    for path in (
        "/static/vendor/leaflet/leaflet.js",
        "/static/vendor/leaflet/leaflet.css",
        "/static/vendor/topojson-client/topojson-client.min.js",
        "/static/vendor/world-atlas/countries-50m.json",
        "/static/cohorts/map.js",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        b"".join(response.streaming_content)


def test_programme_page(client):
    ProgrammeSessionFactory(title_en="Circular economy foundations")
    group = ActionGroupFactory(name_en="Circular food systems", description_en="<p>Food.</p>")
    group.communities.add(CommunityFactory(name_en="City of Kelowna"))
    AdvisorFactory(name="Jordan Lee")
    ProgrammePartnerFactory(name_en="RECYC-QUÉBEC")
    html = client.get(url("cohorts:programme")).content.decode()
    for text in (
        "Circular economy foundations",
        "Circular food systems",
        "City of Kelowna",
        "Jordan Lee",
        "RECYC-QUÉBEC",
    ):
        assert text in html


INTEREST = {
    "contact_name": "Marie-Ève Gagnon",
    "email": "eve@rimouski.ca",
    "job_title": "Conseillère en environnement",
    "government_name": "Ville de Rimouski",
    "government_kind": "city",
    "province": "QC",
    "population": "48000",
    "motivation": "Réduire les déchets.",
    "privacy_consent": "on",
}


def test_interest_form_sends_and_redirects(client, settings, django_capture_on_commit_callbacks):
    settings.PEERNET_STAFF_EMAILS = ["staff@peernet.example"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("cohorts:interest", "fr"), INTEREST)
    assert response.status_code == 302
    assert response["Location"] == "/fr/cohortes/participer/envoyee/"
    interest = ExpressionOfInterest.objects.get()
    assert (interest.government_name, interest.language, interest.population) == (
        "Ville de Rimouski",
        "fr",
        48000,
    )
    assert sorted(OutboxMessage.objects.values_list("to_email", "language")) == [
        ("eve@rimouski.ca", "fr"),
        ("staff@peernet.example", "en"),
    ]
    page = client.get(response["Location"])
    assert "Merci : votre manifestation d’intérêt a été envoyée" in page.content.decode()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "not-an-address", "Enter a valid email address."),
        ("contact_name", "<script>alert(1)</script>", "This field cannot contain &lt; or &gt;."),
        (
            "government_kind",
            "other",
            "Select a valid choice. other is not one of the available choices.",
        ),
        ("province", "XX", "Select a valid choice. XX is not one of the available choices."),
        ("population", "-5", "Ensure this value is greater than or equal to 1."),
        ("motivation", "x" * 3001, "Ensure this value has at most 3000 characters (it has 3001)."),
        ("motivation", "bad \x00 byte", "Null characters are not allowed."),
        ("motivation", "bell \x07", "This text contains control characters; please type it again."),
        ("privacy_consent", "", "You must agree to the privacy notice to send this request."),
    ],
)
def test_interest_form_errors_are_shown_by_the_field_with_400(client, field, value, message):
    data = INTEREST | {field: value}
    response = client.post(url("cohorts:interest"), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    assert f'id="error_1_id_{field}"' in html
    assert ExpressionOfInterest.objects.count() == 0
    assert OutboxMessage.objects.count() == 0


def test_interest_form_takes_text_pasted_with_invisible_characters(client):
    """Soft hyphens, zero-width spaces and byte-order marks come with text copied from a word
    processor: they are removed, and a line separator never reaches a one-line field."""
    data = INTEREST | {
        "contact_name": "Marie-\u00adÈve Gagnon\ufeff",
        "government_name": "Ville de\u2028Rimouski",
        "motivation": "Réduire\u200b les dé\u00adchets.\u2029Et le gaspillage.",
    }
    response = client.post(url("cohorts:interest", "fr"), data)
    assert response.status_code == 302
    interest = ExpressionOfInterest.objects.get()
    assert interest.contact_name == "Marie-Ève Gagnon"
    assert interest.government_name == "Ville de Rimouski"
    assert interest.motivation == "Réduire les déchets.\nEt le gaspillage."


@pytest.mark.parametrize("value", ["Ville \u202eedocsim", "Ville\x85Bcc: x@example.com"])
def test_interest_form_still_refuses_direction_overrides_and_control_characters(client, value):
    response = client.post(url("cohorts:interest"), INTEREST | {"government_name": value})
    assert response.status_code == 400
    assert ExpressionOfInterest.objects.count() == 0


def test_interest_form_errors_in_french(client):
    response = client.post(url("cohorts:interest", "fr"), INTEREST | {"privacy_consent": ""})
    assert response.status_code == 400
    assert "Vous devez accepter l’avis de confidentialité pour envoyer cette demande." in (
        response.content.decode()
    )


def _communities(count):
    first, second = CohortFactory(), CohortFactory()
    communities = [
        CommunityFactory(cohorts=[first] if index % 2 else [first, second])
        for index in range(count)
    ]
    PartnerGovernmentFactory.create_batch(2, community=communities[0])
    ActionGroupFactory().communities.add(*communities)
    return communities


# The pages' own queries (they read outside the request's transaction) ...
QUERIES = {"cohorts:list": 4, "cohorts:map": 3, "cohorts:community": 4, "cohorts:programme": 5}
# ... and, for a page kept for anonymous visitors, the two that bound how long it is kept.
KEEPING = 2


@pytest.mark.parametrize("count", [25, 500])
@pytest.mark.parametrize("name", sorted(QUERIES))
def test_pages_run_a_constant_number_of_queries(client, django_assert_num_queries, name, count):
    communities = _communities(count)
    ProgrammeSessionFactory.create_batch(3)
    AdvisorFactory.create_batch(3)
    ProgrammePartnerFactory.create_batch(3)
    kwargs = {"slug": communities[0].slug} if name == "cohorts:community" else {}
    address = url(name, **kwargs)
    with django_assert_num_queries(QUERIES[name] + KEEPING):
        response = client.get(address)
    assert response.status_code == 200
    if name == "cohorts:list":
        assert (
            response.content.decode().count('class="card h-100 community-card"')
            == count + count // 2 + count % 2
        )


@pytest.mark.parametrize("count", [25, 500])
def test_filtered_list_runs_the_same_number_of_queries(client, django_assert_num_queries, count):
    _communities(count)
    with django_assert_num_queries(QUERIES["cohorts:list"]):
        response = client.get(
            url("cohorts:list"), {"q": "example", "province": "QC", "roadmap": "en"}
        )
    assert response.status_code == 200


def test_interest_form_cannot_flood_one_address(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        answers = [
            client.post(
                url("cohorts:interest", "en"),
                {**INTEREST, "government_name": f"Ville de Rimouski {n}", "motivation": f"{n}"},
            ).status_code
            for n in range(5)
        ]
    assert answers == [302, 302, 302, 429, 429]
    assert OutboxMessage.objects.filter(to_email="eve@rimouski.ca").count() == 3
    other = client.post(url("cohorts:interest", "fr"), {**INTEREST, "email": "autre@rimouski.ca"})
    assert other.status_code == 302


def test_interest_form_limits_one_client(client):
    answers = [
        client.post(url("cohorts:interest", "fr"), {**INTEREST, "email": "not-an-address"})
        for _ in range(11)
    ]
    assert [a.status_code for a in answers] == [400] * 10 + [429]
    assert "Trop de demandes" in answers[-1].content.decode()
