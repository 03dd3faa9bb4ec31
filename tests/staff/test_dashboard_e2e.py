"""The staff dashboard in a real browser (Debian's chromium), in both languages: axe-core finds
nothing, the page keeps the Content-Security-Policy (browser_page fails on a violation), and
every link of "what needs doing now" is reached by keyboard."""

from datetime import timedelta

import pytest
from django.utils import timezone

from meetings.choices import Response
from peernet.outbox.models import MessageStatus, OutboxMessage
from tests.cohorts.factories import ExpressionOfInterestFactory
from tests.meetings.factories import InvitationFactory, MeetingFactory
from tests.members.factories import MemberFactory, RegistrationFactory, StaffFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _figures():
    waited = timezone.now() - timedelta(days=9)
    RegistrationFactory(submitted_at=waited, email_confirmed_at=waited)
    RegistrationFactory()
    MemberFactory(decided_at=timezone.now())
    ExpressionOfInterestFactory()
    OutboxMessage.objects.create(
        status=MessageStatus.FAILED, purpose="members.welcome", to_email="gone@gatineau.ca",
        from_email="network@peernet.example", language="en", subject="Welcome", body_text="Hi",
    )  # fmt: skip
    held = MeetingFactory(
        starts_at=timezone.now() - timedelta(days=20),
        ends_at=timezone.now() - timedelta(days=20) + timedelta(hours=1),
    )
    InvitationFactory(meeting=held, response=Response.ACCEPTED, wants_interpretation=True)
    InvitationFactory(meeting=MeetingFactory(), response=Response.TENTATIVE)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_dashboard_is_accessible(browser_page, live_server, axe_violations, language):
    from tests.second_factor import browser_sign_in

    _figures()
    staff = StaffFactory(email=f"dashboard.{language}@peernet.example")
    page = browser_page
    browser_sign_in(page, live_server.url, staff, language=language)

    page.goto(f"{live_server.url}/{language}/admin/")
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("svg.chart[role=img]").count() == 6
    assert page.locator(".dashboard-chart table caption").count() == 6
    assert axe_violations(page) == []

    # Tab from the top of the page until the first dashboard link has the focus.
    first = page.locator(".dashboard-items a").first
    href = first.get_attribute("href")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('href')") == href:
            break
    else:
        pytest.fail("The dashboard's first link cannot be reached by keyboard.")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/admin/members/registration/?status__exact=pending" in page.url
