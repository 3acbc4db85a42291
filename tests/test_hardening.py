"""Hardening (issue 13): a lockout no one can turn against a runner, tokens a runner controls, bounded
requests, and no 500 from any byte a client can send. Each test here fails without its fix."""

import json
import time
from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.test import Client
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from rest_framework.test import APIClient

from accounts import services as account_services
from accounts.client import client_address
from accounts.models import ApiToken
from exercises.models import Exercise
from logbook import rules
from logbook.models import LoggedSet, Session

from .factories import PASSWORD, UserFactory
from .helpers import log_session

PROXY = "10.0.0.2"
ATTACKER, VICTIM_HOME, VICTIM_PHONE = "203.0.113.66", "198.51.100.7", "192.0.2.44"


def page_login(username, password, remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    client = Client(**extra)
    response = client.post("/accounts/login/", {"username": username, "password": password})
    return response, client.session.get("_auth_user_id")


def token_login(username, password, remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    response = APIClient(**extra).post(
        "/api/v1/auth/token/", {"username": username, "password": password}, format="json"
    )
    return response, response.json().get("token") if response.status_code == 200 else None


# --------------------------------------------------------------------------------------------------
# The client's address: X-Forwarded-For only from a trusted proxy
# --------------------------------------------------------------------------------------------------


class FakeRequest:
    def __init__(self, remote, forwarded=None):
        self.META = {"REMOTE_ADDR": remote}
        if forwarded is not None:
            self.META["HTTP_X_FORWARDED_FOR"] = forwarded


@pytest.mark.parametrize(
    "proxies, remote, forwarded, expected",
    [
        ([], ATTACKER, None, ATTACKER),
        ([], ATTACKER, "1.2.3.4", ATTACKER),  # direct deployment: the header is anyone's to write
        ([PROXY], ATTACKER, "1.2.3.4", ATTACKER),  # not from the proxy: ignored
        ([PROXY], PROXY, VICTIM_HOME, VICTIM_HOME),
        ([PROXY], PROXY, f"6.6.6.6, {VICTIM_HOME}", VICTIM_HOME),  # the client's own prefix is not believed
        (["10.0.0.0/8"], PROXY, f"{VICTIM_HOME}, 10.1.1.1", VICTIM_HOME),  # two proxies of ours
        ([PROXY], PROXY, "not-an-address", PROXY),
        ([PROXY], PROXY, None, PROXY),
    ],
)
def test_client_address_believes_only_trusted_proxies(settings, proxies, remote, forwarded, expected):
    settings.LEGWORK_TRUSTED_PROXIES = proxies
    assert client_address(FakeRequest(remote, forwarded)) == expected


@pytest.mark.parametrize("login", [page_login, token_login], ids=["login-page", "api-token"])
def test_behind_the_proxy_an_attacker_cannot_lock_the_victim_out(login, settings, db):
    """Every request arrives from the proxy; the lockout keys on the address the proxy saw."""
    settings.LEGWORK_TRUSTED_PROXIES = [PROXY]
    UserFactory(username="victim")
    for _ in range(settings.AXES_FAILURE_LIMIT + 2):
        login("victim", "guess", PROXY, ATTACKER)
    response, who = login("victim", PASSWORD, PROXY, ATTACKER)
    assert who is None and response.status_code == 429, "the attacker's own address is locked"
    # The victim, from home and from a phone, through the same proxy: not locked.
    for address in (VICTIM_HOME, VICTIM_PHONE):
        response, who = login("victim", PASSWORD, PROXY, address)
        assert who, f"the victim from {address} was locked out by the attacker: {response.status_code}"
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}


@pytest.mark.parametrize("login", [page_login, token_login], ids=["login-page", "api-token"])
def test_direct_deployment_ignores_a_spoofed_forwarded_for(login, settings, db):
    """No proxy configured: a random X-Forwarded-For per attempt does not dodge the lockout."""
    settings.LEGWORK_TRUSTED_PROXIES = []
    UserFactory(username="victim")
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        login("victim", "guess", ATTACKER, f"1.1.1.{attempt}")
    response, who = login("victim", PASSWORD, ATTACKER, "9.9.9.9")
    assert who is None and response.status_code == 429
    response, who = login("victim", PASSWORD, VICTIM_HOME)
    assert who


def test_token_throttle_ignores_a_spoofed_forwarded_for(settings, db):
    settings.LEGWORK_TRUSTED_PROXIES = []
    user = UserFactory()
    statuses = [
        APIClient(REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR=f"5.5.5.{n}")
        .post("/api/v1/auth/token/", {"username": user.username, "password": PASSWORD}, format="json")
        .status_code
        for n in range(31)
    ]
    assert statuses[-1] == 429


def test_token_throttle_counts_each_client_behind_the_proxy(settings, db):
    settings.LEGWORK_TRUSTED_PROXIES = [PROXY]
    user = UserFactory()
    body = {"username": user.username, "password": PASSWORD}
    for _ in range(30):
        APIClient(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=ATTACKER).post("/api/v1/auth/token/", body, format="json")
    flooded = APIClient(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=ATTACKER).post("/api/v1/auth/token/", body)
    assert flooded.status_code == 429
    other = APIClient(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=VICTIM_HOME).post("/api/v1/auth/token/", body)
    assert other.status_code == 200


# --------------------------------------------------------------------------------------------------
# Tokens: hashed, listed, rotated, revoked, and revoked by a password change or reset
# --------------------------------------------------------------------------------------------------


def api_as(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def works(key):
    return api_as(key).get("/api/v1/sessions/").status_code == 200


def test_tokens_are_stored_hashed(db):
    user = UserFactory()
    issued = account_services.issue_token(user, "phone")
    row = ApiToken.objects.values().get()
    assert issued.key not in json.dumps(row, default=str)
    assert row["digest"] == account_services.digest(issued.key) and len(row["digest"]) == 64
    assert works(issued.key)


def test_anonymous_api_calls_get_401_with_www_authenticate(db):
    response = APIClient().get("/api/v1/sessions/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    response = api_as("lw_nonsense").get("/api/v1/sessions/")
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"


def test_settings_list_tokens_with_their_last_use(client, db):
    user = UserFactory()
    issued = account_services.issue_token(user, "backup script")
    account_services.issue_token(UserFactory(), "someone else's")
    client.force_login(user)
    page = client.get("/accounts/settings/").content.decode()
    assert "backup script" in page and "never used" in page and "someone else" not in page
    assert issued.key not in page
    assert works(issued.key)
    page = client.get("/accounts/settings/").content.decode()
    assert "last used" in page and "never used" not in page


def test_last_use_is_written_at_most_once_a_minute(db, django_assert_num_queries):
    user = UserFactory()
    issued = account_services.issue_token(user)
    assert works(issued.key)
    first = ApiToken.objects.get().last_used_at
    assert first is not None
    with django_assert_num_queries(1):  # the lookup only: no UPDATE within the minute
        account_services.token_for_secret(issued.key)
    ApiToken.objects.update(last_used_at=first - timedelta(minutes=2))
    assert works(issued.key)
    assert ApiToken.objects.get().last_used_at > first - timedelta(seconds=1)


def test_make_rotate_and_revoke_tokens_on_the_page(client, db):
    user = UserFactory()
    client.force_login(user)
    made = client.post("/accounts/tokens/", {"name": "phone"})
    assert made.status_code == 200
    key = made.context["issued"].key
    assert key in made.content.decode() and works(key)
    assert client.get("/accounts/tokens/").content.decode().count(key) == 0, "a secret is shown once only"

    token = ApiToken.objects.get(name="phone")
    rotated = client.post(f"/accounts/tokens/{token.pk}/rotate/")
    new_key = rotated.context["issued"].key
    assert not works(key) and works(new_key)

    new = ApiToken.objects.active().get(name="phone")
    assert client.post(f"/accounts/tokens/{new.pk}/revoke/").status_code == 302
    assert not works(new_key)
    assert not ApiToken.objects.active().exists()


def test_another_runner_cannot_rotate_or_revoke_my_token(client, db):
    owner = UserFactory()
    issued = account_services.issue_token(owner)
    client.force_login(UserFactory())
    assert client.post(f"/accounts/tokens/{issued.token.pk}/rotate/").status_code == 404
    assert client.post(f"/accounts/tokens/{issued.token.pk}/revoke/").status_code == 404
    assert works(issued.key) and ApiToken.objects.count() == 1


def test_a_password_change_revokes_tokens(client, db):
    user = UserFactory()
    issued = account_services.issue_token(user)
    client.force_login(user)
    response = client.post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": "N3w-secret-pass!", "new_password2": "N3w-secret-pass!"},
    )
    assert response.status_code == 302
    assert not works(issued.key)
    assert ApiToken.objects.get().revoked_at is not None


def test_a_password_reset_revokes_tokens(client, db):
    user = UserFactory()
    issued = account_services.issue_token(user)
    url = f"/accounts/reset/{urlsafe_base64_encode(force_bytes(user.pk))}/{default_token_generator.make_token(user)}/"
    form = client.get(url, follow=True)
    assert form.status_code == 200
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": "N3w-secret-pass!", "new_password2": "N3w-secret-pass!"}
    )
    assert done.status_code == 302
    assert not works(issued.key)


def test_a_password_set_any_other_way_kills_tokens_too(db):
    """The admin or `manage.py changepassword` call set_password: the token's password mark no longer fits."""
    user = UserFactory()
    issued = account_services.issue_token(user)
    user.set_password("Another-pass-456")
    user.save()
    assert not works(issued.key)


def test_token_endpoint_rotates_by_name(db):
    UserFactory(username="scripted")
    first, key1 = token_login("scripted", PASSWORD, VICTIM_HOME)
    second, key2 = token_login("scripted", PASSWORD, VICTIM_HOME)
    assert key1 and key2 and key1 != key2
    assert not works(key1) and works(key2)
    named = APIClient().post(
        "/api/v1/auth/token/", {"username": "scripted", "password": PASSWORD, "name": "watch"}, format="json"
    )
    assert works(named.json()["token"]) and works(key2)


def test_old_drf_tokens_are_carried_over_hashed(db):
    """The data migration's rule: an old 40-character key works as it is, stored as its hash."""
    from importlib import import_module

    from django.db import connection

    migration = import_module("accounts.migrations.0004_move_drf_tokens")
    user = UserFactory()
    old_key = "0123456789abcdef0123456789abcdef01234567"
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS authtoken_token"
            " (key varchar(40) PRIMARY KEY, created timestamp, user_id integer)"
        )
        cursor.execute("INSERT INTO authtoken_token VALUES (%s, %s, %s)", [old_key, timezone.now(), user.pk])

    class Editor:
        pass

    editor = Editor()
    editor.connection = connection
    from django.apps import apps

    migration.move_tokens(apps, editor)
    assert works(old_key)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM authtoken_token")
        assert cursor.fetchone()[0] == 0


# --------------------------------------------------------------------------------------------------
# No 500 from input
# --------------------------------------------------------------------------------------------------

LONG_NAME = "x" * 300


def test_a_username_too_long_to_exist_is_refused_on_every_login_path(db):
    UserFactory(username="victim")
    response = Client().post("/accounts/login/", {"username": LONG_NAME, "password": "x"})
    assert response.status_code == 200 and "at most 150" in response.content.decode()
    response = Client().post("/admin/login/", {"username": LONG_NAME, "password": "x"})
    assert response.status_code == 200
    response = APIClient().post("/api/v1/auth/token/", {"username": LONG_NAME, "password": "x"}, format="json")
    assert response.status_code == 400 and "username" in response.json()
    # Whatever the lockout recorded fits its column (on PostgreSQL a longer one is a DataError, a 500).
    assert all(len(name) <= 150 for name in AccessAttempt.objects.values_list("username", flat=True))


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/exercises/%00/",
        "/api/v1/programs/%00/",
        "/api/v1/muscles/%00/",
        "/api/v1/equipment/%00/",
        "/api/v1/progress/%00/",
        "/exercises/%00/",
        "/programs/%00/",
        "/progress/%00/",
    ],
)
def test_a_nul_in_a_url_slug_is_a_404(url, client, db):
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("query", ["exercise=%00", "date_before=%00", "page=%00"])
def test_a_nul_in_a_query_parameter_is_a_400(query, db):
    client = api_as(account_services.issue_token(UserFactory()).key)
    assert client.get(f"/api/v1/sessions/?{query}").status_code == 400
    assert Client().get(f"/exercises/?{query}").status_code == 400


def test_a_nul_in_a_form_field_is_that_field_s_message(client, db):
    client.force_login(UserFactory())
    response = client.post("/accounts/settings/", {"unit": "kg\x00", "timing": "hard"})
    assert response.status_code == 200 and response.context["form"].errors["unit"]
    response = Client().post("/accounts/login/", {"username": "a\x00", "password": "x\x00"})
    assert response.status_code == 200 and response.context["form"].errors


def session_body(**set_fields):
    row = {"exercise": "hip-thrust", "reps": 10} | set_fields
    return {"date": "2026-03-01", "name": "Test", "sets": [row]}


@pytest.mark.parametrize(
    "body",
    [
        session_body(exercise="\x00"),
        session_body(exercise="\ud83d"),
        session_body(note="\ud83d"),
        {"date": "2026-03-01", "name": "\udfff", "sets": [{"exercise": "hip-thrust", "reps": 1}]},
        session_body(reps="１０"),
        session_body(load_kg="６０"),
        session_body(reps=10**5000),
        session_body(reps=1e308),
        session_body(load_kg="NaN"),
        session_body(load_kg="Infinity"),
    ],
    ids=[
        "nul-slug",
        "surrogate-slug",
        "surrogate-note",
        "surrogate-name",
        "fullwidth-reps",
        "fullwidth-load",
        "huge-int",
        "huge-float",
        "nan",
        "infinity",
    ],
)
def test_bad_bytes_in_a_session_body_are_a_400(body, db, content):
    user = UserFactory()
    client = api_as(account_services.issue_token(user).key)
    if body.get("sets", [{}])[0].get("reps") == 10**5000:
        import sys

        sys.set_int_max_str_digits(0)
        raw = json.dumps(body)
        sys.set_int_max_str_digits(4300)
    else:
        raw = json.dumps(body)
    response = client.generic("POST", "/api/v1/sessions/", raw, content_type="application/json")
    assert response.status_code == 400, response.content
    assert not Session.objects.exists()


def test_a_nul_program_slug_in_an_enrolment_is_a_400(db, content):
    client = api_as(account_services.issue_token(UserFactory()).key)
    response = client.post("/api/v1/enrollments/", {"program": "\x00", "weekdays": [0, 2]}, format="json")
    assert response.status_code == 400
    response = client.post("/api/v1/enrollments/", {"program": "plyometric", "weekdays": ["２"]}, format="json")
    assert response.status_code == 400


@pytest.mark.parametrize("depth", [100_000, 1_000, 21])
def test_deeply_nested_json_is_a_400(depth, db):
    client = api_as(account_services.issue_token(UserFactory()).key)
    response = client.generic("POST", "/api/v1/sessions/", "[" * depth + "]" * depth, content_type="application/json")
    assert response.status_code == 400
    assert "nested" in response.json()["detail"]


def test_brackets_inside_strings_are_not_nesting(db, content):
    client = api_as(account_services.issue_token(UserFactory()).key)
    body = session_body(note="[" * 100)
    response = client.post("/api/v1/sessions/", body, format="json")
    assert response.status_code == 201, response.content


def test_full_width_digits_are_refused_in_the_log_form(client, db, content, today):
    user = UserFactory()
    client.force_login(user)
    hip = Exercise.objects.get(slug="hip-thrust")
    data = {
        "date": today.isoformat(),
        "name": "Fullwidth",
        "effort": "７",
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "0",
        "form-0-exercise": str(hip.pk),
        "form-0-reps": "１０",
        "form-0-load": "６０",
        "form-0-side": "both",
        "save": "1",
    }
    response = client.post("/log/new/", data)
    assert response.status_code == 200
    assert response.content.decode().count("digits 0–9") >= 2
    assert not Session.objects.exists()


# --------------------------------------------------------------------------------------------------
# Bounded requests
# --------------------------------------------------------------------------------------------------


def test_a_body_over_the_limit_is_refused_before_it_is_read(db):
    class Unreadable:
        def read(self, *args):
            raise AssertionError("the body was read")

        readline = read

    client = Client()
    too_big = str(settings.LEGWORK_MAX_REQUEST_BYTES + 1)
    for url in ("/accounts/login/", "/api/v1/auth/token/", "/log/import/"):
        response = client.generic(
            "POST",
            url,
            b"",
            content_type="application/x-www-form-urlencoded",
            CONTENT_LENGTH=too_big,
            **{"wsgi.input": Unreadable()},
        )
        assert response.status_code == 413, url


def test_a_large_non_file_body_is_refused(db):
    body = "username=" + "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10) + "&password=x"
    response = Client().generic("POST", "/accounts/login/", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400


def test_password_reset_mail_is_limited_per_address_and_per_client(client, db):
    UserFactory(username="forgetful", email="forgetful@example.com")
    UserFactory(username="other", email="other@example.com")
    for _ in range(10):
        response = client.post(
            "/accounts/password/reset/", {"email": "forgetful@example.com"}, REMOTE_ADDR=f"9.9.9.{_}"
        )
        assert response.status_code == 302
    assert len(mail.outbox) == settings.LEGWORK_PASSWORD_RESET_LIMIT
    mail.outbox.clear()
    for _ in range(10):
        client.post("/accounts/password/reset/", {"email": f"n{_}@example.com"}, REMOTE_ADDR=ATTACKER)
    client.post("/accounts/password/reset/", {"email": "other@example.com"}, REMOTE_ADDR=ATTACKER)
    assert len(mail.outbox) == 0, "one client asking for many addresses is limited too"
    client.post("/accounts/password/reset/", {"email": "other@example.com"}, REMOTE_ADDR=VICTIM_HOME)
    assert len(mail.outbox) == 1


def largest_session(user, day):
    exercises = list(Exercise.objects.order_by("slug")[:20])
    rows = []
    for n in range(rules.MAX_SETS):
        ex = exercises[n % len(exercises)]
        rows.append(
            {
                "exercise": ex,
                "reps": 10,
                "load_kg": Decimal("60.5"),
                "side": "left" if ex.unilateral else "both",
                "rpe": Decimal("8"),
                "note": "n" * rules.MAX_NOTE,
            }
        )
    from logbook import services as log_services

    return log_services.log_session(user, date=day, name="N" * 100, notes="x" * 500, sets=rows).session


def timed(client, method, url, data=None):
    """The response and the CPU seconds this process spent on it: the server's own time, which the other
    jobs on a shared machine do not stretch the way they stretch the wall clock."""
    started = time.process_time()
    response = client.get(url) if method == "GET" else client.post(url, data)
    return response, time.process_time() - started


def test_the_largest_allowed_session_renders_and_saves_in_under_a_second(client, db, content, today):
    user = UserFactory()
    session = largest_session(user, today)
    assert session.sets.count() == rules.MAX_SETS
    client.force_login(user)
    client.get("/today/")  # warm up (templates, first queries)
    pages = [f"/log/{session.pk}/", f"/log/{session.pk}/edit/", "/log/", "/progress/", "/today/", "/log/export.csv"]
    for url in pages:
        response, seconds = timed(client, "GET", url)
        assert response.status_code == 200, url
        print(f"{url}: {seconds * 1000:.0f} ms")  # shown with -s; docs/performance.md quotes them
        assert seconds < 1.0, f"{url} took {seconds:.2f}s"
    api = api_as(account_services.issue_token(user).key)
    started = time.process_time()
    assert api.get(f"/api/v1/sessions/{session.pk}/").status_code == 200
    assert api.get("/api/v1/sessions/").status_code == 200
    assert time.process_time() - started < 1.0

    # The edit page posts back every one of the 200 rows (Django's field limit no longer refuses it).
    edit = client.get(f"/log/{session.pk}/edit/")
    form = edit.context["formset"]
    data = {f"{form.prefix}-TOTAL_FORMS": str(rules.MAX_SETS), f"{form.prefix}-INITIAL_FORMS": str(rules.MAX_SETS)}
    session_form = edit.context["form"]
    data |= {name: "" if value is None else str(value) for name, value in session_form.initial.items()}
    data |= {"date": today.isoformat(), "name": "Edited", "notes": "", "save": "1"}
    for row in form.forms:
        for name, value in row.initial.items():
            data[f"{row.prefix}-{name}"] = "" if value is None else str(value)
        data[f"{row.prefix}-DELETE"] = ""
    assert len(data) > settings.DATA_UPLOAD_MAX_NUMBER_FIELDS // 2 > 1000
    started = time.process_time()
    response = client.post(
        f"/log/{session.pk}/edit/", urlencode(data), content_type="application/x-www-form-urlencoded"
    )
    seconds = time.process_time() - started
    print(f"saving the 200-set edit form: {seconds * 1000:.0f} ms")
    assert response.status_code == 302, response.content[:2000]
    assert seconds < 2.0, f"saving took {seconds:.2f}s"
    assert Session.objects.get(pk=session.pk).name == "Edited"
    assert LoggedSet.objects.filter(session=session).count() == rules.MAX_SETS


def test_the_api_refuses_more_sets_than_the_rules_allow(db, content):
    client = api_as(account_services.issue_token(UserFactory()).key)
    body = {"date": "2026-03-01", "sets": [{"exercise": "hip-thrust", "reps": 5}] * (rules.MAX_SETS + 1)}
    response = client.post("/api/v1/sessions/", body, format="json")
    assert response.status_code == 400
    assert not Session.objects.exists()


def test_log_session_helper_still_logs(db, content, today):
    """Control for the fixtures above: a normal session logs through the same service."""
    user = UserFactory()
    assert log_session(user, today, {"exercise": "hip-thrust", "reps": 5}).sets.count() == 1


def test_a_planned_log_form_posted_with_fewer_rows_than_the_plan_is_shown_again(client, content, today):
    """Found by the form fuzz: a post with fewer set rows than the plan has hints rendered a hint with no row."""
    from programs import services as program_services
    from programs.models import Program

    user = UserFactory()
    enrollment = program_services.enrol(user, Program.objects.get(slug="posterior-chain"), today, [0, 3])
    planned = enrollment.planned_sessions.order_by("sequence").first()
    client.force_login(user)
    response = client.post(
        f"/log/planned/{planned.pk}/",
        {"date": today.isoformat(), "name": "x", "form-TOTAL_FORMS": "0", "form-INITIAL_FORMS": "0", "save": "1"},
    )
    assert response.status_code == 200
    assert "Log at least one set" in response.content.decode() or response.context["formset"].non_form_errors()


def test_api_errors_from_outside_the_api_views_are_json(client, db):
    """A URL no API route matches is a JSON 404 (the schema says so), and the site keeps its own page."""
    response = client.get("/api/v1/exercises/not.a.slug/")
    assert response.status_code == 404 and response.json() == {"detail": "Not found."}
    response = client.get("/api/v1/sessions/-1.5/")
    assert response.status_code == 404 and response.json() == {"detail": "Not found."}
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")


# --------------------------------------------------------------------------------------------------
# Writes that never surprise: idempotency key, If-Match and version
# --------------------------------------------------------------------------------------------------

NEW_SESSION = {"date": "2026-03-03", "name": "Retry me", "sets": [{"exercise": "hip-thrust", "reps": 8}]}


@pytest.mark.parametrize("how", ["header", "field"])
def test_a_retried_post_with_the_same_key_logs_once_and_answers_the_first_result(how, db, content, today):
    client = api_as(account_services.issue_token(UserFactory()).key)
    if how == "header":
        send = lambda: client.post("/api/v1/sessions/", NEW_SESSION, format="json", HTTP_IDEMPOTENCY_KEY="run-42")  # noqa: E731
    else:
        body = NEW_SESSION | {"client_token": "0b6f1c1e-3a4d-4c55-9d1e-2f4a5b6c7d8e"}
        send = lambda: client.post("/api/v1/sessions/", body, format="json")  # noqa: E731
    first = send()
    assert first.status_code == 201, first.content
    again = send()
    assert again.status_code == 200
    assert again.json() == first.json()
    assert Session.objects.count() == 1
    # Without a key, the same body is a second session, as before.
    assert client.post("/api/v1/sessions/", NEW_SESSION, format="json").status_code == 201
    assert Session.objects.count() == 2


def test_keys_are_per_runner(db, content, today):
    one = api_as(account_services.issue_token(UserFactory()).key)
    two = api_as(account_services.issue_token(UserFactory()).key)
    assert one.post("/api/v1/sessions/", NEW_SESSION, format="json", HTTP_IDEMPOTENCY_KEY="k").status_code == 201
    answer = two.post("/api/v1/sessions/", NEW_SESSION | {"name": "Mine"}, format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert answer.status_code == 201 and answer.json()["name"] == "Mine"


def test_a_bad_idempotency_key_is_a_400(db, content):
    client = api_as(account_services.issue_token(UserFactory()).key)
    response = client.post("/api/v1/sessions/", NEW_SESSION, format="json", HTTP_IDEMPOTENCY_KEY="x" * 101)
    assert response.status_code == 400 and "Idempotency-Key" in response.json()
    assert not Session.objects.exists()


def test_if_match_refuses_an_edit_of_a_changed_session_with_the_current_one(db, content, today):
    user = UserFactory()
    session = log_session(user, today, {"exercise": "hip-thrust", "reps": 8}, name="Original")
    phone, laptop = (api_as(account_services.issue_token(user, name).key) for name in ("phone", "laptop"))
    url = f"/api/v1/sessions/{session.pk}/"
    read = phone.get(url)
    etag = read["ETag"]
    assert etag == '"1"' and read.json()["version"] == 1
    assert laptop.get(url)["ETag"] == etag

    changed = laptop.patch(url, {"name": "From the laptop"}, format="json", HTTP_IF_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] == '"2"'

    refused = phone.patch(url, {"name": "From the phone"}, format="json", HTTP_IF_MATCH=etag)
    assert refused.status_code == 412
    body = refused.json()
    assert "version 2" in body["detail"] and body["current"]["name"] == "From the laptop"
    assert refused["ETag"] == '"2"'
    assert Session.objects.get().name == "From the laptop"

    # Sent again from the current version, it goes through.
    assert phone.patch(url, {"name": "From the phone"}, format="json", HTTP_IF_MATCH='"2"').status_code == 200
    assert Session.objects.get().name == "From the phone"


def test_a_stale_version_field_is_a_409_and_a_get_can_be_put_back(db, content, today):
    user = UserFactory()
    session = log_session(user, today, {"exercise": "hip-thrust", "reps": 8}, name="Original")
    client = api_as(account_services.issue_token(user).key)
    url = f"/api/v1/sessions/{session.pk}/"
    read = client.get(url).json()
    assert client.put(url, read, format="json").status_code == 200, "a GET can be PUT back as it is"
    stale = client.put(url, read | {"name": "Stale"}, format="json")
    assert stale.status_code == 409
    assert stale.json()["current"]["version"] == 2
    assert Session.objects.get().name == "Original"
    # Without a version or If-Match, an edit applies as before (last write wins, by the client's choice).
    assert client.patch(url, {"name": "Unconditional"}, format="json").status_code == 200


def test_the_web_edit_form_refuses_to_overwrite_a_newer_version(client, db, content, today):
    user = UserFactory()
    session = log_session(user, today, {"exercise": "hip-thrust", "reps": 8}, name="Original")
    client.force_login(user)
    page = client.get(f"/log/{session.pk}/edit/")
    assert page.context["form"]["version"].value() == 1
    # Meanwhile another tab (or the API) changes it.
    from logbook import services as log_services

    log_services.update_session(Session.objects.get(), name="Changed elsewhere")
    hip = Exercise.objects.get(slug="hip-thrust")
    data = {
        "date": today.isoformat(),
        "name": "My edit",
        "version": "1",
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-0-exercise": str(hip.pk),
        "form-0-reps": "9",
        "form-0-side": "both",
        "save": "1",
    }
    refused = client.post(f"/log/{session.pk}/edit/", data)
    assert refused.status_code == 200
    text = refused.content.decode()
    assert "changed elsewhere" in text and "Changed elsewhere" in text and "My edit" in text
    assert Session.objects.get().name == "Changed elsewhere"
    # Saving again, having seen it, replaces the newer version (the form now carries version 2).
    assert refused.context["form"].data["version"] == "2"
    assert client.post(f"/log/{session.pk}/edit/", data | {"version": "2"}).status_code == 302
    assert Session.objects.get().name == "My edit"


def test_a_json_body_over_the_memory_limit_is_a_400_unparsed(db, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    client = api_as(account_services.issue_token(UserFactory()).key)
    body = NEW_SESSION | {"notes": "x" * 20_000}
    response = client.post("/api/v1/sessions/", body, format="json")
    assert response.status_code == 400 and response.json()["detail"]
    assert not Session.objects.exists()


def test_session_notes_and_names_have_a_maximum_length(client, db, content, today):
    user = UserFactory()
    api = api_as(account_services.issue_token(user).key)
    response = api.post(
        "/api/v1/sessions/", NEW_SESSION | {"notes": "x" * (rules.MAX_SESSION_NOTES + 1)}, format="json"
    )
    assert response.status_code == 400 and "notes" in response.json()
    response = api.post("/api/v1/sessions/", NEW_SESSION | {"name": "x" * (rules.MAX_NAME + 1)}, format="json")
    assert response.status_code == 400 and "name" in response.json()
    from django.core.exceptions import ValidationError

    from logbook import services as log_services

    with pytest.raises(ValidationError) as refused:
        log_services.log_session(
            user,
            date=today,
            notes="x" * (rules.MAX_SESSION_NOTES + 1),
            sets=[{"exercise": None, "exercise_name": "Sled", "reps": 1}],
        )
    assert "notes" in refused.value.message_dict
    assert not Session.objects.filter(user=user).exists()


def test_a_runner_holds_a_bounded_number_of_tokens(client, db):
    user = UserFactory()
    for n in range(account_services.MAX_TOKENS):
        account_services.issue_token(user, f"device {n}")
    client.force_login(user)
    response = client.post("/accounts/tokens/", {"name": "one too many"})
    assert response.status_code == 200 and "revoke one" in response.content.decode()
    assert ApiToken.objects.active().filter(user=user).count() == account_services.MAX_TOKENS
    # Reusing a name rotates, so it is always possible.
    assert client.post("/accounts/tokens/", {"name": "device 3"}).context["issued"]
    api = APIClient().post("/api/v1/auth/token/", {"username": user.username, "password": PASSWORD, "name": "new"})
    assert api.status_code == 400 and "name" in api.json()


@pytest.mark.slow
def test_a_malformed_trusted_proxy_setting_stops_the_start_with_a_clear_message():
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", LEGWORK_TRUSTED_PROXIES="10.0.0.2,proxy.internal")
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0 and "'proxy.internal' is not an IP address" in result.stderr
