"""Staff schedule, change and cancel meetings in the admin; every change goes through services."""

import csv
import io

import pytest
from django.urls import reverse

from meetings.choices import MeetingStatus, Response
from meetings.models import Meeting
from tests.meetings.conftest import calendar_text, ical_value
from tests.meetings.factories import InvitationFactory, MeetingFactory, ThemeFactory
from tests.members.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.unit


def _form(**overrides):
    data = {
        "title_en": "Heat and Health",
        "title_fr": "Chaleur et santé",
        "theme_en": "",
        "theme_fr": "",
        "description_en": "",
        "description_fr": "",
        "suggested_theme": "",
        "starts_at_0": "2030-05-01",
        "starts_at_1": "13:00:00",
        "ends_at_0": "2030-05-01",
        "ends_at_1": "14:00:00",
        "platform": "zoom",
        "platform_name": "",
        "join_url": "https://zoom.us/j/81234567890",
        "passcode": "482913",
        "has_interpretation": "on",
    }
    data.update(overrides)
    return data


def test_scheduling_in_the_admin_invites_the_members(
    staff_client, member, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(reverse("admin:meetings_meeting_add"), _form())
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.starts_at.isoformat() == "2030-05-01T17:00:00+00:00"  # entered in Eastern
    assert [message.to[0] for message in mailoutbox] == [member.email]
    assert "DTSTART;TZID=America/Toronto:20300501T130000" in calendar_text(mailoutbox[0])


def test_a_french_title_is_required(staff_client):
    response = staff_client.post(reverse("admin:meetings_meeting_add"), _form(title_fr=""))
    assert response.status_code == 200
    assert not Meeting.objects.exists()


def test_an_end_before_the_start_is_refused(staff_client):
    response = staff_client.post(reverse("admin:meetings_meeting_add"), _form(ends_at_1="12:00:00"))
    assert response.status_code == 200
    assert "The meeting must end after it starts." in response.content.decode()
    assert not Meeting.objects.exists()


def test_changing_the_time_in_the_admin_raises_the_sequence(
    staff_client, member, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse("admin:meetings_meeting_add"), _form())
    meeting = Meeting.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("admin:meetings_meeting_change", args=[meeting.pk]),
            _form(starts_at_1="15:00:00", ends_at_1="16:00:00"),
        )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.sequence == 1
    assert len(mailoutbox) == 2
    assert ical_value(calendar_text(mailoutbox[1]), "SEQUENCE") == "1"


def test_cancelling_asks_first_then_cancels(
    staff_client, member, mailoutbox, django_capture_on_commit_callbacks
):
    meeting = MeetingFactory()
    InvitationFactory(meeting=meeting, user=member)
    changelist = reverse("admin:meetings_meeting_changelist")
    data = {"action": "cancel_selected", "_selected_action": [meeting.pk]}
    response = staff_client.post(changelist, data)
    assert response.status_code == 200
    assert "This cannot be undone." in response.content.decode()
    assert Meeting.objects.get().status == MeetingStatus.SCHEDULED

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(changelist, {**data, "confirm": "yes"})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED
    assert meeting.sequence == 1
    assert "METHOD:CANCEL" in calendar_text(mailoutbox[0])


def test_the_list_shows_the_answer_counts(staff_client):
    meeting = MeetingFactory(title_en="Counted")
    InvitationFactory(meeting=meeting, response=Response.ACCEPTED, wants_interpretation=True)
    InvitationFactory(meeting=meeting, response=Response.ACCEPTED)
    InvitationFactory(meeting=meeting, response=Response.DECLINED, wants_interpretation=True)
    InvitationFactory(meeting=meeting)
    response = staff_client.get(reverse("admin:meetings_meeting_changelist"))
    row = response.context["cl"].result_list.get(pk=meeting.pk)
    assert (
        row.invited_count,
        row.accepted_count,
        row.declined_count,
        row.no_answer_count,
        row.interpretation_count,
    ) == (4, 2, 1, 1, 1)


def test_attendee_csv(staff_client):
    meeting = MeetingFactory()
    user = UserFactory(first_name="Amélie", last_name="=Côté", email="amelie@gatineau.ca")
    MemberFactory(user=user, organisation_name="Ville de Gatineau")
    InvitationFactory(meeting=meeting, user=user, response=Response.ACCEPTED)
    response = staff_client.get(reverse("admin:meetings_meeting_attendees", args=[meeting.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.streaming
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:3] == ["Last name", "First name", "E-mail"]
    assert rows[1][:7] == [
        "'=Côté",  # a spreadsheet must not run it as a formula
        "Amélie",
        "amelie@gatineau.ca",
        "Ville de Gatineau",
        "Quebec",
        "English",
        "Attending",
    ]


@pytest.mark.parametrize(
    "name",
    ["=cmd|' /C calc'!A0", " =1+1", "\n=1+1", "\t@SUM(A1)", "＝SUM(1)", "－2+3", "+1", "-1"],
)
def test_no_attendee_cell_starts_a_formula(staff_client, name):
    meeting = MeetingFactory()
    user = UserFactory(first_name=name, last_name="Côté", email="amelie@gatineau.ca")
    MemberFactory(user=user, organisation_name=name)
    InvitationFactory(meeting=meeting, user=user)
    response = staff_client.get(reverse("admin:meetings_meeting_attendees", args=[meeting.pk]))
    text = b"".join(response.streaming_content).decode("utf-8")
    row = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))[1]
    assert row[1] == row[3] == "'" + name


def test_the_csv_is_for_staff_only(client, member):
    client.force_login(member)
    meeting = MeetingFactory()
    response = client.get(reverse("admin:meetings_meeting_attendees", args=[meeting.pk]))
    assert response.status_code == 302  # to the admin's sign-in


def test_a_meeting_with_invitations_cannot_be_deleted(staff_client):
    meeting = InvitationFactory().meeting
    response = staff_client.get(reverse("admin:meetings_meeting_delete", args=[meeting.pk]))
    assert response.status_code == 403


def test_themes_are_ranked_and_attached_to_a_meeting(staff_client, member):
    ThemeFactory(title="Quiet")
    popular = ThemeFactory(title="Popular", language="fr")
    popular.votes.create(user=member)
    response = staff_client.get(reverse("admin:meetings_theme_changelist"))
    assert [theme.title for theme in response.context["cl"].result_list] == ["Popular", "Quiet"]

    meeting = MeetingFactory(theme_en="", theme_fr="")
    changelist = reverse("admin:meetings_theme_changelist")
    data = {"action": "attach_to_meeting", "_selected_action": [popular.pk]}
    assert staff_client.post(changelist, data).status_code == 200
    response = staff_client.post(changelist, {**data, "meeting": meeting.pk})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.suggested_theme == popular
    assert meeting.theme_fr == "Popular"


def test_the_change_page_shows_the_counts(staff_client):
    meeting = MeetingFactory()
    response = staff_client.get(reverse("admin:meetings_meeting_change", args=[meeting.pk]))
    assert response.status_code == 200
    assert "Export the attendee list (CSV)" in response.content.decode()


def test_the_cancel_and_theme_pages_are_the_shared_confirmation_page(staff_client):
    meeting = MeetingFactory()
    theme = ThemeFactory(title="Fleet electrification")
    pages = [
        (
            "admin:meetings_meeting_changelist",
            {"action": "cancel_selected", "_selected_action": [meeting.pk]},
            "admin/meetings/meeting/cancel.html",
            'value="Cancel the meetings and tell the members"',
        ),
        (
            "admin:meetings_theme_changelist",
            {"action": "attach_to_meeting", "_selected_action": [theme.pk]},
            "admin/meetings/theme/attach.html",
            'value="Choose this theme"',
        ),
    ]
    for changelist, data, template, button in pages:
        response = staff_client.post(reverse(changelist), data)
        assert [t.name for t in response.templates][:2] == [template, "admin/peernet/confirm.html"]
        html = response.content.decode()
        assert f'<a href="{reverse(changelist)}" class="closelink">Go back</a>' in html
        assert f'<input type="hidden" name="action" value="{data["action"]}">' in html
        assert f'value="{data["_selected_action"][0]}"' in html
        assert button in html


def test_the_meeting_page_shows_each_field_staff_may_edit_once():
    from django.contrib import admin

    from meetings import services
    from meetings.models import Meeting

    model_admin = admin.site._registry[Meeting]
    shown = [name for _title, options in model_admin.fieldsets for name in options["fields"]]
    editable = [name for name in shown if name not in model_admin.readonly_fields]
    # modeltranslation shows a translated field once per language (title_en, title_fr).
    assert sorted(editable) == sorted(services.EDITABLE_FIELDS)
    assert len(shown) == len(set(shown))
