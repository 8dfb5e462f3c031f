"""schemathesis against the figures API's own OpenAPI schema: generated requests (valid ones and ones the
schema forbids) as a regional officer with a real token; every answer must validate against the schema,
forbidden requests must be refused, and allowed ones accepted, except for the rules between parameters
that OpenAPI cannot state (a custom period's two days), which answer 400 naming the field."""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from dashboards.models import ApiToken
from tests.factories import Role, UserFactory, country, member

from .conftest import GENERATED

SCHEMA_URL = "/en/staff/dashboards/api/v1/openapi.json"


# Loaded from the running application, as a client would: the schema view reads no database.
schema = schemathesis.openapi.from_wsgi(SCHEMA_URL, get_wsgi_application())


@pytest.fixture
def token(db):
    country("CR")
    user = UserFactory(username="api_regional")
    member(user, Role.REGIONAL_OFFICER)
    return ApiToken.issue(user=user, name="fuzz")[1]


@pytest.fixture(autouse=True)
def _connections_stay_open_between_requests():
    """The calls go through the WSGI handler itself, not Django's test client: its request signals would close
    the test's connection, which lives inside the test's transaction (the test client unhooks them the same way).
    """
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


CROSS_PARAMETER = {"__all__", "start", "end"}


@schemathesis.check
def cross_parameter_rules_only(ctx, response, case):
    """Valid data is accepted, but for the custom period's rules between parameters (answered 400)."""
    if case.meta is None or not case.meta.generation.mode.is_positive or response.status_code != 400:
        return None
    fields = set(response.json().get("fields", {}))
    query = case.query or {}
    assert query.get("period") == "custom" and fields <= CROSS_PARAMETER, (query, response.json())
    return None


@schema.parametrize()
@settings(
    max_examples=int(os.environ.get("SCHEMATHESIS_EXAMPLES", "5")),
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@pytest.mark.django_db
def test_the_api_answers_as_its_schema_says(case, token):
    GENERATED[f"api {case.operation.method.upper()} {case.operation.path}"] += 1
    case.call_and_validate(
        headers={"Authorization": f"Bearer {token}", "Accept-Encoding": "identity"},
        # Unknown query parameters are ignored, as documented; the empty and out-of-range parameters the
        # schema forbids are refused (tests/dashboards/test_bounds.py).
        excluded_checks=[positive_data_acceptance, negative_data_rejection],
        additional_checks=[cross_parameter_rules_only],
    )
