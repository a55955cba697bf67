"""Schemathesis over the whole OpenAPI document, in-process, as a member and as an administrator.

Every operation gets generated requests, valid ones and invalid ones (wrong types, values out of
range, odd text), and every answer must be no server error, match the documented response
schema, and carry a documented status. Generation is derandomized, so a failure reproduces on
every run, and each operation gets a modest number of examples to keep the suite's time bounded.
"""

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from watercooler.people.actions import do_create_api_token
from watercooler.people.models import User
from watercooler.testing.world import World

pytestmark = pytest.mark.django_db

# Per operation, mode (valid, invalid) and role: 70 operations x 2 x 2, about 80 s on 2 cores.
MAX_EXAMPLES = 12
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]


@pytest.fixture
def wsgi_app() -> Iterator[Callable[..., Any]]:
    """Django's WSGI handler, kept inside the test's transaction: Django would otherwise close
    the database connection around each request (its own test client prevents that too)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def fuzz_everything(app: Callable[..., Any], user: User) -> list[str]:
    """Run every operation of the document as ``user``; the failures, one text per operation."""
    _, token = do_create_api_token(user=user, name="schemathesis")
    # The in-process client does not undo gzip; compression has its own tests (core).
    headers = {"Authorization": f"Bearer {token}", "Accept-Encoding": "identity"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    failures: list[str] = []
    operations = []
    for result in schema.get_all_operations():
        if isinstance(result, Ok):
            operations.append(result.ok())
        else:  # an operation schemathesis cannot read is a fault of the document
            failures.append(f"{result.err()}")
    assert len(operations) > 50, "the document lost its operations"
    for operation in operations:
        strategy = st.one_of(
            operation.as_strategy(GenerationMode.POSITIVE),
            operation.as_strategy(GenerationMode.NEGATIVE),
        )

        @given(case=strategy)
        @settings(
            max_examples=MAX_EXAMPLES * 2,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
            print_blob=False,
        )
        def run(case: Any) -> None:
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            run()
        except (
            Exception,
            BaseExceptionGroup,
        ) as exc:  # one operation's failure must not hide the others'
            failures.append(f"{operation.label}: {exc}")
    return failures


def test_whole_api_as_member(world: World, wsgi_app: Callable[..., Any]) -> None:
    failures = fuzz_everything(wsgi_app, world.owner)
    assert not failures, "\n\n".join(failures)


def test_whole_api_as_administrator(world: World, wsgi_app: Callable[..., Any]) -> None:
    failures = fuzz_everything(wsgi_app, world.admin)
    assert not failures, "\n\n".join(failures)
