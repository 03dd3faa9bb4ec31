"""Celery tasks: named, thin, take ids, and safe to run twice or on a deleted row."""

import pytest
from django.conf import settings

from meetings import tasks
from meetings.models import Invitation
from tests.meetings.factories import MeetingFactory

pytestmark = pytest.mark.unit


def test_task_names():
    assert {
        tasks.meeting_invitations_send_task.name,
        tasks.meeting_cancellations_send_task.name,
        tasks.member_invitations_send_task.name,
        tasks.reminders_send_task.name,
        tasks.invitations_sweep_task.name,
    } == {
        "meetings.invitations_send",
        "meetings.cancellations_send",
        "meetings.member_invitations_send",
        "meetings.reminders_send",
        "meetings.invitations_sweep",
    }


def test_beat_runs_reminders_and_the_sweep():
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["meetings-reminders"]["task"] == "meetings.reminders_send"
    assert schedule["meetings-invitations-sweep"]["task"] == "meetings.invitations_sweep"
    assert schedule["meetings-reminders"]["schedule"] <= 3600


def test_invitations_task_twice_sends_once(member, mailoutbox, django_capture_on_commit_callbacks):
    meeting = MeetingFactory()
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.meeting_invitations_send_task.delay(meeting.pk).get() == 1
        assert tasks.meeting_invitations_send_task.delay(meeting.pk).get() == 0
    assert len(mailoutbox) == 1
    assert Invitation.objects.get().sequence_sent == 0


@pytest.mark.parametrize(
    "task",
    [
        tasks.meeting_invitations_send_task,
        tasks.meeting_cancellations_send_task,
        tasks.member_invitations_send_task,
    ],
)
def test_a_missing_row_is_not_an_error(db, task):
    assert task.delay(987654).get() == 0


def test_member_task_invites(member, mailoutbox, django_capture_on_commit_callbacks):
    MeetingFactory()
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.member_invitations_send_task.delay(member.pk).get() == 1
    assert len(mailoutbox) == 1


def test_periodic_tasks_run(db):
    assert tasks.reminders_send_task.delay().get() == 0
    assert tasks.invitations_sweep_task.delay().get() == 0
