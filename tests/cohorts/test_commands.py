"""The import_communities and demo_cohorts management commands."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from cohorts.models import ActionGroup, Community, ProgrammePartner, ProgrammeSession

pytestmark = [pytest.mark.unit, pytest.mark.django_db]

CSV = Path(__file__).resolve().parents[2] / "cohorts" / "data" / "ccri_communities.csv"


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue().strip()


def test_import_communities_twice_changes_nothing():
    assert run("import_communities", str(CSV)) == (
        "Communities: 25 created, 0 updated, 0 unchanged; cohorts created: 2."
    )
    snapshot = list(Community.objects.order_by("pk").values())
    assert run("import_communities", str(CSV)) == (
        "Communities: 0 created, 0 updated, 25 unchanged; cohorts created: 0."
    )
    assert list(Community.objects.order_by("pk").values()) == snapshot


def test_import_communities_finds_the_bundled_file_from_a_relative_path(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    run("import_communities", "cohorts/data/ccri_communities.csv")
    assert Community.objects.count() == 25


def test_import_communities_reports_a_missing_file():
    with pytest.raises(CommandError, match="No such file: /nowhere.csv"):
        call_command("import_communities", "/nowhere.csv")


def test_import_communities_reports_a_bad_row(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("name_en,name_fr,cohort,province\nTown of X,Ville de X,2021/22,ZZ\n")
    with pytest.raises(CommandError, match=r"bad.csv:2: unknown province 'ZZ'"):
        call_command("import_communities", str(path))


def test_demo_cohorts_twice_changes_nothing():
    run("import_communities", str(CSV))
    assert run("demo_cohorts") == "Programme demo content loaded; 25 descriptions filled."
    counts = (
        ProgrammeSession.objects.count(),
        ActionGroup.objects.count(),
        ProgrammePartner.objects.count(),
    )
    assert counts == (3, 2, 4)
    snapshot = list(Community.objects.order_by("pk").values())
    assert run("demo_cohorts") == "Programme demo content loaded; 0 descriptions filled."
    assert list(Community.objects.order_by("pk").values()) == snapshot
    assert counts == (
        ProgrammeSession.objects.count(),
        ActionGroup.objects.count(),
        ProgrammePartner.objects.count(),
    )


def test_every_community_has_descriptions_in_both_languages_after_the_demo():
    run("import_communities", str(CSV))
    run("demo_cohorts")
    assert not Community.objects.filter(description_en="").exists()
    assert not Community.objects.filter(description_fr="").exists()
