"""Schemathesis over every operation of both hosts' OpenAPI documents, as each role: no answer is a 5xx.

The documents are the ones each host serves (`/api/v1/schema/`); the requests go in-process to the Django
WSGI application with that host's name, inside the test's transaction (rolled back afterwards), carrying a
real access token of the role. Security parameters are not generated (the CLI's
`--generation-with-security-parameters false`), so the Bearer token is never swapped for a random API key.
Each operation gets positive and negative examples (two each for the operator and the Org Admin, one for
the other roles: about 1,500 requests), derandomized so a run is reproducible; SCHEMATHESIS_EXAMPLES=20
digs deeper locally. A 5xx is reported with the exception the server logged.
"""

import logging
import os
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from tests.conftest import client_for, host_of, jwt_for, person

# Examples per operation and generation mode (positive, negative). The roles that pass every permission
# check reach the most code and get more; the others mostly meet 403 and 404. SCHEMATHESIS_EXAMPLES=20
# digs deeper locally (every role gets that many).
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "0")) or None
ROLE_EXAMPLES = {"operator": 2, "org_admin": 2}
# Far above what one run sends, so the fuzzing is not answered 429 instead of being served.
NO_RATE_LIMITS = {"authenticated": 1_000_000, "anonymous": 1_000_000, "window_seconds": 60}


@dataclass
class ServerError:
    method: str
    path: str
    status: int
    request: str
    answer: str

    def __str__(self) -> str:
        return f"{self.status} {self.method} {self.path}\n    {self.request}\n    -> {self.answer}"


@pytest.fixture
def wsgi_app():
    with override_settings(API_RATE_LIMITS=NO_RATE_LIMITS):
        yield get_wsgi_application()


@contextmanager
def connection_kept_open():
    """The application runs in this thread and this transaction. Like Django's test client, keep the
    request signals from closing the connection (that would end the test's transaction). Django's test
    client connects them again after each of its requests, so nothing else may use it meanwhile."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


# One plan per host for the whole session: building the document and each operation's strategies costs
# more than drawing from them, and the strategies do not depend on who sends the requests.
_PLANS: dict[str | None, list] = {}


def fuzz_plan(slug: str | None) -> list:
    """(path, strategy) for every operation of `slug`'s document (None = the platform), positive and
    negative."""
    if slug not in _PLANS:
        document = client_for(slug).get("/api/v1/schema/?format=json").json()
        schema = schemathesis.openapi.from_dict(document)
        schema.config.generation.update(with_security_parameters=False, deterministic=True, database="none")
        _PLANS[slug] = [
            (operation.path, operation.as_strategy(generation_mode=mode), mode)
            for operation in (result.ok() for result in schema.get_all_operations())
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
        ]
    return _PLANS[slug]


class LastError(logging.Handler):
    """Keeps the last logged exception, so a 5xx is reported with its cause and not only its envelope."""

    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.text = ""

    def emit(self, record):
        if record.exc_info:
            exc = record.exc_info[1]
            self.text = f"{type(exc).__name__}: {exc}"[:300]


@contextmanager
def errors_logged_to(handler: LastError):
    loggers = [logging.getLogger(name) for name in ("apps.core.api.exceptions", "django.request")]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield
    finally:
        for logger in loggers:
            logger.removeHandler(handler)


def fuzz(
    app, slug: str | None, token: str | None, *, examples: int, only: str = ""
) -> tuple[int, list[ServerError]]:
    """Send every operation's examples (or those of paths starting with `only`) to `slug`'s host; return
    how many requests went out and the 5xx."""
    base_url = f"http://{host_of(slug)}"
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    failures: list[ServerError] = []
    sent = 0
    last_error = LastError()

    def send(case) -> None:
        nonlocal sent
        sent += 1
        last_error.text = ""
        response = case.call(app=app, base_url=base_url, headers=headers)
        if response.status_code >= 500:
            failures.append(
                ServerError(
                    method=case.method,
                    path=case.formatted_path,
                    status=response.status_code,
                    request=f"query={case.query!r} body={case.body!r}"[:500],
                    answer=last_error.text or response.text[:300],
                )
            )

    run = hypothesis_settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],  # nothing to shrink: failures are collected, not raised
        suppress_health_check=list(HealthCheck),
    )
    plan = fuzz_plan(slug)  # before the signals are held: fetching the document uses Django's test client
    with connection_kept_open(), errors_logged_to(last_error):
        for path, strategy, mode in plan:
            if not path.startswith(only):
                continue
            try:
                run(given(case=strategy)(send))()
            except Unsatisfiable:
                # An operation that takes nothing (no parameter, no body) has no invalid request to make.
                if mode is not GenerationMode.NEGATIVE:
                    raise
    return sent, failures


def examples_for(role: str) -> int:
    return EXAMPLES or ROLE_EXAMPLES.get(role, 1)


def assert_no_server_errors(sent: int, failures: list[ServerError]) -> None:
    assert sent > 0
    assert not failures, f"{len(failures)} of {sent} requests answered 5xx:\n" + "\n".join(
        str(f) for f in failures[:30]
    )


@pytest.mark.parametrize("role", ["operator", "anonymous"])
def test_no_operation_of_the_platform_api_answers_5xx(wsgi_app, operator, role):
    token = jwt_for(None, operator) if role == "operator" else None

    assert_no_server_errors(*fuzz(wsgi_app, None, token, examples=examples_for(role)))


@pytest.mark.parametrize("role", ["org_admin", "manager", "teacher", "student", "anonymous"])
def test_no_operation_of_an_org_api_answers_5xx(wsgi_app, acme, acme_admin, role):
    if role == "anonymous":
        token = None
    else:
        token = jwt_for(acme, acme_admin if role == "org_admin" else person(acme, role))

    assert_no_server_errors(*fuzz(wsgi_app, "acme", token, examples=examples_for(role)))


@pytest.mark.parametrize("role", ["org_admin", "student", "anonymous"])
def test_no_answer_of_the_events_catalog_is_a_5xx(wsgi_app, acme, acme_admin, role):
    if role == "anonymous":
        token = None
    else:
        token = jwt_for(acme, acme_admin if role == "org_admin" else person(acme, role))

    assert_no_server_errors(*fuzz(wsgi_app, "acme", token, examples=EXAMPLES or 10, only="/api/v1/events"))
