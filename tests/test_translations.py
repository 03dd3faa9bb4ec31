"""Every string marked for translation has a French translation, none of them fuzzy.

The catalogues are regenerated from the source in a copy of the tree, so a string added to the
code without a translation fails here even if nobody ran makemessages.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ["manage.py", "peernet", "members", "meetings", "cohorts", "staff", "templates", "locale"]


def _catalogue_problems(po_file: Path) -> list[str]:
    """msgids that are untranslated or fuzzy, read with msgattrib (gettext)."""
    problems = []
    for option, label in (("--untranslated", "untranslated"), ("--only-fuzzy", "fuzzy")):
        result = subprocess.run(
            ["msgattrib", option, "--no-obsolete", "--no-wrap", str(po_file)],
            capture_output=True,
            text=True,
            check=True,
        )
        msgids = [
            line[len('msgid "') : -1]
            for line in result.stdout.splitlines()
            if line.startswith('msgid "') and line != 'msgid ""'
        ]
        problems += [f"{label}: {msgid}" for msgid in msgids]
    return problems


@pytest.fixture(scope="module")
def regenerated_catalogues(tmp_path_factory):
    if shutil.which("msgattrib") is None:
        pytest.fail("gettext (msgattrib, xgettext) is required for the translation check.")
    copy = tmp_path_factory.mktemp("source")
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.exists():
            shutil.copy2(source, copy / name)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "fr", "-v", "0", "--no-obsolete"],
        cwd=copy,
        check=True,
        env={"DJANGO_SETTINGS_MODULE": "peernet.settings.test", "PATH": "/usr/bin:/bin"},
    )
    return copy, sorted(copy.glob("**/locale/fr/LC_MESSAGES/django.po"))


def test_each_app_has_a_french_catalogue(regenerated_catalogues):
    copy, catalogues = regenerated_catalogues
    assert [str(path.relative_to(copy)) for path in catalogues] == [
        f"{home}locale/fr/LC_MESSAGES/django.po"
        for home in ("cohorts/", "", "meetings/", "members/")
    ]


def test_no_untranslated_or_fuzzy_french_string(regenerated_catalogues):
    copy, catalogues = regenerated_catalogues
    problems = {str(path.relative_to(copy)): _catalogue_problems(path) for path in catalogues}
    assert {path: found for path, found in problems.items() if found} == {}
