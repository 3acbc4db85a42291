"""Security, proven by tests: deploy checks, headers and CSP, the isolation matrix, anonymous access,
CSRF on every form, and login throttling by username and address together."""

import json
import os
import re
import secrets
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.shortcuts import resolve_url
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.converters import IntConverter
from django.utils.crypto import get_random_string
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import Profile
from exercises import content as exercise_content
from exercises.models import Exercise
from logbook import services as log_services
from logbook.models import LoggedSet, Session
from programs import content as program_content
from programs import services as program_services
from programs.models import Enrollment, PlannedSession, Program

from .factories import PASSWORD, UserFactory

BASE_DIR = Path(settings.BASE_DIR)
SECRET_NAME = "Owner's secret leg day"
SECRET_NOTE = "owner-private-note-7f3a"
MISSING_ID = 987_654_321


# --------------------------------------------------------------------------------------------------
# Data: user A ("owner") with an enrolment, a logged planned session and an ad hoc session;
# user B ("intruder") with data of their own in the same program.
# --------------------------------------------------------------------------------------------------


@dataclass
class World:
    owner: User
    intruder: User
    enrollment: Enrollment
    done: PlannedSession
    pending: PlannedSession
    session: Session
    adhoc: Session
    intruder_enrollment: Enrollment
    intruder_session: Session
    today: Any


TODAY = date(2026, 3, 4)  # the `today` fixture's Wednesday


def build_world(today):
    owner = UserFactory(username="owner")
    intruder = UserFactory(username="intruder")
    Profile.objects.filter(user=owner).update(unit="lb", long_run_day=6)
    program = Program.objects.get(slug="posterior-chain")
    hip_thrust = Exercise.objects.get(slug="hip-thrust")
    squat = Exercise.objects.get(slug="back-squat")

    enrollment = program_services.enrol(owner, program, today - timedelta(days=7), [0, 3])
    planned = list(enrollment.planned_sessions.order_by("sequence"))
    done, pending = planned[0], planned[1]
    session = log_services.log_session(
        owner,
        date=done.date,
        name=SECRET_NAME,
        notes=SECRET_NOTE,
        planned=done,
        sets=[
            {"exercise": hip_thrust, "reps": 20, "load_kg": 100},
            {"exercise": hip_thrust, "reps": 18, "load_kg": 100},
        ],
    ).session
    adhoc = log_services.log_session(
        owner,
        date=today - timedelta(days=3),
        name="Owner ad hoc",
        notes=SECRET_NOTE,
        sets=[{"exercise": squat, "reps": 5, "load_kg": 120}],
    ).session

    intruder_enrollment = program_services.enrol(intruder, program, today, [1, 4])
    intruder_session = log_services.log_session(
        intruder, date=today, name="Intruder's own day", sets=[{"exercise": squat, "reps": 8, "load_kg": 40}]
    ).session
    return World(
        owner=owner,
        intruder=intruder,
        enrollment=enrollment,
        done=done,
        pending=pending,
        session=session,
        adhoc=adhoc,
        intruder_enrollment=intruder_enrollment,
        intruder_session=intruder_session,
        today=today,
    )


FAST_HASHER = "django.contrib.auth.hashers.MD5PasswordHasher"


@pytest.fixture(autouse=True)
def _world_passwords_check(settings):
    """The module's users are hashed with the fast hasher; keep it usable whatever conftest chooses."""
    settings.PASSWORD_HASHERS = [FAST_HASHER] + [h for h in settings.PASSWORD_HASHERS if h != FAST_HASHER]


@pytest.fixture(scope="module")
def world_data(django_db_setup, django_db_blocker):
    """Built once for the module and committed; every test runs in a transaction rolled back after it,
    so each one starts from exactly this state. Flushed at the end like a transactional test."""
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=[FAST_HASHER]):
        call_command("flush", interactive=False, verbosity=0)
        exercise_content.load()
        program_content.load()
        world = build_world(TODAY)
        try:
            yield world
        finally:
            call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def world(world_data, db, today):
    assert today == TODAY
    return world_data


def owner_state(user):
    """Everything user A owns, as plain data: any change by anyone shows up as a difference."""
    return {
        "user": list(User.objects.filter(pk=user.pk).values()),
        "profile": list(Profile.objects.filter(user=user).values()),
        "enrollments": list(Enrollment.objects.filter(user=user).order_by("pk").values()),
        "planned": list(PlannedSession.objects.filter(enrollment__user=user).order_by("pk").values()),
        "sessions": list(Session.objects.filter(user=user).order_by("pk").values()),
        "sets": list(LoggedSet.objects.filter(session__user=user).order_by("pk").values()),
        "tokens": list(Token.objects.filter(user=user).values_list("key", flat=True)),
    }


def row(model, pk):
    return list(model.objects.filter(pk=pk).values())


def session_snapshot(pk):
    def snapshot():
        return {"session": row(Session, pk), "sets": list(LoggedSet.objects.filter(session_id=pk).values())}

    return snapshot


def enrollment_snapshot(pk):
    def snapshot():
        return {
            "enrollment": row(Enrollment, pk),
            "planned": list(PlannedSession.objects.filter(enrollment_id=pk).order_by("sequence").values()),
        }

    return snapshot


def planned_snapshot(pk):
    def snapshot():
        planned = PlannedSession.objects.get(pk=pk)
        return {
            "planned": row(PlannedSession, pk),
            "schedule": list(planned.enrollment.planned_sessions.order_by("sequence").values("id", "date", "status")),
            "logged": list(Session.objects.filter(planned_session_id=pk).values()),
        }

    return snapshot


def log_form(world, name="Hijacked"):
    """A valid log form post, so a missing ownership check would write something."""
    return {
        "date": world.today.isoformat(),
        "name": name,
        "notes": "written by someone else",
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "0",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
        "form-0-exercise": str(Exercise.objects.get(slug="hip-thrust").pk),
        "form-0-reps": "3",
        "form-0-load": "5",
        "form-0-side": "both",
        "save": "1",
    }


SESSION_BODY = {"date": "2026-03-01", "name": "Hijacked", "notes": "x", "sets": [{"exercise": "hip-thrust", "reps": 3}]}
ENROLLMENT_BODY = {"status": "paused", "weekdays": [1, 4]}


# --------------------------------------------------------------------------------------------------
# Enumerating the URL patterns
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name", or the pattern text for an unnamed route
    pattern: str
    kwargs: tuple[str, ...]
    id_kwargs: tuple[str, ...]

    @property
    def namespace(self):
        return self.name.split(":", 1)[0] if ":" in self.name else ""

    def __str__(self):
        return f"{self.name} ({self.pattern})"


ID_NAMES = {"pk", "id"}
DIGITS_GROUP = re.compile(r"\(\?P<(\w+)>(?:\[0-9\]|\\d)[+*]\)")


def is_id_kwarg(name, converter, pattern_text):
    if name in ID_NAMES or name.endswith(("_pk", "_id")):
        return True
    if isinstance(converter, IntConverter):
        return True
    return any(m.group(1) == name for m in DIGITS_GROUP.finditer(pattern_text))


def walk(patterns, prefix="", namespace="", converters=None):
    for entry in patterns:
        text = prefix + str(entry.pattern)
        found = dict(converters or {})
        found.update(getattr(entry.pattern, "converters", {}))
        if isinstance(entry, URLResolver):
            ns = ":".join(part for part in (namespace, entry.namespace) if part)
            yield from walk(entry.url_patterns, text, ns, found)
            continue
        assert isinstance(entry, URLPattern)
        names = set(entry.pattern.regex.groupindex)
        for prefix_kwarg in re.findall(r"\(\?P<(\w+)>|<(?:\w+:)?(\w+)>", prefix):
            names.update(n for n in prefix_kwarg if n)
        names = tuple(sorted(names))
        ids = tuple(n for n in names if is_id_kwarg(n, found.get(n), text))
        full = f"{namespace}:{entry.name}" if entry.name and namespace else (entry.name or f"{namespace}:<{text}>")
        yield Route(full, text, names, ids)


def all_routes():
    return list(walk(get_resolver().url_patterns))


def id_routes():
    return [r for r in all_routes() if r.id_kwargs]


# --------------------------------------------------------------------------------------------------
# The isolation matrix: route name → what of user A's it points at
# --------------------------------------------------------------------------------------------------


@dataclass
class Owned:
    kwargs: list[dict]  # one or more ways to fill the route with A's object
    snapshot: Any  # () -> the object's state
    data: dict = field(default_factory=dict)  # a valid form post / JSON body, so a missing check would bite


PAGE_ROUTES = {
    "programs:enrollment": lambda w: Owned([{"pk": w.enrollment.pk}], enrollment_snapshot(w.enrollment.pk)),
    "programs:enrollment_action": lambda w: Owned(
        [{"pk": w.enrollment.pk, "action": a} for a in ("pause", "resume", "restart", "leave")],
        enrollment_snapshot(w.enrollment.pk),
    ),
    "programs:skip": lambda w: Owned([{"pk": w.pending.pk}], planned_snapshot(w.pending.pk)),
    "programs:move": lambda w: Owned(
        [{"pk": w.pending.pk}], planned_snapshot(w.pending.pk), {"date": (w.today + timedelta(days=2)).isoformat()}
    ),
    "logbook:log_planned": lambda w: Owned(
        [{"planned_pk": w.pending.pk}, {"planned_pk": w.done.pk}], planned_snapshot(w.pending.pk), log_form(w)
    ),
    "logbook:detail": lambda w: Owned([{"pk": w.session.pk}, {"pk": w.adhoc.pk}], session_snapshot(w.session.pk)),
    "logbook:update": lambda w: Owned(
        [{"pk": w.session.pk}, {"pk": w.adhoc.pk}], session_snapshot(w.session.pk), log_form(w)
    ),
    "logbook:delete": lambda w: Owned([{"pk": w.session.pk}, {"pk": w.adhoc.pk}], session_snapshot(w.session.pk)),
}
API_ROUTES = {
    "api:enrollment-detail": lambda w: Owned(
        [{"pk": w.enrollment.pk}], enrollment_snapshot(w.enrollment.pk), ENROLLMENT_BODY
    ),
    "api:session-detail": lambda w: Owned(
        [{"pk": w.session.pk}, {"pk": w.adhoc.pk}], session_snapshot(w.session.pk), SESSION_BODY
    ),
}
# The admin is staff-only: every admin route with an id must send a non-staff user to the admin login.
STAFF_ONLY_NAMESPACES = {"admin"}


ID_ROUTES = id_routes()


def test_the_walker_finds_the_known_private_routes_and_the_router_ones():
    """If enumeration broke, the matrix below would silently test nothing."""
    names = {r.name for r in ID_ROUTES}
    for expected in ["logbook:detail", "logbook:log_planned", "programs:enrollment_action", "api:session-detail"]:
        assert expected in names
    session_detail = [r for r in ID_ROUTES if r.name == "api:session-detail"]
    assert {r.id_kwargs for r in session_detail} == {("pk",)}
    assert len(session_detail) == 2, "the router's format-suffix route (sessions/<pk>.json) is enumerated too"
    assert not {r.name for r in ID_ROUTES} & {"exercises:detail", "programs:detail", "api:progress-detail"}


def test_every_route_with_an_object_id_is_in_the_matrix():
    covered = set(PAGE_ROUTES) | set(API_ROUTES)
    missing = sorted(str(r) for r in ID_ROUTES if r.name not in covered and r.namespace not in STAFF_ONLY_NAMESPACES)
    assert not missing, f"routes taking an object id with no isolation test (add them to the matrix): {missing}"
    stale = covered - {r.name for r in ID_ROUTES}
    assert not stale, f"matrix entries for routes that no longer exist: {sorted(stale)}"


def fill(route, kwargs):
    """Reverse the route with A's kwargs (plus a format for the router's suffix routes)."""
    kwargs = dict(kwargs)
    if "format" in route.kwargs:
        kwargs["format"] = "json"
    name = route.name
    assert not name.startswith(f"{route.namespace}:<"), f"unnamed route {route}"
    return reverse(name, kwargs=kwargs)


def with_missing_id(route, kwargs):
    return {k: (MISSING_ID if k in route.id_kwargs else v) for k, v in kwargs.items()}


def api_client_for(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def send(client, method, url, data, as_json):
    if as_json:
        return client.generic(method, url, json.dumps(data), content_type="application/json")
    if method == "POST":
        return client.post(url, data)
    return client.generic(method, url)


def check_refused(route, owned, client, methods, as_json, world):
    before, before_all = owned.snapshot(), owner_state(world.owner)
    saw_404 = False
    for kwargs in owned.kwargs:
        url = fill(route, kwargs)
        control_url = fill(route, with_missing_id(route, kwargs))
        for method in methods:
            control = send(client, method, control_url, owned.data, as_json)
            response = send(client, method, url, owned.data, as_json)
            body = response.content.decode(errors="replace")
            assert SECRET_NAME not in body and SECRET_NOTE not in body, f"{method} {url} shows A's data"
            if control.status_code == 405:
                # Refused before any lookup, for every id alike: says nothing about A's object.
                assert response.status_code == 405, f"{method} {url}: {response.status_code}"
            else:
                assert response.status_code == 404, f"{method} {url} as B: {response.status_code}, expected 404"
                saw_404 = True
            assert owned.snapshot() == before, f"{method} {url} as B changed A's object"
    assert saw_404, f"{route}: no method looked the object up"
    assert owner_state(world.owner) == before_all, f"{route}: A's data changed"


@pytest.mark.parametrize("route", ID_ROUTES, ids=[f"{r.name}|{r.pattern}" for r in ID_ROUTES])
def test_isolation_matrix(route, world):
    """User B tries to read, change and delete user A's object through every route that takes an id."""
    if route.namespace in STAFF_ONLY_NAMESPACES:
        intruder = Client()
        intruder.force_login(world.intruder)
        kwargs = dict.fromkeys(route.id_kwargs, world.owner.pk)
        if "content_type_id" in kwargs:
            kwargs["content_type_id"] = ContentType.objects.get_for_model(User).pk
        kwargs.update({k: "x" for k in route.kwargs if k not in kwargs})
        url = route_url(route, kwargs)
        before = owner_state(world.owner)
        for method in ("GET", "POST"):
            response = send(intruder, method, url, {"username": "hijacked", "password1": "x"}, as_json=False)
            assert response.status_code == 302, f"{method} {url}: {response.status_code}"
            assert response["Location"].startswith(reverse("admin:login")), response["Location"]
        assert owner_state(world.owner) == before
        return

    if route.name in API_ROUTES:
        owned = API_ROUTES[route.name](world)
        check_refused(route, owned, api_client_for(world.intruder), ["GET", "PUT", "PATCH", "DELETE"], True, world)
        # Control: the same URLs are A's object, and A reaches it.
        owner = api_client_for(world.owner)
        for kwargs in owned.kwargs:
            assert owner.get(fill(route, kwargs)).status_code == 200
        return

    if route.name not in PAGE_ROUTES:
        pytest.fail(f"{route} takes an object id but has no entry in the isolation matrix")
    owned = PAGE_ROUTES[route.name](world)
    intruder = Client()
    intruder.force_login(world.intruder)
    check_refused(route, owned, intruder, ["GET", "POST"], False, world)
    # Control: A gets a page or a redirect from the same URL, never a 404, so the ids were real.
    owner = Client()
    owner.force_login(world.owner)
    for kwargs in owned.kwargs:
        url = fill(route, kwargs)
        response = owner.get(url)
        if response.status_code == 405:
            response = owner.post(url, owned.data)
        assert response.status_code in (200, 302), f"A on {url}: {response.status_code}"


def route_url(route, kwargs):
    if route.name.startswith(f"{route.namespace}:<"):
        # Unnamed admin routes: fill the pattern text by hand.
        text = route.pattern
        for key, value in kwargs.items():
            text = re.sub(rf"<(?:\w+:)?{key}>", str(value), text)
        return "/" + text.lstrip("^").rstrip("$")
    return reverse(route.name, kwargs=kwargs)


def test_isolation_lists_never_show_another_runners_objects(world):
    intruder = api_client_for(world.intruder)
    sessions = intruder.get("/api/v1/sessions/").json()["results"]
    assert [s["id"] for s in sessions] == [world.intruder_session.pk]
    enrollments = intruder.get("/api/v1/enrollments/").json()["results"]
    assert [e["id"] for e in enrollments] == [world.intruder_enrollment.pk]
    page = Client()
    page.force_login(world.intruder)
    for url in ["/log/", "/enrollments/", "/today/", "/progress/", "/log/export.csv", "/log/export.json"]:
        text = body_of(page.get(url))
        assert SECRET_NAME not in text and SECRET_NOTE not in text, url
        assert "Intruder" in text or url in ("/enrollments/", "/today/", "/progress/"), f"control: B's data on {url}"
    owner = Client()
    owner.force_login(world.owner)
    assert SECRET_NAME in body_of(owner.get("/log/export.csv")), "control: A's export has A's data"


def body_of(response):
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode()


def test_isolation_b_cannot_link_a_planned_session_through_the_api(world):
    before = owner_state(world.owner)
    body = dict(SESSION_BODY, planned_session=world.pending.pk)
    response = api_client_for(world.intruder).post("/api/v1/sessions/", body, format="json")
    assert response.status_code == 400
    assert "planned_session" in response.json()
    assert owner_state(world.owner) == before
    # Control: A can link it.
    assert api_client_for(world.owner).post("/api/v1/sessions/", body, format="json").status_code == 201


@pytest.mark.parametrize("slug", ["hip-thrust", "back-squat"])
def test_progress_by_slug_for_b_never_shows_a_data(world, slug):
    a_view = api_client_for(world.owner).get(f"/api/v1/progress/{slug}/").json()
    assert a_view["best_set"] is not None and a_view["history"], "control: A has data for this exercise"
    a_sessions = {world.session.pk, world.adhoc.pk}

    b_view = api_client_for(world.intruder).get(f"/api/v1/progress/{slug}/")
    assert b_view.status_code == 200
    data = b_view.json()
    assert {p["session"] for p in data["history"]}.isdisjoint(a_sessions)
    assert data["best_set"] is None or data["best_set"]["session"] not in a_sessions
    if slug == "hip-thrust":  # B never did it
        assert data == {"exercise": slug, "best_set": None, "e1rm": None, "history": []}

    page = Client()
    page.force_login(world.intruder)
    html = page.get(f"/progress/{slug}/").content.decode()
    assert SECRET_NAME not in html
    for pk in a_sessions:
        assert f'href="/log/{pk}/"' not in html


# --------------------------------------------------------------------------------------------------
# Anonymous access
# --------------------------------------------------------------------------------------------------

PUBLIC_PAGES = {
    "home",
    "healthz",
    "exercises:list",
    "exercises:detail",
    "programs:list",
    "programs:detail",
    "programs:race_week",
    "accounts:signup",
    "accounts:login",
    "accounts:logout",
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_confirm",
    "accounts:password_reset_complete",
}
PUBLIC_API = {
    "api:api-root",
    "api:exercise-list",
    "api:exercise-detail",
    "api:muscle-list",
    "api:muscle-detail",
    "api:equipment-list",
    "api:equipment-detail",
    "api:program-list",
    "api:program-detail",
    "api:token",
    "api:schema",
    "api:docs",
}


SLUGS = {
    "programs:": "posterior-chain",
    "api:program-": "posterior-chain",
    "api:muscle-": "calves",
    "api:equipment-": "barbell",
}


def kwargs_for(route, world):
    """Fill any site route with real values: A's objects for ids, a real slug for slugs."""
    if route.name in PAGE_ROUTES or route.name in API_ROUTES:
        kwargs = dict((PAGE_ROUTES | API_ROUTES)[route.name](world).kwargs[0])
    else:
        kwargs = {}
    for name in route.kwargs:
        if name in kwargs:
            continue
        if name == "slug":
            kwargs[name] = next((v for k, v in SLUGS.items() if route.name.startswith(k)), "hip-thrust")
        elif name == "format":
            kwargs[name] = "json"
        else:
            kwargs[name] = "x"
    return kwargs


SITE_ROUTES = [r for r in all_routes() if r.namespace not in ("admin", "api")]
API_ROUTE_LIST = [r for r in all_routes() if r.namespace == "api"]


@pytest.mark.parametrize("route", SITE_ROUTES, ids=[f"{r.name}|{r.pattern}" for r in SITE_ROUTES])
def test_anonymous_gets_login_for_every_private_page(route, world, client):
    url = reverse(route.name, kwargs=kwargs_for(route, world))
    before = owner_state(world.owner)
    response = client.get(url)
    login = resolve_url(settings.LOGIN_URL)
    if route.name in PUBLIC_PAGES:
        assert not (response.status_code == 302 and response["Location"].startswith(login)), url
        return
    assert response.status_code == 302, f"anonymous GET {url}: {response.status_code}"
    assert response["Location"].startswith(f"{login}?next="), response["Location"]
    post = client.post(url, {"date": "2026-03-04"})
    assert post.status_code == 302 and post["Location"].startswith(login), f"anonymous POST {url}"
    assert owner_state(world.owner) == before


def test_anonymous_covers_the_pages_the_issue_names(world):
    private = {reverse(r.name, kwargs=kwargs_for(r, world)) for r in SITE_ROUTES if r.name not in PUBLIC_PAGES}
    for url in ["/today/", "/enrollments/", "/log/", "/log/new/", "/progress/", "/accounts/settings/"]:
        assert url in private
    assert "/log/export.csv" in private and "/log/import/" in private


@pytest.mark.parametrize("route", API_ROUTE_LIST, ids=[f"{r.name}|{r.pattern}" for r in API_ROUTE_LIST])
def test_anonymous_api_is_refused_for_private_routes(route, world):
    client = APIClient()
    url = reverse(route.name, kwargs=kwargs_for(route, world))
    response = client.get(url)
    if route.name in PUBLIC_API:
        assert response.status_code in (200, 405), f"public {url}: {response.status_code}"
        return
    assert response.status_code in (401, 403), f"anonymous GET {url}: {response.status_code}"
    before = owner_state(world.owner)
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        response = client.generic(method, url, json.dumps(SESSION_BODY), content_type="application/json")
        assert response.status_code in (401, 403, 405), f"anonymous {method} {url}: {response.status_code}"
    assert owner_state(world.owner) == before


def test_anonymous_api_names_the_issue_routes(world):
    private = [r.name for r in API_ROUTE_LIST if r.name not in PUBLIC_API]
    assert {"api:enrollment-list", "api:session-list", "api:progress-detail"} <= set(private)


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
    everything = lambda: (owner_state(w.owner), User.objects.count(), Session.objects.count())  # noqa: E731
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
        "logout": FormPost("/accounts/logout/", {}, w.owner, everything),
        **{
            f"enrollment-{action}": FormPost(f"/enrollments/{enrollment_pk}/{action}/", {}, w.owner, everything)
            for action in ("pause", "resume", "restart", "leave")
        },
        "skip": FormPost(f"/planned/{w.pending.pk}/skip/", {}, w.owner, everything),
        "move": FormPost(
            f"/planned/{w.pending.pk}/move/", {"date": (w.today + timedelta(days=2)).isoformat()}, w.owner, everything
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
    url = reverse(route.name, kwargs=kwargs_for(route, world))
    before = owner_state(world.owner)
    assert client.post(url, {}).status_code == 403, url
    assert owner_state(world.owner) == before


def test_session_authenticated_api_writes_need_a_csrf_token(world):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(world.owner)
    before = owner_state(world.owner)
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
    assert owner_state(world.owner) == before
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
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=world.owner).key}")
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


def test_check_deploy_is_clean_under_production_settings():
    result = check_deploy()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout + result.stderr


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
