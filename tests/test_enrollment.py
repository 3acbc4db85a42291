"""Following a program: enrolling (page and API), /today/, the enrolments page and its actions, skip and move."""

import re
from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from programs import schedule
from programs import services as program_services
from programs.models import Enrollment, PlannedSession, Program

from .factories import PASSWORD, SessionFactory, UserFactory
from .helpers import log_session, squashed_html

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
# The `today` fixture pins the app's date to Wednesday 4 March 2026.
TODAY = date(2026, 3, 4)


def counts():
    return Enrollment.objects.count(), PlannedSession.objects.count()


def enrol(user, slug="posterior-chain", start=TODAY, weekdays=(WED, SAT)):
    return program_services.enrol(user, Program.objects.get(slug=slug), start, list(weekdays))


def post_enrol(client, slug="posterior-chain", **data):
    data.setdefault("start_date", TODAY.isoformat())
    data.setdefault("weekdays", [MON, THU])
    return client.post(f"/programs/{slug}/enroll/", data)


# ---------------------------------------------------------------- enrolling on the site


def test_enrol_from_the_program_page(client_logged_in, user, content, today):
    response = post_enrol(client_logged_in, weekdays=[MON, THU])
    enrollment = Enrollment.objects.get(user=user)
    assert response.status_code == 302
    assert response["Location"] == f"/enrollments/{enrollment.pk}/"
    assert enrollment.program.slug == "posterior-chain"
    assert enrollment.start_date == TODAY
    assert enrollment.weekdays == [MON, THU]
    got = list(enrollment.planned_sessions.order_by("sequence").values_list("date", flat=True))
    assert got == schedule.lay_out(TODAY, [MON, THU], 8)
    page = client_logged_in.get(response["Location"])
    assert "0 of 8 sessions done" in squashed_html(page)
    assert "You are following Four-week posterior-chain block." in squashed_html(page)


def test_enrol_page_suggests_days_from_the_runners_settings(client_logged_in, user, content, today):
    user.profile.long_run_day = SUN
    user.profile.hard_run_days = [TUE, THU]
    user.profile.save()
    html = client_logged_in.get("/programs/posterior-chain/enroll/").content.decode()
    checked = {int(v) for v in re.findall(r'name="weekdays" value="(\d)"[^>]*checked', html)}
    # Monday, Wednesday and Saturday are each the day before a hard or long run; Sunday is the long run.
    assert checked == {TUE, FRI}
    text = squashed_html(client_logged_in.get("/programs/posterior-chain/enroll/"))
    assert "Friday: no run" in text
    assert "Tuesday: hard run (strength after the run, with some hours between)" in text
    assert "You chose non-running days or easy runs, but no such day keeps the rules" in text
    assert f'value="{TODAY.isoformat()}"' in html


@pytest.mark.parametrize(
    ("slug", "weekdays", "long_run", "warning"),
    [
        ("plyometric", [MON, TUE], None, "72 hours"),
        ("posterior-chain", [WED, SAT], SUN, "day before your long run"),
        ("posterior-chain", [MON, WED, FRI], None, "at most 2 sessions a week"),
    ],
    ids=["plyometric-72h", "long-run", "too-many-days"],
)
def test_warnings_are_shown_and_start_anyway_enrols(
    client_logged_in, user, content, today, slug, weekdays, long_run, warning
):
    user.profile.long_run_day = long_run
    user.profile.save()
    response = post_enrol(client_logged_in, slug, weekdays=weekdays)
    assert response.status_code == 200
    assert warning in squashed_html(response)
    assert "Start anyway" in squashed_html(response)
    assert counts() == (0, 0), "a warning asks first; nothing is written yet"
    assert re.search(r'<input type="hidden" name="confirm" value="True"', response.content.decode())

    confirmed = post_enrol(client_logged_in, slug, weekdays=weekdays, confirm="True")

    assert confirmed.status_code == 302
    enrollment = Enrollment.objects.get(user=user)
    assert enrollment.weekdays == sorted(weekdays)
    assert enrollment.planned_sessions.count() == enrollment.program.workouts_in_order().count()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"start_date": (TODAY + timedelta(days=366)).isoformat()}, "within the next year"),
        ({"start_date": "2031-01-01"}, "within the next year"),
        ({"start_date": (TODAY - timedelta(days=60)).isoformat()}, "days ago"),
        ({"start_date": "not-a-date"}, "Enter a valid date"),
        ({"start_date": ""}, "This field is required"),
        ({"weekdays": []}, "This field is required"),
        ({"weekdays": [9]}, "Select a valid choice"),
        ({"weekdays": ["monday"]}, "Select a valid choice"),
    ],
    ids=["366-days", "years", "past", "garbage-date", "no-date", "no-weekdays", "weekday-9", "weekday-text"],
)
def test_bad_input_gives_a_message_and_creates_nothing(client_logged_in, content, today, data, message):
    response = post_enrol(client_logged_in, **data)
    assert response.status_code == 200
    assert message in squashed_html(response)
    assert counts() == (0, 0)


def test_bad_input_with_confirm_still_creates_nothing(client_logged_in, content, today):
    response = post_enrol(client_logged_in, weekdays=[], confirm="True")
    assert response.status_code == 200
    assert counts() == (0, 0)


def test_a_start_date_a_year_ahead_is_fine(client_logged_in, content, today):
    response = post_enrol(client_logged_in, start_date=(TODAY + timedelta(days=365)).isoformat())
    assert response.status_code == 302


def test_enrolling_twice_in_the_same_program_is_refused(client_logged_in, user, content, today):
    enrol(user)
    before = counts()
    response = post_enrol(client_logged_in, weekdays=[MON, THU])
    assert response.status_code == 200
    assert "already following this program" in squashed_html(response)
    assert counts() == before


def test_enrolling_twice_is_refused_while_paused_too(client_logged_in, user, content, today):
    program_services.pause(enrol(user))
    before = counts()
    response = post_enrol(client_logged_in, weekdays=[MON, THU], confirm="True")
    assert "already following this program" in squashed_html(response)
    assert counts() == before


def test_a_finished_block_can_be_followed_again(client_logged_in, user, content, today):
    first = enrol(user)
    for planned in first.planned_sessions.all():
        program_services.mark_done(planned)
    assert post_enrol(client_logged_in, weekdays=[MON, THU]).status_code == 302
    assert Enrollment.objects.filter(user=user).count() == 2


def test_unknown_program_is_404_and_creates_nothing(client_logged_in, content, today):
    assert post_enrol(client_logged_in, "no-such-program").status_code == 404
    assert client_logged_in.get("/programs/no-such-program/enroll/").status_code == 404
    assert counts() == (0, 0)


def test_program_page_of_a_followed_program_links_the_schedule(client_logged_in, user, content, today):
    enrollment = enrol(user)
    html = client_logged_in.get("/programs/posterior-chain/").content.decode()
    assert "You are following this program" in html
    assert f'href="/enrollments/{enrollment.pk}/"' in html
    assert 'name="weekdays"' not in html


# ---------------------------------------------------------------- today


def test_today_shows_the_due_session_with_prescriptions_and_load(client_logged_in, user, content, today):
    enrol(user, weekdays=[WED, SAT])
    response = client_logged_in.get("/today/")
    assert response.status_code == 200
    page = squashed_html(response)
    assert "Wednesday 4 March" in page
    assert "Four-week posterior-chain block: Session A, week 1" in page
    assert "Due today." in page
    assert "Rest day." not in page
    program = Program.objects.get(slug="posterior-chain")
    first = program.workouts_in_order().first()
    html = response.content.decode()
    for p in first.prescriptions.select_related("exercise"):
        assert f'href="/exercises/{p.exercise.slug}/"' in html
        assert p.load.replace("'", "&#x27;") in html
        assert f"{p.rest_s} s" in html
        assert p.target in page
    assert program.warmup in page.replace("&#x27;", "'")
    assert "/log/planned/" in html


def test_today_on_a_rest_day_says_when_the_next_session_is(client_logged_in, user, content, today):
    enrol(user, weekdays=[THU, SUN])
    page = squashed_html(client_logged_in.get("/today/"))
    assert "Rest day. Your next session is on Thursday 5 March." in page
    assert "Due today." not in page


def test_today_shows_an_overdue_session(client_logged_in, user, content, today):
    enrol(user, start=TODAY - timedelta(days=3), weekdays=[SUN])  # Sunday 1 March
    page = squashed_html(client_logged_in.get("/today/"))
    assert "Due since Sunday 1 March" in page
    assert "3 days ago" in page


def test_today_shows_each_program_followed(client_logged_in, user, content, today):
    enrol(user, "posterior-chain", weekdays=[WED, SAT])
    enrol(user, "plyometric", weekdays=[MON, THU])
    program_services.pause(enrol(user, "bodyweight-home", weekdays=[MON, WED, FRI]))
    page = squashed_html(client_logged_in.get("/today/"))
    assert "Four-week posterior-chain block: Session A, week 1" in page
    assert re.search(r"Plyometric[^:]*: Session A, week 1", page)
    assert "next on <strong>Thursday 5 March</strong>" in page
    assert "Paused" in page and "Bodyweight home workout" in page


def test_today_with_no_program(client_logged_in, content, today):
    assert "You are not following a program yet" in squashed_html(client_logged_in.get("/today/"))


def test_today_moves_on_after_a_session_is_skipped(client_logged_in, user, content, today):
    enrollment = enrol(user, weekdays=[WED, SAT])
    program_services.skip(enrollment.planned_sessions.get(sequence=1))
    page = squashed_html(client_logged_in.get("/today/"))
    assert "Session B, week 1" in page
    assert "Saturday 7 March" in page


def test_today_shows_what_was_done_last_time(client_logged_in, user, content, today):
    deadlift = Program.objects.get(slug="posterior-chain").workouts_in_order().first().prescriptions.first().exercise
    log_session(user, TODAY - timedelta(days=5), {"exercise": deadlift.slug, "reps": 8, "load_kg": 60})
    enrol(user, weekdays=[WED, SAT])
    page = squashed_html(client_logged_in.get("/today/"))
    assert "8 @ 60 kg" in page


# ---------------------------------------------------------------- enrolments page and actions


def test_enrollments_page_shows_progress(client_logged_in, user, content, today):
    enrollment = enrol(user)
    program_services.mark_done(enrollment.planned_sessions.get(sequence=1))
    program_services.skip(enrollment.planned_sessions.get(sequence=2))
    page = squashed_html(client_logged_in.get("/enrollments/"))
    assert "1 of 8 sessions done, 1 skipped" in page
    assert f'href="/enrollments/{enrollment.pk}/"' in page
    assert f'action="/enrollments/{enrollment.pk}/pause/"' in page
    for action in ["restart", "leave"]:  # they ask first, on a page of their own
        assert f'href="/enrollments/{enrollment.pk}/{action}/"' in page


def test_enrollments_page_when_following_nothing(client_logged_in, today):
    assert "You are not following any program" in squashed_html(client_logged_in.get("/enrollments/"))


def test_enrollment_detail_lists_every_dated_session(client_logged_in, user, content, today):
    enrollment = enrol(user, start=TODAY - timedelta(days=7), weekdays=[WED, SAT])
    response = client_logged_in.get(f"/enrollments/{enrollment.pk}/")
    page = squashed_html(response)
    assert response.status_code == 200
    assert page.count('class="schedule-item') == 8
    assert "Missed" in page  # Wednesday 25 February and Saturday 28 February went by
    first = enrollment.planned_sessions.get(sequence=1)
    assert f'action="/planned/{first.pk}/skip/"' in page
    assert f'href="/planned/{first.pk}/move/"' in page


@pytest.mark.parametrize("action", ["pause", "resume"])
def test_actions_are_post_only(client_logged_in, user, content, today, action):
    enrollment = enrol(user)
    assert client_logged_in.get(f"/enrollments/{enrollment.pk}/{action}/").status_code == 405
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.ACTIVE


@pytest.mark.parametrize("action", ["restart", "leave"])
def test_restart_and_leave_ask_on_a_get_and_act_only_on_the_post(client_logged_in, user, content, today, action):
    enrollment = enrol(user)
    before = list(enrollment.planned_sessions.values_list("pk", flat=True))
    page = squashed_html(client_logged_in.get(f"/enrollments/{enrollment.pk}/{action}/"))
    assert '<form method="post"' in page and f'href="/enrollments/{enrollment.pk}/"' in page  # act, or cancel
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.ACTIVE
    assert list(enrollment.planned_sessions.values_list("pk", flat=True)) == before


def test_pause_and_resume(client_logged_in, user, content, today):
    enrollment = enrol(user, start=TODAY - timedelta(days=14), weekdays=[WED, SAT])
    response = client_logged_in.post(f"/enrollments/{enrollment.pk}/pause/")
    assert response.status_code == 302
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.PAUSED
    assert "Session A" not in squashed_html(client_logged_in.get("/today/")).split("Paused")[0]

    client_logged_in.post(f"/enrollments/{enrollment.pk}/resume/")

    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.ACTIVE
    got = list(enrollment.planned_sessions.order_by("sequence").values_list("date", flat=True))
    assert got == schedule.lay_out(TODAY, [WED, SAT], 8), "what was left starts again from today"


def test_resuming_an_active_block_is_refused_politely(client_logged_in, user, content, today):
    enrollment = enrol(user)
    response = client_logged_in.post(f"/enrollments/{enrollment.pk}/resume/", follow=True)
    assert "Only a paused program can be resumed." in response.content.decode()
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.ACTIVE


def test_restart(client_logged_in, user, content, today):
    enrollment = enrol(user, start=TODAY - timedelta(days=20), weekdays=[WED, SAT])
    program_services.mark_done(enrollment.planned_sessions.get(sequence=1))
    client_logged_in.post(f"/enrollments/{enrollment.pk}/restart/")
    enrollment.refresh_from_db()
    assert enrollment.start_date == TODAY
    assert set(enrollment.planned_sessions.values_list("status", flat=True)) == {"planned"}
    assert enrollment.planned_sessions.count() == 8


def test_restarting_an_old_block_while_following_it_again_is_refused(client_logged_in, user, content, today):
    old = enrol(user)
    for planned in old.planned_sessions.all():
        program_services.mark_done(planned)
    current = enrol(user)
    before = list(PlannedSession.objects.order_by("pk").values_list("pk", "date", "status"))
    response = client_logged_in.post(f"/enrollments/{old.pk}/restart/", follow=True)
    assert response.status_code == 200
    assert "already following" in squashed_html(response)
    old.refresh_from_db()
    current.refresh_from_db()
    assert old.status == Enrollment.Status.COMPLETED
    assert current.status == Enrollment.Status.ACTIVE
    assert list(PlannedSession.objects.order_by("pk").values_list("pk", "date", "status")) == before


def test_leave(client_logged_in, user, content, today):
    enrollment = enrol(user)
    response = client_logged_in.post(f"/enrollments/{enrollment.pk}/leave/")
    assert response.status_code == 302 and response["Location"] == "/enrollments/"
    assert counts() == (0, 0)


# ---------------------------------------------------------------- skip and move on the site


def test_skip_view(client_logged_in, user, content, today):
    enrollment = enrol(user, start=TODAY - timedelta(days=7), weekdays=[WED, SAT])
    missed = enrollment.planned_sessions.get(sequence=1)
    assert client_logged_in.get(f"/planned/{missed.pk}/skip/").status_code == 405
    response = client_logged_in.post(f"/planned/{missed.pk}/skip/")
    assert response.status_code == 302 and response["Location"] == f"/enrollments/{enrollment.pk}/"
    missed.refresh_from_db()
    assert missed.status == PlannedSession.Status.SKIPPED


def test_skip_a_done_session_is_refused(client_logged_in, user, content, today):
    enrollment = enrol(user)
    done = enrollment.planned_sessions.get(sequence=1)
    program_services.mark_done(done)
    response = client_logged_in.post(f"/planned/{done.pk}/skip/", follow=True)
    assert "Only a session still to do can be skipped" in squashed_html(response)
    done.refresh_from_db()
    assert done.status == PlannedSession.Status.DONE


def test_skipping_the_last_session_completes_the_block(client_logged_in, user, content, today):
    enrollment = enrol(user, start=TODAY - timedelta(days=27), weekdays=[WED, SAT])
    for planned in enrollment.planned_sessions.all():
        client_logged_in.post(f"/planned/{planned.pk}/skip/")
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.COMPLETED
    assert "Completed" in squashed_html(client_logged_in.get("/enrollments/"))


def test_move_view_moves_a_missed_session_and_the_rest_follow(client_logged_in, user, content, today):
    enrollment = enrol(user, start=TODAY - timedelta(days=7), weekdays=[WED, SAT])
    missed = enrollment.planned_sessions.get(sequence=1)  # Wednesday 25 February
    assert missed.date == date(2026, 2, 25)
    form = client_logged_in.get(f"/planned/{missed.pk}/move/")
    assert form.status_code == 200 and 'name="date"' in form.content.decode()

    response = client_logged_in.post(f"/planned/{missed.pk}/move/", {"date": "2026-03-05"})

    assert response.status_code == 302
    got = list(enrollment.planned_sessions.order_by("sequence").values_list("date", flat=True))
    assert got[0] == date(2026, 3, 5)
    assert got[1:] == schedule.lay_out(date(2026, 3, 6), [WED, SAT], 7)
    assert all(d.weekday() in (WED, SAT) for d in got[1:])


def test_move_form_offers_today_as_an_iso_date(client_logged_in, user, content, today):
    planned = enrol(user).planned_sessions.get(sequence=2)
    html = client_logged_in.get(f"/planned/{planned.pk}/move/").content.decode()
    assert re.search(r'<input type="date" name="date" value="2026-03-04"', html)


@pytest.mark.parametrize("value", ["2026-02-01", "2028-01-01", "tomorrow", ""])
def test_move_to_a_bad_date_changes_nothing(client_logged_in, user, content, today, value):
    enrollment = enrol(user, start=TODAY - timedelta(days=7), weekdays=[WED, SAT])
    before = list(enrollment.planned_sessions.order_by("sequence").values_list("date", flat=True))
    missed = enrollment.planned_sessions.get(sequence=1)
    response = client_logged_in.post(f"/planned/{missed.pk}/move/", {"date": value})
    assert response.status_code == 200
    assert 'class="invalid-feedback"' in response.content.decode() or "errorlist" in response.content.decode()
    assert list(enrollment.planned_sessions.order_by("sequence").values_list("date", flat=True)) == before


def test_move_a_skipped_session_is_refused(client_logged_in, user, content, today):
    enrollment = enrol(user)
    skipped = enrollment.planned_sessions.get(sequence=1)
    program_services.skip(skipped)
    response = client_logged_in.post(f"/planned/{skipped.pk}/move/", {"date": "2026-03-10"}, follow=True)
    assert "Only a session still to do can be moved" in squashed_html(response)
    skipped.refresh_from_db()
    assert skipped.date == TODAY


# ---------------------------------------------------------------- API: token auth


def test_token_endpoint_returns_a_working_token(content, today):
    UserFactory(username="tokenrunner")
    anonymous = APIClient()
    response = anonymous.post("/api/v1/auth/token/", {"username": "tokenrunner", "password": PASSWORD}, format="json")
    assert response.status_code == 200
    assert set(response.json()) == {"token"}
    token = response.json()["token"]
    # Only a hash is stored, so asking again cannot hand back the same secret: it rotates the token.
    again = anonymous.post("/api/v1/auth/token/", {"username": "tokenrunner", "password": PASSWORD})
    assert again.status_code == 200 and again.json()["token"] != token
    token = again.json()["token"]

    client = APIClient()
    assert client.get("/api/v1/enrollments/").status_code in (401, 403)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/enrollments/").status_code == 200
    created = client.post("/api/v1/enrollments/", {"program": "plyometric", "weekdays": [MON, THU]}, format="json")
    assert created.status_code == 201
    assert Enrollment.objects.get().user.username == "tokenrunner"


@pytest.mark.parametrize(
    "data",
    [{"username": "tokenrunner", "password": "wrong"}, {"username": "nobody", "password": PASSWORD}, {}],
    ids=["wrong-password", "unknown-user", "empty"],
)
def test_token_endpoint_refuses_bad_credentials(db, data):
    UserFactory(username="tokenrunner")
    response = APIClient().post("/api/v1/auth/token/", data)
    assert response.status_code == 400
    assert "token" not in response.json()


def test_a_bad_token_is_refused(db):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = client.get("/api/v1/enrollments/")
    assert response.status_code in (401, 403)
    assert "detail" in response.json()


# ---------------------------------------------------------------- API: enrolments


def test_post_enrollment(api_user, user, content, today):
    response = api_user.post(
        "/api/v1/enrollments/",
        {"program": "posterior-chain", "start_date": "2026-12-28", "weekdays": [THU, MON]},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    enrollment = Enrollment.objects.get(user=user)
    assert body["id"] == enrollment.pk
    assert body["program"] == "posterior-chain"
    assert body["start_date"] == "2026-12-28"
    assert body["weekdays"] == [MON, THU]
    assert body["status"] == "active"
    assert body["warnings"] == []
    assert [s["date"] for s in body["sessions"]] == [
        d.isoformat() for d in schedule.lay_out(date(2026, 12, 28), [MON, THU], 8)
    ]
    assert [s["week"] for s in body["sessions"]] == [1, 1, 2, 2, 3, 3, 4, 4]
    assert all(set(s) >= {"id", "date", "week", "status"} and s["status"] == "planned" for s in body["sessions"])
    assert {s["id"] for s in body["sessions"]} == set(enrollment.planned_sessions.values_list("pk", flat=True))


def test_post_enrollment_starts_today_by_default_and_returns_warnings(api_user, user, content, today):
    user.profile.long_run_day = SUN
    user.profile.save()
    response = api_user.post("/api/v1/enrollments/", {"program": "plyometric", "weekdays": [FRI, SAT]}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["start_date"] == TODAY.isoformat()
    assert len(body["warnings"]) == 2
    assert any("72 hours" in w for w in body["warnings"]) and any("long run" in w for w in body["warnings"])


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"program": "no-such-program", "weekdays": [MON]}, "program"),
        ({"weekdays": [MON]}, "program"),
        ({"program": "plyometric"}, "weekdays"),
        ({"program": "plyometric", "weekdays": []}, "weekdays"),
        ({"program": "plyometric", "weekdays": [7]}, "weekdays"),
        ({"program": "plyometric", "weekdays": [-1]}, "weekdays"),
        ({"program": "plyometric", "weekdays": [MON, MON]}, "weekdays"),
        ({"program": "plyometric", "weekdays": ["monday"]}, "weekdays"),
        ({"program": "plyometric", "weekdays": "0,3"}, "weekdays"),
        ({"program": "plyometric", "weekdays": [True]}, "weekdays"),
        ({"program": "plyometric", "weekdays": [MON], "start_date": "2030-01-01"}, "start_date"),
        ({"program": "plyometric", "weekdays": [MON], "start_date": "2025-01-01"}, "start_date"),
        ({"program": "plyometric", "weekdays": [MON], "start_date": "04/03/2026"}, "start_date"),
        ({"program": "plyometric", "weekdays": [MON], "start_date": "2026-02-30"}, "start_date"),
        ({"program": ["plyometric"], "weekdays": [MON]}, "program"),
    ],
)
def test_post_bad_input_is_400_with_field_errors_and_writes_nothing(api_user, content, today, data, field):
    before = counts()
    response = api_user.post("/api/v1/enrollments/", data, format="json")
    assert response.status_code == 400, response.content
    body = response.json()
    assert field in body and body[field]
    assert counts() == before


def test_post_enrolling_twice_is_400(api_user, user, content, today):
    enrol(user, "plyometric")
    before = counts()
    response = api_user.post("/api/v1/enrollments/", {"program": "plyometric", "weekdays": [MON]}, format="json")
    assert response.status_code == 400
    assert "already following" in response.json()["program"][0]
    assert counts() == before


def test_post_not_json_is_400_not_500(api_user, content, today):
    response = api_user.post("/api/v1/enrollments/", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert counts() == (0, 0)


def test_list_enrollments(api_user, user, other_user, content, today):
    mine = enrol(user, "posterior-chain")
    enrol(user, "plyometric", weekdays=[MON, THU])
    enrol(other_user, "posterior-chain")
    response = api_user.get("/api/v1/enrollments/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    results = {r["program"]: r for r in body["results"]}
    assert set(results) == {"posterior-chain", "plyometric"}
    assert results["posterior-chain"]["id"] == mine.pk
    assert len(results["plyometric"]["sessions"]) == 12
    assert all(set(s) >= {"id", "date", "week", "status"} for s in results["plyometric"]["sessions"])


def test_get_one_enrollment(api_user, user, content, today):
    enrollment = enrol(user)
    program_services.mark_done(enrollment.planned_sessions.get(sequence=1))
    body = api_user.get(f"/api/v1/enrollments/{enrollment.pk}/").json()
    assert body["id"] == enrollment.pk
    assert [s["status"] for s in body["sessions"]][:2] == ["done", "planned"]
    assert [s["sequence"] for s in body["sessions"]] == list(range(1, 9))


def test_patch_pause_and_resume(api_user, user, content, today):
    enrollment = enrol(user, start=TODAY - timedelta(days=14))
    response = api_user.patch(f"/api/v1/enrollments/{enrollment.pk}/", {"status": "paused"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "paused"
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.PAUSED

    response = api_user.patch(f"/api/v1/enrollments/{enrollment.pk}/", {"status": "active"}, format="json")
    assert response.json()["status"] == "active"
    assert [s["date"] for s in response.json()["sessions"]] == [
        d.isoformat() for d in schedule.lay_out(TODAY, [WED, SAT], 8)
    ]


def test_patch_weekdays_relays_what_is_left(api_user, user, content, today):
    enrollment = enrol(user, weekdays=[WED, SAT])
    program_services.mark_done(enrollment.planned_sessions.get(sequence=1))
    response = api_user.patch(f"/api/v1/enrollments/{enrollment.pk}/", {"weekdays": [FRI, MON]}, format="json")
    assert response.status_code == 200
    enrollment.refresh_from_db()
    assert enrollment.weekdays == [MON, FRI]
    got = list(enrollment.planned_sessions.order_by("sequence").values_list("date", flat=True))
    assert got[0] == TODAY
    assert got[1:] == schedule.lay_out(TODAY, [MON, FRI], 7)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"status": "completed"}, "status"),
        ({"status": "deleted"}, "status"),
        ({"weekdays": []}, "weekdays"),
        ({"weekdays": [8]}, "weekdays"),
        ({"program": "plyometric"}, "program"),
        ({"start_date": "2026-04-01"}, "start_date"),
    ],
)
def test_patch_bad_input_is_400_and_changes_nothing(api_user, user, content, today, data, field):
    enrollment = enrol(user)
    before = list(enrollment.planned_sessions.order_by("pk").values_list("pk", "date", "status"))
    response = api_user.patch(f"/api/v1/enrollments/{enrollment.pk}/", data, format="json")
    assert response.status_code == 400
    assert field in response.json()
    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.weekdays, enrollment.program.slug, enrollment.start_date) == (
        "active",
        [WED, SAT],
        "posterior-chain",
        TODAY,
    )
    assert list(enrollment.planned_sessions.order_by("pk").values_list("pk", "date", "status")) == before


def test_patch_a_completed_block_status_is_refused(api_user, user, content, today):
    enrollment = enrol(user)
    for planned in enrollment.planned_sessions.all():
        program_services.mark_done(planned)
    response = api_user.patch(f"/api/v1/enrollments/{enrollment.pk}/", {"status": "paused"}, format="json")
    assert response.status_code == 400
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.COMPLETED


def test_put_is_not_offered(api_user, user, content, today):
    enrollment = enrol(user)
    response = api_user.put(
        f"/api/v1/enrollments/{enrollment.pk}/", {"program": "posterior-chain", "weekdays": [MON]}, format="json"
    )
    assert response.status_code == 405


def test_delete_enrollment(api_user, user, content, today):
    enrollment = enrol(user)
    response = api_user.delete(f"/api/v1/enrollments/{enrollment.pk}/")
    assert response.status_code == 204
    assert counts() == (0, 0)
    assert api_user.get(f"/api/v1/enrollments/{enrollment.pk}/").status_code == 404


def test_delete_keeps_logged_sessions(api_user, user, content, today):
    enrollment = enrol(user)
    planned = enrollment.planned_sessions.get(sequence=1)
    logged = SessionFactory(user=user, date=TODAY, planned_session=planned)
    api_user.delete(f"/api/v1/enrollments/{enrollment.pk}/")
    logged.refresh_from_db()
    assert logged.planned_session is None


# ---------------------------------------------------------------- query counts


def follow(user, slugs):
    for slug in slugs:
        if not Enrollment.objects.filter(user=user, program__slug=slug).exists():
            enrol(user, slug, weekdays=[WED, SAT])


def measure(client, url):
    cache.clear()  # measure the work, not a cached fragment
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_today_queries_stay_flat(client_logged_in, user, content, today):
    # A logged set, so "last time" has something to look up either way.
    deadlift = Program.objects.get(slug="posterior-chain").workouts_in_order().first().prescriptions.first().exercise
    log_session(user, TODAY - timedelta(days=3), {"exercise": deadlift.slug, "reps": 8, "load_kg": 60})
    follow(user, ["posterior-chain"])
    one = measure(client_logged_in, "/today/")
    follow(user, ["posterior-chain", "plyometric", "bodyweight-home"])  # 4, 6 and 4 weeks
    page = squashed_html(client_logged_in.get("/today/"))
    assert page.count("week 1") == 3
    three = measure(client_logged_in, "/today/")
    assert one == three


def test_enrollments_api_queries_stay_flat(api_user, user, content, today):
    follow(user, ["posterior-chain"])
    one = measure(api_user, "/api/v1/enrollments/")
    follow(user, ["posterior-chain", "plyometric", "bodyweight-home"])
    assert api_user.get("/api/v1/enrollments/").json()["count"] == 3
    three = measure(api_user, "/api/v1/enrollments/")
    assert one == three


def test_enrollments_page_queries_stay_flat(client_logged_in, user, content, today):
    follow(user, ["posterior-chain"])
    one = measure(client_logged_in, "/enrollments/")
    follow(user, ["posterior-chain", "plyometric", "bodyweight-home"])
    three = measure(client_logged_in, "/enrollments/")
    assert one == three


# ---------------------------------------------------------------- markup


BLOCKS = ["div", "section", "article", "form", "table", "ul", "ol", "nav", "main"]


@pytest.mark.parametrize("url", ["/today/", "/enrollments/", "/enrollments/{e}/", "/planned/{p}/move/"])
def test_private_pages_have_balanced_markup(client_logged_in, user, content, today, url):
    enrollment = enrol(user, start=TODAY - timedelta(days=7))
    program_services.pause(enrol(user, "plyometric", weekdays=[MON, THU]))
    planned = enrollment.planned_sessions.get(sequence=4)
    html = client_logged_in.get(url.format(e=enrollment.pk, p=planned.pk)).content.decode()
    for tag in BLOCKS:
        opened = len(re.findall(rf"<{tag}[\s>]", html))
        assert opened == html.count(f"</{tag}>"), f"<{tag}> opened {opened} times, closed {html.count(f'</{tag}>')}"


# ---------------------------------------------------------------- session auth for the browser


def test_api_accepts_the_browser_session_and_demands_csrf_for_writes(user, content, today):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    assert browser.get("/api/v1/enrollments/").status_code == 200
    body = {"program": "plyometric", "weekdays": [MON, THU]}
    refused = browser.post("/api/v1/enrollments/", body, content_type="application/json")
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    assert counts() == (0, 0)
    browser.get("/today/")  # sets the CSRF cookie
    token = browser.cookies["csrftoken"].value
    accepted = browser.post("/api/v1/enrollments/", body, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert accepted.status_code == 201
