"""Starting a Celery task from a service, by the task's name.

Services never import task modules: tasks call services, and an import the other way would
make a circle. A service names the task it starts (the name given in ``@shared_task(name=...)``)
and hands it here, usually after the current transaction commits, so that a rolled-back
request starts nothing. The task is looked up in the Celery app, so ``CELERY_TASK_ALWAYS_EAGER``
runs it in-process exactly as ``task.delay()`` would (``send_task`` would ignore that setting).
"""

from celery import current_app
from celery.result import AsyncResult
from django.db import transaction


def task_lookup(name: str):
    """The registered task called ``name``; the apps' task modules are imported first when
    nothing has imported them yet (a web process that has not started a task before)."""
    try:
        return current_app.tasks[name]
    except KeyError:
        current_app.loader.import_default_modules()
        return current_app.tasks[name]


def task_start(name: str, *args, **options) -> AsyncResult:
    """Start the task ``name`` with ``args`` now; ``options`` go to ``apply_async``."""
    return task_lookup(name).apply_async(args, **options)


def task_start_on_commit(name: str, *args, **options) -> None:
    """Start the task ``name`` once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: task_start(name, *args, **options))
