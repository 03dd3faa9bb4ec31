"""Members who declined a meeting are told by e-mail, not by their calendar, when it moves."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from meetings import services
from meetings.choices import MeetingStatus, Response
from meetings.models import Invitation, Meeting
from meetings.tasks import meeting_reschedule_notices_send_task
from peernet.outbox.models import OutboxMessage
from tests.meetings.conftest import calendar_parts, calendar_text, ical_value, parsed
from tests.meetings.factories import MeetingFactory, eastern

pytestmark = pytest.mark.unit


@pytest.fixture
def meeting(member, french_member, django_capture_on_commit_callbacks):
    """A meeting both members were invited to; the French member declined it."""
    meeting = MeetingFactory(
        title_en="Heat and Health",
        title_fr="Chaleur et santé",
        starts_at=eastern(2031, 3, 5, 13),
        ends_at=eastern(2031, 3, 5, 14),
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_invitations_send(meeting=meeting)
    Invitation.objects.filter(user=french_member).update(response=Response.DECLINED)
    Invitation.objects.filter(user=member).update(response=Response.ACCEPTED)
    return meeting


def _move(meeting, capture, *, hours=2, **fields):
    start = Meeting.objects.get(pk=meeting.pk).starts_at + timedelta(hours=hours)
    with capture(execute=True):
        return services.meeting_update(
            meeting=meeting, starts_at=start, ends_at=start + timedelta(hours=1), **fields
        )


def _notices():
    return OutboxMessage.objects.filter(purpose="meetings.rescheduled")


def test_a_decliner_is_told_the_new_time_in_french_without_a_calendar(
    meeting, member, french_member, mailoutbox, django_capture_on_commit_callbacks
):
    mailoutbox.clear()
    _move(meeting, django_capture_on_commit_callbacks)

    by_address = {message.to[0]: message for message in mailoutbox}
    assert sorted(by_address) == ["amelie@gatineau.ca", "jordan@calgary.ca"]
    notice = by_address["amelie@gatineau.ca"]
    assert notice.subject == "Nouvel horaire : Chaleur et santé (mercredi 5 mars 2031)"
    assert notice.extra_headers["Content-Language"] == "fr"
    assert calendar_parts(parsed(notice)) == []
    assert not [name for name, _content, _type in notice.attachments]
    body = notice.body
    assert body.startswith("Bonjour Amélie,")
    assert "vous ne participeriez pas à la rencontre « Chaleur et santé »" in body
    assert "mercredi 5 mars 2031, 15 h 00 – 16 h 00 (heure de l’Est)" in body
    assert "Je participerai : http://testserver/fr/rencontres/reponse/" in body
    html = notice.alternatives[0][0]
    assert 'lang="fr"' in html
    assert "15 h 00 – 16 h 00" in html

    # Those who did not decline get the update REQUEST, and no notice.
    update = by_address["jordan@calgary.ca"]
    assert ical_value(calendar_text(update), "SEQUENCE") == "1"
    assert list(_notices().values_list("to_email", "language", "carries_secret")) == [
        ("amelie@gatineau.ca", "fr", True)
    ]
    invitation = Invitation.objects.get(user=french_member)
    assert _notices().get().dedupe_key == f"meetings.rescheduled:{invitation.pk}:1"
    # The decliner's calendar copy is left as it was.
    assert invitation.sequence_sent == 0


def test_an_english_decliner_reads_english(
    meeting, member, mailoutbox, django_capture_on_commit_callbacks
):
    Invitation.objects.filter(user=member).update(response=Response.DECLINED)
    mailoutbox.clear()
    _move(meeting, django_capture_on_commit_callbacks)

    notice = next(message for message in mailoutbox if message.to[0] == "jordan@calgary.ca")
    assert notice.subject == "New date or time: Heat and Health (Wednesday, March 5, 2031)"
    assert "You told us you would not attend the meeting “Heat and Health”." in notice.body
    assert "3:00 p.m. – 4:00 p.m. (Eastern time)" in notice.body
    assert "I will attend: http://testserver/en/meetings/answer/" in notice.body
    assert calendar_parts(parsed(notice)) == []


def test_one_notice_per_decliner_per_change(
    meeting, french_member, mailoutbox, django_capture_on_commit_callbacks
):
    moved = _move(meeting, django_capture_on_commit_callbacks)
    assert _notices().count() == 1

    # The task run again (a redelivery) sends nothing more.
    arguments = (moved.pk, moved.sequence, moved.starts_at.isoformat(), moved.ends_at.isoformat())
    with django_capture_on_commit_callbacks(execute=True):
        assert meeting_reschedule_notices_send_task.delay(*arguments).get() == 0
    assert _notices().count() == 1

    # A second change is a second notice.
    _move(meeting, django_capture_on_commit_callbacks, hours=1)
    invitation = Invitation.objects.get(user=french_member)
    assert sorted(_notices().values_list("dedupe_key", flat=True)) == [
        f"meetings.rescheduled:{invitation.pk}:1",
        f"meetings.rescheduled:{invitation.pk}:2",
    ]


def test_a_task_for_a_time_since_changed_again_sends_nothing(
    meeting, django_capture_on_commit_callbacks
):
    first = meeting.starts_at
    _move(meeting, django_capture_on_commit_callbacks)
    assert (
        services.meeting_reschedule_notices_send(
            meeting_id=meeting.pk,
            sequence=1,
            starts_at=first + timedelta(hours=5),
            ends_at=first + timedelta(hours=6),
        )
        == 0
    )
    assert _notices().count() == 1


@pytest.mark.parametrize(
    "change",
    [
        {"title_fr": "Chaleur, santé et climat"},
        {"join_url": "https://zoom.us/j/99999999999"},
        {"description_fr": "Un nouvel ordre du jour."},
    ],
)
def test_a_change_other_than_the_time_tells_decliners_nothing(
    change, meeting, mailoutbox, django_capture_on_commit_callbacks
):
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_update(meeting=meeting, **change)
    assert _notices().count() == 0
    assert "amelie@gatineau.ca" not in [message.to[0] for message in mailoutbox]


def test_a_title_change_after_a_move_still_tells_the_new_time(
    meeting, django_capture_on_commit_callbacks
):
    """The move's task may run after a later change that left the time alone."""
    start = meeting.starts_at + timedelta(hours=2)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.meeting_update(
            meeting=meeting, starts_at=start, ends_at=start + timedelta(hours=1)
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_update(meeting=meeting, title_fr="Chaleur et santé publique")
        for callback in callbacks:
            callback()
    notice = _notices().get()
    assert notice.subject == "Nouvel horaire : Chaleur et santé publique (mercredi 5 mars 2031)"


def test_only_active_members_who_declined_are_told(
    meeting, member, french_member, django_capture_on_commit_callbacks
):
    french_member.is_active = False
    french_member.save(update_fields=["is_active"])
    Invitation.objects.filter(user=member).update(response=Response.TENTATIVE)
    _move(meeting, django_capture_on_commit_callbacks)
    assert _notices().count() == 0


def test_nothing_is_sent_for_a_meeting_that_started_or_was_cancelled(
    meeting, django_capture_on_commit_callbacks
):
    # An ongoing meeting made longer: no update, no notice.
    now = timezone.now()
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=now - timedelta(minutes=10), ends_at=now + timedelta(minutes=50)
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_update(meeting=meeting, ends_at=now + timedelta(minutes=80))
    assert _notices().count() == 0
    started = Meeting.objects.get(pk=meeting.pk)
    assert (
        services.meeting_reschedule_notices_send(
            meeting_id=started.pk,
            sequence=started.sequence,
            starts_at=started.starts_at,
            ends_at=started.ends_at,
        )
        == 0
    )

    # A task that runs once the meeting was cancelled sends nothing either.
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=eastern(2031, 3, 6), ends_at=eastern(2031, 3, 6, 14)
    )
    moved = Meeting.objects.get(pk=meeting.pk)
    Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.CANCELLED)
    assert (
        services.meeting_reschedule_notices_send(
            meeting_id=moved.pk,
            sequence=moved.sequence,
            starts_at=moved.starts_at,
            ends_at=moved.ends_at,
        )
        == 0
    )
    assert _notices().count() == 0


def test_the_link_in_the_notice_answers_again(
    meeting, french_member, mailoutbox, django_capture_on_commit_callbacks
):
    mailoutbox.clear()
    _move(meeting, django_capture_on_commit_callbacks)
    notice = next(message for message in mailoutbox if message.to[0] == "amelie@gatineau.ca")
    accept = re.search(r"Je participerai : http://testserver(\S+)", notice.body).group(1)
    assert accept.startswith("/fr/rencontres/reponse/")
    mailoutbox.clear()

    client = Client()
    page = client.get(accept)
    assert page.status_code == 200
    # Opening the link changes nothing (mail scanners open every link).
    assert Invitation.objects.get(user=french_member).response == Response.DECLINED

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(accept)
    assert done.status_code == 200
    invitation = Invitation.objects.get(user=french_member)
    assert invitation.response == Response.ACCEPTED
    # Accepting brings the member's calendar up to date with the moved meeting.
    assert [message.to[0] for message in mailoutbox] == ["amelie@gatineau.ca"]
    assert ical_value(calendar_text(mailoutbox[0]), "SEQUENCE") == "1"
    assert invitation.sequence_sent == 1
