"""The daily staff digest as a Celery task, started by the beat entry "staff-digest"."""

from celery import shared_task

from .digest import staff_digest_send


# The name the beat schedules (peernet/settings/celery.py) and stored periodic tasks know.
@shared_task(name="peernet.staff_digest")
def staff_digest_send_task() -> int:
    return staff_digest_send()
