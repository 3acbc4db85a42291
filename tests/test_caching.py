"""Caching: library and program content is cached under a version kept in the database; nothing a runner
logged is cached, so a write shows on the very next page view. Run on Redis too (`make test`, CI)."""

import datetime
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from exercises.models import ContentVersion, Exercise
from exercises.services import bump_content_version
from logbook import services as log_services
from logbook.models import Session
from programs import services as program_services
from programs.models import Program

from .helpers import log_session

pytestmark = pytest.mark.cache


def log(api_client, date, load, exercise="goblet-squat"):
    body = {"date": str(date), "sets": [{"exercise": exercise, "reps": 8, "load_kg": load}]}
    response = api_client.post("/api/v1/sessions/", body, format="json")
    assert response.status_code == 201, response.content
    return response.json()["id"]


def test_progress_and_log_show_a_new_session_at_once(caching, content, client_logged_in, api_user):
    today = timezone.localdate()
    log(api_user, today - datetime.timedelta(days=2), 20)
    assert "20 kg" in client_logged_in.get("/progress/").content.decode()
    assert "1 session" in client_logged_in.get("/log/").content.decode()

    log(api_user, today, 32)
    assert "32 kg" in client_logged_in.get("/progress/").content.decode()
    assert "2 sessions" in client_logged_in.get("/log/").content.decode()
    assert api_user.get("/api/v1/sessions/").json()["count"] == 2


@pytest.mark.parametrize("path", ["/today/", "/log/", "/progress/", "/progress/goblet-squat/", "/api/v1/sessions/"])
def test_a_runners_pages_are_computed_from_the_database_every_time(caching, content, client_logged_in, user, path):
    log_session(user, timezone.localdate(), {"exercise": "goblet-squat", "reps": 8, "load_kg": 20})
    client_logged_in.get(path)
    with CaptureQueriesContext(connection) as queries:
        assert client_logged_in.get(path).status_code == 200
    # The same page again still reads the runner's own rows: no copy of it is kept anywhere.
    assert any("logbook_" in q["sql"] or "programs_enrollment" in q["sql"] for q in queries.captured_queries)


def test_a_deleted_session_leaves_progress_at_once(caching, content, client_logged_in, api_user):
    session_id = log(api_user, timezone.localdate(), 44)
    assert "44 kg" in client_logged_in.get("/progress/").content.decode()
    log_services.delete_session(Session.objects.get(pk=session_id))
    assert "44 kg" not in client_logged_in.get("/progress/").content.decode()


def test_today_moves_on_after_skipping_in_another_browser(caching, content, user):
    program_services.enrol(user, Program.objects.get(slug="posterior-chain"), timezone.localdate(), list(range(7)))
    browsers = [Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)]
    for browser in browsers:
        browser.force_login(user)
    pages = [b.get("/today/").content.decode() for b in browsers]
    assert all("Session A" in p for p in pages)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', pages[1]).group(1)
    skip = re.search(r'action="(/planned/\d+/skip/)"', pages[1]).group(1)
    assert browsers[1].post(skip, {"csrfmiddlewaretoken": token}).status_code == 302
    assert "Session B" in browsers[0].get("/today/").content.decode()


def test_a_message_is_shown_once(caching, content, client_logged_in, user):
    enrollment = program_services.enrol(user, Program.objects.get(slug="posterior-chain"), timezone.localdate(), [0])
    client_logged_in.get("/today/")
    client_logged_in.post(f"/enrollments/{enrollment.pk}/pause/")  # queues "… is paused" for the next page
    assert "is paused" in client_logged_in.get("/today/").content.decode()
    assert "is paused" not in client_logged_in.get("/today/").content.decode().split("<main")[1].split("<h1")[0]


def test_pages_are_per_runner(caching, content, user, other_user):
    log_session(user, timezone.localdate(), {"exercise": "goblet-squat", "reps": 8, "load_kg": 31})
    mine, theirs = Client(), Client()
    mine.force_login(user)
    theirs.force_login(other_user)
    for _ in range(2):
        assert "31 kg" in mine.get("/progress/").content.decode()
        assert "31 kg" not in theirs.get("/progress/").content.decode()


# ---------------------------------------------------------------- library and program content


LIBRARY_PAGES = ["/exercises/?q=goblet", "/exercises/goblet-squat/", "/api/v1/exercises/goblet-squat/"]


def test_library_pages_are_served_from_the_cache(caching, content, client):
    for url in LIBRARY_PAGES:
        client.get(url)
    # Changed behind the app's back (no admin, no load_content): the cached pages don't see it ...
    Exercise.objects.filter(slug="goblet-squat").update(name="Kettlebell goblet squat")
    for url in LIBRARY_PAGES:
        assert "Kettlebell goblet squat" not in client.get(url).content.decode(), url


def test_another_process_bumping_the_version_in_the_database_is_seen_on_the_next_request(caching, content, client):
    for url in LIBRARY_PAGES:
        client.get(url)
    # What another web process's admin save leaves behind: the rows, and the number, in the database.
    # This process's cache is not told; it reads the number on its next request.
    Exercise.objects.filter(slug="goblet-squat").update(name="Kettlebell goblet squat")
    bump_content_version()
    for url in LIBRARY_PAGES:
        assert "Kettlebell goblet squat" in client.get(url).content.decode(), url


def test_an_admin_edit_shows_on_the_next_request(caching, content, client, admin_client):
    for url in LIBRARY_PAGES:
        client.get(url)
    exercise = Exercise.objects.get(slug="goblet-squat")
    form = admin_client.get(f"/admin/exercises/exercise/{exercise.pk}/change/").context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {name: value for name, value in data.items() if value is not None}
    data["name"] = "Kettlebell goblet squat"
    before = ContentVersion.current()
    response = admin_client.post(f"/admin/exercises/exercise/{exercise.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    assert ContentVersion.current() == before + 1
    for url in LIBRARY_PAGES:
        assert "Kettlebell goblet squat" in client.get(url).content.decode(), url


def test_load_content_bumps_the_version_once(content):
    before = ContentVersion.current()
    call_command("load_content", verbosity=0)
    assert ContentVersion.current() == before + 1


def test_program_pages_follow_the_content_version(caching, content, client):
    client.get("/programs/posterior-chain/")
    Program.objects.filter(slug="posterior-chain").update(summary="A summary written elsewhere.")
    assert "A summary written elsewhere." not in client.get("/programs/posterior-chain/").content.decode()
    bump_content_version()
    assert "A summary written elsewhere." in client.get("/programs/posterior-chain/").content.decode()


# ---------------------------------------------------------------- sessions (in Redis when REDIS_URL is set)


def test_a_session_works_across_clients_until_it_is_logged_out(db, user, settings):
    from .factories import PASSWORD

    browser = Client()
    assert browser.post("/accounts/login/", {"username": user.username, "password": PASSWORD}).status_code == 302
    stolen = Client()
    stolen.cookies["sessionid"] = browser.cookies["sessionid"].value  # another web process, the same cookie
    assert stolen.get("/accounts/settings/").status_code == 200
    browser.post("/accounts/logout/")
    assert stolen.get("/accounts/settings/").status_code == 302, f"still signed in with {settings.SESSION_ENGINE}"
