"""The member's page shows the community profile of the member's organisation."""

import pytest
from django.urls import reverse

from cohorts.panels import member_community_panel
from tests.members.factories import KnownOrganisationFactory, MemberFactory

from .factories import CommunityFactory

pytestmark = [pytest.mark.unit, pytest.mark.django_db]


def test_panel_lists_the_communities_of_the_members_organisation():
    organisation = KnownOrganisationFactory()
    community = CommunityFactory(name_en="City of Gatineau")
    community.organisations.add(organisation)
    CommunityFactory(name_en="City of Elsewhere")
    member = MemberFactory(known_organisation=organisation)
    panel = member_community_panel(None, member)
    assert panel == {"template": "cohorts/member_panel.html", "communities": [community]}


def test_no_panel_without_a_linked_community():
    assert member_community_panel(None, MemberFactory(known_organisation=None)) is None
    assert (
        member_community_panel(None, MemberFactory(known_organisation=KnownOrganisationFactory()))
        is None
    )


def test_member_page_shows_the_panel(client):
    organisation = KnownOrganisationFactory()
    community = CommunityFactory(name_en="City of Gatineau")
    community.organisations.add(organisation)
    member = MemberFactory(known_organisation=organisation)
    client.force_login(member.user)
    html = client.get(reverse("members:home")).content.decode()
    assert "Your community in the circular-economy programme" in html
    assert f'<a href="{community.get_absolute_url()}">City of Gatineau</a>' in html
