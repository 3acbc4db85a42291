"""Fuzz the API from its own OpenAPI schema (/api/v1/schema/) with schemathesis, through the WSGI app.

Every operation gets a bounded number of generated requests, authenticated with the token of a runner who
has an enrolment and a logged session. Nothing may answer 5xx, and every documented response must match
the schema (status code, content type, body).
"""

import json
import re
import sys
from datetime import timedelta
from urllib.parse import quote

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from drf_spectacular.renderers import OpenApiJsonRenderer
from drf_spectacular.settings import spectacular_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient
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

# The schema documents each operation's errors (400, 401, 403, 404, 412, 429: config/schema.py), so any of
# those must be documented where it is answered; only what DRF or the middleware answers for any operation
# (wrong method, unacceptable Accept, too big, unsupported media type) is allowed without being documented.
CLIENT_ERRORS = {405, 406, 413, 415}


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


# --------------------------------------------------------------------------------------------------
# Targeted: the bytes and values that once gave 500s, sent to every field of every endpoint and form
# --------------------------------------------------------------------------------------------------

NASTY_TEXT = ["\x00", "a\x00b", "\ud83d", "x\udfffy", "１０", "٣", "9" * 400, "", " ", "NaN", "Infinity", "1e999"]
NASTY_VALUES = NASTY_TEXT + [10**30, -(10**30), 1e308, -1, 0, 2**63, None, True, [], {}, [[["deep"]]], {"a": {"b": 1}}]
nasty = st.sampled_from(NASTY_VALUES) | st.text(
    alphabet=st.characters(codec=None, categories=None), max_size=30
)  # any code point, surrogates and NUL included


def json_operations():
    """(path, method, a valid body) for every operation that takes JSON."""
    bodies = {
        ("/api/v1/auth/token/", "POST"): {"username": "fuzzer", "password": "x", "name": "phone"},
        ("/api/v1/sessions/", "POST"): {
            "date": "2026-03-01",
            "name": "Fuzz",
            "notes": "",
            "effort": 7,
            "duration_min": 40,
            "client_token": "7d3f7a52-9a4f-4c43-9d5a-3d2f0c8f8b11",
            "sets": [{"exercise": "hip-thrust", "reps": 10, "load_kg": "60", "rpe": "8", "side": "both", "note": ""}],
        },
        ("/api/v1/enrollments/", "POST"): {"program": "bodyweight-home", "weekdays": [0, 2, 4]},
    }
    return bodies


def mutations(body):
    """Every (json pointer-ish path) in the body: top-level fields and the first set's fields."""
    paths = [(key,) for key in body]
    if isinstance(body.get("sets"), list):
        paths += [("sets", 0, key) for key in body["sets"][0]]
    return paths


def mutated(body, path, value):
    body = json.loads(dumps(body))
    target = body
    try:
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value
    except (KeyError, IndexError, TypeError):
        pass  # an earlier mutation replaced what this path went through
    return body


def dumps(value):
    sys.set_int_max_str_digits(0)
    try:
        return json.dumps(value)
    finally:
        sys.set_int_max_str_digits(4300)


@pytest.mark.slow
@pytest.mark.parametrize("operation", list(json_operations()), ids=lambda op: f"{op[1]} {op[0]}")
def test_every_json_field_takes_any_value_without_a_500(operation, token, in_process):
    path, method = operation
    body = json_operations()[operation]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    for field_path in mutations(body):
        for value in NASTY_VALUES:
            raw = dumps(mutated(body, field_path, value))
            response = client.generic(method, path, raw, content_type="application/json")
            assert response.status_code < 500, (field_path, value, response.status_code)
            assert response.status_code in (200, 201, 400, 429), (field_path, value, response.status_code)


@pytest.mark.slow
@settings(max_examples=150, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_any_values_anywhere_in_any_json_body_never_give_a_500(data, token, in_process):
    operation = data.draw(st.sampled_from(list(json_operations())))
    body = json_operations()[operation]
    for field_path in data.draw(st.lists(st.sampled_from(mutations(body)), min_size=1, max_size=4)):
        body = mutated(body, field_path, data.draw(nasty))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = client.generic(operation[1], operation[0], dumps(body), content_type="application/json")
    assert response.status_code < 500, (operation, body, response.status_code)


@pytest.mark.slow
@settings(max_examples=100, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(
    path=st.sampled_from(
        [
            "/api/v1/exercises/{}/",
            "/api/v1/programs/{}/",
            "/api/v1/muscles/{}/",
            "/api/v1/equipment/{}/",
            "/api/v1/progress/{}/",
            "/api/v1/sessions/{}/",
            "/api/v1/enrollments/{}/",
            "/exercises/{}/",
            "/programs/{}/",
            "/progress/{}/",
            "/log/{}/",
        ]
    ),
    value=nasty,
    query=st.sampled_from(["pattern", "page", "date_before", "date_after", "exercise", "muscle", "search", "q"]),
)
def test_any_slug_or_query_value_never_gives_a_500(path, value, query, token, in_process):
    text = value if isinstance(value, str) else json.dumps(value)
    encoded = quote(text.encode("utf-8", "surrogatepass"), safe="")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get(path.format(encoded or "x")).status_code < 500
    assert client.get(f"{path.format('x')}?{query}={encoded}").status_code < 500
    list_path = path.rsplit("{}", 1)[0]
    assert client.get(f"{list_path}?{query}={encoded}").status_code < 500


def test_an_empty_filter_or_page_means_no_filter(token, in_process):
    """`?pattern=`, `?page=`, `?date_before=` are accepted as "not given", as the schema's optional
    parameters say."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    for url in ["/api/v1/exercises/?pattern=", "/api/v1/exercises/?page=", "/api/v1/sessions/?date_before="]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.json()["count"] > 0, url


def raw_form(data, field, value):
    """A urlencoded body as a browser could send it, a lone surrogate as its (invalid) UTF-8 bytes included."""
    pairs = []
    for key, item in (data | {field: value}).items():
        for one in item if isinstance(item, list) else [item]:
            pairs.append(f"{quote(key)}={quote(str(one).encode('utf-8', 'surrogatepass'), safe='')}")
    return "&".join(pairs)


LATER_ROW = re.compile(r"-(?!0-)\d+-")


@pytest.mark.slow
def test_every_form_field_takes_any_text_without_a_500(world, mailoutbox):
    from .test_security import csrf_cases, materialise

    for name, post in csrf_cases(world).items():
        if name in ("import", "logout", "account-delete"):
            continue  # a file upload (its own tests), and two that end the session the loop needs
        data = materialise(post.data)
        client = Client()
        if post.user:
            client.force_login(post.user)
        for field in data:
            if LATER_ROW.search(field):
                continue  # the rows of a formset are one form: its first row stands for the rest
            for value in NASTY_TEXT:
                body = raw_form(data, field, value)
                response = client.generic("POST", post.url, body, content_type="application/x-www-form-urlencoded")
                assert response.status_code < 500, (name, field, value, response.status_code)
