"""Celery tasks: named, thin, take ids, and safe to run twice or on a deleted row."""

import ast
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

import meetings
from meetings import tasks
from meetings.models import Invitation
from tests.meetings.factories import InvitationFactory, MeetingFactory

pytestmark = pytest.mark.unit


@pytest.mark.django_db
def test_every_periodic_task_is_a_task_that_runs():
    """The beat schedule names tasks that exist and complete on a quiet day."""
    from peernet.celery import app

    app.loader.import_default_modules()  # what a worker does when it starts: find every task
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        result = app.tasks[entry["task"]].apply()
        assert result.successful(), (entry["task"], result.traceback)


@pytest.mark.django_db
def test_the_beat_reminder_task_sends_a_reminder_that_is_due(mailoutbox):
    from peernet.celery import app

    meeting = MeetingFactory(
        starts_at=timezone.now() + timedelta(days=6, hours=20),
        ends_at=timezone.now() + timedelta(days=6, hours=21),
    )
    InvitationFactory(meeting=meeting, sequence_sent=0)
    Invitation.objects.update(created_at=timezone.now() - timedelta(days=10))
    task = app.tasks[settings.CELERY_BEAT_SCHEDULE["meetings-reminders"]["task"]]
    assert task.apply().get() == 1
    assert task.apply().get() == 0  # the next run, a quarter of an hour later, sends nothing


def test_invitations_task_twice_sends_once(member, mailoutbox, django_capture_on_commit_callbacks):
    meeting = MeetingFactory()
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.meeting_invitations_send_task.delay(meeting.pk).get() == 1
        assert tasks.meeting_invitations_send_task.delay(meeting.pk).get() == 0
    assert len(mailoutbox) == 1
    assert Invitation.objects.get().sequence_sent == 0


@pytest.mark.parametrize(
    "task",
    [
        tasks.meeting_invitations_send_task,
        tasks.meeting_cancellations_send_task,
        tasks.member_invitations_send_task,
    ],
)
def test_a_missing_row_is_not_an_error(db, task):
    assert task.delay(987654).get() == 0


def test_member_task_invites(member, mailoutbox, django_capture_on_commit_callbacks):
    MeetingFactory()
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.member_invitations_send_task.delay(member.pk).get() == 1
    assert len(mailoutbox) == 1


def test_periodic_tasks_run(db):
    assert tasks.reminders_send_task.delay().get() == 0
    assert tasks.invitations_sweep_task.delay().get() == 0


def _imports(path: Path) -> list[tuple[ast.stmt, bool]]:
    """Every import in a module, with whether it sits at the module's top level."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top = {id(node) for node in tree.body}
    return [
        (node, id(node) in top)
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
    ]


def test_services_start_tasks_by_name_and_never_import_them():
    """Tasks call services; a service that imported a task module would close a circle."""
    package = Path(meetings.__file__).parent
    modules = [*sorted((package / "services").glob("*.py")), package / "tasks.py"]
    for path in modules:
        for node, at_top in _imports(path):
            assert at_top, f"{path.name}:{node.lineno} imports inside a function"
            if path.name != "tasks.py" and isinstance(node, ast.ImportFrom):
                assert "tasks" not in (node.module or "").split("."), (path.name, node.module)
                assert "tasks" not in [alias.name for alias in node.names], path.name
