"""The "replies" section of `make bench`: members are invited to a meeting (rows written
directly, so that no invitation mail competes with the replies), one calendar reply per member
is appended to the organiser's IMAP mailbox (Dovecot, bench_imap.py), and the deployed worker
reads them: the poll is started by its task name every minute, as beat starts it, and the run
waits until every message has a row, reading the database."""

import re
import time
from collections import Counter
from datetime import timedelta

from bench_imap import Mailbox
from bench_invitations import INVITEE_DOMAIN, members_bulk_create
from bench_processes import Service, log
from bench_reply_messages import replies_build
from django.db import connection
from django.utils import timezone

from meetings.choices import Response
from meetings.models import CalendarReply, Invitation, Meeting
from members.models import User
from peernet.celery import app as celery_app

POLL_TASK = "meetings.replies_poll"
BEAT_SECONDS = 60.0  # the beat schedule's interval for the poll (peernet/settings/celery.py)
TARGET_SECONDS = 300
POLL_DONE = re.compile(rf"Task {re.escape(POLL_TASK)}\[[^\]]+\] succeeded in ([\d.]+)s: (\d+)")


def invitees(count: int) -> list[User]:
    """The first ``count`` members of the run (the invitations section's, when it ran)."""
    present = User.objects.filter(email__endswith=f"@{INVITEE_DOMAIN}").count()
    if present < count:
        members_bulk_create(count, first=present)
    return list(User.objects.filter(email__endswith=f"@{INVITEE_DOMAIN}").order_by("email")[:count])


def meeting_invite(users: list[User]) -> Meeting:
    starts = (timezone.now() + timedelta(days=28)).replace(minute=0, second=0, microsecond=0)
    meeting = Meeting.objects.create(
        title_en="Benchmark meeting: calendar replies",
        title_fr="Rencontre d’essai : réponses d’agenda",
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        join_url="https://zoom.example/j/987654321",
        passcode="271828",
    )
    Invitation.objects.bulk_create(
        [Invitation(meeting=meeting, user=user, sequence_sent=meeting.sequence) for user in users],
        batch_size=1000,
    )
    return meeting


def polls_logged(worker: Service) -> list[tuple[float, int]]:
    """Each poll the worker finished: its seconds and the messages it moved."""
    return [
        (float(seconds), int(moved)) for seconds, moved in POLL_DONE.findall(worker.tail(10**8))
    ]


def measure_replies(*, count: int, mailbox: Mailbox, timeout: float, services: list[Service]):
    worker = next(service for service in services if service.name == "celery")
    started = time.monotonic()
    users = invitees(count)
    meeting = meeting_invite(users)
    prepared_seconds = time.monotonic() - started
    started = time.monotonic()
    appended = mailbox.append_all(replies_build(meeting, users))
    appended_seconds = time.monotonic() - started
    last_before = CalendarReply.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    polls_before = len(polls_logged(worker))
    connection.close()
    log(f"{appended} replies in the mailbox; polling as beat does, every {BEAT_SECONDS:.0f} s …")

    first_poll = time.monotonic()
    next_tick = first_poll
    ticks = 0
    read = recorded = 0
    deadline = first_poll + timeout
    while True:
        for service in services:
            service.check_running()
        now = time.monotonic()
        if now >= next_tick:
            celery_app.send_task(POLL_TASK)
            ticks += 1
            next_tick += BEAT_SECONDS
        read = CalendarReply.objects.filter(pk__gt=last_before).count()
        recorded = (
            Invitation.objects.filter(meeting=meeting)
            .exclude(response=Response.NEEDS_ACTION)
            .count()
        )
        connection.close()
        if read >= appended or now > deadline:
            break
        time.sleep(0.5)
    seconds = time.monotonic() - first_poll
    outcomes = Counter(
        CalendarReply.objects.filter(pk__gt=last_before).values_list("outcome", flat=True)
    )
    answers = Counter(Invitation.objects.filter(meeting=meeting).values_list("response", flat=True))
    connection.close()
    polls = polls_logged(worker)[polls_before:]
    complete = read >= appended
    rate = read / seconds if seconds and read else None
    return {
        "replies": appended,
        "clients": "Outlook/Exchange, Gmail, Apple Mail in turn, to each member's reply address",
        "prepared_in_seconds": round(prepared_seconds, 1),
        "appended_in_seconds": round(appended_seconds, 1),
        "complete": complete,
        "read": read,
        "recorded": recorded,
        "kept": read - outcomes.get("recorded", 0),
        "outcomes": dict(outcomes),
        "answers": dict(answers),
        "all_read_after_seconds": round(seconds, 1) if complete else None,
        "seconds_waited": round(seconds, 1),
        "replies_per_second": round(rate, 1) if rate else None,
        "estimated_seconds_for_10000": round(10000 / rate) if rate else None,
        "beat_ticks": ticks,
        "polls": len(polls),
        "polls_that_read": sum(1 for _seconds, moved in polls if moved),
        "poll_seconds_mean": round(sum(s for s, _m in polls) / len(polls), 2) if polls else None,
        "left_in_inbox": mailbox.count("INBOX"),
        "timeout_seconds": timeout,
        "target_seconds": TARGET_SECONDS,
    }
