"""Page fragments are cached by version: a write must show up on the very next page view."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from exercises.models import Exercise
from logbook.models import Session
from programs.models import Enrollment, Program


@pytest.fixture
def caching(settings):
    settings.LEGWORK_CACHE_PAGES = True


def log(api_client, date, load, exercise="goblet-squat"):
    body = {"date": str(date), "sets": [{"exercise": exercise, "reps": 8, "load_kg": load}]}
    response = api_client.post("/api/v1/sessions/", body, format="json")
    assert response.status_code == 201, response.content
    return response.json()["id"]


def test_progress_and_log_show_a_new_session_at_once(caching, content, client_logged_in, api_user):
    today = timezone.localdate()
    log(api_user, today - datetime.timedelta(days=2), 20)
    assert "20 kg" in client_logged_in.get("/progress/").content.decode()
    first_log_page = client_logged_in.get("/log/").content.decode()
    assert "1 session" in first_log_page

    log(api_user, today, 32)
    assert "32 kg" in client_logged_in.get("/progress/").content.decode()
    assert "2 sessions" in client_logged_in.get("/log/").content.decode()
    assert api_user.get("/api/v1/sessions/").json()["count"] == 2


def test_cached_pages_are_served_from_the_cache(
    caching, content, client_logged_in, api_user, django_assert_max_num_queries
):
    log(api_user, timezone.localdate(), 20)
    client_logged_in.get("/progress/")
    # Second view: session, user, profile and savepoints only; the figures come from the cache.
    with django_assert_max_num_queries(6):
        assert client_logged_in.get("/progress/").status_code == 200


def test_a_deleted_session_leaves_the_cached_progress(caching, content, client_logged_in, api_user):
    session_id = log(api_user, timezone.localdate(), 44)
    assert "44 kg" in client_logged_in.get("/progress/").content.decode()
    Session.objects.get(pk=session_id).delete()
    assert "44 kg" not in client_logged_in.get("/progress/").content.decode()


def test_today_moves_on_after_logging_and_forms_keep_working_in_two_browsers(caching, content, user):
    Enrollment.start(user, Program.objects.get(slug="posterior-chain"), timezone.localdate(), list(range(7)))
    browsers = [Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)]
    for browser in browsers:
        browser.force_login(user)
    pages = [b.get("/today/").content.decode() for b in browsers]
    assert all("Session A" in p for p in pages)
    # Each browser's cached page carries its own CSRF token, so skipping works from either.
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', pages[1]).group(1)
    skip = re.search(r'action="(/planned/\d+/skip/)"', pages[1]).group(1)
    response = browsers[1].post(skip, {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert "Session B" in browsers[0].get("/today/").content.decode()


def test_library_pages_follow_content_changes(caching, content, client, django_capture_on_commit_callbacks):
    assert "Goblet squat" in client.get("/exercises/?q=goblet").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        Exercise.objects.filter(slug="goblet-squat").update(name="Goblet squat")  # no signal: still cached
        exercise = Exercise.objects.get(slug="goblet-squat")
        exercise.name = "Kettlebell goblet squat"
        exercise.save()
    assert "Kettlebell goblet squat" in client.get("/exercises/?q=goblet").content.decode()
    assert "Kettlebell goblet squat" in client.get("/exercises/goblet-squat/").content.decode()
    assert "Kettlebell goblet squat" in client.get("/api/v1/exercises/goblet-squat/").content.decode()
