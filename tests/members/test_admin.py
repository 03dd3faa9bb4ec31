"""The review queue in the Django admin: filters, waiting time, one-click and bulk decisions."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from members.choices import FlagCode, RegistrationStatus
from members.models import KnownDomain, KnownOrganisation, Registration, RegistrationFlag
from tests.members.factories import (
    KnownOrganisationFactory,
    RegistrationFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = [pytest.mark.unit, pytest.mark.django_db]

CHANGELIST = "admin:members_registration_changelist"


def _flag(registration, code):
    RegistrationFlag.objects.create(registration=registration, code=code, params={})


def test_queue_lists_requests_with_flags_and_days_waiting(staff_client):
    old = RegistrationFactory(
        email_confirmed_at=timezone.now() - timedelta(days=6), organisation_name="Town of Old"
    )
    _flag(old, FlagCode.WEBMAIL)
    fresh = RegistrationFactory(organisation_name="Town of Fresh")
    response = staff_client.get(reverse(CHANGELIST))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Town of Old" in html and "Town of Fresh" in html
    assert '<span class="waiting-long">6 ⚠</span>' in html
    assert "Personal webmail address" in html
    assert fresh.days_waiting == 0


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status__exact": "pending"}, ["Pending", "Old"]),
        ({"flag": FlagCode.WEBMAIL}, ["Webmail"]),
        ({"flag": "likely"}, ["Known"]),
        ({"province__exact": "AB"}, ["Alberta"]),
        ({"organisation_kind__exact": "other"}, ["Consultant"]),
        ({"waiting": "long"}, ["Old"]),
        ({"q": "Consult"}, ["Consultant"]),
    ],
)
def test_queue_filters(staff_client, query, expected):
    RegistrationFactory(organisation_name="Pending")
    webmail = RegistrationFactory(organisation_name="Webmail", status=RegistrationStatus.REJECTED)
    _flag(webmail, FlagCode.WEBMAIL)
    known = RegistrationFactory(organisation_name="Known", status=RegistrationStatus.APPROVED)
    _flag(known, FlagCode.KNOWN_GOVERNMENT)
    known_but_webmail = RegistrationFactory(
        organisation_name="KnownWeb", status=RegistrationStatus.APPROVED
    )
    _flag(known_but_webmail, FlagCode.KNOWN_GOVERNMENT)
    _flag(known_but_webmail, FlagCode.DOMAIN_MISMATCH)
    RegistrationFactory(organisation_name="Alberta", province="AB", status="withdrawn")
    RegistrationFactory(
        organisation_name="Consultant", organisation_kind="other", status="submitted"
    )
    RegistrationFactory(
        organisation_name="Old",
        status=RegistrationStatus.SUBMITTED,
        email_confirmed_at=None,
        submitted_at=timezone.now() - timedelta(days=9),
    )
    Registration.objects.filter(organisation_name="Old").update(status=RegistrationStatus.PENDING)
    Registration.objects.filter(organisation_name="Pending").update(organisation_name="Pending")
    response = staff_client.get(reverse(CHANGELIST), query)
    shown = [r.organisation_name for r in response.context["cl"].result_list]
    assert sorted(shown) == sorted(expected)


def test_one_click_approve_from_the_queue(staff_client, django_capture_on_commit_callbacks):
    registration = RegistrationFactory()
    url = reverse("admin:members_registration_approve", args=[registration.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(url)
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.APPROVED
    assert registration.decided_by == staff_client.staff
    assert [m.subject for m in mail.outbox] == ["Welcome to PeerNet"]


def test_approve_link_needs_post_and_staff(client):
    registration = RegistrationFactory()
    url = reverse("admin:members_registration_approve", args=[registration.pk])
    client.force_login(UserFactory())
    assert client.post(url).status_code == 302  # to the admin login page
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.PENDING


def test_bulk_approve_skips_requests_that_are_not_pending(staff_client):
    pending = RegistrationFactory.create_batch(2)
    unconfirmed = RegistrationFactory(status=RegistrationStatus.SUBMITTED)
    ids = [r.pk for r in pending] + [unconfirmed.pk]
    response = staff_client.post(
        reverse(CHANGELIST), {"action": "approve_selected", "_selected_action": ids}, follow=True
    )
    messages = [str(m) for m in response.context["messages"]]
    assert "2 requests were approved." in messages
    assert "1 request was skipped: only pending requests can be approved." in messages
    statuses = dict(Registration.objects.values_list("pk", "status"))
    assert [statuses[pk] for pk in ids] == ["approved", "approved", "submitted"]


def test_bulk_reject_asks_for_a_reason_then_rejects(
    staff_client, django_capture_on_commit_callbacks
):
    french = RegistrationFactory(user__preferred_language="fr")
    english = RegistrationFactory(user__preferred_language="en")
    ids = [french.pk, english.pk]
    page = staff_client.post(
        reverse(CHANGELIST), {"action": "reject_selected", "_selected_action": ids}
    )
    assert page.status_code == 200
    assert "Reason sent to the registrant" in page.content.decode()
    assert Registration.objects.filter(status=RegistrationStatus.REJECTED).count() == 0

    empty = staff_client.post(
        reverse(CHANGELIST),
        {"action": "reject_selected", "_selected_action": ids, "reason": " "},
    )
    assert empty.status_code == 400
    assert Registration.objects.filter(status=RegistrationStatus.REJECTED).count() == 0

    with django_capture_on_commit_callbacks(execute=True):
        done = staff_client.post(
            reverse(CHANGELIST),
            {"action": "reject_selected", "_selected_action": ids, "reason": "Not eligible."},
        )
    assert done.status_code == 302
    assert Registration.objects.filter(status=RegistrationStatus.REJECTED).count() == 2
    subjects = sorted((m.to[0], m.subject) for m in mail.outbox)
    assert subjects == sorted(
        [
            (french.user.email, "Votre demande d’adhésion à PeerNet"),
            (english.user.email, "Your request to join PeerNet"),
        ]
    )
    assert all("Not eligible." in m.body for m in mail.outbox)


def test_change_page_shows_assistant_reasons_and_history(staff_client):
    KnownOrganisationFactory()
    from members import services

    user = UserFactory(email="a@gatineau.ca")
    registration = services.registration_submit(
        user=user,
        job_title="Analyst",
        department="",
        organisation_name="City of Gatineau",
        organisation_kind="city",
        province="QC",
        wants_interpretation=False,
        privacy_consent=True,
    )
    html = staff_client.get(
        reverse("admin:members_registration_change", args=[registration.pk])
    ).content.decode()
    assert "The domain gatineau.ca belongs to City of Gatineau, a known government." in html
    assert "Awaiting e-mail confirmation" in html


def test_reject_page_for_one_request(staff_client):
    registration = RegistrationFactory()
    url = reverse("admin:members_registration_reject", args=[registration.pk])
    assert staff_client.get(url).status_code == 200
    response = staff_client.post(url, {"reason": "Consultants are not eligible."})
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.decision_reason == "Consultants are not eligible."
    assert registration.events.last().actor == staff_client.staff


KNOWN_ADD = "admin:members_knownorganisation_add"


def _known_organisation_post(staff_client, name, domains):
    data = {
        "name_en": name,
        "name_fr": name,
        "kind": "town",
        "province": "ON",
        "notes": "",
        "domains-TOTAL_FORMS": str(len(domains)),
        "domains-INITIAL_FORMS": "0",
        "domains-MIN_NUM_FORMS": "0",
        "domains-MAX_NUM_FORMS": "1000",
    }
    for index, domain in enumerate(domains):
        data[f"domains-{index}-domain"] = domain
    return staff_client.post(reverse(KNOWN_ADD), data)


def test_known_domains_typed_by_staff_are_normalised(staff_client):
    response = _known_organisation_post(staff_client, "Town of Foo", ["  @Foo-Town.CA. "])
    assert response.status_code == 302
    assert list(KnownDomain.objects.values_list("domain", flat=True)) == ["foo-town.ca"]


@pytest.mark.parametrize(
    "domains",
    [["FOO-TOWN.CA"], ["bar.ca", "@BAR.ca"]],
)
def test_duplicate_known_domains_in_another_case_are_refused(staff_client, domains):
    KnownOrganisationFactory(name_en="Town of Foo", domain__domain="foo-town.ca")
    if domains == ["bar.ca", "@BAR.ca"]:
        KnownDomain.objects.filter(domain="foo-town.ca").delete()
    response = _known_organisation_post(staff_client, "Town of Other", domains)
    assert response.status_code == 200
    assert not KnownOrganisation.objects.filter(name_en="Town of Other").exists()


@pytest.mark.parametrize(
    "domain", ["https://baz.ca/", "jane@qux.ca", "ba z.ca", "ca", "-x.ca", "<b>x.ca"]
)
def test_what_is_not_a_domain_is_refused_with_a_translated_message(staff_client, domain):
    with translation.override("fr"):
        response = _known_organisation_post(staff_client, "Town of Baz", [domain])
    assert response.status_code == 200
    assert "Saisissez un domaine comme calgary.ca\u00a0:" in response.content.decode()
    assert not KnownDomain.objects.exists()


def test_adding_a_known_domain_updates_the_flags_of_waiting_requests(staff_client):
    waiting = RegistrationFactory(user__email="a@foo-town.ca", organisation_name="Town of Foo")
    decided = RegistrationFactory(
        user__email="b@foo-town.ca", organisation_name="Foo", status=RegistrationStatus.APPROVED
    )
    response = _known_organisation_post(staff_client, "Town of Foo", ["Foo-Town.ca"])
    assert response.status_code == 302
    assert [flag.code for flag in waiting.flags.all()] == [FlagCode.KNOWN_GOVERNMENT]
    assert not decided.flags.exists()


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/x", "javascript:x"])
def test_one_click_approve_never_returns_to_another_site(staff_client, next_url):
    registration = RegistrationFactory()
    url = reverse("admin:members_registration_approve", args=[registration.pk])
    response = staff_client.post(url, {"next": next_url})
    assert response.status_code == 302
    assert response["Location"] == reverse(CHANGELIST)


def test_one_click_approve_returns_to_the_filtered_queue(staff_client):
    registration = RegistrationFactory()
    url = reverse("admin:members_registration_approve", args=[registration.pk])
    back = reverse(CHANGELIST) + "?status__exact=pending"
    response = staff_client.post(url, {"next": back})
    assert response["Location"] == back


@pytest.mark.parametrize(
    "query",
    [
        "Cote",
        "côté",
        "Co\u0302te\u0301",
        "Skwxwu7mesh",
        "Sḵwx̱wú7mesh",
        "kanien'keha",
        "Kanien’kehá",
    ],
)
def test_search_finds_names_without_their_accents_however_typed(staff_client, query):
    RegistrationFactory(
        user=UserFactory(email="a@gatineau.ca", first_name="Éric", last_name="Côté"),
        organisation_name="Town A",
    )
    RegistrationFactory(
        user=UserFactory(
            email="b@gatineau.ca",
            first_name="Sk\u0331wx\u0331wu\u03017mesh",
            last_name="Kanien'kehá:ka",
        ),
        organisation_name="Town B",
    )
    RegistrationFactory(organisation_name="Town C")
    response = staff_client.get(reverse(CHANGELIST), {"q": query})
    html = response.content.decode()
    assert response.status_code == 200
    expected = "Town B" if "7" in query or "kan" in query.lower() else "Town A"
    assert expected in html
    assert "Town C" not in html


def test_search_with_a_nul_character_is_not_an_error(staff_client):
    RegistrationFactory(organisation_name="Town A")
    response = staff_client.get(reverse(CHANGELIST), {"q": "Town\x00"})
    assert response.status_code == 200


def test_staff_delete_people_through_the_service_not_a_bare_delete(staff_client):
    from members.models import User
    from peernet.outbox.models import OutboxMessage
    from peernet.outbox.services import message_queue

    spam = RegistrationFactory(user__email="spam@example.com")
    kept = RegistrationFactory(user__email="kept@gatineau.ca")
    message_queue(to_email="spam@example.com", subject="s", text="t", language="en", purpose="x")
    changelist = staff_client.get(reverse(CHANGELIST))
    actions = dict(changelist.context["action_form"].fields["action"].choices)
    assert "delete_selected" not in actions
    assert "delete_people" in actions
    response = staff_client.post(
        reverse(CHANGELIST), {"action": "delete_people", "_selected_action": [spam.pk]}, follow=True
    )
    assert "1 person was deleted." in [str(m) for m in response.context["messages"]]
    assert not User.objects.filter(email="spam@example.com").exists()
    assert not OutboxMessage.objects.filter(to_email="spam@example.com").exists()
    assert Registration.objects.filter(pk=kept.pk).exists()


CHANGE = "admin:members_registration_change"


@pytest.mark.parametrize(
    ("status", "approve", "reject"),
    [
        (RegistrationStatus.SUBMITTED, False, True),
        (RegistrationStatus.PENDING, True, True),
        (RegistrationStatus.APPROVED, False, False),
        (RegistrationStatus.REJECTED, False, False),
        (RegistrationStatus.WITHDRAWN, False, False),
    ],
)
def test_the_change_page_and_queue_offer_what_the_services_allow(
    staff_client, status, approve, reject
):
    from members import services

    registration = RegistrationFactory(status=status)
    allowed = services.registration_next_statuses(registration=registration)
    assert (RegistrationStatus.APPROVED in allowed, RegistrationStatus.REJECTED in allowed) == (
        approve,
        reject,
    )
    response = staff_client.get(reverse(CHANGE, args=[registration.pk]))
    html = response.content.decode()
    approve_url = reverse("admin:members_registration_approve", args=[registration.pk])
    reject_url = reverse("admin:members_registration_reject", args=[registration.pk])
    assert (response.context["can_approve"], response.context["can_reject"]) == (approve, reject)
    assert (f'action="{approve_url}"' in html, f'href="{reject_url}"' in html) == (approve, reject)
    queue = staff_client.get(reverse(CHANGELIST)).content.decode()
    assert (f'formaction="{approve_url}"' in queue) == approve


# (flags, likely eligible): a known government's domain and nothing to warn about.
LIKELY_CASES = [
    ([FlagCode.KNOWN_GOVERNMENT], True),
    ([FlagCode.KNOWN_GOVERNMENT, FlagCode.DOMAIN_MISMATCH], False),
    ([FlagCode.KNOWN_GOVERNMENT, FlagCode.DUPLICATE_PERSON], False),
    ([FlagCode.WEBMAIL], False),
    ([], False),
]


@pytest.mark.parametrize(("codes", "likely"), LIKELY_CASES)
def test_the_likely_filter_and_the_highlighted_button_follow_one_rule(staff_client, codes, likely):
    from members import eligibility

    registration = RegistrationFactory(organisation_name="Town of Case")
    for code in codes:
        _flag(registration, code)
    assert eligibility.is_likely_eligible(codes) is likely
    filtered = staff_client.get(reverse(CHANGELIST), {"flag": "likely"})
    assert [r.pk for r in filtered.context["cl"].result_list] == (
        [registration.pk] if likely else []
    )
    queue = staff_client.get(reverse(CHANGELIST)).content.decode()
    approve_url = reverse("admin:members_registration_approve", args=[registration.pk])
    highlighted = f'class="button default" formaction="{approve_url}"'
    assert (highlighted in queue) is likely


@pytest.mark.parametrize(
    ("status", "waited", "overdue"),
    [
        (RegistrationStatus.PENDING, timedelta(days=6, minutes=1), True),
        (RegistrationStatus.PENDING, timedelta(days=6) - timedelta(minutes=1), False),
        (RegistrationStatus.PENDING, timedelta(days=2), False),
        # Waiting for the registrant to confirm the address is not waiting for staff.
        (RegistrationStatus.SUBMITTED, timedelta(days=9), False),
    ],
)
def test_the_long_wait_filter_and_the_badge_follow_one_rule(
    staff_client, settings, status, waited, overdue
):
    settings.PEERNET_REVIEW_WARNING_DAYS = 5
    since = timezone.now() - waited
    confirmed = since if status == RegistrationStatus.PENDING else None
    registration = RegistrationFactory(
        status=status, submitted_at=since, email_confirmed_at=confirmed
    )
    assert registration.is_review_overdue is overdue
    filtered = staff_client.get(reverse(CHANGELIST), {"waiting": "long"})
    assert [r.pk for r in filtered.context["cl"].result_list] == (
        [registration.pk] if overdue else []
    )
    queue = staff_client.get(reverse(CHANGELIST)).content.decode()
    badge = f'<span class="waiting-long">{registration.days_waiting} ⚠</span>'
    assert (badge in queue) is overdue


def test_delete_people_never_deletes_staff(staff_client):
    from members.models import User

    colleague = StaffFactory(email="colleague@peernet.example")
    staff_request = RegistrationFactory(user=colleague)
    person = RegistrationFactory(user__email="person@example.com")
    response = staff_client.post(
        reverse(CHANGELIST),
        {"action": "delete_people", "_selected_action": [staff_request.pk, person.pk]},
        follow=True,
    )
    assert "1 person was deleted." in [str(m) for m in response.context["messages"]]
    assert User.objects.filter(pk=colleague.pk).exists()
    assert not User.objects.filter(email="person@example.com").exists()


def test_the_reject_page_is_the_shared_confirmation_page(staff_client):
    registration = RegistrationFactory(organisation_name="Green Futures Consulting")
    response = staff_client.get(
        reverse("admin:members_registration_reject", args=[registration.pk])
    )
    assert [t.name for t in response.templates][:2] == [
        "admin/members/registration/reject.html",
        "admin/peernet/confirm.html",
    ]
    html = response.content.decode()
    assert "Green Futures Consulting" in html
    assert f'<a href="{reverse(CHANGELIST)}" class="closelink">Cancel</a>' in html
    assert 'value="Reject and send the reason"' in html
    assert 'name="action"' not in html  # one request: the page posts to itself
