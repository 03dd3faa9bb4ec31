"""The meetings section of a member's page (meetings/panels.py)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from meetings import services
from meetings.choices import MeetingStatus, Response
from meetings.panels import UPCOMING_SHOWN, member_panel
from members.choices import RegistrationStatus
from members.models import Registration
from tests.meetings.factories import InvitationFactory, MeetingFactory, ThemeFactory
from tests.members.factories import MemberFactory, RegistrationFactory, UserFactory

pytestmark = [pytest.mark.unit, pytest.mark.django_db]


def panel_of(user):
    request = RequestFactory().get(reverse("members:home"))
    request.user = user
    registration = Registration.objects.select_related("user").get(user=user)
    return member_panel(request, registration)


def test_each_meeting_shows_the_members_own_answer_and_wish():
    member = MemberFactory(wants_interpretation=True).user
    answered = MeetingFactory(has_interpretation=True)
    declined = MeetingFactory(has_interpretation=True)
    not_invited = MeetingFactory(has_interpretation=True)
    InvitationFactory(
        meeting=answered, user=member, response=Response.ACCEPTED, wants_interpretation=False
    )
    InvitationFactory(
        meeting=declined, user=member, response=Response.DECLINED, wants_interpretation=True
    )
    rows = {row["meeting"].pk: row for row in panel_of(member)["rows"]}
    assert (rows[answered.pk]["response"], rows[answered.pk]["wants_interpretation"]) == (
        Response.ACCEPTED,
        False,
    )
    assert (rows[declined.pk]["response"], rows[declined.pk]["wants_interpretation"]) == (
        Response.DECLINED,
        True,
    )
    # No invitation yet: no answer, and the wish given at registration.
    assert (rows[not_invited.pk]["response"], rows[not_invited.pk]["wants_interpretation"]) == (
        Response.NEEDS_ACTION,
        True,
    )


def test_another_members_invitation_to_the_same_meeting_is_not_shown():
    member = MemberFactory(wants_interpretation=False).user
    other = MemberFactory().user
    meeting = MeetingFactory(has_interpretation=True)
    InvitationFactory(
        meeting=meeting, user=other, response=Response.DECLINED, wants_interpretation=True
    )
    (row,) = panel_of(member)["rows"]
    assert row["meeting"] == meeting
    assert (row["response"], row["wants_interpretation"]) == (Response.NEEDS_ACTION, False)


def test_the_next_meetings_are_shown_soonest_first_and_at_most_six():
    member = MemberFactory().user
    soon = timezone.now() + timedelta(days=2)
    # Made in an order that is not the order of their dates.
    meetings = [
        MeetingFactory(
            starts_at=soon + timedelta(days=days), ends_at=soon + timedelta(days=days, hours=1)
        )
        for days in (5, 1, 7, 0, 3, 6, 2, 4)
    ]
    for meeting in meetings:
        InvitationFactory(meeting=meeting, user=member)
    rows = panel_of(member)["rows"]
    expected = sorted(meetings, key=lambda meeting: meeting.starts_at)[:UPCOMING_SHOWN]
    assert [row["meeting"] for row in rows] == expected


@pytest.mark.parametrize(
    "registration",
    [
        {"status": RegistrationStatus.PENDING},
        {"status": RegistrationStatus.REJECTED},
        {"status": RegistrationStatus.APPROVED, "user__is_active": False},
    ],
)
def test_no_panel_for_someone_who_is_not_a_member(registration):
    user = RegistrationFactory(**registration).user
    MeetingFactory()
    assert panel_of(user) is None


def test_a_registration_withdrawn_after_the_sign_in_counts():
    """The rule reads the registration loaded for the page, not the signed-in user's copy."""
    member = MemberFactory().user
    Registration.objects.filter(user=member).update(status=RegistrationStatus.WITHDRAWN)
    assert panel_of(member) is None


captured_last = []


def _member_page_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("members:home"))
    assert response.status_code == 200
    # The savepoints are the request's transaction inside the test's.
    captured_last[:] = [q for q in captured.captured_queries if "SAVEPOINT" not in q["sql"]]
    return len(captured_last)


def test_the_member_page_runs_the_same_queries_for_one_meeting_or_many(client):
    member = MemberFactory(user=UserFactory(first_name="Jordan")).user
    client.force_login(member)
    first = MeetingFactory(has_interpretation=True)
    InvitationFactory(meeting=first, user=member, response=Response.ACCEPTED)
    services.feed_regenerate(user=member)
    ThemeFactory()
    client.get(reverse("members:home"))
    few = _member_page_queries(client)

    for number in range(UPCOMING_SHOWN):
        meeting = MeetingFactory(
            has_interpretation=number % 2 == 0,
            status=MeetingStatus.CANCELLED if number == 3 else MeetingStatus.SCHEDULED,
        )
        InvitationFactory(meeting=meeting, user=member, wants_interpretation=True)
        InvitationFactory(meeting=meeting, user=MemberFactory().user)
        ThemeFactory()
    many = _member_page_queries(client)
    assert many == few, "\n".join(q["sql"][:90] for q in captured_last)
    # The session, the user, the registration, the meetings with the member's invitations,
    # the feed and the themes.
    assert many == 6, "\n".join(q["sql"][:90] for q in captured_last)
