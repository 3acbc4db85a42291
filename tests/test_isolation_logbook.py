"""Two runners: neither sees nor changes the other's log, on any page or endpoint, cached or not."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from rest_framework.test import APIClient

from exercises.models import Exercise
from logbook.models import LoggedSet, Session
from programs import services as program_services
from programs.models import Enrollment, PlannedSession, Program

from .factories import PASSWORD, UserFactory
from .helpers import log_session as log

D = datetime.date
SECRET = "OWNER-SECRET-NOTE"


def ex(slug):
    return Exercise.objects.get(slug=slug)


def snapshot(session):
    session = Session.objects.get(pk=session.pk)
    sets = list(session.sets.order_by("order").values_list("exercise_id", "reps", "load_kg", "side", "note"))
    return (session.user_id, session.date, session.name, session.notes, session.planned_session_id, sets)


@pytest.fixture(params=[False, True], ids=["uncached", "cached"])
def caching(request, settings):
    settings.LEGWORK_CACHE_CONTENT = request.param
    return request.param


@pytest.fixture
def owner(content, today):
    """The runner whose log is being protected: a planned session done, and an ad-hoc one."""
    runner = UserFactory(username="owner")
    enrollment = program_services.enrol(runner, Program.objects.get(slug="plyometric"), D(2026, 3, 2), [0, 2])
    planned = enrollment.planned_sessions.get(sequence=1)
    done = log(
        runner,
        D(2026, 3, 2),
        {"exercise": "tuck-jump", "reps": 5, "note": SECRET},
        {"exercise": "tuck-jump", "reps": 5},
        {"exercise": "snap-down", "reps": 5},  # in the block's next session too: "last time" on /today/
        name="Owner plyo",
        notes=SECRET,
        planned=planned,
    )
    adhoc = log(
        runner,
        D(2026, 3, 3),
        {"exercise": "kettlebell-deadlift", "reps": 8, "load_kg": Decimal("123.4")},
        {"exercise": "kettlebell-deadlift", "reps": 5, "load_kg": Decimal("123.4")},
        name="Owner heavy",
        notes=SECRET,
    )
    return {
        "user": runner,
        "done": done,
        "adhoc": adhoc,
        "planned": planned,
        "next_planned": enrollment.planned_sessions.get(sequence=2),
    }


@pytest.fixture
def intruder(content):
    runner = UserFactory(username="intruder")
    log(runner, D(2026, 3, 1), {"exercise": "hip-thrust", "reps": 12}, name="Intruder own")
    return runner


@pytest.fixture
def intruder_client(intruder):
    client = Client()
    client.force_login(intruder)
    return client


@pytest.fixture
def intruder_api(intruder):
    client = APIClient()
    client.force_authenticate(intruder)
    return client


@pytest.fixture
def owner_client(owner):
    client = Client()
    client.force_login(owner["user"])
    return client


def warm_cache(owner_client, owner):
    """The owner looks at everything first, so cached pages exist to leak, if they could."""
    for url in ["/log/", "/progress/", "/progress/kettlebell-deadlift/", "/progress/tuck-jump/", "/today/"]:
        assert owner_client.get(url).status_code == 200
    for pk in (owner["done"].pk, owner["adhoc"].pk):
        assert owner_client.get(f"/log/{pk}/").status_code == 200


EDIT = {
    "date": "2026-03-04",
    "name": "hijacked",
    "notes": "hijacked",
    "form-TOTAL_FORMS": "1",
    "form-INITIAL_FORMS": "0",
    "form-MIN_NUM_FORMS": "1",
    "form-MAX_NUM_FORMS": "200",
    "form-0-reps": "1",
    "form-0-side": "both",
}


@pytest.mark.parametrize(
    ("method", "url", "data"),
    [
        ("get", "/log/{pk}/", None),
        ("get", "/log/{pk}/edit/", None),
        ("post", "/log/{pk}/edit/", EDIT),
        ("get", "/log/{pk}/delete/", None),
        ("post", "/log/{pk}/delete/", {}),
        ("get", "/log/planned/{planned}/", None),
        ("post", "/log/planned/{planned}/", EDIT),
        ("get", "/log/planned/{next_planned}/", None),
        ("post", "/log/planned/{next_planned}/", EDIT),
    ],
)
@pytest.mark.parametrize("which", ["done", "adhoc"])
def test_another_runner_gets_404_on_pages_and_nothing_changes(
    caching, owner, owner_client, intruder_client, method, url, data, which
):
    warm_cache(owner_client, owner)
    session = owner[which]
    before = [snapshot(owner["done"]), snapshot(owner["adhoc"])]
    target = url.format(pk=session.pk, planned=owner["planned"].pk, next_planned=owner["next_planned"].pk)
    payload = dict(data or {})
    if "form-0-reps" in payload:
        payload["form-0-exercise"] = str(ex("hip-thrust").pk)
    response = getattr(intruder_client, method)(target, payload) if method == "post" else intruder_client.get(target)
    assert response.status_code == 404
    assert SECRET not in response.content.decode()
    assert [snapshot(owner["done"]), snapshot(owner["adhoc"])] == before
    statuses = PlannedSession.objects.filter(enrollment__user=owner["user"]).order_by("sequence")
    assert list(statuses.values_list("status", flat=True)[:2]) == ["done", "planned"]
    assert Session.objects.filter(user__username="intruder").count() == 1


@pytest.mark.parametrize(
    ("method", "data"),
    [
        ("get", None),
        ("put", {"date": "2026-03-04", "notes": "hijacked", "sets": [{"exercise": "hip-thrust", "reps": 1}]}),
        ("patch", {"notes": "hijacked"}),
        ("patch", {"sets": [{"exercise": "hip-thrust", "reps": 1}]}),
        ("delete", None),
    ],
)
def test_another_runner_gets_404_on_the_session_api_and_nothing_changes(owner, intruder_api, method, data):
    before = [snapshot(owner["done"]), snapshot(owner["adhoc"])]
    for which in ("done", "adhoc"):
        url = f"/api/v1/sessions/{owner[which].pk}/"
        call = getattr(intruder_api, method)
        response = call(url, data, format="json") if data is not None else call(url)
        assert response.status_code == 404, response.content
        assert SECRET not in response.content.decode()
    assert [snapshot(owner["done"]), snapshot(owner["adhoc"])] == before


def test_the_owner_can_still_reach_everything(owner, owner_client):
    for which in ("done", "adhoc"):
        pk = owner[which].pk
        assert owner_client.get(f"/log/{pk}/").status_code == 200
        assert owner_client.get(f"/log/{pk}/edit/").status_code == 200
        assert owner_client.get(f"/log/{pk}/delete/").status_code == 200
    api = APIClient()
    api.force_authenticate(owner["user"])
    assert api.get(f"/api/v1/sessions/{owner['adhoc'].pk}/").status_code == 200


def intruder_sees(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    body = response.getvalue() if response.streaming else response.content
    return body.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/log/",
        "/log/?exercise=kettlebell-deadlift",
        "/log/?exercise=tuck-jump",
        "/log/?program=plyometric",
        "/log/export.csv",
        "/log/export.json",
        "/progress/",
        "/progress/kettlebell-deadlift/",
        "/progress/tuck-jump/",
        "/today/",
    ],
)
def test_lists_exports_and_progress_never_show_the_other_runner_s_log(
    caching, owner, owner_client, intruder_client, url
):
    warm_cache(owner_client, owner)
    page = intruder_sees(intruder_client, url)
    leaks = (
        SECRET,
        "Owner plyo",
        "Owner heavy",
        "123.4 kg",
        "Tuck jump: ",
        "Plyometric block: ",
        "Plyometric block · ",
    )
    for leak in leaks:
        assert leak not in page, (url, leak)
    # The owner's own view of the same page does show them (so the check above means something).
    mine = intruder_sees(owner_client, url)
    if url == "/progress/tuck-jump/":
        assert "Each session with tuck jump" in mine and "Each session with" not in page
    else:
        assert any(leak in mine for leak in leaks), url


def test_the_intruder_s_own_log_is_all_the_lists_hold(caching, owner, owner_client, intruder_client):
    warm_cache(owner_client, owner)
    assert "1 session" in intruder_sees(intruder_client, "/log/")
    assert "Intruder own" in intruder_sees(intruder_client, "/log/")
    assert "Hip thrust" in intruder_sees(intruder_client, "/progress/")
    assert "Kettlebell deadlift" not in intruder_sees(intruder_client, "/progress/")
    assert "You have not logged" in intruder_sees(intruder_client, "/progress/kettlebell-deadlift/")


def test_the_apis_never_show_the_other_runner_s_log(caching, owner, intruder_api):
    listing = intruder_api.get("/api/v1/sessions/").json()
    assert listing["count"] == 1 and listing["results"][0]["notes"] != SECRET
    assert intruder_api.get("/api/v1/sessions/?exercise=kettlebell-deadlift").json()["count"] == 0
    assert intruder_api.get("/api/v1/sessions/?date_after=2026-03-02").json()["count"] == 0
    progress = intruder_api.get("/api/v1/progress/kettlebell-deadlift/").json()
    assert (progress["best_set"], progress["e1rm"], progress["history"]) == (None, None, [])
    owner_api = APIClient()
    owner_api.force_authenticate(owner["user"])
    assert owner_api.get("/api/v1/progress/kettlebell-deadlift/").json()["best_set"]["reps"] == 8
    assert owner_api.get("/api/v1/sessions/").json()["count"] == 2


@pytest.mark.parametrize(
    "url",
    [
        "/log/",
        "/log/new/",
        "/log/{pk}/",
        "/log/{pk}/edit/",
        "/log/{pk}/delete/",
        "/log/planned/{planned}/",
        "/log/export.csv",
        "/log/export.json",
        "/log/import/",
        "/progress/",
        "/progress/kettlebell-deadlift/",
    ],
)
def test_anonymous_visitors_are_sent_to_log_in(client, owner, url):
    target = url.format(pk=owner["adhoc"].pk, planned=owner["next_planned"].pk)
    before = snapshot(owner["adhoc"])
    for response in (client.get(target), client.post(target, EDIT)):
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")
    assert snapshot(owner["adhoc"]) == before


def test_anonymous_api_calls_are_refused(api_client, owner):
    before = snapshot(owner["adhoc"])
    url = f"/api/v1/sessions/{owner['adhoc'].pk}/"
    calls = [
        api_client.get("/api/v1/sessions/"),
        api_client.post("/api/v1/sessions/", {"date": "2026-03-04", "sets": []}, format="json"),
        api_client.get(url),
        api_client.put(url, {"date": "2026-03-04", "sets": []}, format="json"),
        api_client.patch(url, {"notes": "x"}, format="json"),
        api_client.delete(url),
        api_client.get("/api/v1/progress/kettlebell-deadlift/"),
    ]
    for response in calls:
        assert response.status_code in (401, 403)
        assert SECRET not in response.content.decode()
    assert snapshot(owner["adhoc"]) == before


def test_deleting_an_account_removes_its_log_and_leaves_the_other_runner_s(owner, intruder, intruder_client):
    owner_before = [snapshot(owner["done"]), snapshot(owner["adhoc"])]
    owner_sets = LoggedSet.objects.filter(session__user=owner["user"]).count()
    program_services.enrol(intruder, Program.objects.get(slug="posterior-chain"), D(2026, 3, 4), [2, 5])
    page = intruder_client.get("/accounts/delete/")
    assert page.status_code == 200
    wrong = intruder_client.post("/accounts/delete/", {"password": "not it"})
    assert wrong.status_code == 200 and Session.objects.filter(user=intruder).count() == 1
    response = intruder_client.post("/accounts/delete/", {"password": PASSWORD})
    assert response.status_code == 302
    assert not type(intruder).objects.filter(pk=intruder.pk).exists()
    assert not Session.objects.filter(user_id=intruder.pk).exists()
    assert not LoggedSet.objects.filter(session__user_id=intruder.pk).exists()
    assert not Enrollment.objects.filter(user_id=intruder.pk).exists()
    assert [snapshot(owner["done"]), snapshot(owner["adhoc"])] == owner_before
    assert LoggedSet.objects.filter(session__user=owner["user"]).count() == owner_sets
    assert PlannedSession.objects.get(pk=owner["planned"].pk).status == "done"
    # Logged out, and the old session cookie opens nothing.
    assert intruder_client.get("/log/").status_code == 302


def test_deleting_the_owner_s_account_removes_everything_of_theirs(owner, owner_client, intruder):
    response = owner_client.post("/accounts/delete/", {"password": PASSWORD})
    assert response.status_code == 302
    assert not Session.objects.filter(user_id=owner["user"].pk).exists()
    assert not LoggedSet.objects.filter(session__user_id=owner["user"].pk).exists()
    assert not PlannedSession.objects.filter(enrollment__user_id=owner["user"].pk).exists()
    assert Session.objects.filter(user=intruder).count() == 1
    assert LoggedSet.objects.filter(session__user=intruder).count() == 1


def test_figures_worked_out_from_history_are_the_runner_s_own(caching, owner, owner_client, intruder, intruder_client):
    """ "Last time", pre-filled loads, weekly totals, contacts, adherence and records never draw on another log."""
    # A heavier owner session makes a record; the intruder follows the same programs as the owner.
    log(owner["user"], D(2026, 3, 4), {"exercise": "kettlebell-deadlift", "reps": 5, "load_kg": Decimal("140.5")})
    program_services.enrol(intruder, Program.objects.get(slug="plyometric"), D(2026, 3, 2), [0, 2])
    warm_cache(owner_client, owner)
    mine, theirs = intruder_sees(owner_client, "/progress/"), intruder_sees(intruder_client, "/progress/")
    assert LoggedSet.objects.filter(session__user=owner["user"], is_record=True).exists()
    owner_figures = ["140.5", "2306.7", "Kettlebell deadlift"]  # 2306.7 kg: the owner's tonnage this week
    for figure in owner_figures:
        assert figure in mine, figure  # the owner's page shows them ...
        assert figure not in theirs, figure  # ... the other runner's never does
    today_owner, today_theirs = intruder_sees(owner_client, "/today/"), intruder_sees(intruder_client, "/today/")
    last_time = '<div class="small text-body-secondary">2 Mar 2026</div>'  # the owner's last tuck jumps
    assert last_time in today_owner
    planned = Enrollment.objects.get(user=intruder).planned_sessions.get(sequence=1)
    form = intruder_sees(intruder_client, f"/log/planned/{planned.pk}/")
    assert last_time not in today_theirs
    assert "Last time (" not in form  # nothing pre-filled from the owner's log
