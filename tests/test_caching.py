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
    client_logged_in.get("/progress/")  # a browser's first page: it gets its CSRF cookie
    first = client_logged_in.get("/progress/")
    # From then on the page is served whole: the session, then the user with their profile; no transaction.
    with django_assert_max_num_queries(2) as queries:
        again = client_logged_in.get("/progress/")
    assert again.status_code == 200 and again.content == first.content
    assert "django_session" in queries.captured_queries[0]["sql"]
    assert "accounts_profile" in queries.captured_queries[1]["sql"]


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


def test_a_cached_page_still_shows_a_waiting_message_once(caching, content, client_logged_in, user):
    Enrollment.start(user, Program.objects.get(slug="posterior-chain"), timezone.localdate(), list(range(7)))
    for _ in range(3):
        client_logged_in.get("/today/")  # cookie, then fill the cache, then a hit
    enrollment = Enrollment.objects.get(user=user)
    client_logged_in.post(f"/enrollments/{enrollment.pk}/pause/")  # queues "… is paused" for the next page
    shown = client_logged_in.get("/today/").content.decode()
    assert "is paused" in shown
    assert "is paused" not in client_logged_in.get("/today/").content.decode().split("<main")[1].split("<h1")[0]


def test_cached_pages_are_per_runner_and_per_browser(caching, content, user, other_user):
    from logbook.models import LoggedSet

    from .factories import log_session

    log_session(user, timezone.localdate(), {"exercise": "goblet-squat", "reps": 8, "load_kg": 31})
    assert LoggedSet.objects.filter(session__user=user).exists()
    mine, theirs = Client(), Client()
    mine.force_login(user)
    theirs.force_login(other_user)
    theirs.cookies["csrftoken"] = "a" * 32
    mine.cookies["csrftoken"] = "a" * 32  # the same CSRF secret: only the runner tells the pages apart
    for _ in range(2):
        assert "31 kg" in mine.get("/progress/").content.decode()
        assert "31 kg" not in theirs.get("/progress/").content.decode()
    second_browser = Client()
    second_browser.force_login(user)
    second_browser.cookies["csrftoken"] = "b" * 32
    page = second_browser.get("/progress/").content.decode()
    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert tokens
    from django.middleware.csrf import _unmask_cipher_token

    assert all(_unmask_cipher_token(t) == "b" * 32 for t in tokens)
