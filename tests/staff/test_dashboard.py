"""The staff dashboard on the admin's first page: what needs doing now, with links that open
exactly the rows counted, only what the staff member may view, in both languages."""

import itertools
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cohorts.choices import InterestStatus
from meetings.choices import ReplyOutcome, Response
from meetings.models import CalendarReply
from members.choices import RegistrationStatus
from peernet.outbox.models import MessageStatus, OutboxMessage
from staff import dashboard
from tests.cohorts.factories import ExpressionOfInterestFactory
from tests.meetings.factories import InvitationFactory, MeetingFactory
from tests.members.factories import MemberFactory, RegistrationFactory, StaffFactory

pytestmark = [pytest.mark.unit, pytest.mark.django_db]

NUMBERS = itertools.count()


def _ago(days, hours=0):
    return timezone.now() - timedelta(days=days, hours=hours)


def _pending(days):
    moment = _ago(days, hours=1)
    return RegistrationFactory(submitted_at=moment, email_confirmed_at=moment)


def _message(status, *, created_at=None):
    number = next(NUMBERS)
    return OutboxMessage.objects.create(
        status=status,
        purpose="members.welcome",
        to_email=f"person{number}@gatineau.ca",
        from_email="network@peernet.example",
        language="en",
        subject="Welcome",
        body_text="Hello",
        created_at=created_at or timezone.now(),
    )


def _reply(outcome, *, received_at=None):
    number = next(NUMBERS)
    return CalendarReply.objects.create(
        message_id=f"<reply{number}@example.com>",
        outcome=outcome,
        received_at=received_at or timezone.now(),
    )


def _panels(client, path="/en/admin/"):
    response = client.get(path)
    assert response.status_code == 200
    return response, {panel.key: panel for panel in response.context["dashboard"].panels}


def _items(panel):
    return {item.label: item for item in panel.items}


def _listed(client, url) -> int:
    """How many rows the admin list behind a dashboard link shows."""
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["cl"].result_count


def test_requests_awaiting_review_with_the_oldest_against_the_promise(staff_client, settings):
    settings.PEERNET_REVIEW_WARNING_DAYS = 5
    _pending(9)
    _pending(6)
    _pending(1)
    RegistrationFactory(status=RegistrationStatus.SUBMITTED, email_confirmed_at=None)
    MemberFactory()

    _, panels = _panels(staff_client)
    items = _items(panels["members"])

    review = items["Requests awaiting review"]
    assert (review.count, review.needs_attention) == (3, True)
    assert review.detail == (
        "The oldest has waited 9 days; the promise is a decision within 7 days."
    )
    assert review.url == "/en/admin/members/registration/?status__exact=pending"
    assert _listed(staff_client, review.url) == 3

    overdue = items["Requests waiting more than 5 days"]
    assert (overdue.count, overdue.needs_attention) == (2, True)
    assert overdue.url == "/en/admin/members/registration/?status__exact=pending&waiting=long"
    assert _listed(staff_client, overdue.url) == 2

    unconfirmed = items["Requests waiting for e-mail confirmation"]
    assert (unconfirmed.count, unconfirmed.needs_attention) == (1, False)
    assert _listed(staff_client, unconfirmed.url) == 1


def test_nothing_waiting_needs_no_attention(staff_client):
    _pending(2)
    _, panels = _panels(staff_client)
    assert not any(item.needs_attention for panel in panels.values() for item in panel.items)


def test_failed_mail_of_the_past_week(staff_client):
    _message(MessageStatus.FAILED)
    _message(MessageStatus.FAILED, created_at=_ago(3))
    _message(MessageStatus.FAILED, created_at=_ago(12))
    _message(MessageStatus.SENT)
    _message(MessageStatus.QUEUED)

    _, panels = _panels(staff_client)
    (failed,) = panels["outbox"].items
    assert failed.label == "E-mails that failed, past 7 days"
    assert (failed.count, failed.needs_attention) == (2, True)
    assert _listed(staff_client, failed.url) == 2


def test_calendar_replies_not_recorded(staff_client):
    _reply(ReplyOutcome.RECORDED)
    _reply(ReplyOutcome.NOT_INVITED)
    _reply(ReplyOutcome.COUNTER)
    _reply(ReplyOutcome.OTHER_MAIL)
    _reply(ReplyOutcome.INVALID, received_at=_ago(20))

    _, panels = _panels(staff_client)
    (replies,) = panels["meetings"].items
    assert (replies.count, replies.needs_attention) == (3, False)
    assert _listed(staff_client, replies.url) == 3


def test_new_expressions_of_interest(staff_client, settings):
    settings.PEERNET_REVIEW_WARNING_DAYS = 5
    ExpressionOfInterestFactory(submitted_at=_ago(2))
    ExpressionOfInterestFactory(submitted_at=_ago(8))
    ExpressionOfInterestFactory(status=InterestStatus.CONTACTED, submitted_at=_ago(30))

    _, panels = _panels(staff_client)
    (interests,) = panels["cohorts"].items
    assert (interests.count, interests.needs_attention) == (2, True)
    assert interests.detail == "The oldest has waited 8 days."
    assert _listed(staff_client, interests.url) == 2


def test_next_meetings_with_every_answer_and_interpretation(staff_client):
    meeting = MeetingFactory(title_en="Heat and health")
    later = MeetingFactory(starts_at=meeting.starts_at + timedelta(days=30))
    MeetingFactory(starts_at=_ago(30), ends_at=_ago(30) + timedelta(hours=1))  # held
    for response, interpretation in [
        (Response.ACCEPTED, True),
        (Response.ACCEPTED, False),
        (Response.DECLINED, True),
        (Response.TENTATIVE, True),
        (Response.NEEDS_ACTION, False),
    ]:
        InvitationFactory(meeting=meeting, response=response, wants_interpretation=interpretation)

    _, panels = _panels(staff_client)
    (table,) = panels["meetings"].tables
    assert table.headers == [
        "Meeting",
        "Invited",
        "Attending",
        "Not attending",
        "Maybe",
        "No answer yet",
        "Interpretation requested",
    ]
    assert len(table.rows) == 2
    first, second = table.rows
    assert first[0].text.startswith("Heat and health (")
    assert [cell.text for cell in first[1:]] == ["5", "2", "1", "1", "1", "2"]
    assert [cell.text for cell in second[1:]] == ["0"] * 6
    assert second[0].url == f"/en/admin/meetings/meeting/{later.pk}/change/"
    # Each count opens the invitations it counts.
    assert [_listed(staff_client, cell.url) for cell in first[1:]] == [5, 2, 1, 1, 1, 2]


def test_a_staff_member_sees_only_what_they_may_view(client):
    staff = StaffFactory(is_superuser=False)
    staff.user_permissions.add(Permission.objects.get(codename="view_registration"))
    client.force_login(staff)
    _pending(1)
    _message(MessageStatus.FAILED)

    response, panels = _panels(client)
    assert list(panels) == ["members"]
    page = response.content.decode()
    assert "E-mails that failed" not in page
    assert "Next meetings" not in page


def test_a_staff_member_with_no_view_permission_sees_no_dashboard(client):
    staff = StaffFactory(is_superuser=False)
    client.force_login(staff)
    response, panels = _panels(client)
    assert panels == {}
    assert "What needs doing now" not in response.content.decode()


def _rows(count):
    for number in range(count):
        _pending(number % 12)
        RegistrationFactory(status=RegistrationStatus.SUBMITTED, email_confirmed_at=None)
        MemberFactory(decided_at=_ago(number % 20))
        _message(MessageStatus.FAILED if number % 3 else MessageStatus.SENT)
        _reply(ReplyOutcome.NOT_INVITED)
        ExpressionOfInterestFactory()
    meeting = MeetingFactory()
    held = MeetingFactory(starts_at=_ago(10), ends_at=_ago(10) + timedelta(hours=1))
    for _ in range(count):
        InvitationFactory(meeting=meeting, response=Response.ACCEPTED)
        InvitationFactory(meeting=held, response=Response.DECLINED)


def _index_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/en/admin/").status_code == 200
    return len(queries)


def test_queries_stay_the_same_for_3_and_30_rows(staff_client):
    _rows(3)
    _index_queries(staff_client)  # the first request of a session reads more (the session, ...)
    with_3 = _index_queries(staff_client)
    _rows(27)
    assert _index_queries(staff_client) == with_3


def test_the_page_in_french(staff_client, settings):
    settings.PEERNET_REVIEW_WARNING_DAYS = 5
    _pending(9)
    _message(MessageStatus.FAILED)
    response, panels = _panels(staff_client, "/fr/admin/")
    page = response.content.decode()
    assert "Ce qu’il faut faire maintenant" in page
    items = _items(panels["members"])
    review = items["Demandes en attente d’examen"]
    assert review.url == "/fr/admin/members/registration/?status__exact=pending"
    assert review.detail == (
        "La plus ancienne attend depuis 9 jours ; une décision est promise dans les 7 jours."
    )
    assert "Demandes par mois, selon leur issue" in page
    assert "À traiter" in page


def test_hostile_text_is_escaped_and_no_style_attribute(staff_client):
    title = '<script>alert("x")</script><svg onload=alert(1)>'
    meeting = MeetingFactory(
        title_en=title, starts_at=_ago(5), ends_at=_ago(5) + timedelta(hours=1)
    )
    InvitationFactory(meeting=meeting, response=Response.ACCEPTED)
    MeetingFactory(title_en=title)
    page = staff_client.get("/en/admin/").content.decode()
    assert title not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert not re.search(r"\sstyle=", page)
    assert "<script>alert" not in page


def test_every_chart_is_an_image_with_a_name_a_summary_and_a_table(staff_client):
    _pending(2)
    MemberFactory()
    _message(MessageStatus.SENT)
    page = staff_client.get("/en/admin/").content.decode()
    charts = re.findall(r'<div class="module dashboard-chart" id="chart-([a-z-]+)">', page)
    assert charts == [
        "requests-by-month",
        "decision-time",
        "members-by-province",
        "members-by-kind",
        "answers-per-meeting",
        "mail-delivery",
    ]
    svgs = re.findall(r"<svg class=\"chart [^>]*>", page)
    assert len(svgs) == 5  # no meeting was held: that chart says so in words
    for svg in svgs:
        assert 'role="img"' in svg
        key = re.search(r'aria-labelledby="chart-([a-z-]+)-svg-title chart-\1-summary"', svg)
        assert key, svg
        assert f'<title id="chart-{key.group(1)}-svg-title">' in page
        assert f'<p class="chart-summary" id="chart-{key.group(1)}-summary">' in page
    assert page.count("<caption>Figures of the chart: ") == 5
    assert "No meeting was held yet." in page


def test_percentile_interpolates_like_postgresql():
    assert dashboard.percentile([2, 4, 9, 10], 0.5) == 6.5
    assert dashboard.percentile([10, 2, 9, 4], 0.9) == pytest.approx(9.7)
    assert dashboard.percentile([3], 0.9) == 3
    assert dashboard.percentile([], 0.5) is None
