"""The "invitations" section of `make bench`: members are bulk-created, a meeting is scheduled
the way staff do it, in a process of its own, and the run waits until the SMTP server has
accepted an invitation for each of them."""

import json
import math
import subprocess
import time
from datetime import timedelta

from bench_members import registration_build
from bench_processes import PYTHON, ROOT, SCRIPTS
from bench_smtp import SmtpLog
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.utils import timezone

from meetings.services import meeting_create
from members.choices import Province, RegistrationStatus
from members.models import Registration, User
from members.selectors import members_active
from peernet.outbox.models import OutboxMessage

INVITEE_DOMAIN = "invitees.peernet.test"


def members_bulk_create(count: int, *, first: int = 0) -> None:
    """Members number ``first`` to ``count - 1``, approved, with their registration."""
    now = timezone.now()
    password = make_password(None)
    provinces = [code for code in Province.values if code != "XX"]
    users = User.objects.bulk_create(
        [
            User(
                email=f"member{number:05d}@{INVITEE_DOMAIN}",
                first_name="Alex",
                last_name=f"Member {number}",
                preferred_language="fr" if number % 2 else "en",
                password=password,
            )
            for number in range(first, count)
        ],
        batch_size=1000,
    )
    Registration.objects.bulk_create(
        [
            registration_build(
                user=user,
                at=now,
                status=RegistrationStatus.APPROVED,
                organisation_name="City of Gatineau",
                province=provinces[number % len(provinces)],
                email_confirmed_at=now,
                decided_at=now,
            )
            for number, user in enumerate(users)
        ],
        batch_size=1000,
    )
    connection.close()


def meeting_create_command() -> None:
    """Run in a subprocess with the production settings (`bench.py --meeting-create`): schedule
    a meeting the way staff do, print when it was committed (its invitations are queued on
    commit)."""
    starts = (timezone.now() + timedelta(days=21)).replace(minute=0, second=0, microsecond=0)
    called = time.time()
    meeting = meeting_create(
        title_en="Benchmark meeting: circular procurement",
        title_fr="Rencontre d’essai : approvisionnement circulaire",
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        join_url="https://zoom.example/j/123456789",
        passcode="314159",
    )
    committed = time.time()
    print(json.dumps({"meeting": meeting.pk, "called": called, "committed": committed}))


def measure_invitations(*, count: int, env: dict, smtp: SmtpLog, timeout: float, services):
    started = time.monotonic()
    members_bulk_create(count)
    created_seconds = time.monotonic() - started
    invitee = f"@{INVITEE_DOMAIN}"
    result = subprocess.run(
        [PYTHON, str(SCRIPTS / "bench.py"), "--meeting-create"], cwd=ROOT, env=env,
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    if result.returncode != 0:
        raise RuntimeError("Creating the meeting failed:\n" + result.stderr[-4000:])
    created = json.loads(result.stdout.strip().splitlines()[-1])
    committed = created["committed"]
    queued_at = None
    deadline = time.monotonic() + timeout
    while True:
        for service in services:
            service.check_running()
        delivered = smtp.to(lambda address: address.endswith(invitee))
        recipients = {address for message in delivered for address in message["to"]}
        if queued_at is None:
            if OutboxMessage.objects.filter(to_email__endswith=invitee).count() >= count:
                queued_at = time.time()
            connection.close()
        if len(recipients) >= count or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    invited_in_total = members_active().count()
    # The moment each member's first copy was accepted: the last of them is when everyone had
    # theirs. A second copy to anyone is counted apart, as a failure of "exactly one".
    first_copies: dict[str, float] = {}
    for message in delivered:
        for address in message["to"]:
            first_copies[address] = min(message["answered"], first_copies.get(address, math.inf))
    answered = sorted(first_copies.values())
    last = answered[count - 1] if len(answered) >= count else None
    seconds = (last - committed) if last else None
    rate = count / seconds if seconds else None
    return {
        "members": count,
        "members_invited_in_total": invited_in_total,
        "counted": f"members created here ({count}) who had a message accepted by the SMTP server",
        "members_created_in_seconds": round(created_seconds, 1),
        "meeting_create_seconds": round(committed - created["called"], 3),
        "delivered": len(delivered),
        "members_delivered_to": len(first_copies),
        "second_copies": len(delivered) - len(first_copies),
        "complete": last is not None,
        "first_message_after_seconds": round(answered[0] - committed, 2) if answered else None,
        "all_queued_after_seconds": round(queued_at - committed, 1) if queued_at else None,
        "all_delivered_after_seconds": round(seconds, 1) if seconds else None,
        "messages_per_second": round(rate, 1) if rate else None,
        "estimated_seconds_for_10000": round(10000 / rate) if rate else None,
        "timeout_seconds": timeout,
    }
