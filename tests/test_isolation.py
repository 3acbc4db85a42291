"""Two runners: neither sees nor changes the other's data, on any page or endpoint, cached or not.

One world (tests.helpers.build_world): the owner follows three blocks (sessions done, skipped, to do,
one block paused), logged planned, ad hoc and imported sessions and has an API token; the intruder has
a block and a session of their own. One table of every private route that takes an object id, each
tried by the intruder with every method; one table of anonymous access; then what lists, exports,
progress, /today/ and figures show. A route that takes an id and has no row in the table fails the run.
"""

import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.shortcuts import resolve_url
from django.urls import reverse
from rest_framework.test import APIClient

from exercises.models import Exercise
from logbook.models import LoggedSet, Session
from programs import services as program_services
from programs.models import Enrollment, PlannedSession, Program

from .factories import PASSWORD
from .helpers import (
    ENROLLMENT_BODY,
    MISSING_ID,
    RACE_BODY,
    SECRET_NAME,
    SECRET_NOTE,
    SESSION_BODY,
    all_routes,
    api_routes,
    body_of,
    log_form,
    log_session,
    logged_in_client,
    runner_state,
    sample_kwargs,
    site_routes,
    token_client,
)

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
ID_ROUTES = [r for r in all_routes() if r.id_kwargs]
SITE_ROUTES = site_routes()
API_ROUTE_LIST = api_routes()


@pytest.fixture(params=[False, True], ids=["uncached", "cached"])
def cache_mode(request, settings):
    """Content caching off and on: with it on, the owner has looked at everything first."""
    settings.LEGWORK_CACHE_CONTENT = request.param
    return request.param


def warm_cache(world):
    """The owner looks at everything first, so cached pages exist to leak, if they could."""
    owner = logged_in_client(world.owner)
    urls = ["/log/", "/progress/", "/progress/kettlebell-deadlift/", "/progress/tuck-jump/", "/today/", "/enrollments/"]
    urls += [f"/log/{s.pk}/" for s in world.owner_sessions]
    urls += [f"/enrollments/{e.pk}/" for e in world.owner_enrollments]
    for url in urls:
        assert owner.get(url).status_code == 200, url


def everyone(world):
    return runner_state(world.owner), runner_state(world.intruder), User.objects.count()


# --------------------------------------------------------------------------------------------------
# The matrix: every route with an object id → the owner's objects it can point at
# --------------------------------------------------------------------------------------------------


@dataclass
class Owned:
    kwargs: list[dict]  # every way to fill the route with one of the owner's objects
    data: dict = field(default_factory=dict)  # a valid form post / JSON body, so a missing check would bite


def planned_of(w):
    """Planned sessions to do, done, skipped and due today, in two blocks."""
    return [w.pending, w.done, w.skipped, w.plyo_next, w.plyo_done]


def sessions_of(w):
    return [{"pk": s.pk} for s in w.owner_sessions]


PAGE_ROUTES = {
    "programs:enrollment": lambda w: Owned([{"pk": e.pk} for e in w.owner_enrollments]),
    "programs:enrollment_action": lambda w: Owned(
        [
            {"pk": e.pk, "action": a}
            for e in (w.enrollment, w.paused)  # resuming needs a paused block to mean anything
            for a in ("pause", "resume", "restart", "leave")
        ]
    ),
    "programs:skip": lambda w: Owned([{"pk": p.pk} for p in planned_of(w)]),
    "programs:unskip": lambda w: Owned([{"pk": p.pk} for p in planned_of(w)]),
    "logbook:draft_discard": lambda w: Owned([{"draft_id": str(w.draft.client_token)}]),
    "programs:move": lambda w: Owned(
        [{"pk": p.pk} for p in planned_of(w)], {"date": (w.today + timedelta(days=2)).isoformat()}
    ),
    "logbook:log_planned": lambda w: Owned([{"planned_pk": p.pk} for p in planned_of(w)], log_form(w)),
    "logbook:detail": lambda w: Owned(sessions_of(w)),
    "logbook:update": lambda w: Owned(sessions_of(w), log_form(w)),
    "logbook:delete": lambda w: Owned(sessions_of(w)),
    "programs:race": lambda w: Owned([{"pk": w.race.pk}], {"name": "Hijacked", "date": "2026-04-01", "distance": "5k"}),
    "programs:race_delete": lambda w: Owned([{"pk": w.race.pk}]),
    "accounts:token_rotate": lambda w: Owned([{"pk": w.token.token.pk}]),
    "accounts:token_revoke": lambda w: Owned([{"pk": w.token.token.pk}]),
    "logbook:import_review": lambda w: Owned([{"pk": w.import_draft.pk}], {"name_0": "new", "name_1": "new"}),
    "logbook:import_detail": lambda w: Owned([{"pk": w.batch.pk}, {"pk": w.import_draft.pk}]),
    "logbook:import_undo": lambda w: Owned([{"pk": w.batch.pk}]),
    "logbook:own_exercise": lambda w: Owned([{"pk": w.own_exercise.pk}], {"name": "Hijacked", "pattern": "other"}),
    "logbook:own_exercise_delete": lambda w: Owned([{"pk": w.own_exercise.pk}]),
    "logbook:own_exercise_merge": lambda w: Owned([{"pk": w.own_exercise.pk}], {"into": str(ex_pk("hip-thrust"))}),
}
API_ROUTES = {
    "api:enrollment-detail": lambda w: Owned([{"pk": e.pk} for e in w.owner_enrollments], ENROLLMENT_BODY),
    "api:session-detail": lambda w: Owned(sessions_of(w), SESSION_BODY),
    "api:race-detail": lambda w: Owned([{"pk": w.race.pk}], RACE_BODY),
    "api:import-detail": lambda w: Owned([{"pk": w.batch.pk}]),
    "api:import-undo": lambda w: Owned([{"pk": w.batch.pk}]),
    "api:own-exercise-detail": lambda w: Owned([{"pk": w.own_exercise.pk}], {"name": "Hijacked"}),
    "api:own-exercise-merge": lambda w: Owned([{"pk": w.own_exercise.pk}], {"into": "hip-thrust"}),
}


API_ACTIONS = {"api:import-undo", "api:own-exercise-merge"}


def ex_pk(slug):
    return Exercise.objects.get(slug=slug).pk


# The admin is staff-only: every admin route with an id must send a non-staff user to the admin login.
STAFF_ONLY_NAMESPACES = {"admin"}


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
    """Reverse the route with the owner's kwargs (plus a format for the router's suffix routes)."""
    kwargs = dict(kwargs)
    if "format" in route.kwargs:
        kwargs["format"] = "json"
    assert not route.name.startswith(f"{route.namespace}:<"), f"unnamed route {route}"
    return reverse(route.name, kwargs=kwargs)


def with_missing_id(route, kwargs):
    def missing(value):
        return uuid.UUID(int=MISSING_ID) if isinstance(value, uuid.UUID) else MISSING_ID

    return {k: (missing(v) if k in route.id_kwargs else v) for k, v in kwargs.items()}


def send(client, method, url, data, as_json):
    if as_json:
        return client.generic(method, url, json.dumps(data), content_type="application/json")
    if method == "POST":
        return client.post(url, data)
    return client.generic(method, url)


def assert_nothing_shown(response, world, what):
    body = response.content.decode(errors="replace")
    for leak in (SECRET_NAME, SECRET_NOTE, "Owner plyo", "Owner heavy", "Owner imported", "Session A"):
        assert leak not in body, f"{what} shows the owner's {leak!r}"


def check_refused(route, owned, client, methods, as_json, world):
    """Every method on every one of the owner's objects: 404 (like a missing id) and nothing changes."""
    before = everyone(world)
    saw_404 = False
    for kwargs in owned.kwargs:
        url = fill(route, kwargs)
        control_url = fill(route, with_missing_id(route, kwargs))
        for method in methods:
            control = send(client, method, control_url, owned.data, as_json)
            response = send(client, method, url, owned.data, as_json)
            assert_nothing_shown(response, world, f"{method} {url}")
            if control.status_code == 405:
                # Refused before any lookup, for every id alike: says nothing about the owner's object.
                assert response.status_code == 405, f"{method} {url}: {response.status_code}"
            else:
                assert control.status_code == 404, f"{method} {control_url} (no such id): {control.status_code}"
                assert response.status_code == 404, f"{method} {url} as the intruder: {response.status_code}"
                if as_json:
                    assert set(response.json()) <= {"detail"}, f"{method} {url}: {response.json()}"
                saw_404 = True
            assert everyone(world) == before, f"{method} {url} as the intruder changed something"
    assert saw_404, f"{route}: no method looked the object up"


def route_url(route, kwargs):
    if route.name.startswith(f"{route.namespace}:<"):
        # Unnamed admin routes: fill the pattern text by hand.
        text = route.pattern
        for key, value in kwargs.items():
            text = re.sub(rf"<(?:\w+:)?{key}>", str(value), text)
        return "/" + text.lstrip("^").rstrip("$")
    return reverse(route.name, kwargs=kwargs)


STAFF_ROUTES = [r for r in ID_ROUTES if r.namespace in STAFF_ONLY_NAMESPACES]
RUNNER_ROUTES = [r for r in ID_ROUTES if r.namespace not in STAFF_ONLY_NAMESPACES]


@pytest.mark.parametrize("route", STAFF_ROUTES, ids=[f"{r.name}|{r.pattern}" for r in STAFF_ROUTES])
def test_isolation_matrix_admin(route, world):
    """The admin's object pages send a runner to the admin login, whatever the id."""
    intruder = logged_in_client(world.intruder)
    kwargs = dict.fromkeys(route.id_kwargs, world.owner.pk)
    if "content_type_id" in kwargs:
        kwargs["content_type_id"] = ContentType.objects.get_for_model(User).pk
    kwargs.update({k: "x" for k in route.kwargs if k not in kwargs})
    url = route_url(route, kwargs)
    before = everyone(world)
    for method in ("GET", "POST"):
        response = send(intruder, method, url, {"username": "hijacked", "password1": "x"}, as_json=False)
        assert response.status_code == 302, f"{method} {url}: {response.status_code}"
        assert response["Location"].startswith(reverse("admin:login")), response["Location"]
    assert everyone(world) == before


@pytest.mark.parametrize("route", RUNNER_ROUTES, ids=[f"{r.name}|{r.pattern}" for r in RUNNER_ROUTES])
def test_isolation_matrix(route, world, cache_mode):
    """The intruder tries to read, change and delete each of the owner's objects through every route with an id."""
    if cache_mode:
        warm_cache(world)
    if route.name in API_ROUTES:
        owned = API_ROUTES[route.name](world)
        methods = ["GET", "PUT", "PATCH", "DELETE", "POST"]
        check_refused(route, owned, token_client(world.intruder), methods, True, world)
        # Control: the same URLs are the owner's objects, and the owner reaches them (actions by POST only).
        owner = token_client(world.owner)
        for kwargs in owned.kwargs:
            assert owner.get(fill(route, kwargs)).status_code == (405 if route.name in API_ACTIONS else 200)
        return

    if route.name not in PAGE_ROUTES:
        pytest.fail(f"{route} takes an object id but has no entry in the isolation matrix")
    owned = PAGE_ROUTES[route.name](world)
    check_refused(route, owned, logged_in_client(world.intruder), ["GET", "POST"], False, world)
    # Control: the owner gets a page or a redirect from the same URL, never a 404, so the ids were real.
    owner = logged_in_client(world.owner)
    for kwargs in owned.kwargs:
        url = fill(route, kwargs)
        response = owner.get(url)
        if response.status_code == 405:
            response = owner.post(url, owned.data)
        assert response.status_code in (200, 302), f"the owner on {url}: {response.status_code}"


# --------------------------------------------------------------------------------------------------
# Anonymous access
# --------------------------------------------------------------------------------------------------

PUBLIC_PAGES = {
    "home",
    "healthz",
    "service_worker",
    "manifest",
    "exercises:list",
    "exercises:detail",
    "programs:list",
    "programs:detail",
    "programs:race_week",
    "programs:calendar_feed",  # no login: the private token in the address is the key (tests below)
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


@pytest.mark.parametrize("route", SITE_ROUTES, ids=[f"{r.name}|{r.pattern}" for r in SITE_ROUTES])
def test_anonymous_gets_login_for_every_private_page(route, world, client):
    url = reverse(route.name, kwargs=sample_kwargs(route, world))
    before = everyone(world)
    response = client.get(url)
    login = resolve_url(settings.LOGIN_URL)
    if route.name in PUBLIC_PAGES:
        assert not (response.status_code == 302 and response["Location"].startswith(login)), url
        return
    assert response.status_code == 302, f"anonymous GET {url}: {response.status_code}"
    assert response["Location"].startswith(f"{login}?next={url}"), response["Location"]
    post = client.post(url, log_form(world))
    assert post.status_code == 302 and post["Location"].startswith(f"{login}?next={url}"), f"anonymous POST {url}"
    assert everyone(world) == before


def test_anonymous_covers_the_pages_the_issue_names(world):
    private = {reverse(r.name, kwargs=sample_kwargs(r, world)) for r in SITE_ROUTES if r.name not in PUBLIC_PAGES}
    for url in ["/today/", "/enrollments/", "/log/", "/log/new/", "/progress/", "/accounts/settings/"]:
        assert url in private
    for url in [
        "/log/export.csv",
        "/log/export.json",
        "/log/import/",
        "/accounts/delete/",
        "/accounts/password/change/",
    ]:
        assert url in private
    assert "/programs/posterior-chain/enroll/" in private


@pytest.mark.parametrize("route", API_ROUTE_LIST, ids=[f"{r.name}|{r.pattern}" for r in API_ROUTE_LIST])
def test_anonymous_api_is_refused_for_private_routes(route, world):
    client = APIClient()
    url = reverse(route.name, kwargs=sample_kwargs(route, world))
    response = client.get(url)
    if route.name in PUBLIC_API:
        assert response.status_code in (200, 405), f"public {url}: {response.status_code}"
        return
    assert response.status_code in (401, 403), f"anonymous GET {url}: {response.status_code}"
    assert set(response.json()) <= {"detail"}, response.json()
    before = everyone(world)
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        response = client.generic(method, url, json.dumps(SESSION_BODY), content_type="application/json")
        assert response.status_code in (401, 403, 405), f"anonymous {method} {url}: {response.status_code}"
        assert_nothing_shown(response, world, f"anonymous {method} {url}")
    assert everyone(world) == before


def test_anonymous_api_names_the_issue_routes(world):
    private = [r.name for r in API_ROUTE_LIST if r.name not in PUBLIC_API]
    assert {"api:enrollment-list", "api:enrollment-detail", "api:session-list", "api:session-detail"} <= set(private)
    assert "api:progress-detail" in private


@pytest.mark.parametrize("url", ["/", "/exercises/", "/exercises/hip-thrust/", "/programs/", "/programs/plyometric/"])
def test_library_and_program_pages_stay_public(client, world, url):
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", ["/api/v1/exercises/", "/api/v1/programs/", "/api/v1/programs/plyometric/"])
def test_library_and_program_api_stays_public(world, url):
    assert APIClient().get(url).status_code == 200


# --------------------------------------------------------------------------------------------------
# Lists, exports, progress, /today/ and figures show the runner's own data only
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/log/",
        "/log/?exercise=kettlebell-deadlift",
        "/log/?exercise=tuck-jump",
        "/log/?program=plyometric",
        "/log/?program=posterior-chain",
        "/log/export.csv",
        "/log/export.json",
        "/progress/",
        "/progress/kettlebell-deadlift/",
        "/progress/tuck-jump/",
        "/progress/hip-thrust/",
        "/today/",
        "/enrollments/",
        "/calendar/",
        "/calendar/month/",
        "/races/",
    ],
)
def test_lists_exports_and_progress_never_show_the_other_runner_s_data(world, cache_mode, url):
    if cache_mode:
        warm_cache(world)
    intruder, owner = logged_in_client(world.intruder), logged_in_client(world.owner)
    page = body_of(intruder.get(url))
    leaks = world.leaks()
    for leak in leaks:
        assert leak not in page, (url, leak)
    # The owner's own view of the same page does show them (so the check above means something).
    mine = body_of(owner.get(url))
    if url == "/progress/tuck-jump/":
        assert "Each session with tuck jump" in mine and "Each session with" not in page
    else:
        assert any(leak in mine for leak in leaks), url


def test_the_intruder_s_own_data_is_all_the_lists_hold(world, cache_mode):
    if cache_mode:
        warm_cache(world)
    intruder = logged_in_client(world.intruder)
    log = body_of(intruder.get("/log/"))
    assert "1 session" in log and "Intruder own" in log
    assert "Back squat" in body_of(intruder.get("/progress/"))
    assert "Kettlebell deadlift" not in body_of(intruder.get("/progress/"))
    assert "You have not logged" in body_of(intruder.get("/progress/kettlebell-deadlift/"))
    assert "Intruder own" in body_of(intruder.get("/log/export.csv"))
    assert "Intruder own" in body_of(intruder.get("/log/export.json"))
    assert f"/enrollments/{world.intruder_enrollment.pk}/" in body_of(intruder.get("/enrollments/"))
    # Control: the owner's export has the owner's data.
    assert SECRET_NAME in body_of(logged_in_client(world.owner).get("/log/export.csv"))


def test_the_apis_never_show_the_other_runner_s_data(world, cache_mode):
    intruder = token_client(world.intruder)
    listing = intruder.get("/api/v1/sessions/").json()
    assert [s["id"] for s in listing["results"]] == [world.intruder_session.pk]
    assert listing["count"] == 1 and listing["results"][0]["notes"] != SECRET_NOTE
    enrollments = intruder.get("/api/v1/enrollments/").json()
    assert [e["id"] for e in enrollments["results"]] == [world.intruder_enrollment.pk]
    assert intruder.get("/api/v1/sessions/?exercise=kettlebell-deadlift").json()["count"] == 0
    assert intruder.get("/api/v1/sessions/?date_after=2026-03-02").json()["count"] == 0
    progress = intruder.get("/api/v1/progress/kettlebell-deadlift/").json()
    assert (progress["best_set"], progress["e1rm"], progress["history"]) == (None, None, [])
    # Control: the owner's own view has them.
    owner = token_client(world.owner)
    assert owner.get("/api/v1/progress/kettlebell-deadlift/").json()["best_set"]["reps"] == 8
    assert owner.get("/api/v1/sessions/").json()["count"] == 5
    assert owner.get("/api/v1/enrollments/").json()["count"] == 3


@pytest.mark.parametrize("slug", ["hip-thrust", "back-squat"])
def test_progress_by_exercise_never_shows_the_owner_s_sets(world, slug):
    """hip-thrust: only the owner did it; back-squat: both did, and each sees only their own."""
    mine = token_client(world.owner).get(f"/api/v1/progress/{slug}/").json()
    assert mine["best_set"] is not None and mine["history"], "control: the owner has data for this exercise"
    owner_sessions = {s.pk for s in world.owner_sessions}

    response = token_client(world.intruder).get(f"/api/v1/progress/{slug}/")
    assert response.status_code == 200
    data = response.json()
    assert {p["session"] for p in data["history"]}.isdisjoint(owner_sessions)
    assert data["best_set"] is None or data["best_set"]["session"] not in owner_sessions
    if slug == "hip-thrust":  # the intruder never did it
        assert data == {"exercise": slug, "best_set": None, "e1rm": None, "history": []}
    else:
        assert [p["session"] for p in data["history"]] == [world.intruder_session.pk]

    html = logged_in_client(world.intruder).get(f"/progress/{slug}/").content.decode()
    assert SECRET_NAME not in html
    for pk in owner_sessions:
        assert f'href="/log/{pk}/"' not in html


def test_figures_worked_out_from_history_are_the_runner_s_own(world, cache_mode):
    """ "Last time", pre-filled loads, weekly totals, records and /today/ never draw on another runner's log."""
    # A heavier owner session makes a record; the intruder follows the owner's plyometric block too.
    log_session(world.owner, world.today, {"exercise": "kettlebell-deadlift", "reps": 5, "load_kg": Decimal("140.5")})
    program_services.enrol(
        world.intruder, Program.objects.get(slug="plyometric"), world.today - timedelta(days=2), [0, 2]
    )
    if cache_mode:
        warm_cache(world)
    owner, intruder = logged_in_client(world.owner), logged_in_client(world.intruder)
    mine, theirs = body_of(owner.get("/progress/")), body_of(intruder.get("/progress/"))
    assert LoggedSet.objects.filter(session__user=world.owner, is_record=True).exists()
    owner_figures = ["140.5", "2306.7", "Kettlebell deadlift"]  # 2306.7 kg: the owner's tonnage this week
    for figure in owner_figures:
        assert figure in mine, figure  # the owner's page shows them ...
        assert figure not in theirs, figure  # ... the other runner's never does
    today_owner, today_theirs = body_of(owner.get("/today/")), body_of(intruder.get("/today/"))
    last_time = "Last time (2 Mar):"  # the owner's last tuck jumps
    assert last_time in today_owner
    assert last_time not in today_theirs
    planned = Enrollment.objects.get(user=world.intruder, program__slug="plyometric").planned_sessions.get(sequence=1)
    form = body_of(intruder.get(f"/log/planned/{planned.pk}/"))
    assert "Last time (" not in form  # nothing pre-filled from the owner's log


def test_the_intruder_cannot_link_the_owner_s_planned_session_through_the_api(world):
    intruder, owner = token_client(world.intruder), token_client(world.owner)
    before = everyone(world)
    body = dict(SESSION_BODY, planned_session=world.pending.pk)
    response = intruder.post("/api/v1/sessions/", body, format="json")
    assert response.status_code == 400
    assert "planned_session" in response.json()
    assert everyone(world) == before
    # Control: the owner can link it.
    assert owner.post("/api/v1/sessions/", body, format="json").status_code == 201


def test_the_program_page_does_not_show_the_other_runner_s_enrolment(world):
    html = logged_in_client(world.intruder).get("/programs/plyometric/").content.decode()
    assert "You are following this program" not in html
    assert f"/enrollments/{world.plyo.pk}/" not in html
    assert 'name="weekdays"' in html, "the intruder may enrol on their own"
    # Control: the owner's view of the same page says they follow it.
    assert (
        "You are following this program" in logged_in_client(world.owner).get("/programs/plyometric/").content.decode()
    )


def test_the_other_runner_can_enrol_in_the_same_program_on_the_site(world):
    before = runner_state(world.owner)
    response = logged_in_client(world.intruder).post(
        "/programs/plyometric/enroll/",
        {"start_date": world.today.isoformat(), "weekdays": [MON, THU], "confirm": "True"},  # past the leg cap
    )
    assert response.status_code == 302
    assert Enrollment.objects.filter(user=world.intruder, program__slug="plyometric").count() == 1
    assert runner_state(world.owner) == before


def test_the_other_runner_can_enrol_in_the_same_program_through_the_api(world):
    intruder = token_client(world.intruder)
    before = runner_state(world.owner)
    response = intruder.post("/api/v1/enrollments/", {"program": "plyometric", "weekdays": [MON, THU]}, format="json")
    assert response.status_code == 201
    assert Enrollment.objects.get(pk=response.json()["id"]).user == world.intruder
    assert runner_state(world.owner) == before


def test_the_settings_page_shows_and_saves_your_own_settings(world):
    world.owner.profile.long_run_day = SUN
    world.owner.profile.unit = "lb"
    world.owner.profile.save()
    intruder = logged_in_client(world.intruder)
    html = intruder.get("/accounts/settings/").content.decode()
    checked = [tag for tag in re.findall(r'<input[^>]*name="unit"[^>]*>', html) if "checked" in tag]
    assert len(checked) == 1 and 'value="kg"' in checked[0]
    intruder.post("/accounts/settings/", {"unit": "kg", "timing": "easy"})
    world.owner.profile.refresh_from_db()
    assert world.owner.profile.unit == "lb" and world.owner.profile.long_run_day == SUN


def test_deleting_an_account_removes_its_data_and_leaves_the_other_runner_s(world):
    owner_before = runner_state(world.owner)
    intruder = logged_in_client(world.intruder)
    assert intruder.get("/accounts/delete/").status_code == 200
    wrong = intruder.post("/accounts/delete/", {"password": "not it"})
    assert wrong.status_code == 200 and Session.objects.filter(user=world.intruder).count() == 1
    response = intruder.post("/accounts/delete/", {"password": PASSWORD})
    assert response.status_code == 302
    pk = world.intruder.pk
    assert not User.objects.filter(pk=pk).exists()
    assert not Session.objects.filter(user_id=pk).exists()
    assert not LoggedSet.objects.filter(session__user_id=pk).exists()
    assert not Enrollment.objects.filter(user_id=pk).exists()
    assert runner_state(world.owner) == owner_before
    assert PlannedSession.objects.get(pk=world.done.pk).status == "done"
    # Logged out, and the old session cookie opens nothing.
    assert intruder.get("/log/").status_code == 302


def test_deleting_the_owner_s_account_removes_everything_of_theirs(world):
    intruder_before = runner_state(world.intruder)
    response = logged_in_client(world.owner).post("/accounts/delete/", {"password": PASSWORD})
    assert response.status_code == 302
    pk = world.owner.pk
    assert not Session.objects.filter(user_id=pk).exists()
    assert not LoggedSet.objects.filter(session__user_id=pk).exists()
    assert not PlannedSession.objects.filter(enrollment__user_id=pk).exists()
    assert not Enrollment.objects.filter(user_id=pk).exists()
    assert runner_state(world.intruder) == intruder_before
    # The owner's token went with the account.
    assert token_client(world.intruder).get("/api/v1/sessions/").json()["count"] == 1
    stale = APIClient()
    stale.credentials(HTTP_AUTHORIZATION=f"Token {world.token.key}")
    assert stale.get("/api/v1/sessions/").status_code in (401, 403)


# --------------------------------------------------------------------------------------------------
# Races, the calendar and its private feed
# --------------------------------------------------------------------------------------------------


def test_a_calendar_feed_shows_only_its_own_runner_s_sessions(world):
    from icalendar import Calendar

    mine = Calendar.from_ical(APIClient().get(reverse("programs:calendar_feed", args=[world.feed.token])).content)
    uids = {str(e["uid"]) for e in mine.walk("VEVENT")}
    assert f"race-{world.race.pk}@legwork" in uids and f"planned-{world.pending.pk}@legwork" in uids
    theirs_feed = program_services.rotate_feed(world.intruder)
    theirs = Calendar.from_ical(APIClient().get(reverse("programs:calendar_feed", args=[theirs_feed.token])).content)
    their_uids = {str(e["uid"]) for e in theirs.walk("VEVENT")}
    assert their_uids, "the intruder's own sessions are in their feed"
    assert not their_uids & uids
    assert "Owner spring 10K" not in theirs.to_ical().decode()
    # The intruder's settings page shows their address, never the owner's.
    page = body_of(logged_in_client(world.intruder).get("/accounts/settings/"))
    assert theirs_feed.token in page and world.feed.token not in page


def test_the_api_lists_only_your_races_and_calendar(world):
    intruder = token_client(world.intruder)
    assert intruder.get("/api/v1/races/").json()["count"] == 0
    days = intruder.get("/api/v1/calendar/", {"start": world.today.isoformat(), "end": "2026-04-30"}).json()
    assert not [r for d in days for r in d["races"]]
    assert {s["id"] for d in days for s in d["sessions"]} <= set(
        PlannedSession.objects.filter(enrollment__user=world.intruder).values_list("pk", flat=True)
    )
    owner = token_client(world.owner)
    assert owner.get("/api/v1/races/").json()["count"] == 1
