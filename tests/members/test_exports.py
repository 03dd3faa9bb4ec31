"""The review queue's exports: the requests, their history and the members among them, as CSV
and XLSX, exactly as the queue lists them with its filters and search."""

import csv
import io
from datetime import datetime

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.http import FileResponse, StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from members import services
from members.admin import RegistrationAdmin
from members.choices import RegistrationStatus
from members.models import RegistrationEvent
from peernet.spreadsheets import EASTERN
from tests.members.factories import (
    MemberFactory,
    RegistrationFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.unit

HOSTILE = [
    '=HYPERLINK("https://evil.example","Click")',
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
    "＝SUM(1)",
    " =1+1",
]


def export_url(kind, file_format, query="", language="en"):
    with translation.override(language):
        url = reverse(
            "admin:members_registration_export", kwargs={"kind": kind, "file_format": file_format}
        )
    return url + query


def csv_rows(response):
    assert isinstance(response, StreamingHttpResponse)
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def xlsx_sheet(response):
    assert isinstance(response, FileResponse)
    # Reading the content to its end closes the response, as a WSGI server would.
    data = b"".join(response.streaming_content)
    return load_workbook(io.BytesIO(data)).active


def xlsx_values(response):
    return [list(row) for row in xlsx_sheet(response).iter_rows(values_only=True)]


def person(email, *, last_name, status=RegistrationStatus.PENDING, **fields):
    factory = MemberFactory if status == RegistrationStatus.APPROVED else RegistrationFactory
    return factory(
        user=UserFactory(email=email, first_name="Amélie", last_name=last_name),
        status=status,
        **fields,
    )


def test_the_requests_export_is_the_filtered_and_searched_queue_on_every_page(
    staff_client, monkeypatch
):
    monkeypatch.setattr(RegistrationAdmin, "list_per_page", 2)
    for number in range(3):
        person(f"match{number}@gatineau.ca", last_name=f"Côté{number}")
    person("other@calgary.ca", last_name="Calgary", organisation_name="City of Calgary")
    person("member@gatineau.ca", last_name="Approved", status=RegistrationStatus.APPROVED)
    query = "?status__exact=pending&q=gatineau&o=-1&p=2"
    rows = csv_rows(staff_client.get(export_url("registrations", "csv", query)))
    assert rows[0][:4] == ["Last name", "First name", "E-mail", "Organisation"]
    # Every page of the list, in its order (name, descending), and nothing it leaves out.
    assert [row[2] for row in rows[1:]] == [
        "match2@gatineau.ca",
        "match1@gatineau.ca",
        "match0@gatineau.ca",
    ]
    sheet_rows = xlsx_values(staff_client.get(export_url("registrations", "xlsx", query)))
    assert [row[2] for row in sheet_rows[1:]] == [row[2] for row in rows[1:]]


def test_a_request_row_says_everything_the_reviewer_decided(staff_client):
    reviewer = StaffFactory(email="reviewer@peernet.example")
    registration = person(
        "amelie@gatineau.ca",
        last_name="Côté",
        wants_interpretation=True,
        submitted_at=datetime(2026, 1, 5, 9, 30, tzinfo=EASTERN),
        email_confirmed_at=datetime(2026, 1, 5, 9, 45, tzinfo=EASTERN),
    )
    registration.flags.create(code="webmail")
    services.registration_reject(
        registration=registration, reviewer=reviewer, reason="Not a local government."
    )
    registration.refresh_from_db()
    rows = csv_rows(staff_client.get(export_url("registrations", "csv")))
    header, row = rows[0], rows[1]
    record = dict(zip(header, row, strict=True))
    assert record["Last name"] == "Côté"
    assert record["Kind of organisation"] == "City"
    assert record["Province or territory"] == "Quebec"
    assert record["French interpretation"] == "Yes"
    assert record["Status"] == "Rejected"
    assert record["Eligibility flags"] == "Personal webmail address"
    assert record["Submitted (Eastern time)"] == "2026-01-05 09:30"
    assert record["E-mail confirmed (Eastern time)"] == "2026-01-05 09:45"
    assert record["Decided (Eastern time)"] == registration.decided_at.astimezone(EASTERN).strftime(
        "%Y-%m-%d %H:%M"
    )
    assert record["Decided by"] == "reviewer@peernet.example"
    assert record["Reason"] == "Not a local government."

    sheet = xlsx_sheet(staff_client.get(export_url("registrations", "xlsx")))
    cells = {header.value: cell for header, cell in zip(sheet[1], sheet[2], strict=True)}
    # Dates are real dates in Eastern time, numbers are numbers.
    assert cells["Submitted (Eastern time)"].value == datetime(2026, 1, 5, 9, 30)
    assert cells["Submitted (Eastern time)"].is_date
    assert isinstance(cells["Days waiting"].value, int)
    assert cells["French interpretation"].value == "Yes"


def test_the_headers_and_words_are_in_the_staff_members_language(staff_client):
    person("amelie@gatineau.ca", last_name="Côté", wants_interpretation=False)
    rows = csv_rows(staff_client.get(export_url("registrations", "csv", language="fr")))
    assert rows[0][:4] == ["Nom de famille", "Prénom", "Courriel", "Organisation"]
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["Statut"] == "En attente d’examen"
    assert record["Interprétation en français"] == "Non"
    assert record["Province ou territoire"] == "Québec"
    sheet = xlsx_values(staff_client.get(export_url("registrations", "xlsx", language="fr")))
    assert sheet[0] == rows[0]


def test_file_names_say_what_when_and_in_which_language(staff_client):
    response = staff_client.get(export_url("registrations", "csv", language="fr"))
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="registrations-20')
    assert disposition.endswith('-fr.csv"')
    response = staff_client.get(export_url("history", "xlsx"))
    assert response["Content-Disposition"].endswith('-en.xlsx"')
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    b"".join(response.streaming_content)


@pytest.mark.parametrize("text", HOSTILE)
def test_no_cell_becomes_a_formula(staff_client, text):
    person("amelie@gatineau.ca", last_name="Côté", organisation_name=text, job_title=text)
    row = csv_rows(staff_client.get(export_url("registrations", "csv")))[1]
    assert row[3] == "'" + text
    sheet = xlsx_sheet(staff_client.get(export_url("registrations", "xlsx")))
    organisation = sheet.cell(row=2, column=4)
    assert organisation.data_type != "f"
    # XML reads a carriage return as a line feed: the text is otherwise as it was typed.
    assert organisation.value == text.replace("\r", "\n")
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_control_characters_are_left_out_of_both_formats(staff_client):
    registration = person("amelie@gatineau.ca", last_name="Côté")
    RegistrationEvent.objects.create(
        registration=registration,
        to_status=RegistrationStatus.PENDING,
        note="Line\x01one\x07\x1b[31m\nline two\x7f\x0b",
    )
    row = csv_rows(staff_client.get(export_url("history", "csv")))[1]
    assert row[-1] == "Lineone[31m\nline two"
    sheet = xlsx_sheet(staff_client.get(export_url("history", "xlsx")))
    assert sheet.cell(row=2, column=sheet.max_column).value == "Lineone[31m\nline two"


def test_the_history_export_holds_each_step_of_the_listed_requests(staff_client):
    reviewer = StaffFactory(email="reviewer@peernet.example")
    registration = person("amelie@gatineau.ca", last_name="Côté")
    RegistrationEvent.objects.create(
        registration=registration,
        from_status=RegistrationStatus.SUBMITTED,
        to_status=RegistrationStatus.PENDING,
        created_at=datetime(2026, 1, 5, 9, 45, tzinfo=EASTERN),
    )
    services.registration_approve(registration=registration, reviewer=reviewer, note="=1+1")
    other = person("other@calgary.ca", last_name="Calgary", organisation_name="City of Calgary")
    RegistrationEvent.objects.create(registration=other, to_status=RegistrationStatus.PENDING)
    rows = csv_rows(staff_client.get(export_url("history", "csv", "?q=gatineau")))
    assert rows[0] == [
        "Last name",
        "First name",
        "E-mail",
        "Organisation",
        "When (Eastern time)",
        "From",
        "To",
        "By",
        "Note",
    ]
    assert [row[2:] for row in rows[1:]] == [
        [
            "amelie@gatineau.ca",
            "City of Gatineau",
            "2026-01-05 09:45",
            "Awaiting e-mail confirmation",
            "Awaiting review",
            "",
            "",
        ],
        [
            "amelie@gatineau.ca",
            "City of Gatineau",
            rows[2][4],
            "Awaiting review",
            "Approved",
            "reviewer@peernet.example",
            "'=1+1",
        ],
    ]
    sheet = xlsx_values(staff_client.get(export_url("history", "xlsx", "?q=gatineau")))
    assert [row[-1] for row in sheet[1:]] == [None, "=1+1"]


def test_the_members_export_holds_only_the_members_of_the_list(staff_client):
    person("member@gatineau.ca", last_name="Member", status=RegistrationStatus.APPROVED)
    left = person("left@gatineau.ca", last_name="Left", status=RegistrationStatus.APPROVED)
    left.user.is_active = False
    left.user.save()
    person("pending@gatineau.ca", last_name="Pending")
    person(
        "calgary@calgary.ca",
        last_name="Calgary",
        organisation_name="City of Calgary",
        status=RegistrationStatus.APPROVED,
    )
    rows = csv_rows(staff_client.get(export_url("members", "csv", "?q=gatineau")))
    assert rows[0][-1] == "Member since (Eastern time)"
    assert [row[2] for row in rows[1:]] == ["member@gatineau.ca"]
    sheet = xlsx_values(staff_client.get(export_url("members", "xlsx", "?q=gatineau")))
    assert [row[2] for row in sheet[1:]] == ["member@gatineau.ca"]


@pytest.mark.parametrize("kind", ["registrations", "history", "members"])
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_staff_without_the_view_permission_get_403(client, db, kind, file_format):
    staff = StaffFactory(is_superuser=False)
    client.force_login(staff)
    assert client.get(export_url(kind, file_format)).status_code == 403
    staff.user_permissions.add(Permission.objects.get(codename="view_registration"))
    response = client.get(export_url(kind, file_format))
    assert response.status_code == 200
    b"".join(response.streaming_content)


def test_members_and_visitors_are_sent_to_the_admins_sign_in(client, db):
    member = MemberFactory().user
    client.force_login(member)
    assert client.get(export_url("registrations", "csv")).status_code == 302


def test_an_unknown_filter_leads_back_to_the_list(staff_client):
    response = staff_client.get(export_url("registrations", "csv", "?nonsense=1"))
    assert response.status_code == 302
    assert response["Location"].endswith("/admin/members/registration/?e=1")


def test_the_queue_links_to_its_exports_with_its_filters(staff_client):
    response = staff_client.get(
        reverse("admin:members_registration_changelist") + "?status__exact=pending&q=a%26b&p=1"
    )
    html = response.content.decode()
    for kind in ("registrations", "history", "members"):
        for file_format in ("csv", "xlsx"):
            assert (
                f'href="{export_url(kind, file_format)}?q=a%26b&amp;status__exact=pending"' in html
            )


def _export_queries(client, kind, file_format) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(export_url(kind, file_format))
        b"".join(response.streaming_content)
    return len(queries)


@pytest.mark.parametrize("kind", ["registrations", "history", "members"])
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_number_of_queries_does_not_grow_with_the_rows(
    staff_client, django_assert_max_num_queries, kind, file_format
):
    reviewer = StaffFactory()

    def add(count, start):
        for number in range(start, start + count):
            registration = person(f"p{number}@gatineau.ca", last_name=f"Côté{number}")
            registration.flags.create(code="webmail")
            services.registration_approve(registration=registration, reviewer=reviewer)

    add(3, 0)
    few = _export_queries(staff_client, kind, file_format)
    add(27, 3)
    with django_assert_max_num_queries(few):
        response = staff_client.get(export_url(kind, file_format))
        rows = b"".join(response.streaming_content)
    if file_format == "csv":
        assert rows.decode("utf-8").count("@gatineau.ca") == 30


def test_a_long_export_streams(staff_client):
    users = UserFactory._meta.model.objects.bulk_create(
        [
            UserFactory.build(email=f"p{number}@gatineau.ca", last_name=f"Côté{number}")
            for number in range(2000)
        ]
    )
    RegistrationFactory._meta.model.objects.bulk_create(
        [RegistrationFactory.build(user=user) for user in users]
    )
    response = staff_client.get(export_url("registrations", "csv"))
    assert response.streaming
    assert isinstance(response, StreamingHttpResponse)
    assert len(csv_rows(response)) == 2001
    response = staff_client.get(export_url("registrations", "xlsx"))
    assert isinstance(response, FileResponse)
    assert len(xlsx_values(response)) == 2001
