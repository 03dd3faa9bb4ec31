"""French wording that addresses members without assuming they are men.

Members are told « Je participerai », « Serez-vous des nôtres? »: sentences that agree with
nobody, rather than « présent » or the bracketed « présent(e) ». The compiled catalogues are
what members read, so they are what is checked, every translation of every app.
"""

import gettext
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = sorted(
    path
    for path in ROOT.glob("**/locale/fr/LC_MESSAGES/django.mo")
    if ".venv" not in path.parts and "node_modules" not in path.parts
)

# « présent(e) », « inscrit·e », « invité.e.s », « connecté-e »: a word written for two.
BRACKETED = re.compile(r"\w\((e|es|s)\)|\w·e|\w\.e\.?s?\b|\w-e\b", re.IGNORECASE)

# A member told what they are, in one gender: « vous serez présent », « je serai absente »,
# « vous êtes invité », « pour vous seul », « soyez le premier ».
MASCULINE = re.compile(
    r"\b(serai|serez|sera|êtes|suis|soyez|étiez|seriez|restez)(-vous)?\s+"
    r"((présent|absent|invité|inscrit|seul|prêt|sûr|certain|connecté|intéressé)e?s?|"
    r"le premier|la première)\b"
    r"|\bpour vous seule?s?\b",
    re.IGNORECASE,
)

ANSWERS = {
    "I will attend": "Je participerai",
    "I will not attend": "Je ne participerai pas",
    "I will attend:": "Je participerai :",
    "I will not attend:": "Je ne participerai pas :",
    "Confirm: I will attend": "Confirmer : je participerai",
    "Confirm: I will not attend": "Confirmer : je ne participerai pas",
}


def _translations() -> list[tuple[str, str, str]]:
    """(catalogue, msgid, msgstr) of every translation, plural forms included."""
    found = []
    for path in CATALOGUES:
        with path.open("rb") as file:
            catalogue = gettext.GNUTranslations(file)
        for key, value in catalogue._catalog.items():
            msgid = key[0] if isinstance(key, tuple) else key
            if msgid:
                found.append((str(path.relative_to(ROOT)), msgid, value))
    return found


def test_the_catalogues_are_compiled():
    # The project's catalogue and one per app; a missing one would make the checks pass empty.
    assert {path.parts[0] for path in (p.relative_to(ROOT) for p in CATALOGUES)} >= {
        "locale",
        "members",
        "meetings",
        "cohorts",
    }


def test_no_french_word_is_written_for_two_genders():
    offending = [entry for entry in _translations() if BRACKETED.search(entry[2])]
    assert offending == []


def test_no_french_sentence_tells_a_member_what_they_are_in_one_gender():
    offending = [entry for entry in _translations() if MASCULINE.search(entry[2])]
    assert offending == []


@pytest.mark.parametrize(
    "text",
    [
        "Serez-vous présent? Chaque lien ouvre une page.",
        "Je serai présent",
        "Merci : vous serez présente à la rencontre.",
        "Vous êtes invité à la rencontre.",
        "Le lien est pour vous seul.",
        "Aucun thème. Soyez le premier.",
        "Êtes-vous sûr de vouloir partir?",
    ],
)
def test_the_checks_catch_gendered_wording(text):
    assert MASCULINE.search(text) or BRACKETED.search(text)


@pytest.mark.parametrize(
    "text",
    ["Êtes-vous sûr(e) ?", "Vous êtes déconnecté(e).", "inscrit·e", "invité.e.s"],
)
def test_the_checks_catch_words_written_for_two(text):
    assert BRACKETED.search(text)


@pytest.mark.parametrize(
    "text",
    [
        "Serez-vous des nôtres? Chaque lien ouvre une page.",
        "Je participerai",
        "Cette présentation est longue.",
        "Son jeton de sécurité était absent ou expiré.",
        "Nous vous invitons à la rencontre.",
        "Sélectionnez un seul thème.",
        "Mise à jour : rencontre (mercredi 5 mars 2031)",
    ],
)
def test_the_checks_leave_neutral_wording_alone(text):
    assert not MASCULINE.search(text)
    assert not BRACKETED.search(text)


def test_answers_and_invitations_read_the_same_for_everyone():
    with translation.override("fr"):
        for english, french in ANSWERS.items():
            assert translation.gettext(english) == french
        assert translation.gettext(
            "Will you attend? Each link opens a page where you confirm your answer:"
        ).startswith("Serez-vous des nôtres? ")
        assert translation.gettext("You are invited to the network's meeting “%(title)s”.") == (
            "Nous vous invitons à la rencontre du réseau « %(title)s »."
        )
        assert translation.gettext("Attending") == "Participation confirmée"
        assert translation.gettext("Not attending") == "Participation déclinée"


# --- One way of writing a meeting's time, on every page ----------------------------------------


def _page_text(client, name, **kwargs) -> str:
    from django.urls import reverse

    html = client.get(reverse(name, **kwargs)).content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize(
    ("language", "when"),
    [
        ("fr", "mardi 23 décembre 2031, 14 h 00 – 15 h 00 (heure de l’Est)"),
        ("en", "Tuesday, December 23, 2031, 2:00 p.m. – 3:00 p.m. (Eastern time)"),
    ],
)
def test_home_and_registration_pages_write_the_time_as_the_meeting_page(
    language, when, client, db, settings
):
    from datetime import datetime, timedelta

    from tests.meetings.factories import MeetingFactory

    settings.PEERNET_PAGE_CACHE_SECONDS = 0
    starts_at = datetime(2031, 12, 23, 14, tzinfo=ZoneInfo("America/Toronto"))
    meeting = MeetingFactory(starts_at=starts_at, ends_at=starts_at + timedelta(hours=1))

    with translation.override(language):
        detail = _page_text(client, "meetings:detail", args=[meeting.pk])
        home = _page_text(client, "home")
        register = _page_text(client, "members:register")
        title = meeting.title
    assert when in detail
    assert f"{title} — {when}" in home
    assert when in register
    if language == "fr":
        assert "14:00" not in home + register
        assert "23 décembre 2031 14" not in home + register


# allauth's own French, as the portal shows it (peernet/locale_overrides reads first).
ACCOUNT_TEXTS = [
    "Are you sure you want to sign out?",
    "You have signed out.",
    "You are already logged in as %(user_display)s.",
    "Stay Signed In",
    "Are you sure?",
    "You are about to deactivate authenticator app based authentication. Are you sure?",
]


@pytest.mark.parametrize("msgid", ACCOUNT_TEXTS)
def test_the_account_pages_speak_to_everyone_in_french(msgid):
    with translation.override("fr"):
        shown = translation.gettext(msgid)
    assert shown != msgid, "not translated"
    assert not BRACKETED.search(shown), shown
    assert not re.search(r"\b(connecté|déconnecté|sûr)e?s?\b", shown), shown
