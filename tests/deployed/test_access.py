"""Who may open what, on the deployed portal: every member-only and staff-only address for each
kind of visitor, written out as one table.

A cell is what the visitor ends on after following the portal's redirects: ``login`` (allauth's
sign-in page), ``home`` (their own page), or the status of the page. Staff sign in with their
second factor; the "staff" column has no model permission, "staff+" has those of the review
queue, the outbox (without message bodies), meetings and cohorts.
"""

import pytest

from meetings.services import feed_regenerate
from peernet.outbox.services import message_queue
from tests.cohorts.factories import CommunityFactory
from tests.deployed.people import (
    PASSWORD,
    person_member,
    person_pending,
    person_rejected,
    person_staff,
)
from tests.meetings.factories import InvitationFactory, MeetingFactory

pytestmark = [pytest.mark.integration]

ROLES = ["anonymous", "pending", "rejected", "member", "other", "staff", "staff+"]
STAFF_PERMISSIONS = [
    "members.view_registration",
    "members.change_registration",
    "outbox.view_outboxmessage",
    "meetings.view_meeting",
    "meetings.change_meeting",
    "cohorts.view_community",
]

# (method, path template, expected per role in ROLES order)
# {meeting}: an upcoming meeting; {registration}: the member's request; {message}: a mail to
# the member; {feed}: the member's feed token; {community}: a community's slug.
MATRIX = [
    # The feed first: a member asking for a new address below revokes this one.
    ("GET", "/en/meetings/feed/{feed}.ics", [200, 200, 200, 200, 200, 200, 200]),
    ("GET", "/en/meetings/feed/not-a-feed-token.ics", [404, 404, 404, 404, 404, 404, 404]),
    ("GET", "/en/me/", ["login", 200, 200, 200, 200, 200, 200]),
    ("GET", "/fr/mon-espace/", ["login", 200, 200, 200, 200, 200, 200]),
    ("GET", "/en/me/profile/", ["login", 200, 200, 200, 200, "home", "home"]),
    ("GET", "/en/me/my-data.json", ["login", 200, 200, 200, 200, 200, 200]),
    ("GET", "/en/me/leave/", ["login", 200, 200, 200, 200, "home", "home"]),
    ("GET", "/en/meetings/{meeting}/meeting.ics", ["login", 403, 403, 200, 200, 403, 403]),
    ("GET", "/en/meetings/themes/", ["login", 403, 403, 200, 200, 403, 403]),
    ("POST", "/en/meetings/{meeting}/answer/", ["login", 403, 403, 200, 200, 403, 403]),
    ("POST", "/en/meetings/{meeting}/interpretation/", ["login", 403, 403, 200, 200, 403, 403]),
    ("POST", "/en/meetings/feed/new/", ["login", 403, 403, "home", "home", 403, 403]),
    ("GET", "/en/admin/", ["login", 403, 403, 403, 403, 200, 200]),
    ("GET", "/fr/admin/", ["login", 403, 403, 403, 403, 200, 200]),
    ("GET", "/en/admin/members/registration/", ["login", 403, 403, 403, 403, 403, 200]),
    (
        "GET",
        "/en/admin/members/registration/{registration}/change/",
        ["login", 403, 403, 403, 403, 403, 200],
    ),
    ("GET", "/en/admin/outbox/outboxmessage/", ["login", 403, 403, 403, 403, 403, 200]),
    (
        "GET",
        "/en/admin/outbox/outboxmessage/{message}/change/",
        ["login", 403, 403, 403, 403, 403, 200],
    ),
    ("GET", "/en/admin/meetings/meeting/", ["login", 403, 403, 403, 403, 403, 200]),
    # Attendee lists also need the invitations' permission, which staff+ lacks.
    (
        "GET",
        "/en/admin/meetings/meeting/export/attendees.csv",
        ["login", 403, 403, 403, 403, 403, 403],
    ),
    (
        "GET",
        "/en/admin/meetings/meeting/export/meetings.csv",
        ["login", 403, 403, 403, 403, 403, 200],
    ),
    (
        "GET",
        "/en/admin/meetings/meeting/{meeting}/attendees.xlsx",
        ["login", 403, 403, 403, 403, 403, 403],
    ),
    ("GET", "/en/admin/cohorts/community/", ["login", 403, 403, 403, 403, 403, 200]),
    ("GET", "/en/admin/members/user/", ["login", 403, 403, 403, 403, 403, 403]),
    ("GET", "/en/admin/auth/group/", ["login", 403, 403, 403, 403, 403, 403]),
    ("GET", "/en/cohorts/communities/{community}/", [200, 200, 200, 200, 200, 200, 200]),
]


@pytest.fixture
def world(site):
    member = person_member(user__email="owner@gatineau.ca")
    meeting = MeetingFactory()
    InvitationFactory(meeting=meeting, user=member.user)
    message = message_queue(
        to_email=member.email,
        subject="Welcome",
        text="Hello\n",
        language="en",
        purpose="tests.access",
    )
    people = {
        "anonymous": None,
        "pending": person_pending(),
        "rejected": person_rejected(),
        "member": member,
        "other": person_member(),
        "staff": person_staff(),
        "staff+": person_staff(permissions=STAFF_PERMISSIONS),
    }
    values = {
        "meeting": meeting.pk,
        "registration": member.user.registration.pk,
        "message": message.pk,
        "feed": feed_regenerate(user=member.user).token,
        "community": CommunityFactory().slug,
    }
    return people, values


# What the page's own form would post.
POSTED = {"/answer/": {"response": "accepted"}}


def _outcome(client, method, path):
    data = None
    if method == "POST":
        data = next((form for end, form in POSTED.items() if path.endswith(end)), {})
    response = client.request(method, path, data=data)
    response = client.follow(response)
    if "/accounts/login/" in client.last_path and path != client.last_path:
        return "login"
    if client.last_path in ("/en/me/", "/fr/mon-espace/") and path not in (
        "/en/me/",
        "/fr/mon-espace/",
    ):
        return "home"
    if response.status == 200 and method == "POST":
        return 200
    return response.status


def test_access_matrix(site, world):
    people, values = world
    clients = {}
    for number, role in enumerate(ROLES):
        client = site.client(f"203.0.113.{100 + number}")
        person = people[role]
        if person is not None:
            client.login(person.email, PASSWORD, totp_secret=person.totp_secret)
            assert client.last_path not in ("/en/accounts/login/",), role
        clients[role] = client

    expected, actual = {}, {}
    for method, template, outcomes in MATRIX:
        path = template.format(**values)
        for role, outcome in zip(ROLES, outcomes, strict=True):
            expected[(method, template, role)] = outcome
            actual[(method, template, role)] = _outcome(clients[role], method, path)
    wrong = {key: (expected[key], actual[key]) for key in expected if expected[key] != actual[key]}
    assert not wrong, "\n".join(
        f"{method} {path} as {role}: expected {want}, got {got}"
        for (method, path, role), (want, got) in wrong.items()
    )
