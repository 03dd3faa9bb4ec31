"""Queue and deliver stored e-mail (the pretix/pretalx outbox pattern).

A message is rendered in its recipient's language and stored in the same transaction as the
change that caused it; the Celery task that sends it is dispatched only after that transaction
commits, so a rolled-back request sends nothing. Nothing is lost when the broker is down: the
periodic sweep dispatches whatever is still queued.

Each message has one owner of its next attempt at any moment: the task it was dispatched to
(while its dispatch mark is recent), the worker that is sending it (holding its row locked),
or the sweep (retries after their back-off, messages the broker did not take, messages whose
task or worker was lost). No Celery countdown holds a retry: a countdown task sits
unacknowledged in Redis, which hands out again whatever stays so longer than its visibility
timeout (an hour by default, the longest back-off).

Many messages queued at once (an invitation to every member) are stored in one statement and
dispatched ``SEND_BATCH`` to a task. A batch changes none of the rules: a message queued alone
is a batch of one, and each message of a batch is claimed, locked, sent and recorded on its
own.

The modules, in the order a message meets them:

- ``queueing``: render, check and store messages, dispatch them after commit;
- ``dispatching``: hand them to the broker (by task name), or leave them to the sweep;
- ``delivery``: claim, send over SMTP and record each message;
- ``recovery``: the sweep, which takes back what a worker or the broker lost, and the staff's
  retry of a failed message;
- ``retention``: what is forgotten, and when;
- ``tuning``: every number that paces the outbox; ``process``: the state one process keeps
  (its SMTP connection, the pause after a broker failure).

The names below are the outbox's interface: the apps and the tasks import them from here.
"""

from .delivery import BODY_ERASED_ERROR, SendResult, message_send, messages_send
from .dispatching import mail_queue_length, message_dispatch, messages_dispatch
from .process import connection_reused_close, this_process
from .queueing import (
    RECIPIENT_MAX_LENGTH,
    RenderedMessage,
    message_prepare,
    message_queue,
    message_render,
    message_send_templated,
    messages_queue,
    recipient_validate,
    subject_clean,
)
from .recovery import WORKER_STOPPED_ERROR, message_retry, messages_recover, messages_sweep
from .retention import messages_forget, messages_purge
from .tuning import (
    BROKER_PAUSE_SECONDS,
    EARLY_TOLERANCE,
    MAX_ATTEMPTS,
    QUEUE_BATCH,
    SEND_BATCH,
    SWEEP_BATCH,
    dispatch_hold,
    retry_delay,
    sending_grace,
)

__all__ = [
    "BODY_ERASED_ERROR",
    "BROKER_PAUSE_SECONDS",
    "EARLY_TOLERANCE",
    "MAX_ATTEMPTS",
    "QUEUE_BATCH",
    "RECIPIENT_MAX_LENGTH",
    "SEND_BATCH",
    "SWEEP_BATCH",
    "WORKER_STOPPED_ERROR",
    "RenderedMessage",
    "SendResult",
    "connection_reused_close",
    "dispatch_hold",
    "mail_queue_length",
    "message_dispatch",
    "message_prepare",
    "message_queue",
    "message_render",
    "message_retry",
    "message_send",
    "message_send_templated",
    "messages_dispatch",
    "messages_forget",
    "messages_purge",
    "messages_queue",
    "messages_recover",
    "messages_send",
    "messages_sweep",
    "recipient_validate",
    "retry_delay",
    "sending_grace",
    "subject_clean",
    "this_process",
]
