"""The text rules of peernet/text.py: what forms refuse, what is removed from pasted text, how
line breaks are read, and how text is folded for comparison and search."""

import pytest

from peernet import text

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("value", "refused"),
    [
        ("Sḵwx̱wú7mesh", False),
        ("Kanien'kehá:ka", False),
        ("می\u200cخواهم", False),  # the non-joiner Persian needs inside a word
        ("👩\u200d💻", False),  # the joiner of an emoji sequence
        ("Ville\u00a0de Québec", False),  # a no-break space is visible as a space
        ("Alice\u202eecilA", True),  # a direction override
        ("Alice\u2066", True),  # a direction isolate
        ("Alice\nBob", True),
        ("Alice\tBob", True),
        ("Alice\u2028Bob", True),
        ("Alice\u2029Bob", True),
        ("Alice\u0085Bob", True),  # NEL, a C1 control
        ("Alice\x00", True),
        ("Alice\ue000", True),  # private use
        ("Alice\u0378", True),  # unassigned
    ],
)
def test_one_line_of_typed_text_refuses_line_breaks_and_invisible_characters(value, refused):
    assert text.contains_characters_refused_in_a_line(value) is refused


@pytest.mark.parametrize(
    ("value", "refused"),
    [
        ("First line\r\nsecond line\n\tindented", False),
        ("Paragraph\u2028separator", False),
        ("Word\u200cjoined", False),
        ("Bell\x07", True),
        ("Escape\x1b[31m", True),
        ("Override\u202e", True),
        ("Zero\u200bwidth", True),
        ("Form\x0cfeed", True),
    ],
)
def test_paragraphs_keep_their_line_breaks_and_tabs_only(value, refused):
    assert text.contains_characters_refused_in_paragraphs(value) is refused


@pytest.mark.parametrize(
    ("value", "refused"),
    [
        ("correct horse battery staple", False),
        ("pass\u202eword", False),  # a format character misleads nobody in a password
        ("pass\u200dword", False),
        ("pass\x00word", True),
        ("pass\nword", True),
        ("pass\x9bword", True),
    ],
)
def test_secrets_refuse_control_characters_only(value, refused):
    assert text.contains_control_characters(value) is refused


@pytest.mark.parametrize(
    ("value", "expected"),
    [("Sḵwx̱wú7mesh", True), ("ᐃᓄᒃᑎᑐᑦ", True), ("7-1:'", False), ("", False)],
)
def test_a_letter_in_any_script_counts(value, expected):
    assert text.contains_a_letter(value) is expected


def test_pasted_text_loses_the_invisible_characters_copying_leaves():
    pasted = "\ufeffSaint\u00ad-Jé\u200brôme\u200e\u200f\u2060"
    assert text.pasted_invisible_removed(pasted) == "Saint-Jérôme"


def test_pasted_text_keeps_joiners_and_direction_overrides_for_the_validators():
    assert text.pasted_invisible_removed("a\u200cb\u200dc\u202ed") == "a\u200cb\u200dc\u202ed"


def test_unicode_separators_become_the_replacement_and_other_breaks_stay():
    value = "one\u2028two\u2029three\nfour"
    assert text.unicode_separators_replaced(value, " ") == "one two three\nfour"
    assert text.unicode_separators_replaced(value, "\n") == "one\ntwo\nthree\nfour"


def test_line_breaks_unified_makes_every_break_lf_and_drops_other_controls():
    value = "a\r\nb\rc\x0bd\x0ce\x1cf\x85g\u2028h\u2029i\tj\x00k\x1b\x7f\x9fl\u200d"
    assert text.line_breaks_unified(value) == "a\nb\nc\nd\ne\nf\ng\nh\ni\tjkl\u200d"


def test_line_breaks_unified_reads_crlf_as_one_break():
    assert text.line_breaks_unified("a\r\n\r\nb") == "a\n\nb"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("  Weekly\r\n\tmeeting  ", "Weekly meeting"),
        ("Esc\x1bape\x7f", "Esc ape"),
        ("Line\u2028separator\x85next", "Line separator next"),
        ("Word\u200djoined\u202e", "Word\u200djoined\u202e"),  # format characters stay
        ("", ""),
    ],
)
def test_one_line(value, expected):
    assert text.one_line(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Réunion\x1b[31m\x7f du\u2028mois\x85", "Réunion [31m du mois"),
        ("Hello\r\n\tBcc: x@example.com", "Hello Bcc: x@example.com"),
        ("Sḵwx̱wú7mesh\u00a0—\u200bmeeting", "Sḵwx̱wú7mesh — meeting"),
        ("Word\u200djoined\u202eoverride", "Word joined override"),
    ],
)
def test_visible_line_keeps_only_visible_characters(value, expected):
    assert text.visible_line(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Côté", "cote"),
        ("Co\u0302te\u0301", "cote"),  # decomposed as some keyboards send it
        ("Sḵwx̱wú7mesh", "skwxwu7mesh"),
        ("STRASSE Straße", "strasse strasse"),
        ("ﬁnance", "finance"),  # compatibility forms
        ("St. John’s", "st. john’s"),
    ],
)
def test_fold_ignores_case_accents_and_decomposition(value, expected):
    assert text.fold(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("St. John’s", "st. john's"),
        ("Saint\u2011Jérôme", "saint-jerome"),
        ("Ville de Montréal", "ville de montreal"),
        ("Kanien\u02bckehá\u2014ka", "kanien'keha-ka"),
    ],
)
def test_search_fold_also_types_apostrophes_and_dashes_in_ascii(value, expected):
    assert text.search_fold(value) == expected
