"""Every public and member page, in both languages, against hostile requests.

Whatever arrives (markup, control characters, oversized values, lists where one value is
expected, unknown choices, forged tokens), the answer is a page or a 4xx, never a 500, and
nobody but a member ever receives a join link.
"""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from meetings.tokens import answer_token_make
from tests.cohorts.factories import CommunityFactory
from tests.meetings.factories import MeetingFactory
from tests.members.factories import MemberFactory, RegistrationFactory

pytestmark = [pytest.mark.unit, pytest.mark.django_db]

HOSTILE_VALUES = [
    "<script>alert(1)</script>",
    "\r\nBcc: victim@example.com",
    "x" * 20_000,
    "\x00\x01\x1b[31m",
    "' OR 1=1 --",
    "../../etc/passwd",
    "Sḵwx̱wú7mesh\u202e",
    "-1",
    "9" * 40,
]
FORM_FIELDS = [
    "first_name", "last_name", "email", "job_title", "department", "organisation_name",
    "organisation_kind", "province", "preferred_language", "wants_interpretation",
    "password1", "password2", "privacy_consent", "q", "cohort", "roadmap_language", "answer",
    "response", "wants", "title", "details", "vote", "confirm", "contact_name",
    "government_name", "government_kind", "message", "login", "password", "page",
]  # fmt: skip


def _routes(meeting, community, answer_tokens=()):
    return [
        ("home", {}),
        ("members:register", {}),
        ("members:home", {}),
        ("members:profile", {}),
        ("members:data_export", {}),
        ("members:leave", {}),
        ("members:privacy", {}),
        ("meetings:list", {}),
        ("meetings:detail", {"pk": meeting.pk}),
        ("meetings:detail", {"pk": 999_999}),
        ("meetings:ics", {"pk": meeting.pk}),
        ("meetings:respond", {"pk": meeting.pk}),
        ("meetings:interpretation", {"pk": meeting.pk}),
        ("meetings:answer", {"token": "forged.token:abc", "answer": "accept"}),
        ("meetings:answer", {"token": "x" * 300, "answer": "maybe"}),
        *[
            ("meetings:answer", {"token": token, "answer": answer})
            for token in answer_tokens
            for answer in ("accept", "decline", "maybe")
        ],
        ("meetings:feed", {"token": "not-a-real-token"}),
        ("meetings:feed_regenerate", {}),
        ("meetings:feed_revoke", {}),
        ("meetings:themes", {}),
        ("meetings:theme_vote", {"pk": 999_999}),
        ("cohorts:list", {}),
        ("cohorts:map", {}),
        ("cohorts:programme", {}),
        ("cohorts:interest", {}),
        ("cohorts:interest_sent", {}),
        ("cohorts:community", {"slug": community.slug}),
        ("cohorts:community", {"slug": "no-such-community"}),
        ("account_login", {}),
        ("account_reset_password", {}),
    ]


@pytest.fixture
def setting():
    meeting = MeetingFactory()
    community = CommunityFactory()
    member = MemberFactory(user__email="member@gatineau.ca")
    pending = RegistrationFactory(user__email="pending@gatineau.ca")
    clients = {"anonymous": Client(raise_request_exception=False)}
    for name, registration in (("member", member), ("pending", pending)):
        client = Client(raise_request_exception=False)
        client.force_login(registration.user)
        clients[name] = client
    return meeting, community, clients


@pytest.mark.parametrize("language", ["en", "fr"])
def test_no_page_answers_hostile_input_with_a_server_error(setting, language):
    meeting, community, clients = setting
    # Real answer links too (an open meeting and an ended one), not only forged ones.
    member = get_user_model().objects.get(email="member@gatineau.ca")
    ended = MeetingFactory(
        starts_at=timezone.now() - timedelta(hours=2), ends_at=timezone.now() - timedelta(hours=1)
    )
    answer_tokens = [
        answer_token_make(user_id=member.pk, meeting_id=item.pk) for item in (meeting, ended)
    ]
    with translation.override(language):
        urls = [
            reverse(name, kwargs=kwargs)
            for name, kwargs in _routes(meeting, community, answer_tokens)
        ]
    failures = []
    for who, client in clients.items():
        for url in urls:
            for value in HOSTILE_VALUES:
                query = {field: value for field in ("q", "cohort", "province", "page", "next")}
                data = {field: [value, value] for field in FORM_FIELDS}
                for method, response in (
                    ("GET", client.get(url, query)),
                    ("POST", client.post(url, data)),
                ):
                    if response.status_code >= 500:
                        failures.append((who, method, url, value[:20], response.status_code))
                    if who != "member" and meeting.join_url.encode() in response.content:
                        failures.append((who, method, url, value[:20], "join link shown"))
    assert failures == []
