"""What each app registers into the others' seams, in the order the pages show it, and no
setting that names the project's own code instead."""

import re

import pytest
from django.conf import settings

from cohorts import dashboard as cohorts_dashboard
from cohorts import panels as cohorts_panels
from cohorts.models import Community, ProgrammePartner
from meetings import dashboard as meetings_dashboard
from meetings import exports as meetings_exports
from meetings import panels as meetings_panels
from meetings import selectors as meetings_selectors
from members import dashboard as members_dashboard
from members.seams import member_data_exporters, member_panels, next_meeting_sources
from peernet.media import PublicFileField, public_file_fields
from staff.dashboard import outbox as outbox_dashboard
from staff.seams import dashboard_panels, upcoming_meetings

pytestmark = pytest.mark.unit

PROJECT_CODE = re.compile(r"^(members|meetings|cohorts|peernet|staff)\.[A-Za-z_][\w.]*$")


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            yield from _strings(item)


def test_the_dashboard_shows_the_apps_in_their_order_and_the_outbox_last():
    assert list(dashboard_panels) == [
        members_dashboard.dashboard_panel,
        meetings_dashboard.dashboard_panel,
        cohorts_dashboard.dashboard_panel,
        outbox_dashboard.dashboard_panel,
    ]


def test_the_member_page_and_export_take_what_the_programmes_register():
    assert list(member_panels) == [
        meetings_panels.member_panel,
        cohorts_panels.member_community_panel,
    ]
    assert list(member_data_exporters) == [meetings_exports.member_data]


def test_the_meetings_come_from_the_meetings_app():
    assert list(next_meeting_sources) == [meetings_selectors.meeting_next]
    assert list(upcoming_meetings) == [meetings_selectors.meetings_upcoming]


def test_the_public_files_are_the_logos_and_the_published_roadmaps():
    assert list(public_file_fields) == [
        PublicFileField(Community, "logo"),
        PublicFileField(Community, "roadmap_document", lookups={"roadmap_status": "published"}),
        PublicFileField(ProgrammePartner, "logo"),
    ]


def test_no_setting_names_the_projects_own_code():
    named = {
        name
        for name in dir(settings)
        if name.startswith("PEERNET_")
        for value in _strings(getattr(settings, name))
        if PROJECT_CODE.match(value)
    }
    assert named == set()
