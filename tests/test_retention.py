"""Each period of the privacy notice's retention table is applied by a scheduled purge: the
ones members' purge did not cover before (mail received from calendar programs, communities'
expressions of interest) run with it, through ``members.seams.personal_data_purges``, and
expired sessions go with it."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from cohorts.models import ExpressionOfInterest
from cohorts.services import interests_purge
from meetings.choices import ReplyOutcome, Response
from meetings.models import CalendarReply, Invitation
from meetings.replies.services import calendar_replies_purge
from members.seams import personal_data_purges
from members.tasks import registrations_purge
from tests.cohorts.factories import ExpressionOfInterestFactory
from tests.meetings.factories import InvitationFactory
from tests.members.factories import MemberFactory

pytestmark = [pytest.mark.unit, pytest.mark.django_db]


def test_the_scheduled_purge_runs_every_app_s_purge():
    assert list(personal_data_purges) == [calendar_replies_purge, interests_purge]


def test_mail_from_calendar_programs_goes_after_its_period_and_the_answer_stays(settings):
    settings.PEERNET_CALENDAR_REPLY_RETENTION_DAYS = 90
    now = timezone.now()
    invitation = InvitationFactory(response=Response.DECLINED)
    old = CalendarReply.objects.create(
        message_id="<old@mail.example>",
        received_at=now - timedelta(days=91),
        outcome=ReplyOutcome.RECORDED,
        invitation=invitation,
    )
    recent = CalendarReply.objects.create(
        message_id="<recent@mail.example>",
        received_at=now - timedelta(days=89),
        outcome=ReplyOutcome.NOT_INVITED,
    )
    registrations_purge()
    assert list(CalendarReply.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not CalendarReply.objects.filter(pk=old.pk).exists()
    assert Invitation.objects.get(pk=invitation.pk).response == Response.DECLINED


def test_an_expression_of_interest_goes_after_its_period_since_it_was_last_handled(settings):
    settings.PEERNET_INTEREST_RETENTION_DAYS = 730
    now = timezone.now()
    handled_long_ago = ExpressionOfInterestFactory(
        submitted_at=now - timedelta(days=900), handled_at=now - timedelta(days=731)
    )
    handled_lately = ExpressionOfInterestFactory(
        submitted_at=now - timedelta(days=900), handled_at=now - timedelta(days=100)
    )
    never_handled_old = ExpressionOfInterestFactory(submitted_at=now - timedelta(days=731))
    never_handled_new = ExpressionOfInterestFactory(submitted_at=now - timedelta(days=729))
    registrations_purge()
    kept = set(ExpressionOfInterest.objects.values_list("pk", flat=True))
    assert kept == {handled_lately.pk, never_handled_new.pk}
    assert handled_long_ago.pk not in kept and never_handled_old.pk not in kept


def test_expired_sessions_go_with_the_scheduled_purge(client):
    member = MemberFactory()
    client.force_login(member.user)
    live = client.session.session_key
    Session.objects.create(
        session_key="expired-session-key-0123456789",
        session_data="",
        expire_date=timezone.now() - timedelta(seconds=1),
    )
    registrations_purge()
    assert list(Session.objects.values_list("session_key", flat=True)) == [live]
