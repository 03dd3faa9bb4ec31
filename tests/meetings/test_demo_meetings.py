"""The demo meetings command: the three meetings of 2025, upcoming ones, and idempotence."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from meetings.models import Meeting, Theme
from meetings.timezones import EASTERN
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.unit


def test_demo_meetings_twice_changes_nothing(db, mailoutbox, django_capture_on_commit_callbacks):
    MemberFactory()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo_meetings", stdout=None)
    first = list(Meeting.objects.values_list("pk", "sequence"))
    sent = len(mailoutbox)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo_meetings", stdout=None)
    assert list(Meeting.objects.values_list("pk", "sequence")) == first
    assert len(mailoutbox) == sent
    assert Theme.objects.count() == 3


def test_the_past_meetings_are_those_of_2025(db):
    call_command("demo_meetings", stdout=None)
    past = Meeting.objects.filter(starts_at__year=2025).order_by("starts_at")
    assert [
        (
            meeting.starts_at.astimezone(EASTERN).strftime("%Y-%m-%d %H:%M"),
            meeting.ends_at.astimezone(EASTERN).strftime("%H:%M"),
        )
        for meeting in past
    ] == [
        ("2025-04-30 13:00", "14:00"),
        ("2025-06-25 13:00", "14:00"),
        ("2025-11-26 13:00", "14:00"),
    ]
    assert past[0].title_en == "Misinformation at the Local Level"
    assert all(meeting.title_fr and meeting.theme_en for meeting in past)


def test_there_are_upcoming_meetings(db):
    call_command("demo_meetings", stdout=None)
    upcoming = Meeting.objects.filter(starts_at__gt=timezone.now())
    assert upcoming.count() == 2
    assert all(meeting.title_fr and meeting.join_url for meeting in upcoming)
