"""The member's data export as CSV: one file of section, field and value rows that says what
the JSON says, with headers in the member's language and formula-safe cells."""

import csv
import io
import json

import pytest
from django.urls import reverse
from django.utils import translation

from members.data_export import member_data_rows
from tests.members.factories import MemberFactory

pytestmark = [pytest.mark.unit, pytest.mark.django_db]


def download(client, name, language="en"):
    with translation.override(language):
        address = reverse(name)
    return client.get(address)


def csv_rows(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_nested_data_becomes_one_row_per_value():
    data = {
        "account": {"email": "a@gatineau.ca", "last_login": None},
        "registration": {"wants_interpretation": True, "history": [{"to": "submitted"}]},
        "meetings": [],
    }
    assert member_data_rows(data) == [
        ("account", "email", "a@gatineau.ca"),
        ("account", "last_login", None),
        ("registration", "wants_interpretation", "true"),
        ("registration", "history.1.to", "submitted"),
        ("meetings", "", ""),
    ]


@pytest.mark.parametrize(
    ("language", "header"),
    [("en", ["section", "field", "value"]), ("fr", ["section", "champ", "valeur"])],
)
def test_the_csv_says_what_the_json_says(client, language, header):
    member = MemberFactory(
        user__email="s@squamish.net",
        user__first_name="Sḵwx̱wú7mesh",
        job_title='=HYPERLINK("https://evil.example")',
        wants_interpretation=False,
    )
    client.force_login(member.user)
    response = download(client, "members:data_export_csv", language)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="peernet-my-data.csv"'
    assert "no-store" in response["Cache-Control"]
    rows = csv_rows(response)
    assert rows[0] == header
    assert ["account", "email", "s@squamish.net"] in rows
    assert ["account", "first_name", "Sḵwx̱wú7mesh"] in rows
    assert ["registration", "job_title", '\'=HYPERLINK("https://evil.example")'] in rows
    assert ["registration", "wants_interpretation", "false"] in rows
    assert ["registration", "privacy_notice_version", member.privacy_notice_version] in rows
    exported = json.loads(download(client, "members:data_export").content.decode("utf-8"))
    assert {row[0] for row in rows[1:]} == set(exported)


def test_the_csv_holds_nothing_of_others(client):
    member = MemberFactory(user__email="me@gatineau.ca")
    MemberFactory(user__email="other@gatineau.ca")
    client.force_login(member.user)
    assert "other@gatineau.ca" not in download(client, "members:data_export_csv").content.decode()


def test_the_csv_export_requires_sign_in(client):
    assert download(client, "members:data_export_csv").status_code == 302


@pytest.mark.parametrize(
    ("language", "links"),
    [
        ("en", ["Download my data (JSON)", "Download my data (CSV)", "/en/me/my-data.csv"]),
        (
            "fr",
            [
                "Télécharger mes données (JSON)",
                "Télécharger mes données (CSV)",
                "/fr/mon-espace/mes-donnees.csv",
            ],
        ),
    ],
)
def test_the_member_page_offers_both_formats(client, language, links):
    member = MemberFactory()
    client.force_login(member.user)
    html = download(client, "members:home", language).content.decode()
    for words in links:
        assert words in html
