"""Mail that carries a credential: never shown in the admin, erased once delivered, never sent
again; and no other admin page shows a secret either."""

import re
import time
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import Client
from django.urls import reverse

from meetings import services as meeting_services
from meetings.models import CalendarFeed
from peernet.outbox import services, tasks
from peernet.outbox.models import MessageStatus, OutboxMessage
from tests.conftest import SMTPCollector, free_port
from tests.meetings.factories import MeetingFactory
from tests.members.factories import MemberFactory, StaffFactory
from tests.peernet.test_delivery import smtp_connection
from tests.second_factor import totp_secret

pytestmark = [pytest.mark.django_db]

CHANGELIST = "admin:outbox_outboxmessage_changelist"
RESET_LINK = re.compile(r"https?://\S+/accounts/password/reset/key/(\S+)/")


def _queue(**overrides):
    values = dict(
        to_email="amelie@gatineau.ca",
        subject="Bonjour",
        text="Texte ordinaire\n",
        html="<p>Texte ordinaire</p>",
        language="fr",
        purpose="tests.ordinary",
    )
    values.update(overrides)
    return services.message_queue(**values)


def _staff(*permissions: str, superuser: bool = False):
    """A staff account (with its authenticator app, as the admin requires)."""
    user = StaffFactory(is_superuser=superuser)
    for codename in permissions:
        user.user_permissions.add(Permission.objects.get(codename=codename))
    client = Client()
    client.force_login(user)
    return user, client


def _reset_requested_for(email: str) -> tuple[OutboxMessage, str]:
    """The public reset form, used as anyone could; the message stays queued (not committed)."""
    response = Client().post("/en/accounts/password/reset/", {"email": email})
    assert response.status_code == 302
    message = OutboxMessage.objects.get(purpose="account.password_reset_key", to_email=email)
    link = RESET_LINK.search(message.body_text)
    assert link is not None, message.body_text
    return message, link.group(0)


# --- the takeover: a staff member with view rights on the outbox and nothing else ------------


@pytest.mark.unit
def test_view_permission_on_the_outbox_does_not_show_a_reset_link():
    superuser = StaffFactory(email="root@peernet.example")
    message, link = _reset_requested_for(superuser.email)
    key = RESET_LINK.search(link).group(1)
    _staff_user, client = _staff("view_outboxmessage")

    changelist = client.get(reverse(CHANGELIST))
    change = client.get(reverse("admin:outbox_outboxmessage_change", args=[message.pk]))

    assert (changelist.status_code, change.status_code) == (200, 200)
    for response in (changelist, change):
        html = response.content.decode()
        assert superuser.email in html  # the recipient, subject and purpose are shown...
        assert "account.password_reset_key" in html
        assert key not in html  # ...never the link
        assert "/accounts/password/reset/key/" not in html
    assert message.subject in change.content.decode()


@pytest.mark.unit
def test_the_reset_key_cannot_be_guessed_through_admin_filters():
    superuser = StaffFactory(email="root@peernet.example")
    _message, link = _reset_requested_for(superuser.email)
    _staff_user, client = _staff("view_outboxmessage", "view_outboxmessage_body")
    for field in ("body_text", "body_html", "calendar"):
        response = client.get(reverse(CHANGELIST), {f"{field}__contains": link[:40]})
        assert response.status_code == 400
        assert superuser.email not in response.content.decode()
    # Searching matches on recipient, subject and purpose only.
    response = client.get(reverse(CHANGELIST), {"q": link})
    assert response.status_code == 200
    assert superuser.email not in response.content.decode()


@pytest.mark.unit
def test_body_permission_shows_ordinary_mail_but_never_a_credential():
    superuser = StaffFactory(email="root@peernet.example")
    secret, link = _reset_requested_for(superuser.email)
    ordinary = _queue()
    _reader, client = _staff("view_outboxmessage", "view_outboxmessage_body")

    html = client.get(reverse("admin:outbox_outboxmessage_change", args=[ordinary.pk]))
    assert "Texte ordinaire" in html.content.decode()

    html = client.get(reverse("admin:outbox_outboxmessage_change", args=[secret.pk]))
    assert html.status_code == 200
    assert RESET_LINK.search(link).group(1) not in html.content.decode()


@pytest.mark.unit
def test_without_the_body_permission_no_body_is_shown_even_an_ordinary_one():
    ordinary = _queue(calendar="BEGIN:VCALENDAR\r\nX-TEST:calendar-body\r\nEND:VCALENDAR\r\n")
    _viewer, client = _staff("view_outboxmessage")
    html = client.get(reverse("admin:outbox_outboxmessage_change", args=[ordinary.pk]))
    assert html.status_code == 200
    content = html.content.decode()
    assert "Bonjour" in content
    assert "Texte ordinaire" not in content
    assert "calendar-body" not in content


@pytest.mark.unit
def test_superusers_read_ordinary_bodies_but_not_credentials():
    superuser, client = _staff(superuser=True)
    secret, link = _reset_requested_for(superuser.email)
    ordinary = _queue()
    ordinary_html = client.get(reverse("admin:outbox_outboxmessage_change", args=[ordinary.pk]))
    secret_html = client.get(reverse("admin:outbox_outboxmessage_change", args=[secret.pk]))
    assert "Texte ordinaire" in ordinary_html.content.decode()
    assert RESET_LINK.search(link).group(1) not in secret_html.content.decode()


@pytest.mark.unit
def test_no_default_group_reads_bodies():
    from django.contrib.auth.models import Group

    assert not Group.objects.filter(permissions__codename="view_outboxmessage_body").exists()
    assert Permission.objects.filter(
        codename="view_outboxmessage_body", content_type__app_label="outbox"
    ).exists()


# --- which mail is marked -----------------------------------------------------------------------


@pytest.mark.unit
def test_every_account_mail_and_answer_link_mail_is_marked_and_ordinary_mail_is_not():
    member = MemberFactory(user__email="jordan@calgary.ca").user
    _reset_requested_for(member.email)
    Client().post("/en/accounts/password/reset/", {"email": "nobody@calgary.ca"})
    meeting = MeetingFactory()
    meeting_services.invitation_deliver(meeting=meeting, user=member)
    meeting_services.meeting_cancel(meeting=meeting)
    meeting_services.meeting_cancellations_send(meeting=meeting)
    _queue(purpose="members.welcome")
    marked = dict(OutboxMessage.objects.values_list("purpose", "carries_secret"))
    assert marked == {
        "account.password_reset_key": True,
        "account.unknown_account": True,
        "meetings.invitation": True,
        "meetings.cancellation": False,
        "members.welcome": False,
    }


# --- erased once delivered, never sent again -------------------------------------------------


@pytest.mark.unit
def test_a_credential_is_delivered_whole_then_erased(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = _queue(
            text="Reset: https://example.org/key/abc\n",
            html="<a href='https://example.org/key/abc'>reset</a>",
            calendar="BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
            calendar_method="REQUEST",
            carries_secret=True,
        )
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert (message.body_text, message.body_html, message.calendar) == ("", "", "")
    assert message.body_erased_at == message.sent_at
    assert message.subject == "Bonjour"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].body == "Reset: https://example.org/key/abc\n"
    assert "https://example.org/key/abc" in mail.outbox[0].alternatives[0].content


@pytest.mark.unit
def test_ordinary_mail_keeps_its_body_once_delivered(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = _queue()
    message.refresh_from_db()
    assert (message.status, message.body_text, message.body_erased_at) == (
        MessageStatus.SENT,
        "Texte ordinaire\n",
        None,
    )


@pytest.mark.unit
def test_an_account_reset_is_erased_after_delivery(django_capture_on_commit_callbacks):
    member = MemberFactory(user__email="jordan@calgary.ca", user__preferred_language="fr").user
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post("/fr/accounts/password/reset/", {"email": member.email})
    assert response.status_code == 302
    stored = OutboxMessage.objects.get(purpose="account.password_reset_key")
    assert (stored.status, stored.body_text, stored.body_html) == (MessageStatus.SENT, "", "")
    assert RESET_LINK.search(mail.outbox[0].body) is not None


def _erased(**overrides):
    message = _queue(carries_secret=True, text="https://example.org/key/abc\n", **overrides)
    services.message_send(message_id=message.pk)
    message.refresh_from_db()
    assert message.body_erased_at is not None
    return message


@pytest.mark.unit
def test_an_erased_message_that_comes_back_queued_fails_cleanly():
    message = _erased()
    mail.outbox.clear()
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=MessageStatus.QUEUED, next_attempt_at=message.sent_at, dispatched_at=None
    )
    assert services.messages_sweep() == 1  # the eager task runs message_send
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED
    assert message.last_error == services.BODY_ERASED_ERROR
    assert message.attempts == 1
    assert mail.outbox == []


@pytest.mark.unit
def test_an_erased_message_found_sending_is_recorded_sent_never_resent(settings):
    settings.PEERNET_OUTBOX_SENDING_GRACE_SECONDS = 60
    message = _erased()
    mail.outbox.clear()
    # The erasure is written with the server's acceptance: the recovery must not send again.
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=MessageStatus.SENDING, sending_since=message.sent_at - timedelta(minutes=5)
    )
    assert services.messages_sweep() == 0
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (MessageStatus.SENT, 1, "")
    assert mail.outbox == []


@pytest.mark.unit
def test_a_redelivered_task_sends_nothing_again():
    message = _erased()
    mail.outbox.clear()
    # The broker hands the same task over again (acks_late): the message was delivered.
    assert tasks.outbox_message_send.apply(args=[message.pk]).get() == MessageStatus.SENT
    OutboxMessage.objects.filter(pk=message.pk).update(status=MessageStatus.QUEUED)
    assert tasks.outbox_message_send.apply(args=[message.pk]).get() == MessageStatus.FAILED
    message.refresh_from_db()
    assert (message.status, message.last_error) == (
        MessageStatus.FAILED,
        services.BODY_ERASED_ERROR,
    )
    assert mail.outbox == []


@pytest.mark.unit
def test_staff_retry_of_an_erased_message_keeps_it_failed(django_capture_on_commit_callbacks):
    message = _erased()
    OutboxMessage.objects.filter(pk=message.pk).update(status=MessageStatus.FAILED)
    mail.outbox.clear()
    _staff_user, client = _staff("view_outboxmessage")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse(CHANGELIST),
            {"action": "retry_failed", "_selected_action": [message.pk]},
            follow=True,
        )
    shown = [str(m) for m in response.context["messages"]]
    assert "0 messages were queued again." in shown
    assert any("cannot be sent again" in text for text in shown)
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED
    assert mail.outbox == []


@pytest.mark.integration
def test_a_credential_through_a_real_smtp_server_arrives_whole_and_is_erased():
    handler = SMTPCollector()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        message = _queue(
            to_email="jordan@calgary.ca",
            text="Confirm: https://example.org/confirm/xyz\n",
            html="<p>https://example.org/confirm/xyz</p>",
            carries_secret=True,
        )
        result = services.message_send(
            message_id=message.pk, connection=smtp_connection(controller.port)
        )
        received = handler.wait_for(1, timeout=10)
    finally:
        controller.stop()
    assert result.status == MessageStatus.SENT
    assert "https://example.org/confirm/xyz" in received[0].get_body(("plain",)).get_content()
    message.refresh_from_db()
    assert (message.body_text, message.body_html, message.calendar) == ("", "", "")


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_the_real_worker_erases_a_credential_once_it_is_delivered(celery_worker, smtp_server):
    with transaction.atomic():
        message = _queue(
            to_email="jordan@calgary.ca", text="Reset: https://example.org/key/w\n",
            carries_secret=True,
        )  # fmt: skip
    received = smtp_server.wait_for(1, timeout=60)
    assert "https://example.org/key/w" in received[0].get_body(("plain",)).get_content()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        message.refresh_from_db()
        if message.status == MessageStatus.SENT:
            break
        time.sleep(0.2)
    assert (message.status, message.body_text, message.body_html) == (MessageStatus.SENT, "", "")
    assert message.body_erased_at is not None


# --- the service refuses what a form should have refused -----------------------------------


@pytest.mark.parametrize(
    "address",
    ["a" * 300 + "@gatineau.ca", "amelie\x00@gatineau.ca", "amelie@gatineau.ca\r\nBcc: x@y.ca"],
)
@pytest.mark.unit
def test_the_outbox_refuses_an_address_it_cannot_store_or_send(address):
    with pytest.raises(ValidationError):
        _queue(to_email=address)
    assert OutboxMessage.objects.count() == 0


# --- every admin page, as a superuser: no secret anywhere --------------------------------------


def _secrets_in_the_database() -> list[str]:
    """One row holding each kind of credential; returns the credentials."""
    superuser = StaffFactory(email="root@peernet.example")
    member = MemberFactory(user__email="jordan@calgary.ca").user
    _reset, link = _reset_requested_for(superuser.email)
    meeting_services.invitation_deliver(meeting=MeetingFactory(), user=member)
    invitation_mail = OutboxMessage.objects.get(purpose="meetings.invitation")
    answer_tokens = set(re.findall(r"/meetings/answer/([^/\s]+)/", invitation_mail.body_text))
    feed = meeting_services.feed_regenerate(user=member)
    recovery = RecoveryCodes.activate(superuser)
    totp = Authenticator.objects.get(user=superuser, type=Authenticator.Type.TOTP)
    assert answer_tokens
    return [
        RESET_LINK.search(link).group(1),
        *answer_tokens,
        feed.token,
        totp_secret(superuser),
        totp.data["secret"],
        recovery.instance.data["seed"],
        *recovery.get_unused_codes(),
    ]


@pytest.mark.unit
def test_no_admin_page_shows_a_credential():
    secrets = _secrets_in_the_database()
    assert all(secrets)
    _root, client = _staff(superuser=True)
    checked = 0
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        changelist = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        assert changelist.status_code == 200, opts.label
        pages = [changelist.content.decode()]
        for pk in model_admin.get_queryset(changelist.wsgi_request).values_list("pk", flat=True):
            page = client.get(
                reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[pk])
            )
            assert page.status_code == 200, (opts.label, pk)
            pages.append(page.content.decode())
            checked += 1
        for html in pages:
            for secret in secrets:
                assert secret not in html, (opts.label, secret)
    assert checked >= 7


@pytest.mark.unit
def test_libraries_admin_pages_that_hold_secrets_are_cut_down():
    from allauth.account.models import EmailConfirmation

    assert not admin.site.is_registered(Session)
    assert not admin.site.is_registered(EmailConfirmation)
    authenticators = admin.site._registry[Authenticator]
    assert "data" not in authenticators.get_fields(None)
    root, client = _staff(superuser=True)
    secret = totp_secret(root)
    response = client.get(
        reverse("admin:mfa_authenticator_changelist"), {"data__contains": secret[:4]}
    )
    assert response.status_code == 400
    assert not admin.site.is_registered(CalendarFeed)
