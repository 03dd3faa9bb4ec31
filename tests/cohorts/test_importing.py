"""The import of communities and cohorts from CSV (cohorts.importing)."""

from decimal import Decimal
from pathlib import Path

import pytest

from cohorts import importing
from cohorts.choices import RoadmapLanguage, RoadmapStatus
from cohorts.models import Cohort, Community, PartnerGovernment
from members.choices import OrganisationKind
from tests.members.factories import KnownOrganisationFactory

from .factories import CommunityFactory

pytestmark = [pytest.mark.unit, pytest.mark.django_db]

CSV = Path(__file__).resolve().parents[2] / "cohorts" / "data" / "ccri_communities.csv"
HEADER = (
    "name_en,name_fr,cohort,province,population,website,roadmap_language,roadmap_status,"
    "joint,latitude,longitude\n"
)


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("City of Calgary", "city"),
        ("Regional County Municipality of La Haute-Yamaska – Town of Granby", "mrc"),
        ("Vancouver Economic Commission – City of Vancouver", "city"),
        ("Region of Peel", "regional_municipality"),
        ("Borough of Outremont", "borough"),
        ("County of Wellington – City of Guelph", "county"),
        ("Something Else", "other"),
    ],
)
def test_kind_from_name(name, kind):
    assert importing.kind_from_name(name) == kind


@pytest.mark.parametrize(
    ("label", "years"),
    [("2021/22", (2021, 2022)), ("2099/00", (2099, 2100)), ("2023/2024", (2023, 2024))],
)
def test_cohort_years(label, years):
    assert importing.cohort_years(label) == years


def test_imported_communities_are_found_by_their_names():
    importing.communities_import(path=CSV)
    chapais = Community.objects.get(slug="town-of-chapais")
    assert chapais.search_text == "qc town of chapais quebec ville de chapais quebec"


def test_import_of_the_bundled_file():
    result = importing.communities_import(path=CSV)
    assert (result.created, result.updated, result.cohorts_created) == (25, 0, 2)
    assert Community.objects.count() == 25
    assert {c.label: c.communities.count() for c in Cohort.objects.all()} == {
        "2021/22": 15,
        "2022/23": 10,
    }
    chapais = Community.objects.get(slug="town-of-chapais")
    assert (chapais.name_fr, chapais.kind, chapais.province, chapais.population) == (
        "Ville de Chapais",
        OrganisationKind.TOWN,
        "QC",
        1609,
    )
    assert (chapais.roadmap_status, chapais.roadmap_language) == (
        RoadmapStatus.PUBLISHED,
        RoadmapLanguage.FR,
    )
    assert (chapais.latitude, chapais.longitude) == (Decimal("49.78100"), Decimal("-74.85400"))
    nanaimo = Community.objects.get(slug="regional-district-of-nanaimo-city-of-nanaimo")
    assert list(nanaimo.partners.values_list("name_en", "name_fr", "kind")) == [
        ("Regional District of Nanaimo", "District régional de Nanaimo", "regional_district"),
        ("City of Nanaimo", "Ville de Nanaimo", "city"),
    ]
    assert Community.objects.get(slug="city-of-st-johns").roadmap_status == "coming_soon"
    assert Community.objects.get(slug="city-of-kelowna").roadmap_status == "none"


def test_import_twice_changes_nothing():
    importing.communities_import(path=CSV)
    before = list(Community.objects.order_by("pk").values())
    partners = list(PartnerGovernment.objects.order_by("pk").values())
    result = importing.communities_import(path=CSV)
    assert (result.created, result.updated, result.unchanged, result.cohorts_created) == (
        0,
        0,
        25,
        0,
    )
    assert list(Community.objects.order_by("pk").values()) == before
    assert list(PartnerGovernment.objects.order_by("pk").values()) == partners


def test_import_updates_facts_but_keeps_what_staff_wrote(tmp_path):
    community = CommunityFactory(
        slug="town-of-canmore", name_en="Canmore", description_en="<p>Staff text.</p>"
    )
    path = tmp_path / "one.csv"
    path.write_text(
        HEADER + "Town of Canmore,Ville de Canmore,2021/22,AB,15990,https://canmore.ca/,en,"
        "published,,51.0892,-115.359\n",
        encoding="utf-8",
    )
    result = importing.communities_import(path=path)
    community.refresh_from_db()
    assert (result.created, result.updated) == (0, 1)
    assert (community.name_en, community.population, community.province) == (
        "Town of Canmore",
        15990,
        "AB",
    )
    assert community.description_en == "<p>Staff text.</p>"


def test_import_links_members_organisations_by_name():
    organisation = KnownOrganisationFactory(name_en="City of Guelph", name_fr="Ville de Guelph")
    importing.communities_import(path=CSV)
    guelph = Community.objects.get(slug="county-of-wellington-city-of-guelph")
    assert list(guelph.organisations.all()) == [organisation]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("Town of X,Ville de X,2021/22,ZZ,,,,none,,,\n", "unknown province 'ZZ'"),
        ("Town of X,Ville de X,21-22,QC,,,,none,,,\n", "cohort label '21-22' is not like 2021/22"),
        ("Town of X,Ville de X,2021/22,QC,many,,,none,,,\n", "population 'many'"),
        ("Town of X,Ville de X,2021/22,QC,,,de,published,,,\n", "unknown roadmap_language 'de'"),
        ("Town of X,Ville de X,2021/22,QC,,,,lost,,,\n", "unknown roadmap_status 'lost'"),
        ("Town of X,Ville de X,2021/22,QC,,,,published,,,\n", "published roadmap"),
    ],
)
def test_a_bad_row_stops_the_import_and_saves_nothing(tmp_path, row, message):
    path = tmp_path / "bad.csv"
    good = "Town of Good,Ville de Good,2021/22,QC,,,,none,,45.1,-73.2\n"
    path.write_text(HEADER + good + row, encoding="utf-8")
    with pytest.raises(importing.CommunityImportError) as caught:
        importing.communities_import(path=path)
    assert f"{path}:3:" in str(caught.value)
    assert message in str(caught.value)
    assert Community.objects.count() == 0
    assert Cohort.objects.count() == 0


def test_import_refuses_a_file_without_the_required_columns(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("name,province\nX,QC\n", encoding="utf-8")
    with pytest.raises(importing.CommunityImportError) as caught:
        importing.communities_import(path=path)
    assert str(caught.value) == f"{path}: missing columns name_en, name_fr, cohort"


def test_descriptions_fill_only_empty_ones(tmp_path):
    importing.communities_import(path=CSV)
    Community.objects.filter(slug="city-of-calgary").update(description_en="<p>Ours.</p>")
    path = Path(__file__).resolve().parents[2] / "cohorts" / "data" / "community_descriptions.csv"
    assert importing.community_descriptions_fill(path=path) == 25
    calgary = Community.objects.get(slug="city-of-calgary")
    assert calgary.description_en == "<p>Ours.</p>"
    assert calgary.description_fr.startswith("<p>Plus grande ville de l'Alberta")
    assert importing.community_descriptions_fill(path=path) == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"\n\n", "the file is empty"),
        (HEADER.encode() + "Ville de Tést,Ville de Tést,2021/22,QC\n".encode("latin-1"), ":2: "),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not UTF-8 text"),
        (HEADER.encode() + b"Town of X,Ville de X,2021/22\n", ":2: fewer values"),
        (HEADER.encode() + b"Town of X, Inc,Ville de X,2021/22,QC,,,,none,,,\n", ":2: more values"),
        (HEADER.encode() + b"Town of X,Ville de X,2030/29,QC,,,,none,,,\n", "years must follow"),
        (
            HEADER.encode()
            + b"Town of X,Ville de X,2021/22,QC,,,,none,,,\nTown of X,Ville X,2021/22,ON,,,,none,,,\n",
            ":3: the same community as line 2",
        ),
    ],
)
def test_a_malformed_file_is_refused_with_a_clear_error_and_nothing_saved(
    tmp_path, content, message
):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(importing.CommunityImportError) as caught:
        importing.communities_import(path=path)
    assert message in str(caught.value)
    assert Community.objects.count() == 0
    assert Cohort.objects.count() == 0


def test_a_file_with_a_byte_order_mark_and_spaced_headers_imports(tmp_path):
    path = tmp_path / "bom.csv"
    header = ", ".join(HEADER.strip().split(",")) + "\n"
    path.write_bytes(
        b"\xef\xbb\xbf" + (header + "Town of X,Ville de X,2021/22,QC,,,,none,,,\n").encode()
    )
    result = importing.communities_import(path=path)
    assert result.created == 1
    assert Community.objects.get().name_fr == "Ville de X"


def test_a_community_renamed_between_imports_is_updated_not_duplicated(tmp_path):
    importing.communities_import(path=CSV)
    yorkton = Community.objects.get(slug="city-of-yorkton")
    path = tmp_path / "renamed.csv"
    path.write_text(
        CSV.read_text(encoding="utf-8").replace("City of Yorkton,", "City of Yorkton (SK),"),
        encoding="utf-8",
    )
    result = importing.communities_import(path=path)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 24)
    assert Community.objects.count() == 25
    yorkton.refresh_from_db()
    assert (yorkton.slug, yorkton.name_en) == ("city-of-yorkton", "City of Yorkton (SK)")
    again = importing.communities_import(path=path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 25)


def test_a_community_no_longer_joint_loses_its_partners(tmp_path):
    importing.communities_import(path=CSV)
    path = tmp_path / "single.csv"
    path.write_text(
        CSV.read_text(encoding="utf-8").replace(
            "2021/22,BC,,https://www.rdn.bc.ca/,en,published,yes,",
            "2021/22,BC,,https://www.rdn.bc.ca/,en,published,,",
        ),
        encoding="utf-8",
    )
    result = importing.communities_import(path=path)
    assert result.updated == 1
    nanaimo = Community.objects.get(slug="regional-district-of-nanaimo-city-of-nanaimo")
    assert nanaimo.partners.count() == 0
    assert importing.communities_import(path=path).unchanged == 25


def test_a_new_community_sharing_a_french_name_does_not_rename_another(tmp_path):
    path = tmp_path / "one.csv"
    path.write_text(HEADER + "City of A,Ville,2021/22,QC,,https://a.example/,,none,,,\n")
    importing.communities_import(path=path)
    for row in (
        "City of B,Ville,2021/22,QC,,https://b.example/,,none,,,\n",
        "City of C,Ville,2021/22,QC,,,,none,,,\n",
    ):
        path.write_text(HEADER + row)
        assert importing.communities_import(path=path).created == 1
    assert sorted(Community.objects.values_list("name_en", flat=True)) == [
        "City of A",
        "City of B",
        "City of C",
    ]


def test_a_cohort_corrected_in_the_file_replaces_the_old_one(tmp_path):
    importing.communities_import(path=CSV)
    path = tmp_path / "moved.csv"
    path.write_text(
        CSV.read_text(encoding="utf-8").replace(
            "Town of Canmore,Ville de Canmore,2021/22,", "Town of Canmore,Ville de Canmore,2022/23,"
        ),
        encoding="utf-8",
    )
    result = importing.communities_import(path=path)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 24)
    canmore = Community.objects.get(slug="town-of-canmore")
    assert list(canmore.cohorts.values_list("label", flat=True)) == ["2022/23"]
    assert importing.communities_import(path=path).unchanged == 25
