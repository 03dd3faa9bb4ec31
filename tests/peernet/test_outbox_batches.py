"""Many messages at once: stored in one statement, dispatched in batches, each message of a
batch claimed, sent and recorded on its own, so that the outbox's guarantees hold unchanged."""

import time
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from peernet.celery import app
from peernet.outbox import services, tasks
from peernet.outbox.models import MessageStatus, OutboxMessage
from peernet.outbox.services import delivery

pytestmark = [pytest.mark.unit, pytest.mark.django_db]


def prepared(count: int, *, key: str | None = "tests.batch", start: int = 0) -> list:
    return [
        services.message_prepare(
            to_email=f"person{number}@gatineau.ca",
            subject=f"Bulletin {number}",
            text="Bonjour\n",
            language="fr",
            purpose="tests.batch",
            dedupe_key=f"{key}:{number}" if key else None,
        )
        for number in range(start, start + count)
    ]


@pytest.fixture
def batches(monkeypatch):
    """The batches handed to the broker, kept instead of sent."""
    handed = []
    monkeypatch.setattr(
        tasks.outbox_messages_send, "apply_async", lambda args, **options: handed.append(*args)
    )
    return handed


def test_preparing_checks_the_address_as_queuing_does():
    with pytest.raises(ValidationError):
        services.message_prepare(
            to_email="not an address", subject="s", text="t", language="en", purpose="x"
        )
    message = services.message_prepare(
        to_email="a@gatineau.ca", subject="Line\nbreak", text="t", language="en", purpose="x"
    )
    assert message.pk is None and message.subject == "Line break"


def test_many_messages_are_stored_in_one_statement_and_dispatched_in_batches_after_commit(
    batches, django_capture_on_commit_callbacks
):
    size = services.SEND_BATCH
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        with CaptureQueriesContext(connection) as queries:
            stored = services.messages_queue(messages=prepared(2 * size + 3))
    inserts = [query for query in queries if query["sql"].startswith("INSERT")]
    # One statement on PostgreSQL; SQLite's limit on parameters cuts it into a few.
    assert len(inserts) == (1 if connection.vendor == "postgresql" else 2)
    assert batches == []  # nothing goes before the transaction commits
    for callback in callbacks:
        callback()
    ids = [message.pk for message in stored]
    assert batches == [ids[:size], ids[size : 2 * size], ids[2 * size :]]
    assert ids == sorted(ids) and None not in ids
    assert OutboxMessage.objects.filter(pk__in=ids, dispatched_at__isnull=False).count() == len(ids)


def test_a_key_already_used_stores_and_dispatches_nothing_and_returns_the_stored_message(
    batches, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        [earlier] = services.messages_queue(messages=prepared(1))
        again = services.messages_queue(messages=prepared(3))
    assert again[0].pk == earlier.pk and again[0].message_id == earlier.message_id
    assert OutboxMessage.objects.count() == 3
    assert batches == [[earlier.pk], [again[1].pk, again[2].pk]]


def test_the_same_key_twice_in_one_call_is_stored_once(batches, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first, second = services.messages_queue(messages=prepared(1) + prepared(1))
    assert first.pk == second.pk
    assert OutboxMessage.objects.count() == 1
    assert batches == [[first.pk]]


def test_messages_without_a_key_are_all_stored(batches, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        stored = services.messages_queue(messages=prepared(3, key=None))
    assert OutboxMessage.objects.filter(dedupe_key__isnull=True).count() == 3
    assert batches == [[message.pk for message in stored]]


def test_nothing_to_queue_queues_nothing(batches, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert services.messages_queue(messages=[]) == []
    assert batches == []


def test_a_batch_sends_each_message_once_and_a_second_run_sends_nothing(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):  # eager: the batches run at commit
        stored = services.messages_queue(messages=prepared(30))
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        f"person{number}@gatineau.ca" for number in range(30)
    )
    ids = [message.pk for message in stored]
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {MessageStatus.SENT}

    assert tasks.outbox_messages_send.apply(args=[ids]).get() == [MessageStatus.SENT] * 30
    assert len(mail.outbox) == 30
    assert set(OutboxMessage.objects.values_list("attempts", flat=True)) == {1}


def test_a_batch_skips_what_is_not_due_or_gone_and_sends_the_rest(batches):
    first, later, gone, last = services.messages_queue(messages=prepared(4))
    OutboxMessage.objects.filter(pk=later.pk).update(
        next_attempt_at=timezone.now() + timedelta(minutes=4)
    )
    OutboxMessage.objects.filter(pk=gone.pk).delete()

    results = services.messages_send(message_ids=[first.pk, later.pk, gone.pk, last.pk])
    assert [result.status for result in results] == ["sent", "queued", "missing", "sent"]
    assert sorted(message.to[0] for message in mail.outbox) == [first.to_email, last.to_email]
    later.refresh_from_db()
    assert later.attempts == 0  # a copy that came early is not an attempt


def test_a_broker_that_refuses_a_batch_leaves_it_and_the_rest_to_the_sweep(
    monkeypatch, django_capture_on_commit_callbacks
):
    handed = []

    def refuse_the_second(args, **options):
        if handed:
            raise ConnectionRefusedError(111, "Connection refused")
        handed.append(*args)

    monkeypatch.setattr(tasks.outbox_messages_send, "apply_async", refuse_the_second)
    size = services.SEND_BATCH
    with django_capture_on_commit_callbacks(execute=True):
        stored = services.messages_queue(messages=prepared(3 * size))
    ids = [message.pk for message in stored]
    assert handed == [ids[:size]]
    marks = dict(OutboxMessage.objects.values_list("pk", "dispatched_at"))
    assert all(marks[pk] is not None for pk in ids[:size])
    # Given back to the sweep at once, without waiting for the dispatch hold.
    assert all(marks[pk] is None for pk in ids[size:])
    assert mail.outbox == []

    monkeypatch.undo()
    services.this_process.broker_resume()
    assert services.messages_sweep() == 2 * size
    assert len(mail.outbox) == 2 * size


def test_while_a_batch_runs_the_messages_ahead_of_it_keep_a_fresh_dispatch_mark(
    batches, settings, monkeypatch
):
    # A mail server so slow that the batch outlasts half the dispatch hold at every message.
    settings.PEERNET_OUTBOX_DISPATCH_HOLD_SECONDS = 0.002
    stored = services.messages_queue(messages=prepared(3))
    long_ago = timezone.now() - timedelta(hours=1)
    OutboxMessage.objects.update(dispatched_at=long_ago)
    claim = delivery.message_claim
    marks_seen = []

    def slow_claim(*, message_id, now):
        marks_seen.append(OutboxMessage.objects.get(pk=message_id).dispatched_at)
        time.sleep(0.01)
        return claim(message_id=message_id, now=now)

    monkeypatch.setattr(delivery, "message_claim", slow_claim)
    services.messages_send(message_ids=[message.pk for message in stored])
    assert all(mark > long_ago for mark in marks_seen[1:])
    # The sweep therefore did not take any of them over meanwhile: each went once.
    assert len(mail.outbox) == 3


def test_batches_wait_in_the_mail_queue():
    assert app.amqp.router.route({}, "outbox.send_batch")["queue"].name == "mail"
