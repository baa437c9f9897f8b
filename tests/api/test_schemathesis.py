"""Schemathesis against the live API with the demo data, on a small budget: generated requests
(valid and invalid) for every operation in /api/v1/openapi.json never get a 5xx, and every
answer matches the document (status codes, content types, bodies)."""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from eventmgr.accounts.services import find_user, issue_api_token
from eventmgr.platform.db import db

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "8"))  # bounded: CI runs it
# What every answer must do: never a 5xx, and match the document (status, content type, body).
# Not checked: that schema-valid data is accepted (an unknown time zone, an end before the
# start or a taken slug get a 422 the document cannot express), and that every schema-invalid
# request is refused (unknown query parameters are ignored, as is usual).
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def organiser_token(app, demo) -> str:
    with app.app_context():
        token = issue_api_token(find_user(demo["logins"]["organiser"][0]))
        db.session.commit()
    return token


def test_api_answers_match_the_schema(live_server, live_app, demo, organiser_token):
    """Each operation, positive and negative data, as the demo organiser (who may use every
    route of the demo event); every problem of every operation is listed at the end."""
    schema = schemathesis.openapi.from_url(f"{live_server}/api/v1/openapi.json")
    headers = {"Authorization": f"Bearer {organiser_token}"}
    live_app.config["REGISTRATION_RATE_LIMIT"] = ""  # many sign-ups from one address
    problems: list[str] = []
    operations = 0
    try:
        for result in schema.get_all_operations():
            operation = result.ok()
            operations += 1
            fixed = {"slug": demo["slug"]} if "{slug}" in operation.path else None
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                strategy = operation.as_strategy(mode, path_parameters=fixed)

                @given(case=strategy)
                @settings(
                    max_examples=MAX_EXAMPLES,
                    deadline=None,
                    database=None,
                    derandomize=True,
                    suppress_health_check=list(HealthCheck),
                )
                def check(case) -> None:
                    case.call_and_validate(headers=headers, checks=CHECKS, timeout=30)

                try:
                    check()
                except Unsatisfiable:
                    assert mode == GenerationMode.NEGATIVE  # nothing to get wrong (no input)
                except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - listed below
                    problems.append(f"{operation.label} ({mode.value}): {exc}")
    finally:
        live_app.config["REGISTRATION_RATE_LIMIT"] = "30 per minute"
    assert operations >= 20
    assert not problems, "\n\n".join(problems)
