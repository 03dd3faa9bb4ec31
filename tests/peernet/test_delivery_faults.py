"""Delivery under faults, with the real pieces: a Celery worker killed in the middle of a batch
(of one task per message, or of one task for many), a backlog swept while it drains, a mail
server that answers 451 or 550, one that takes its time, and a database session that ends just
before the server's 250 reaches the worker.

Every message must reach the SMTP server exactly once, counted by recipient and Message-ID.
The sweep runs in the test process, with its timings shortened through the settings.
"""

import asyncio
import os
import re
import signal
import subprocess
import threading
import time
from collections import Counter
from pathlib import Path

import psycopg
import pytest
from aiosmtpd.controller import Controller
from django.db import connection, transaction
from django.utils import timezone

from peernet.celery import app
from peernet.outbox import services, tasks
from peernet.outbox.models import MessageStatus, OutboxMessage
from tests.conftest import (
    SMTPCollector,
    _database_url,
    _missing,
    celery_worker_start,
    celery_worker_stop,
    free_port,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

TASK_RUN = re.compile(rb"Task outbox\.send\[[0-9a-f-]+\] (?:succeeded|raised|failed)")
SWEEP_RUN = re.compile(rb"Task outbox\.sweep\[[0-9a-f-]+\] succeeded")


class Workers:
    """Real `celery worker` processes, started and killed as a test needs them."""

    def __init__(self, settings):
        self.database_url = _database_url(settings.DATABASES["default"])
        self.processes: list[subprocess.Popen] = []

    def start(self, smtp_port: int) -> subprocess.Popen:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "peernet.settings.test",
            "DATABASE_URL": self.database_url,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "PYTHONUNBUFFERED": "1",
        }
        process = celery_worker_start(env=env, label="faults")
        self.processes.append(process)
        return process

    @staticmethod
    def log_of(process) -> str:
        process.log.flush()
        return Path(process.log.name).read_bytes().decode(errors="replace")

    def task_runs(self) -> int:
        """How many times `outbox.send` ran, in every worker (no-op runs included)."""
        return sum(
            len(TASK_RUN.findall(Path(process.log.name).read_bytes())) for process in self.processes
        )

    def close(self):
        for process in self.processes:
            celery_worker_stop(process)


@pytest.fixture
def workers(transactional_db, settings):
    if not os.environ.get("REDIS_URL") or connection.vendor != "postgresql":
        _missing("A Redis broker and PostgreSQL")
    app.control.purge()
    previous_eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    pool = Workers(settings)
    try:
        yield pool
    finally:
        app.conf.task_always_eager = previous_eager
        pool.close()


@pytest.fixture
def smtp_with():
    """Start a real SMTP server around the given handler."""
    controllers = []

    def start(handler):
        controller = Controller(handler, hostname="127.0.0.1", port=free_port())
        controller.start()
        handler.port = controller.port
        controllers.append(controller)
        return handler

    yield start
    for controller in controllers:
        controller.stop()


def queue_many(count: int, *, prefix: str = "member") -> list[OutboxMessage]:
    return [
        services.message_queue(
            to_email=f"{prefix}{number}@calgary.ca",
            subject=f"Bulletin {number}",
            text="Hello\n",
            language="en",
            purpose="tests.faults",
        )
        for number in range(count)
    ]


def wait_until(condition, *, timeout: float, sweep: bool = False, step: float = 0.1) -> bool:
    """Poll `condition` until it holds or the deadline passes (running the sweep each time)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if sweep:
            services.messages_sweep()
        if condition():
            return True
        time.sleep(step)
    return condition()


def runs_settle_at(workers: Workers, expected: int) -> int:
    """The task runs once the log has caught up with the database (it is written just after)."""
    wait_until(lambda: workers.task_runs() >= expected, timeout=10)
    return workers.task_runs()


def all_sent(messages) -> bool:
    pks = [message.pk for message in messages]
    return OutboxMessage.objects.filter(pk__in=pks, status=MessageStatus.SENT).count() == len(pks)


def deliveries(handler: SMTPCollector) -> Counter:
    """(recipient, Message-ID) of each message the server accepted, with how often."""
    return Counter(
        (rcpt_tos[0], message["Message-ID"])
        for (_sender, rcpt_tos), message in zip(handler.envelopes, handler.messages, strict=True)
    )


def once_each(messages) -> dict:
    rows = OutboxMessage.objects.filter(pk__in=[message.pk for message in messages])
    return {(row.to_email, row.message_id): 1 for row in rows}


# --- a worker killed in the middle of a batch -------------------------------------------------


class KillingSMTP(SMTPCollector):
    """Kills the worker while it waits for the answer to one message's data: no 250 was said."""

    def __init__(self, kill_at: int):
        super().__init__()
        self.kill_at = kill_at
        self.victim = None
        self.killed = threading.Event()
        self.killed_recipient = None

    async def handle_DATA(self, server, session, envelope):
        if not self.killed.is_set() and len(self.messages) + 1 == self.kill_at:
            os.kill(self.victim.pid, signal.SIGKILL)
            self.victim.wait(timeout=10)
            self.killed_recipient = envelope.rcpt_tos[0]
            self.killed.set()
            return "451 4.3.0 Connection lost"  # nobody is left to read it
        return await super().handle_DATA(server, session, envelope)


def test_a_worker_killed_mid_batch_loses_nothing_and_doubles_nothing(workers, smtp_with, settings):
    settings.PEERNET_OUTBOX_SENDING_GRACE_SECONDS = 1
    settings.PEERNET_OUTBOX_DISPATCH_HOLD_SECONDS = 30
    handler = smtp_with(KillingSMTP(kill_at=60))
    handler.victim = workers.start(handler.port)
    messages = queue_many(150)
    assert handler.killed.wait(timeout=60), "the batch never reached the 60th message"
    killed = OutboxMessage.objects.get(to_email=handler.killed_recipient)
    assert (killed.status, killed.attempts) == (MessageStatus.SENDING, 1)

    workers.start(handler.port)
    assert wait_until(lambda: all_sent(messages), timeout=60, sweep=True, step=0.5)

    assert dict(deliveries(handler)) == once_each(messages)
    killed.refresh_from_db()
    assert (killed.status, killed.attempts) == (MessageStatus.SENT, 2)
    assert killed.last_error == ""
    # 59 runs in the first worker, the 90 tasks left in the queue and the one the sweep
    # queued for the message the first worker died with, in the second.
    assert runs_settle_at(workers, 150) == 150


# --- a backlog swept while it drains ----------------------------------------------------------


def test_the_sweep_neither_multiplies_a_backlog_nor_waits_behind_it(workers, smtp_with, settings):
    # Every dispatched message is past its hold at once: only the queue's length keeps the
    # sweep from handing the backlog over a second time.
    settings.PEERNET_OUTBOX_DISPATCH_HOLD_SECONDS = 0.2
    handler = smtp_with(SMTPCollector())
    messages = queue_many(300)
    tasks.outbox_sweep.delay()  # as beat would, behind the whole backlog
    worker = workers.start(handler.port)

    assert wait_until(lambda: all_sent(messages), timeout=60, sweep=True)

    assert dict(deliveries(handler)) == once_each(messages)
    # One more at most: a message whose task the worker had just taken from the emptied
    # queue, but not begun, when the sweep looked.
    assert runs_settle_at(workers, 300) in (300, 301)
    # The sweep's own task did not wait behind the 300 messages: the worker took it in turn.
    log = Path(worker.log.name).read_bytes()
    sweep_ran = SWEEP_RUN.search(log)
    assert sweep_ran is not None
    assert len(TASK_RUN.findall(log[: sweep_ran.start()])) <= 2


# --- temporary and permanent refusals -----------------------------------------------------


class RefusingOnce(SMTPCollector):
    """Answers 451 to the first message's data, then accepts."""

    def __init__(self):
        super().__init__()
        self.refused = 0

    async def handle_DATA(self, server, session, envelope):
        if self.refused == 0:
            self.refused += 1
            return "451 4.3.0 Try again later"
        return await super().handle_DATA(server, session, envelope)


def test_451_then_250_delivers_once_after_the_back_off(workers, smtp_with):
    handler = smtp_with(RefusingOnce())
    workers.start(handler.port)
    [message] = queue_many(1)
    assert wait_until(lambda: workers.task_runs() == 1, timeout=30)
    message.refresh_from_db()
    assert (message.status, message.attempts, message.dispatched_at) == ("queued", 1, None)
    assert "451" in message.last_error
    due = message.next_attempt_at

    # A copy the broker hands over again before the back-off ends changes nothing.
    tasks.outbox_message_send.delay(message.pk)
    assert wait_until(lambda: workers.task_runs() == 2, timeout=30)
    message.refresh_from_db()
    assert (message.status, message.attempts, message.next_attempt_at) == ("queued", 1, due)
    assert services.messages_sweep() == 0
    assert handler.messages == []

    # The back-off is over: the sweep, not a Celery countdown, sends it.
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    assert services.messages_sweep() == 1
    assert wait_until(lambda: all_sent([message]), timeout=30)
    message.refresh_from_db()
    assert message.attempts == 2
    assert dict(deliveries(handler)) == {("member0@calgary.ca", message.message_id): 1}
    assert runs_settle_at(workers, 3) == 3


class RefusingOneMailbox(SMTPCollector):
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == "member1@calgary.ca":
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def test_550_for_one_recipient_fails_that_message_only(workers, smtp_with, staff_client):
    handler = smtp_with(RefusingOneMailbox())
    workers.start(handler.port)
    messages = queue_many(3)
    assert wait_until(lambda: workers.task_runs() == 3, timeout=30)
    statuses = dict(OutboxMessage.objects.values_list("to_email", "status"))
    assert statuses == {
        "member0@calgary.ca": "sent",
        "member1@calgary.ca": "failed",
        "member2@calgary.ca": "sent",
    }
    assert "550" in OutboxMessage.objects.get(to_email="member1@calgary.ca").last_error
    assert dict(deliveries(handler)) == {
        key: 1 for key in once_each(messages) if key[0] != "member1@calgary.ca"
    }
    # What staff see: the refused message among the failed ones, ready for "send again".
    page = staff_client.get("/en/admin/outbox/outboxmessage/?status__exact=failed").content.decode()
    assert "member1@calgary.ca" in page
    assert "member0@calgary.ca" not in page and "member2@calgary.ca" not in page
    assert "1 e-mail message" in page


# --- a mail server that takes its time ----------------------------------------------------


class SlowSMTP(SMTPCollector):
    def __init__(self, seconds: float):
        super().__init__()
        self.seconds = seconds
        self.receiving = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        self.receiving.set()
        await asyncio.sleep(self.seconds)
        return await super().handle_DATA(server, session, envelope)


def test_a_slow_delivery_is_not_taken_over_while_its_worker_is_at_it(workers, smtp_with, settings):
    settings.PEERNET_OUTBOX_SENDING_GRACE_SECONDS = 0.2
    settings.PEERNET_OUTBOX_DISPATCH_HOLD_SECONDS = 0.2
    handler = smtp_with(SlowSMTP(seconds=2))
    workers.start(handler.port)
    [message] = queue_many(1)
    assert handler.receiving.wait(timeout=30)

    # Far past the grace, the sweep runs again and again while the server takes its time.
    states = set()
    deadline = time.monotonic() + 30
    while True:
        assert time.monotonic() < deadline
        assert services.messages_sweep() == 0
        status = OutboxMessage.objects.values_list("status", flat=True).get(pk=message.pk)
        # Read before the server has the message, the state is the one the sweep left; read
        # after, it may already be the worker's record of the 250.
        if handler.messages:
            break
        states.add(status)
        time.sleep(0.1)
    assert states == {"sending"}
    assert wait_until(lambda: all_sent([message]), timeout=30)
    message.refresh_from_db()
    assert message.attempts == 1
    assert dict(deliveries(handler)) == once_each([message])
    assert runs_settle_at(workers, 1) == 1


# --- the database goes away just after the server accepted ------------------------------------


class DroppingTheDatabase(SMTPCollector):
    """Ends every database session but the test's own while the worker waits for the 250."""

    def __init__(self, database_url: str, keep_pid: int, times: int):
        super().__init__()
        self.database_url = database_url
        self.keep_pid = keep_pid
        self.times = times
        self.terminated: list[int] = []

    def _terminate(self):
        with psycopg.connect(self.database_url, autocommit=True) as database:
            others = (
                "FROM pg_stat_activity WHERE datname = current_database() "
                "AND backend_type = 'client backend' AND pid <> pg_backend_pid() AND pid <> %s"
            )
            pids = [row[0] for row in database.execute(f"SELECT pid {others}", [self.keep_pid])]
            for pid in pids:
                database.execute("SELECT pg_terminate_backend(%s)", [pid])
            deadline = time.monotonic() + 10
            while database.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(%s)", [pids]
            ).fetchone()[0]:
                assert time.monotonic() < deadline, "the sessions did not end"
                time.sleep(0.02)
        self.terminated += pids

    async def handle_DATA(self, server, session, envelope):
        if self.times:
            self.times -= 1
            self._terminate()
        return await super().handle_DATA(server, session, envelope)


def test_the_database_dropping_right_after_the_250_does_not_send_again(
    workers, smtp_with, settings
):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        own_pid = cursor.fetchone()[0]
    database_url = _database_url(settings.DATABASES["default"])
    handler = smtp_with(DroppingTheDatabase(database_url, own_pid, times=2))
    worker = workers.start(handler.port)
    messages = queue_many(2)
    assert wait_until(lambda: all_sent(messages), timeout=30)
    assert len(handler.terminated) >= 2  # the worker's session, twice
    assert workers.log_of(worker).count("its delivery was recorded once the database") == 2

    # The sweep, with every timing at its shortest, finds nothing to send again.
    settings.PEERNET_OUTBOX_SENDING_GRACE_SECONDS = 0
    settings.PEERNET_OUTBOX_DISPATCH_HOLD_SECONDS = 0
    assert services.messages_sweep() == 0
    assert runs_settle_at(workers, 2) == 2
    rows = OutboxMessage.objects.filter(pk__in=[message.pk for message in messages])
    assert [(row.status, row.attempts) for row in rows] == [("sent", 1), ("sent", 1)]
    assert dict(deliveries(handler)) == once_each(messages)


# --- batches (many messages queued at once, as a chunk of invitations is) ---------------------


def queue_batches(count: int) -> list[OutboxMessage]:
    with transaction.atomic():  # dispatched when this commits, as a chunk of invitations is
        return services.messages_queue(
            messages=[
                services.message_prepare(
                    to_email=f"member{number}@calgary.ca",
                    subject=f"Bulletin {number}",
                    text="Hello\n",
                    language="en",
                    purpose="tests.batches",
                    dedupe_key=f"tests.batches:{number}",
                )
                for number in range(count)
            ]
        )


def test_a_worker_killed_in_the_middle_of_a_batch_loses_nothing_and_doubles_nothing(
    workers, smtp_with, settings
):
    settings.PEERNET_OUTBOX_SENDING_GRACE_SECONDS = 1
    settings.PEERNET_OUTBOX_DISPATCH_HOLD_SECONDS = 2
    # The 40th message is the 15th of the second batch: ten more wait behind it in that batch.
    handler = smtp_with(KillingSMTP(kill_at=40))
    handler.victim = workers.start(handler.port)
    messages = queue_batches(100)
    assert handler.killed.wait(timeout=60), "the batches never reached the 40th message"
    killed = OutboxMessage.objects.get(to_email=handler.killed_recipient)
    assert (killed.status, killed.attempts) == (MessageStatus.SENDING, 1)

    workers.start(handler.port)
    assert wait_until(lambda: all_sent(messages), timeout=60, sweep=True, step=0.5)

    assert dict(deliveries(handler)) == once_each(messages)
    killed.refresh_from_db()
    assert (killed.status, killed.attempts) == (MessageStatus.SENT, 2)
    assert set(OutboxMessage.objects.exclude(pk=killed.pk).values_list("attempts", flat=True)) == {
        1
    }


def test_a_backlog_of_batches_swept_while_it_drains_is_sent_once(workers, smtp_with, settings):
    # Every dispatched message is past its hold at once, so that the sweep hands over again
    # what the batch running when the queue empties has not reached yet: each message's own
    # claim still lets only one task send it, and a copy that comes late is not an attempt.
    settings.PEERNET_OUTBOX_DISPATCH_HOLD_SECONDS = 0.2
    handler = smtp_with(SMTPCollector())
    messages = queue_batches(200)
    workers.start(handler.port)

    assert wait_until(lambda: all_sent(messages), timeout=60, sweep=True)

    assert dict(deliveries(handler)) == once_each(messages)
    assert set(OutboxMessage.objects.values_list("attempts", flat=True)) == {1}
