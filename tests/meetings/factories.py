"""Factories of the meetings app's rows (members come from tests.members.factories)."""

from datetime import datetime, timedelta

import factory
from django.utils import timezone

from meetings.choices import MeetingStatus
from meetings.models import Invitation, Meeting, Theme
from meetings.timezones import EASTERN
from tests.members.factories import MemberFactory


def eastern(year, month, day, hour=13, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=EASTERN)


def _next_start():
    # Three weeks ahead at 1:00 p.m. Eastern: upcoming, and no reminder due yet.
    day = (timezone.now() + timedelta(days=21)).astimezone(EASTERN).date()
    return eastern(day.year, day.month, day.day)


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    title_en = factory.Sequence(lambda n: f"Climate meeting {n}")
    title_fr = factory.Sequence(lambda n: f"Rencontre climat {n}")
    theme_en = "Heat waves"
    theme_fr = "Vagues de chaleur"
    description_en = "Members compare plans."
    description_fr = "Les membres comparent leurs plans."
    starts_at = factory.LazyFunction(_next_start)
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=1))
    join_url = "https://zoom.us/j/81234567890?pwd=secret"
    passcode = "482913"
    status = MeetingStatus.SCHEDULED


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    meeting = factory.SubFactory(MeetingFactory)
    user = factory.LazyFunction(lambda: MemberFactory().user)
    sequence_sent = 0


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme

    title = factory.Sequence(lambda n: f"Theme {n}")
    language = "en"
