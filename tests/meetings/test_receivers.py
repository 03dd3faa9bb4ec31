"""How meetings answer the members app's signals: approval invites, departure forgets."""

import pytest

from meetings import services
from meetings.models import CalendarFeed, Invitation
from members.services import registration_approve, registration_withdraw
from tests.meetings.conftest import calendar_text, ical_value
from tests.meetings.factories import MeetingFactory
from tests.members.factories import RegistrationFactory, StaffFactory

pytestmark = pytest.mark.unit


def test_approval_sends_one_invitation_per_upcoming_meeting(
    db, mailoutbox, django_capture_on_commit_callbacks
):
    first, second = MeetingFactory(), MeetingFactory()
    registration = RegistrationFactory()
    with django_capture_on_commit_callbacks(execute=True):
        registration_approve(registration=registration, reviewer=StaffFactory())
    invitations = [m for m in mailoutbox if m.subject.startswith("Invitation:")]
    assert len(invitations) == 2
    assert sorted(ical_value(calendar_text(m), "UID") for m in invitations) == sorted(
        [first.calendar_uid, second.calendar_uid]
    )
    assert Invitation.objects.filter(user=registration.user).count() == 2


def test_nothing_is_sent_before_the_approval_commits(
    db, mailoutbox, django_capture_on_commit_callbacks
):
    MeetingFactory()
    registration = RegistrationFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        registration_approve(registration=registration, reviewer=StaffFactory())
    # Nothing ran before the commit; the callbacks are what a commit would run.
    assert mailoutbox == []
    assert not Invitation.objects.exists()
    assert len(callbacks) >= 1


def test_leaving_revokes_the_feed_and_upcoming_invitations(
    member, django_capture_on_commit_callbacks
):
    meeting = MeetingFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_invitations_send(meeting=meeting)
    services.feed_regenerate(user=member)
    registration_withdraw(registration=member.registration, actor=member)
    assert not CalendarFeed.objects.exists()
    assert not Invitation.objects.exists()


def test_a_departing_member_gets_the_upcoming_meetings_withdrawn_from_their_calendar(
    member, mailoutbox, django_capture_on_commit_callbacks
):
    sent, not_sent = MeetingFactory(), MeetingFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_invitations_send(meeting=sent)
    Invitation.objects.create(meeting=not_sent, user=member, sequence_sent=None)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        registration_withdraw(registration=member.registration, actor=member)
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [member.email]
    assert message.subject.startswith("Removed from your calendar:")
    text = calendar_text(message)
    assert "METHOD:CANCEL" in text
    assert ical_value(text, "UID") == sent.calendar_uid
    assert sent.join_url not in message.body
    assert not Invitation.objects.exists()


def test_leaving_the_network_sends_the_withdrawal_before_deleting_the_account(
    member, mailoutbox, django_capture_on_commit_callbacks
):
    from members.services import member_delete

    meeting = MeetingFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_invitations_send(meeting=meeting)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        member_delete(user=member)
    assert [m.subject.split(":")[0] for m in mailoutbox] == ["Removed from your calendar"]
