"""Fuzz the API from its own OpenAPI schema (/api/v1/schema/) with schemathesis, through the WSGI app.

Every operation gets a bounded number of generated requests, authenticated with the token of a runner who
has an enrolment and a logged session. Nothing may answer 5xx, and every documented response must match
the schema (status code, content type, body).
"""

import json
from datetime import timedelta

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.renderers import OpenApiJsonRenderer
from drf_spectacular.settings import spectacular_settings
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    # status_code_conformance: see documented_or_client_error below
)

from accounts import services as account_services
from config.wsgi import application
from logbook.models import Session
from programs import services as program_services
from programs.models import Program

from .factories import UserFactory
from .helpers import log_session

# The schema documents each operation's success status only (drf-spectacular's default), so
# schemathesis' status_code_conformance would flag every 400/404; this check allows those, nothing else.
CLIENT_ERRORS = {400, 401, 403, 404, 405, 406, 409, 413, 415, 429}


def documented_or_client_error(ctx, response, case):
    operations = SCHEMA["paths"][case.operation.path]
    method = case.method.lower()
    if method == "head":
        method = "get"
    if method in operations:
        allowed = {int(code) for code in operations[method]["responses"]} | CLIENT_ERRORS
    elif method == "options":  # DRF describes the endpoint
        allowed = {200} | CLIENT_ERRORS
    else:  # the coverage phase also tries methods the path does not have (TRACE...)
        allowed = {401, 403, 405}
    assert response.status_code in allowed, (
        f"{case.method} {case.formatted_path}: {response.status_code} is neither documented nor a client error"
    )


CHECKS = [
    not_a_server_error,
    documented_or_client_error,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture
def runner(content, today):
    """A runner with an enrolment, a logged planned session and an ad hoc one."""
    user = UserFactory(username="fuzzer")
    enrollment = program_services.enrol(
        user, Program.objects.get(slug="posterior-chain"), today - timedelta(days=7), [0, 3]
    )
    planned = enrollment.planned_sessions.order_by("sequence").first()
    log_session(
        user,
        planned.date,
        {"exercise": "hip-thrust", "reps": 15, "load_kg": 60},
        planned=planned,
        name="Posterior chain A",
    )
    log_session(user, today, {"exercise": "step-up", "reps": 10, "side": "left"}, name="Extra")
    assert Session.objects.filter(user=user).count() == 2
    return user


@pytest.fixture
def token(runner):
    return account_services.issue_token(runner).key


@pytest.fixture
def in_process(runner):
    """Cases go through the WSGI app inside the test's transaction. Django's per-request connection
    clean-up is switched off meanwhile (as its own test client does), or on PostgreSQL it would close the
    connection mid-transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def served_schema():
    """What /api/v1/schema/ serves, generated the way its view does it.

    Built at collection time, when there is no test database yet: fetching the URL then would open a
    transaction (ATOMIC_REQUESTS). test_fuzzed_schema_is_the_served_one checks it is byte for byte the same.
    """
    generator = spectacular_settings.DEFAULT_GENERATOR_CLASS()
    return json.loads(OpenApiJsonRenderer().render(generator.get_schema(request=None, public=True)))


SCHEMA = served_schema()
# Bound to the WSGI app: every case goes through Django's whole stack, middleware included, in-process.
schema = schemathesis.openapi.from_dict(SCHEMA)
schema.app = application


@pytest.mark.slow  # a few seconds per operation
@schema.parametrize()
@settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(case, token, in_process):
    case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=CHECKS)


def test_the_schema_covers_the_private_api():
    """The fuzzing above reaches the runner's own data: the operations it must cover are in the schema."""
    operations = {(op.method.upper(), op.path) for op in (r.ok() for r in schema.get_all_operations())}
    for expected in [
        ("GET", "/api/v1/sessions/"),
        ("POST", "/api/v1/sessions/"),
        ("PUT", "/api/v1/sessions/{id}/"),
        ("PATCH", "/api/v1/enrollments/{id}/"),
        ("DELETE", "/api/v1/enrollments/{id}/"),
        ("GET", "/api/v1/progress/{slug}/"),
        ("POST", "/api/v1/auth/token/"),
    ]:
        assert expected in operations


def test_fuzzed_schema_is_the_served_one(client, db):
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert json.loads(response.content) == SCHEMA


def real_data_cases(runner, today):
    """Requests that hit the runner's real objects, which random ids rarely do: each must succeed."""
    session = runner.logged_sessions.order_by("pk").first()
    enrollment = runner.enrollments.get()
    new_session = {
        "date": today.isoformat(),
        "name": "Fuzz check",
        "effort": 7,
        "sets": [
            {"exercise": "hip-thrust", "reps": 12, "load_kg": "62.5", "rpe": "8.5"},
            {"exercise": "step-up", "reps": 10, "side": "right", "kind": "warmup"},
            {"exercise": "swiss-ball-hamstring-curl", "duration_s": 30},
        ],
    }
    return [
        ("/api/v1/sessions/", "GET", {}, None, 200),
        ("/api/v1/sessions/", "POST", {}, new_session, 201),
        ("/api/v1/sessions/{id}/", "GET", {"id": session.pk}, None, 200),
        ("/api/v1/sessions/{id}/", "PUT", {"id": session.pk}, dict(new_session, name="Put"), 200),
        ("/api/v1/sessions/{id}/", "PATCH", {"id": session.pk}, {"notes": "Felt strong"}, 200),
        ("/api/v1/enrollments/", "GET", {}, None, 200),
        ("/api/v1/enrollments/", "POST", {}, {"program": "bodyweight-home", "weekdays": [0, 2, 4]}, 201),
        ("/api/v1/enrollments/{id}/", "GET", {"id": enrollment.pk}, None, 200),
        ("/api/v1/enrollments/{id}/", "PATCH", {"id": enrollment.pk}, {"status": "paused"}, 200),
        ("/api/v1/progress/{slug}/", "GET", {"slug": "hip-thrust"}, None, 200),
        ("/api/v1/progress/{slug}/", "GET", {"slug": "step-up"}, None, 200),
        ("/api/v1/exercises/", "GET", {}, None, 200),
        ("/api/v1/exercises/{slug}/", "GET", {"slug": "hip-thrust"}, None, 200),
        ("/api/v1/programs/", "GET", {}, None, 200),
        ("/api/v1/programs/{slug}/", "GET", {"slug": "posterior-chain"}, None, 200),
        ("/api/v1/muscles/{slug}/", "GET", {"slug": "glutes"}, None, 200),
        ("/api/v1/equipment/{slug}/", "GET", {"slug": "barbell"}, None, 200),
        ("/api/v1/sessions/{id}/", "DELETE", {"id": session.pk}, None, 204),
        ("/api/v1/enrollments/{id}/", "DELETE", {"id": enrollment.pk}, None, 204),
    ]


def test_responses_with_real_data_conform(runner, token, today, in_process):
    for path, method, params, body, expected in real_data_cases(runner, today):
        operation = schema[path][method]
        kwargs = {"path_parameters": params, "media_type": "application/json"}
        if body is not None:
            kwargs["body"] = body
        case = operation.Case(**kwargs)
        response = case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=CHECKS)
        assert response.status_code == expected, f"{method} {path} {params}: {response.status_code} {response.text}"
        if method == "GET" and path.endswith("s/"):
            assert response.json()["count"] > 0, path
    progress = schema["/api/v1/progress/{slug}/"]["GET"].Case(path_parameters={"slug": "hip-thrust"})
    data = progress.call(headers={"Authorization": f"Token {token}"}).json()
    assert data["best_set"] and data["history"], "the runner's own progress is in the response"


def test_a_schema_mismatch_would_be_caught(runner, token, today, in_process, monkeypatch):
    """Control: if the API answered something the schema does not describe, the checks above would fail."""
    from logbook.serializers import ProgressSerializer

    real = ProgressSerializer.to_representation
    monkeypatch.setattr(ProgressSerializer, "to_representation", lambda self, obj: dict(real(self, obj), history=7))
    case = schema["/api/v1/progress/{slug}/"]["GET"].Case(path_parameters={"slug": "hip-thrust"})
    with pytest.raises(FailureGroup) as failure:
        case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=CHECKS)
    assert [type(e).__name__ for e in failure.value.exceptions] == ["JsonSchemaError"]
    assert 'is not of type "array"' in str(failure.value.exceptions[0])
