"""members' read API for the other apps: one rule of who is a member."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from members import selectors
from members.choices import RegistrationStatus
from members.models import Registration
from tests.members.factories import MemberFactory, RegistrationFactory, StaffFactory, UserFactory

pytestmark = [pytest.mark.unit, pytest.mark.django_db]


def test_members_are_active_accounts_with_an_approved_registration():
    member = MemberFactory().user
    RegistrationFactory()  # pending
    RegistrationFactory(status=RegistrationStatus.REJECTED, decided_at=timezone.now())
    inactive = MemberFactory(user__is_active=False).user
    StaffFactory(without_mfa=True)
    UserFactory()  # no registration at all
    assert list(selectors.members_active()) == [member]
    assert [user.is_member for user in (member, inactive)] == [True, False]
    assert selectors.user_is_member(member) is True
    assert selectors.user_is_member(inactive) is False
    assert selectors.user_is_member(AnonymousUser()) is False


def test_a_member_withdrawn_a_moment_ago_is_no_member_whatever_copy_is_held():
    member = MemberFactory().user
    assert member.registration.status == RegistrationStatus.APPROVED  # the copy in hand
    Registration.objects.filter(user=member).update(status=RegistrationStatus.WITHDRAWN)
    assert selectors.user_is_member(member) is False


@pytest.mark.parametrize(
    ("registration", "is_member"),
    [
        ({}, True),
        ({"user__is_active": False}, False),
        ({"status": RegistrationStatus.PENDING}, False),
        ({"status": RegistrationStatus.WITHDRAWN}, False),
    ],
)
def test_a_registration_read_with_its_user_answers_the_same_rule_without_a_query(
    django_assert_num_queries, registration, is_member
):
    user = MemberFactory(**registration).user
    loaded = Registration.objects.select_related("user").get(user=user)
    with django_assert_num_queries(0):
        assert selectors.registration_is_member(loaded) is is_member
    assert selectors.user_is_member(user) is is_member
    assert selectors.registration_is_member(None) is False


def test_province_and_interpretation_wish_come_from_the_registration():
    member = MemberFactory(province="NL", wants_interpretation=True).user
    assert selectors.member_province(member) == "NL"
    assert selectors.member_wants_interpretation(member) is True
    nobody = UserFactory()
    assert selectors.member_province(nobody) is None
    assert selectors.member_wants_interpretation(nobody) is False
    assert selectors.member_province(AnonymousUser()) is None
