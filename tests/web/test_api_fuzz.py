"""Schema-driven fuzzing of the whole JSON API (schemathesis), in process, on the demo data.

For every operation of /api/openapi.json, schemathesis generates requests from the schema —
valid ones (positive) and ones that break a documented constraint (negative) — and sends them
to the Django WSGI application anonymously and as each demo role. No answer may be a server
error, every status must be documented on the operation, every error must match the
``Erreur`` schema ``{"detail": "…"}``, and every request that breaks the schema must be refused
with a 4xx. Examples are bounded (``MAX_EXAMPLES``) and derandomised so that the run is short
and repeatable.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from maillage.web.accounts.models import User
from maillage.web.api import api

from .conftest import DEMO_USERNAMES

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

MAX_EXAMPLES = 12
# The session cookie is ours to send (each role's); schemathesis must not generate or mutate it.
SCHEMA = schemathesis.openapi.from_dict(
    api.get_openapi_schema(),
    config=schemathesis.Config.from_dict({"generation": {"with-security-parameters": False}}),
)
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]
CHECKS = {
    GenerationMode.POSITIVE: [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
    ],
    GenerationMode.NEGATIVE: [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
        negative_data_rejection,
    ],
}


def _runs():
    """Public operations anonymously and as a logged-in user (saved territories); the others
    anonymously and as every role."""
    for operation in OPERATIONS:
        raw = operation.definition.raw
        secured = bool(raw.get("security"))
        # Without any parameter or body there is nothing to break: positive requests only.
        modes = (
            list(CHECKS)
            if raw.get("parameters") or raw.get("requestBody")
            else [GenerationMode.POSITIVE]
        )
        for username in [None, *DEMO_USERNAMES] if secured else [None, "agent"]:
            for mode in modes:
                yield pytest.param(
                    operation,
                    username,
                    mode,
                    id=f"{operation.method.upper()} {operation.path} {username or 'anonyme'} "
                    f"{mode.value}",
                )


@pytest.fixture
def wsgi_application():
    """Django's WSGI handler, keeping the test's database connection across requests (as the
    test client does: the connection holds the test's transaction)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _session_cookies(username: str | None) -> dict[str, str]:
    if username is None:
        return {}
    client = Client()
    client.force_login(User.objects.get(username=username))
    return {"sessionid": client.cookies["sessionid"].value}


@pytest.mark.parametrize(("operation", "username", "mode"), list(_runs()))
def test_api_fuzzing_finds_no_server_error_and_no_undocumented_status(
    full_demo, wsgi_application, operation, username, mode
):
    cookies = _session_cookies(username)

    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def fuzz(case):
        response = case.call(app=wsgi_application, cookies=cookies)
        case.validate_response(response, checks=CHECKS[mode])

    fuzz()
