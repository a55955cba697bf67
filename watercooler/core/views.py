"""Project-wide endpoints that belong to no app: the health check.

The home page belongs to an app above core (core may not import those): ``watercooler/urls.py``
wires it.
"""

import dataclasses
import logging
from typing import Any

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from watercooler.core.mail import mail_health
from watercooler.core.supervisor import current_state
from watercooler.core.taskhealth import queue_health

logger = logging.getLogger(__name__)

# An email waiting longer than this (through its first retries) means the mail server is down.
MAIL_STUCK_SECONDS = 3600


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Answer 200 with the task queue's figures when all is well, 503 naming each problem when the
    database does not answer or the oldest due task has waited longer than
    ``HEALTHZ_MAX_TASK_LAG_SECONDS``. No sign-in needed, so it shows counts and ages only.

    ``email`` counts what waits to be sent and what was given up on (``core/mail.py``); an
    email waiting over an hour is a problem.

    ``worker`` is the task worker that ``manage.py serve`` supervises in this process (absent
    when workers run on their own: the lag still tells whether anyone runs the tasks).
    """
    limit = settings.HEALTHZ_MAX_TASK_LAG_SECONDS
    body: dict[str, Any] = {"status": "ok", "problems": []}
    try:
        # Its two indexed queries double as the check that the database answers.
        queue = queue_health()
    except DatabaseError:
        # The exception's text may name hosts or users: log it, answer without it.
        logger.exception("Health check: the database did not answer")
        body["problems"].append("database: not answering")
    else:
        body["tasks"] = {**dataclasses.asdict(queue), "max_lag_seconds": limit}
        if queue.oldest_due_lag_seconds > limit:
            body["problems"].append(
                f"task_lag: the oldest due task has waited {queue.oldest_due_lag_seconds:.0f} s"
                f" (more than {limit} s): are the task workers running?"
            )
        mail = mail_health()
        body["email"] = dataclasses.asdict(mail)
        if mail.oldest_wait_seconds > MAIL_STUCK_SECONDS:
            body["problems"].append(
                f"email: the oldest waiting email has waited {mail.oldest_wait_seconds:.0f} s:"
                " is the mail server reachable?"
            )
    worker = current_state()
    if worker is not None:
        body["worker"] = dataclasses.asdict(worker)
    if body["problems"]:
        body["status"] = "failing"
        return JsonResponse(body, status=503)
    return JsonResponse(body)
