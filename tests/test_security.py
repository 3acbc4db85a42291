"""Security, proven by tests: deploy checks, headers and CSP, CSRF on every form, and login throttling by
username and address together. Isolation between runners and anonymous access: tests/test_isolation.py."""

import json
import os
import re
import secrets
import subprocess
import sys
from dataclasses import dataclass
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import resolve, reverse
from django.utils.crypto import get_random_string
from rest_framework.test import APIClient

from logbook.models import Session

from .factories import PASSWORD, UserFactory
from .helpers import ENROLLMENT_BODY, SESSION_BODY, log_form, runner_state, sample_kwargs, site_routes

BASE_DIR = Path(settings.BASE_DIR)


# The world (tests.helpers.build_world, the `world` fixture): an owner with blocks, logged, ad hoc and
# imported sessions, and an intruder with data of their own. Who can see and change whose data is
# tests/test_isolation.py; this file is the rest of security.

SITE_ROUTES = site_routes()


# --------------------------------------------------------------------------------------------------
# CSRF
# --------------------------------------------------------------------------------------------------


@dataclass
class FormPost:
    url: str
    data: dict
    user: User | None  # None: anonymous
    state: Any  # () -> what the post would change


def strong_csv():
    text = (
        "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,Workout Notes,RPE\n"
        "2026-02-01 08:00:00,Imported,45m,Hip Thrust (Barbell),1,60,10,,,,,\n"
    )
    return SimpleUploadedFile("strong.csv", text.encode(), content_type="text/csv")


def csrf_cases(world):
    w = world
    everything = lambda: (runner_state(w.owner), User.objects.count(), Session.objects.count())  # noqa: E731
    enrollment_pk = w.enrollment.pk
    return {
        "log-new": FormPost("/log/new/", log_form(w, "CSRF new"), w.owner, everything),
        "log-planned": FormPost(f"/log/planned/{w.pending.pk}/", log_form(w), w.owner, everything),
        "log-edit": FormPost(f"/log/{w.session.pk}/edit/", log_form(w), w.owner, everything),
        "log-delete": FormPost(f"/log/{w.session.pk}/delete/", {}, w.owner, everything),
        "import": FormPost("/log/import/", {"file": strong_csv, "unit": "kg"}, w.owner, everything),
        "enrol": FormPost(
            "/programs/bodyweight-home/enroll/",
            {"start_date": w.today.isoformat(), "weekdays": ["0", "2", "4"], "confirm": "True"},
            w.owner,
            everything,
        ),
        "settings": FormPost(
            "/accounts/settings/", {"unit": "kg", "timing": "hard", "long_run_day": "5"}, w.owner, everything
        ),
        "password-change": FormPost(
            "/accounts/password/change/",
            {"old_password": PASSWORD, "new_password1": "N3w-secret-pass!", "new_password2": "N3w-secret-pass!"},
            w.owner,
            everything,
        ),
        "account-delete": FormPost("/accounts/delete/", {"password": PASSWORD}, w.owner, everything),
        "token-new": FormPost("/accounts/tokens/", {"name": "csrf"}, w.owner, everything),
        "token-rotate": FormPost(f"/accounts/tokens/{w.token.token.pk}/rotate/", {}, w.owner, everything),
        "token-revoke": FormPost(f"/accounts/tokens/{w.token.token.pk}/revoke/", {}, w.owner, everything),
        "logout": FormPost("/accounts/logout/", {}, w.owner, everything),
        **{
            # "confirm": a restart or resume that breaks a placement rule asks first, and this one does.
            f"enrollment-{action}": FormPost(
                f"/enrollments/{enrollment_pk}/{action}/", {"confirm": "yes"}, w.owner, everything
            )
            for action in ("pause", "resume", "restart", "leave")
        },
        "skip": FormPost(f"/planned/{w.pending.pk}/skip/", {}, w.owner, everything),
        "move": FormPost(
            f"/planned/{w.pending.pk}/move/",
            {"date": (w.today + timedelta(days=2)).isoformat(), "confirm": "True"},
            w.owner,
            everything,
        ),
        "signup": FormPost(
            "/accounts/signup/",
            {"username": "newrunner", "email": "", "password1": "Sturdy-pass-123", "password2": "Sturdy-pass-123"},
            None,
            everything,
        ),
        "login": FormPost("/accounts/login/", {"username": "owner", "password": PASSWORD}, None, everything),
        "password-reset": FormPost("/accounts/password/reset/", {"email": "owner@example.com"}, None, everything),
    }


CSRF_CASES = [
    "log-new",
    "log-planned",
    "log-edit",
    "log-delete",
    "import",
    "enrol",
    "settings",
    "password-change",
    "account-delete",
    "token-new",
    "token-rotate",
    "token-revoke",
    "logout",
    "enrollment-pause",
    "enrollment-resume",
    "enrollment-restart",
    "enrollment-leave",
    "skip",
    "move",
    "signup",
    "login",
    "password-reset",
]


def materialise(data):
    return {k: (v() if callable(v) else v) for k, v in data.items()}


def logged_in_as(client):
    return client.session.get("_auth_user_id")


@pytest.mark.parametrize("case", CSRF_CASES)
def test_csrf_is_enforced_on_every_form_post(case, world, mailoutbox):
    post = csrf_cases(world)[case]
    client = Client(enforce_csrf_checks=True)
    if post.user:
        client.force_login(post.user)
    before = post.state()
    response = client.post(post.url, materialise(post.data))
    assert response.status_code == 403, f"{post.url} without a CSRF token: {response.status_code}"
    assert post.state() == before, f"{post.url} changed something without a CSRF token"
    assert logged_in_as(client) == (str(post.user.pk) if post.user else None)
    assert not mailoutbox

    # Control: the very same post with a token is accepted, so the 403 above was the CSRF check.
    secret = get_random_string(32)
    client.cookies[settings.CSRF_COOKIE_NAME] = secret
    accepted = client.post(post.url, materialise(post.data) | {"csrfmiddlewaretoken": secret})
    assert accepted.status_code in (200, 302), f"{post.url} with a token: {accepted.status_code}"
    if case == "logout":
        assert logged_in_as(client) is None
    elif case == "password-reset":
        assert len(mailoutbox) == 1
    elif case != "enrollment-resume":  # resuming an active block does nothing, by design
        assert post.state() != before, f"{post.url} with a token should have done something"


def test_csrf_cases_cover_every_form_route(world):
    """Every view that takes a form post is in the CSRF list (by URL name)."""
    cases = csrf_cases(world)
    assert set(cases) == set(CSRF_CASES)
    names = set()
    for post in cases.values():
        match = resolve(post.url)
        names.add(f"{match.namespace}:{match.url_name}")
    form_routes = {
        "logbook:create",
        "logbook:log_planned",
        "logbook:update",
        "logbook:delete",
        "logbook:import",
        "programs:enroll",
        "programs:enrollment_action",
        "programs:skip",
        "programs:move",
        "accounts:settings",
        "accounts:logout",
        "accounts:delete",
        "accounts:password_change",
        "accounts:tokens",
        "accounts:token_rotate",
        "accounts:token_revoke",
        "accounts:signup",
        "accounts:login",
        "accounts:password_reset",
    }
    assert form_routes <= names, form_routes - names


@pytest.mark.parametrize("route", SITE_ROUTES, ids=[f"{r.name}|{r.pattern}" for r in SITE_ROUTES])
def test_no_page_route_is_csrf_exempt(route, world):
    """A POST without a token to any site URL is refused before the view runs (no @csrf_exempt anywhere)."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.owner)
    url = reverse(route.name, kwargs=sample_kwargs(route, world))
    before = runner_state(world.owner)
    assert client.post(url, {}).status_code == 403, url
    assert runner_state(world.owner) == before


def test_session_authenticated_api_writes_need_a_csrf_token(world):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(world.owner)
    before = runner_state(world.owner)
    attempts = [
        ("POST", "/api/v1/sessions/", SESSION_BODY),
        ("PUT", f"/api/v1/sessions/{world.adhoc.pk}/", SESSION_BODY),
        ("PATCH", f"/api/v1/sessions/{world.adhoc.pk}/", {"name": "changed"}),
        ("DELETE", f"/api/v1/sessions/{world.adhoc.pk}/", None),
        ("POST", "/api/v1/enrollments/", {"program": "bodyweight-home", "weekdays": [0, 2, 4]}),
        ("PATCH", f"/api/v1/enrollments/{world.enrollment.pk}/", ENROLLMENT_BODY),
        ("DELETE", f"/api/v1/enrollments/{world.enrollment.pk}/", None),
    ]
    for method, url, body in attempts:
        response = client.generic(method, url, json.dumps(body or {}), content_type="application/json")
        assert response.status_code == 403, f"{method} {url} without CSRF: {response.status_code}"
        assert "CSRF" in response.json()["detail"]
    assert runner_state(world.owner) == before
    # Reading needs no token, and the session really is authenticated.
    assert client.get("/api/v1/sessions/").status_code == 200

    # Control: with the token, the same writes go through.
    secret = get_random_string(32)
    client.cookies[settings.CSRF_COOKIE_NAME] = secret
    expected = {"POST": (201,), "PUT": (200,), "PATCH": (200,), "DELETE": (204,)}
    for method, url, body in attempts:
        response = client.generic(
            method, url, json.dumps(body or {}), content_type="application/json", HTTP_X_CSRFTOKEN=secret
        )
        assert response.status_code in expected[method], f"{method} {url} with CSRF: {response.status_code}"


def test_token_authenticated_api_writes_need_no_csrf_token(world):
    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Token {world.token.key}")
    assert client.post("/api/v1/sessions/", SESSION_BODY, format="json").status_code == 201


# --------------------------------------------------------------------------------------------------
# Login throttling: by username and address together
# --------------------------------------------------------------------------------------------------

ADDRESS_1, ADDRESS_2 = "203.0.113.10", "198.51.100.20"


def page_login(username, password, address):
    client = Client(REMOTE_ADDR=address)
    response = client.post("/accounts/login/", {"username": username, "password": password})
    return response, logged_in_as(client)


def token_login(username, password, address):
    response = APIClient(REMOTE_ADDR=address).post(
        "/api/v1/auth/token/", {"username": username, "password": password}, format="json"
    )
    return response, response.json().get("token") if response.status_code == 200 else None


@pytest.mark.parametrize("login", [page_login, token_login], ids=["login-page", "api-token"])
def test_login_throttling_locks_username_and_address_together(login, db):
    victim = UserFactory(username="victim")
    neighbour = UserFactory(username="neighbour")
    limit = settings.AXES_FAILURE_LIMIT
    assert 1 < limit <= 10

    for attempt in range(limit - 1):
        response, who = login("victim", "wrong-password", ADDRESS_1)
        assert who is None and response.status_code in (200, 400), attempt
    # Not locked yet one short of the limit: the right password still works (then resets the count).
    response, who = login("victim", PASSWORD, ADDRESS_1)
    assert who, "locked out before AXES_FAILURE_LIMIT failures"

    for _ in range(limit):
        login("victim", "wrong-password", ADDRESS_1)
    response, who = login("victim", PASSWORD, ADDRESS_1)
    assert who is None, "the right password got in after the failure limit"
    assert response.status_code == 429

    # Same username from another address: not locked.
    response, who = login("victim", PASSWORD, ADDRESS_2)
    assert who and response.status_code in (200, 302)
    if login is page_login:
        assert who == str(victim.pk)
    # Another runner behind the first address: not locked.
    response, who = login("neighbour", PASSWORD, ADDRESS_1)
    assert who and response.status_code in (200, 302)
    if login is page_login:
        assert who == str(neighbour.pk)
    # And the pair that failed is still locked.
    response, who = login("victim", PASSWORD, ADDRESS_1)
    assert who is None and response.status_code == 429


def test_login_lockout_page_says_what_happened(db):
    UserFactory(username="victim")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        page_login("victim", "nope", ADDRESS_1)
    response, _ = page_login("victim", PASSWORD, ADDRESS_1)
    assert b"Too many failed log-ins" in response.content


# --------------------------------------------------------------------------------------------------
# Deploy check, headers, Content-Security-Policy
# --------------------------------------------------------------------------------------------------

PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECURE_SSL_REDIRECT": "1",
    "SESSION_COOKIE_SECURE": "1",
    "CSRF_COOKIE_SECURE": "1",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
    "SECURE_HSTS_PRELOAD": "1",
    "BEHIND_TLS_PROXY": "1",
    "ALLOWED_HOSTS": "legwork.example.com",
}


def check_deploy(**overrides):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    env.update(PRODUCTION_ENV, SECRET_KEY=secrets.token_urlsafe(64), DJANGO_SETTINGS_MODULE="config.settings")
    env.update(overrides)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow
def test_check_deploy_is_clean_under_production_settings():
    result = check_deploy()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout + result.stderr


@pytest.mark.slow
def test_check_deploy_is_clean_without_a_secret_key_in_the_environment(tmp_path):
    """A single-machine install without SECRET_KEY gets a generated key kept under var/, never the one in
    the repository (there is none): check --deploy has nothing to say about it."""
    result = check_deploy(SECRET_KEY="")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout + result.stderr
    assert "dev-only-insecure" not in (BASE_DIR / "config" / "settings.py").read_text()


def test_a_missing_secret_key_is_generated_once_and_kept_private(tmp_path):
    from config.secrets import secret_key_file

    path = tmp_path / "var" / "secret_key"
    first = secret_key_file(path)
    assert len(first) >= 50 and path.read_text().strip() == first
    assert path.stat().st_mode & 0o777 == 0o600
    assert secret_key_file(path) == first, "the same key on every start, or every session would end"
    path.write_text("short")
    assert secret_key_file(path) != "short"


@pytest.mark.slow
def test_check_deploy_would_catch_a_missing_https_setting():
    """Control: the environment really reaches the settings, so the clean run above means something."""
    result = check_deploy(SECURE_SSL_REDIRECT="0", SECURE_HSTS_SECONDS="0")
    assert result.returncode != 0
    assert "security.W008" in result.stderr and "security.W004" in result.stderr


def parse_csp(header):
    policy = {}
    for directive in filter(None, (d.strip() for d in header.split(";"))):
        name, *sources = directive.split()
        policy[name] = sources
    return policy


def assert_security_headers(response, url):
    csp = response.get("Content-Security-Policy")
    assert csp, f"{url}: no Content-Security-Policy"
    policy = parse_csp(csp)
    assert policy["default-src"] == ["'self'"], url
    assert policy["script-src"] == ["'self'"], f"{url}: script-src {policy['script-src']}"
    assert policy["frame-ancestors"] == ["'none'"], url
    assert policy["object-src"] == ["'none'"], url
    for name, sources in policy.items():
        for source in sources:
            assert source in ("'self'", "'none'") or (name == "img-src" and source == "data:"), (
                f"{url}: {name} allows {source}"
            )
    assert response["X-Content-Type-Options"] == "nosniff", url
    assert response["Referrer-Policy"] in ("same-origin", "strict-origin-when-cross-origin", "no-referrer"), url
    assert response["X-Frame-Options"] == "DENY", url


def test_security_headers_on_pages_api_and_errors(world):
    client = Client()
    for url in ["/", "/exercises/", "/programs/posterior-chain/", "/api/v1/exercises/", "/api/v1/docs/", "/nope/"]:
        assert_security_headers(client.get(url), url)
    client.force_login(world.owner)
    for url in ["/today/", "/log/new/", f"/log/{world.session.pk}/", "/progress/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_security_headers(response, url)


class InlineFinder(HTMLParser):
    """Inline scripts, <style> blocks, style= and on*= attributes: everything the CSP would block."""

    def __init__(self):
        super().__init__()
        self.found, self._in = [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and "src" not in attrs and attrs.get("type", "text/javascript") in JS_TYPES:
            self._in = "script"
        if tag == "style":
            self.found.append("<style> element")
        for name in attrs:
            if name == "style" or name.startswith("on"):
                self.found.append(f"{name}= on <{tag}>")
        if tag == "a" and (attrs.get("href") or "").lower().startswith("javascript:"):
            self.found.append("javascript: link")

    def handle_data(self, data):
        if self._in == "script" and data.strip():
            self.found.append(f"inline script: {data.strip()[:60]}")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in = None


JS_TYPES = {"text/javascript", "module", "application/javascript", ""}


def inline_in(html):
    finder = InlineFinder()
    finder.feed(html)
    return finder.found


def test_no_template_has_inline_script_or_style():
    problems = {}
    templates = sorted((BASE_DIR / "templates").rglob("*.html"))
    assert len(templates) > 20
    for path in templates:
        text = path.read_text()
        found = inline_in(text)
        found += [f"style= attribute: {m.group(0)}" for m in re.finditer(r"\sstyle\s*=", text)]
        if found:
            problems[str(path.relative_to(BASE_DIR))] = found
    assert not problems, problems


def test_the_inline_finder_finds_what_the_csp_blocks():
    assert sorted(inline_in('<script>alert(1)</script><p style="color:red" onclick="x()"><style>p{}</style>')) == [
        "<style> element",
        "inline script: alert(1)",
        "onclick= on <p>",
        "style= on <p>",
    ]
    assert inline_in('<script src="/static/a.js"></script><script type="application/json">{}</script>') == []


def test_rendered_pages_have_no_inline_script_or_style(world):
    client = Client()
    urls = ["/", "/exercises/", "/exercises/hip-thrust/", "/programs/", "/programs/posterior-chain/"]
    urls += ["/accounts/login/", "/accounts/signup/", "/api/v1/docs/"]
    for url in urls:
        assert not inline_in(client.get(url).content.decode()), url
    client.force_login(world.owner)
    private = ["/today/", "/enrollments/", f"/enrollments/{world.enrollment.pk}/", "/log/", "/log/new/"]
    private += [f"/log/planned/{world.pending.pk}/", f"/log/{world.session.pk}/", f"/log/{world.session.pk}/edit/"]
    private += ["/progress/", "/progress/hip-thrust/", "/accounts/settings/", "/log/import/"]
    private += ["/programs/bodyweight-home/", f"/planned/{world.pending.pk}/move/"]
    for url in private:
        response = client.get(url)
        assert response.status_code == 200, url
        assert not inline_in(response.content.decode()), url


class Assets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("src"):
            self.urls.append(("script", attrs["src"]))
        if tag == "link" and attrs.get("href"):
            self.urls.append((attrs.get("rel"), attrs["href"]))


def test_api_docs_work_under_the_csp(client, db):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    assert_security_headers(response, "/api/v1/docs/")
    html = response.content.decode()
    assert not inline_in(html)
    assets = Assets()
    assets.feed(html)
    scripts = [url for kind, url in assets.urls if kind == "script"]
    assert len(scripts) >= 3, "Swagger UI bundle, preset and the init script"
    for kind, url in assets.urls:
        assert url.startswith("/") and not url.startswith("//"), f"{url} is not from our own origin"
        if kind == "script" or kind == "stylesheet":
            asset = client.get(url)
            assert asset.status_code == 200, url
            body = b"".join(asset.streaming_content) if asset.streaming else asset.content
            assert body, url
            expected = "javascript" if kind == "script" else "css"
            assert expected in asset["Content-Type"], f"{url}: {asset['Content-Type']}"
    init = client.get("/api/v1/docs/?script=")
    assert "javascript" in init["Content-Type"]
    assert "/api/v1/schema/" in init.content.decode()
