"""What the meetings app exports: the meetings section of a member's data export, and for
staff the meetings of the admin list, their attendees and one meeting's attendee list (CSV
and XLSX)."""

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

from meetings import services
from meetings.choices import MeetingStatus, Response
from meetings.exports import member_data
from meetings.models import Invitation
from members.models import User
from tests.meetings.factories import InvitationFactory, MeetingFactory, eastern
from tests.members.factories import MemberFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.unit


def test_the_export_holds_answers_feed_themes_and_votes(member):
    meeting = MeetingFactory(
        title_en="Heat", starts_at=eastern(2030, 5, 1), ends_at=eastern(2030, 5, 1, 14)
    )
    InvitationFactory(meeting=meeting, user=member, response=Response.ACCEPTED)
    token = services.feed_regenerate(user=member).token
    services.theme_suggest(user=member, title="Fleets", language="en")
    name, data = member_data(member)
    assert name == "meetings"
    assert data["invitations"][0]["meeting"] == "Heat"
    assert data["invitations"][0]["answer"] == "accepted"
    assert data["invitations"][0]["starts_at"] == "2030-05-01T17:00:00+00:00"
    assert data["calendar_feed_created_at"] is not None
    assert data["themes_suggested"][0]["title"] == "Fleets"
    assert data["theme_votes"] == ["Fleets"]
    # The feed's secret address is not part of an export file that may be shared.
    assert token not in str(data)


# --- Staff exports: attendance and interpretation requests, CSV and XLSX -----------------------


def meetings_export_url(kind, file_format, query="", language="en"):
    with translation.override(language):
        url = reverse(
            "admin:meetings_meeting_export", kwargs={"kind": kind, "file_format": file_format}
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
    return load_workbook(io.BytesIO(b"".join(response.streaming_content))).active


def xlsx_values(response):
    return [list(row) for row in xlsx_sheet(response).iter_rows(values_only=True)]


def invite(meeting, email, *, last_name="Côté", response=Response.NEEDS_ACTION, **fields):
    user = UserFactory(email=email, first_name="Amélie", last_name=last_name)
    MemberFactory(user=user, organisation_name=fields.pop("organisation_name", "Ville de Gatineau"))
    return InvitationFactory(meeting=meeting, user=user, response=response, **fields)


def test_the_meetings_export_is_the_filtered_and_searched_list_with_its_counts(staff_client):
    heat = MeetingFactory(
        title_en="Heat",
        title_fr="Chaleur",
        starts_at=eastern(2030, 5, 1),
        ends_at=eastern(2030, 5, 1, 14),
    )
    MeetingFactory(title_en="Heat, cancelled", status=MeetingStatus.CANCELLED)
    MeetingFactory(title_en="Floods", theme_en="Rivers", theme_fr="Rivières")
    invite(heat, "a@gatineau.ca", response=Response.ACCEPTED, wants_interpretation=True)
    invite(heat, "b@gatineau.ca", response=Response.DECLINED, wants_interpretation=True)
    invite(heat, "c@gatineau.ca", response=Response.TENTATIVE)
    invite(heat, "d@gatineau.ca")
    query = "?status__exact=scheduled&q=heat"
    rows = csv_rows(staff_client.get(meetings_export_url("meetings", "csv", query)))
    assert rows == [
        [
            "Meeting",
            "Theme",
            "Starts (Eastern time)",
            "Ends (Eastern time)",
            "Status",
            "French interpretation offered",
            "Invited",
            "Attending",
            "Not attending",
            "Maybe",
            "No answer",
            "Interpretation requested",
        ],
        [
            "Heat",
            "Heat waves",
            "2030-05-01 13:00",
            "2030-05-01 14:00",
            "Scheduled",
            "Yes",
            "4",
            "1",
            "1",
            "1",
            "1",
            "1",
        ],
    ]
    sheet = xlsx_values(staff_client.get(meetings_export_url("meetings", "xlsx", query)))
    assert sheet[1] == [
        "Heat",
        "Heat waves",
        datetime(2030, 5, 1, 13, 0),
        datetime(2030, 5, 1, 14, 0),
        "Scheduled",
        "Yes",
        4,
        1,
        1,
        1,
        1,
        1,
    ]
    assert len(sheet) == 2


def test_the_meetings_export_speaks_the_staff_members_language(staff_client):
    MeetingFactory(title_en="Heat", title_fr="Chaleur", has_interpretation=False)
    rows = csv_rows(staff_client.get(meetings_export_url("meetings", "csv", language="fr")))
    assert rows[0][:3] == ["Rencontre", "Thème", "Début (heure de l’Est)"]
    assert rows[1][0] == "Chaleur"
    assert rows[1][5] == "Non"
    sheet = xlsx_values(staff_client.get(meetings_export_url("meetings", "xlsx", language="fr")))
    assert sheet[0] == rows[0]
    assert sheet[1][0] == "Chaleur"


def test_the_attendees_export_lists_everyone_invited_to_the_listed_meetings(staff_client):
    first = MeetingFactory(
        title_en="Heat", starts_at=eastern(2030, 5, 1), ends_at=eastern(2030, 5, 1, 14)
    )
    second = MeetingFactory(
        title_en="Heat again", starts_at=eastern(2030, 9, 1), ends_at=eastern(2030, 9, 1, 14)
    )
    other = MeetingFactory(title_en="Floods", theme_en="Rivers", theme_fr="Rivières")
    invite(second, "z@gatineau.ca", last_name="Zhang", response=Response.ACCEPTED)
    invite(first, "b@gatineau.ca", last_name="Bérubé", response=Response.DECLINED)
    invite(
        first,
        "a@gatineau.ca",
        last_name="Arcand",
        response=Response.ACCEPTED,
        wants_interpretation=True,
    )
    invite(other, "f@gatineau.ca", last_name="Floods")
    rows = csv_rows(staff_client.get(meetings_export_url("attendees", "csv", "?q=heat")))
    assert rows[0] == [
        "Meeting",
        "Starts (Eastern time)",
        "Last name",
        "First name",
        "E-mail",
        "Organisation",
        "Province or territory",
        "Language",
        "Answer",
        "French interpretation",
        "Answered (Eastern time)",
        "Delegated to",
    ]
    assert [row[:5] + row[8:10] for row in rows[1:]] == [
        ["Heat", "2030-05-01 13:00", "Arcand", "Amélie", "a@gatineau.ca", "Attending", "Yes"],
        ["Heat", "2030-05-01 13:00", "Bérubé", "Amélie", "b@gatineau.ca", "Not attending", "No"],
        ["Heat again", "2030-09-01 13:00", "Zhang", "Amélie", "z@gatineau.ca", "Attending", "No"],
    ]
    sheet = xlsx_values(staff_client.get(meetings_export_url("attendees", "xlsx", "?q=heat")))
    assert [row[4] for row in sheet[1:]] == ["a@gatineau.ca", "b@gatineau.ca", "z@gatineau.ca"]


def test_one_meetings_attendee_list_as_xlsx(staff_client):
    meeting = MeetingFactory()
    invite(
        meeting, "a@gatineau.ca", response=Response.ACCEPTED, responded_at=eastern(2030, 4, 2, 9, 5)
    )
    with translation.override("fr"):
        url = reverse("admin:meetings_meeting_attendees_xlsx", args=[meeting.pk])
    response = staff_client.get(url)
    assert response["Content-Disposition"].startswith(
        f'attachment; filename="meeting-{meeting.pk}-attendees-20'
    )
    assert response["Content-Disposition"].endswith('-fr.xlsx"')
    sheet = xlsx_values(response)
    assert sheet[0][:3] == ["Nom de famille", "Prénom", "Courriel"]
    assert sheet[1][:10] == [
        "Côté",
        "Amélie",
        "a@gatineau.ca",
        "Ville de Gatineau",
        "Québec",
        "Anglais",
        "Participation confirmée",
        "Non",
        datetime(2030, 4, 2, 9, 5),
        None,
    ]


@pytest.mark.parametrize(
    "text",
    [
        '=HYPERLINK("https://evil.example","Click")',
        "+1",
        "-1",
        "@SUM(A1)",
        "\t=1",
        "\r=1",
        "＝1",
        "＠1",
    ],
)
def test_no_attendee_or_meeting_cell_becomes_a_formula(staff_client, text):
    meeting = MeetingFactory(title_en=text, theme_en=text)
    invite(meeting, "a@gatineau.ca", last_name=text, organisation_name=text, delegated_to="")
    for kind, column in (("meetings", 0), ("attendees", 0)):
        row = csv_rows(staff_client.get(meetings_export_url(kind, "csv")))[1]
        assert row[column] == "'" + text
        sheet = xlsx_sheet(staff_client.get(meetings_export_url(kind, "xlsx")))
        cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
        assert all(cell.data_type != "f" for cell in cells)
        # XML reads a carriage return as a line feed: the text is otherwise as it was typed.
        assert cells[column].value == text.replace("\r", "\n")
    with translation.override("en"):
        url = reverse("admin:meetings_meeting_attendees_xlsx", args=[meeting.pk])
    sheet = xlsx_sheet(staff_client.get(url))
    assert sheet.cell(row=2, column=1).value == text.replace("\r", "\n")
    assert sheet.cell(row=2, column=1).data_type == "s"


@pytest.mark.parametrize("kind", ["meetings", "attendees"])
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_exports_need_the_permission_to_view_meetings(client, db, kind, file_format):
    staff = StaffFactory(is_superuser=False)
    client.force_login(staff)
    meeting = MeetingFactory()
    assert client.get(meetings_export_url(kind, file_format)).status_code == 403
    xlsx = reverse("admin:meetings_meeting_attendees_xlsx", args=[meeting.pk])
    assert client.get(xlsx).status_code == 403
    staff.user_permissions.add(*Permission.objects.filter(codename__in=NEEDED[kind]))
    response = client.get(meetings_export_url(kind, file_format))
    assert response.status_code == 200
    b"".join(response.streaming_content)


# Who was invited, with names, addresses and organisations, is the invitations' to show.
NEEDED = {"meetings": ["view_meeting"], "attendees": ["view_meeting", "view_invitation"]}


@pytest.fixture
def meetings_viewer(client, db):
    """Staff who may see meetings but not who was invited to them."""
    staff = StaffFactory(is_superuser=False)
    staff.user_permissions.add(Permission.objects.get(codename="view_meeting"))
    client.force_login(staff)
    return client


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_attendee_lists_need_the_permission_to_view_invitations(meetings_viewer, file_format):
    meeting = MeetingFactory()
    invite(meeting, "amelie@gatineau.ca")
    one_meeting = {
        "csv": "admin:meetings_meeting_attendees",
        "xlsx": "admin:meetings_meeting_attendees_xlsx",
    }

    assert meetings_viewer.get(meetings_export_url("attendees", file_format)).status_code == 403
    assert (
        meetings_viewer.get(reverse(one_meeting[file_format], args=[meeting.pk])).status_code == 403
    )
    assert meetings_viewer.get(meetings_export_url("meetings", file_format)).status_code == 200


@pytest.mark.parametrize("also", [None, "change_meeting"])
def test_staff_who_may_not_see_invitations_are_offered_no_attendee_list(meetings_viewer, also):
    if also:
        staff = User.objects.get(pk=meetings_viewer.session["_auth_user_id"])
        staff.user_permissions.add(Permission.objects.get(codename=also))
    meeting = MeetingFactory()
    attendees = [
        reverse("admin:meetings_meeting_attendees", args=[meeting.pk]),
        reverse("admin:meetings_meeting_attendees_xlsx", args=[meeting.pk]),
        meetings_export_url("attendees", "csv"),
        meetings_export_url("attendees", "xlsx"),
    ]

    listed = meetings_viewer.get(reverse("admin:meetings_meeting_changelist"))
    shown = meetings_viewer.get(reverse("admin:meetings_meeting_change", args=[meeting.pk]))

    assert (listed.status_code, shown.status_code) == (200, 200)
    body = listed.content.decode() + shown.content.decode()
    assert [url for url in attendees if url in body] == []
    assert "Their attendees" not in body and "attendee list" not in body
    assert meetings_export_url("meetings", "csv") in listed.content.decode()


def test_an_unknown_filter_leads_back_to_the_meetings_list(staff_client):
    response = staff_client.get(meetings_export_url("meetings", "csv", "?nonsense=1"))
    assert response.status_code == 302
    assert response["Location"].endswith("/admin/meetings/meeting/?e=1")


def test_the_meetings_list_links_to_its_exports_with_its_filters(staff_client):
    meeting = MeetingFactory()
    response = staff_client.get(
        reverse("admin:meetings_meeting_changelist") + "?status__exact=scheduled&q=heat&p=1"
    )
    html = response.content.decode()
    for kind in ("meetings", "attendees"):
        for file_format in ("csv", "xlsx"):
            assert (
                f'href="{meetings_export_url(kind, file_format)}?q=heat&amp;status__exact=scheduled"'
                in html
            )
    assert reverse("admin:meetings_meeting_attendees_xlsx", args=[meeting.pk]) in html


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        b"".join(client.get(url).streaming_content)
    return len(queries)


@pytest.mark.parametrize("kind", ["meetings", "attendees"])
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_number_of_queries_does_not_grow_with_the_rows(
    staff_client, django_assert_max_num_queries, kind, file_format
):
    def add(count, start):
        for number in range(start, start + count):
            meeting = MeetingFactory()
            invite(meeting, f"p{number}@gatineau.ca", response=Response.ACCEPTED)

    add(3, 0)
    url = meetings_export_url(kind, file_format)
    few = _queries(staff_client, url)
    add(27, 3)
    with django_assert_max_num_queries(few):
        content = b"".join(staff_client.get(url).streaming_content)
    if file_format == "xlsx":
        assert len(load_workbook(io.BytesIO(content)).active["A"]) == 31


def test_a_long_attendee_export_streams(staff_client):
    meeting = MeetingFactory(title_en="Heat")
    users = User.objects.bulk_create(
        [UserFactory.build(email=f"p{number}@gatineau.ca") for number in range(2000)]
    )
    Invitation.objects.bulk_create([Invitation(meeting=meeting, user=user) for user in users])
    response = staff_client.get(meetings_export_url("attendees", "csv"))
    assert response.streaming
    assert len(csv_rows(response)) == 2001
    response = staff_client.get(meetings_export_url("attendees", "xlsx"))
    assert isinstance(response, FileResponse)
    assert len(xlsx_values(response)) == 2001
