"""Cross-user isolation in programs/ and accounts/: another runner's ids give 404, never 403 or the data."""

import re
from datetime import date, timedelta

import pytest
from rest_framework.test import APIClient

from programs import services as program_services
from programs.models import Enrollment, PlannedSession, Program

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
TODAY = date(2026, 3, 4)


@pytest.fixture
def victim_enrollment(user, content, today):
    """The first user's enrolment, with a session done, one skipped and the rest to do."""
    enrollment = program_services.enrol(
        user, Program.objects.get(slug="posterior-chain"), TODAY - timedelta(days=7), [WED, SAT]
    )
    program_services.skip(enrollment.planned_sessions.get(sequence=2))
    program_services.mark_done(enrollment.planned_sessions.get(sequence=3))
    return enrollment


@pytest.fixture
def intruder(client, other_user):
    client.force_login(other_user)
    return client


def snapshot(enrollment):
    enrollment = Enrollment.objects.get(pk=enrollment.pk)
    sessions = list(
        PlannedSession.objects.filter(enrollment=enrollment).order_by("pk").values_list("pk", "date", "status")
    )
    return (enrollment.user_id, enrollment.status, enrollment.start_date, enrollment.weekdays, sessions)


# ---------------------------------------------------------------- pages


def test_another_runners_schedule_is_404(intruder, victim_enrollment):
    before = snapshot(victim_enrollment)
    response = intruder.get(f"/enrollments/{victim_enrollment.pk}/")
    assert response.status_code == 404
    assert "Session A" not in response.content.decode()
    assert snapshot(victim_enrollment) == before


@pytest.mark.parametrize("action", ["pause", "resume", "restart", "leave"])
def test_another_runners_enrollment_actions_are_404(intruder, victim_enrollment, action):
    if action == "resume":
        program_services.pause(victim_enrollment)
    before = snapshot(victim_enrollment)
    response = intruder.post(f"/enrollments/{victim_enrollment.pk}/{action}/")
    assert response.status_code == 404
    assert snapshot(victim_enrollment) == before


@pytest.mark.parametrize("sequence", [1, 4])
def test_skipping_another_runners_session_is_404(intruder, victim_enrollment, sequence):
    planned = victim_enrollment.planned_sessions.get(sequence=sequence)
    before = snapshot(victim_enrollment)
    assert intruder.post(f"/planned/{planned.pk}/skip/").status_code == 404
    assert snapshot(victim_enrollment) == before


def test_moving_another_runners_session_is_404(intruder, victim_enrollment):
    planned = victim_enrollment.planned_sessions.get(sequence=1)
    before = snapshot(victim_enrollment)
    assert intruder.get(f"/planned/{planned.pk}/move/").status_code == 404
    assert intruder.post(f"/planned/{planned.pk}/move/", {"date": TODAY.isoformat()}).status_code == 404
    assert snapshot(victim_enrollment) == before


def test_another_runners_done_and_skipped_sessions_are_404_too(intruder, victim_enrollment):
    for sequence in (2, 3):
        planned = victim_enrollment.planned_sessions.get(sequence=sequence)
        assert intruder.post(f"/planned/{planned.pk}/skip/").status_code == 404
        assert intruder.get(f"/planned/{planned.pk}/move/").status_code == 404


def test_missing_ids_are_404_like_another_runners(intruder, victim_enrollment):
    assert intruder.get("/enrollments/999999/").status_code == 404
    assert intruder.post("/enrollments/999999/pause/").status_code == 404
    assert intruder.post("/planned/999999/skip/").status_code == 404
    assert intruder.get("/planned/999999/move/").status_code == 404


def test_lists_and_today_show_only_your_own(intruder, other_user, victim_enrollment):
    for url in ["/enrollments/", "/today/"]:
        response = intruder.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert f"/enrollments/{victim_enrollment.pk}/" not in html
        assert "posterior-chain block" not in html
        for planned in victim_enrollment.planned_sessions.all():
            assert f"/planned/{planned.pk}/" not in html


def test_program_page_does_not_show_another_runners_enrolment(intruder, victim_enrollment):
    html = intruder.get("/programs/posterior-chain/").content.decode()
    assert "You are following this program" not in html
    assert f"/enrollments/{victim_enrollment.pk}/" not in html
    assert 'name="weekdays"' in html, "the intruder may enrol on their own"


def test_another_runner_can_enrol_in_the_same_program(intruder, other_user, victim_enrollment):
    response = intruder.post(
        "/programs/posterior-chain/enroll/", {"start_date": TODAY.isoformat(), "weekdays": [MON, THU]}
    )
    assert response.status_code == 302
    assert Enrollment.objects.filter(user=other_user).count() == 1


def test_settings_page_shows_your_own_settings(intruder, user, other_user):
    user.profile.long_run_day = SUN
    user.profile.unit = "lb"
    user.profile.save()
    html = intruder.get("/accounts/settings/").content.decode()
    checked = [tag for tag in re.findall(r'<input[^>]*name="unit"[^>]*>', html) if "checked" in tag]
    assert len(checked) == 1 and 'value="kg"' in checked[0]
    intruder.post("/accounts/settings/", {"unit": "kg", "timing": "easy"})
    user.profile.refresh_from_db()
    assert user.profile.unit == "lb" and user.profile.long_run_day == SUN


# ---------------------------------------------------------------- API


@pytest.fixture
def api_intruder(other_user):
    client = APIClient()
    client.force_authenticate(other_user)
    return client


def test_api_get_another_runners_enrollment_is_404(api_intruder, victim_enrollment):
    response = api_intruder.get(f"/api/v1/enrollments/{victim_enrollment.pk}/")
    assert response.status_code == 404
    assert "sessions" not in response.json()


@pytest.mark.parametrize(
    "data", [{"status": "paused"}, {"weekdays": [MON]}, {"status": "active", "weekdays": [FRI, TUE]}]
)
def test_api_patch_another_runners_enrollment_is_404(api_intruder, victim_enrollment, data):
    before = snapshot(victim_enrollment)
    response = api_intruder.patch(f"/api/v1/enrollments/{victim_enrollment.pk}/", data, format="json")
    assert response.status_code == 404
    assert snapshot(victim_enrollment) == before


def test_api_delete_another_runners_enrollment_is_404(api_intruder, victim_enrollment):
    before = snapshot(victim_enrollment)
    assert api_intruder.delete(f"/api/v1/enrollments/{victim_enrollment.pk}/").status_code == 404
    assert snapshot(victim_enrollment) == before


def test_api_list_shows_only_your_own(api_intruder, victim_enrollment):
    body = api_intruder.get("/api/v1/enrollments/").json()
    assert body["count"] == 0 and body["results"] == []


def test_api_with_another_runners_token_sees_only_theirs(other_user, victim_enrollment):
    from rest_framework.authtoken.models import Token

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=other_user).key}")
    assert client.get(f"/api/v1/enrollments/{victim_enrollment.pk}/").status_code == 404
    assert client.get("/api/v1/enrollments/").json()["count"] == 0


def test_api_enrolling_the_same_program_is_independent_per_runner(api_intruder, other_user, victim_enrollment):
    response = api_intruder.post(
        "/api/v1/enrollments/", {"program": "posterior-chain", "weekdays": [MON, THU]}, format="json"
    )
    assert response.status_code == 201
    assert Enrollment.objects.get(pk=response.json()["id"]).user == other_user


# ---------------------------------------------------------------- anonymous visitors


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/today/"),
        ("get", "/enrollments/"),
        ("get", "/enrollments/{e}/"),
        ("post", "/enrollments/{e}/pause/"),
        ("post", "/enrollments/{e}/resume/"),
        ("post", "/enrollments/{e}/restart/"),
        ("post", "/enrollments/{e}/leave/"),
        ("post", "/planned/{p}/skip/"),
        ("get", "/planned/{p}/move/"),
        ("post", "/planned/{p}/move/"),
        ("get", "/programs/posterior-chain/enroll/"),
        ("post", "/programs/posterior-chain/enroll/"),
        ("get", "/accounts/settings/"),
        ("post", "/accounts/settings/"),
        ("get", "/accounts/delete/"),
        ("post", "/accounts/delete/"),
        ("get", "/accounts/password/change/"),
        ("post", "/accounts/password/change/"),
    ],
)
def test_anonymous_visitors_are_sent_to_log_in(client, victim_enrollment, method, path):
    url = path.format(e=victim_enrollment.pk, p=victim_enrollment.planned_sessions.get(sequence=1).pk)
    before = snapshot(victim_enrollment)
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response["Location"].startswith(f"/accounts/login/?next={url}")
    assert snapshot(victim_enrollment) == before
    assert Enrollment.objects.count() == 1


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/enrollments/"),
        ("post", "/api/v1/enrollments/"),
        ("get", "/api/v1/enrollments/{e}/"),
        ("patch", "/api/v1/enrollments/{e}/"),
        ("delete", "/api/v1/enrollments/{e}/"),
    ],
)
def test_anonymous_api_calls_are_refused(api_client, victim_enrollment, method, path):
    before = snapshot(victim_enrollment)
    data = {"program": "plyometric", "weekdays": [MON], "status": "paused"}
    response = getattr(api_client, method)(path.format(e=victim_enrollment.pk), data, format="json")
    assert response.status_code in (401, 403)
    assert "sessions" not in response.json()
    assert snapshot(victim_enrollment) == before
    assert Enrollment.objects.count() == 1


@pytest.mark.parametrize("url", ["/", "/exercises/", "/exercises/hip-thrust/", "/programs/", "/programs/plyometric/"])
def test_library_and_program_pages_stay_public(client, content, url):
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", ["/api/v1/exercises/", "/api/v1/programs/", "/api/v1/programs/plyometric/"])
def test_library_and_program_api_stays_public(api_client, content, url):
    assert api_client.get(url).status_code == 200
