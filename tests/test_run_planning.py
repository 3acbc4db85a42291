"""Run-aware planning through the pages and the API: the running week, the runner's time zone, warnings on every
schedule change across programs, races and their taper, the calendar and its iCalendar feed, Today's notes."""

import datetime as dt
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from accounts import services as account_services
from programs import placement, runweek
from programs import services as program_services
from programs.models import CalendarFeed, Enrollment, PlannedSession, Program, Race

from .factories import UserFactory
from .helpers import page_text, squashed_html

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
TODAY = date(2026, 3, 4)  # a Wednesday (the `today` fixture)


def set_week(user, kinds, timing="easy", **extra):
    week = [{"kind": k, "time": ""} for k in kinds]
    for day, time in extra.pop("times", {}).items():
        week[day]["time"] = time
    account_services.update_settings(user, {"running_week": week, "timing": timing, **extra})
    user.refresh_from_db()


ISSUE_WEEK = ["easy", "hard", "easy", "hard", "easy", "rest", "long"]


def checked_days(html):
    import re

    return {int(v) for v in re.findall(r'name="weekdays" value="(\d)"[^>]*checked', html)}


def pending_dates(enrollment):
    return list(enrollment.planned_sessions.pending().order_by("sequence").values_list("date", flat=True))


# ---------------------------------------------------------------- the issue's runner


@pytest.mark.parametrize("timing", ["easy", "hard"])
def test_the_plyometric_block_avoids_the_days_around_hard_and_long_runs(client_logged_in, user, content, today, timing):
    set_week(user, ISSUE_WEEK, timing)
    response = client_logged_in.get("/programs/plyometric/")
    days = checked_days(response.content.decode())
    assert days and not days & {MON, WED, FRI, SAT}
    text = squashed_html(response)
    assert "Why these days" in text
    assert "asks for 2 days a week; with your running week only 1 keeps the rules" in text
    if timing == "easy":
        assert "You chose non-running days or easy runs, but no such day keeps the rules" in text


def test_the_settings_page_sets_the_running_week_that_suggestions_use(client_logged_in, user, content, today):
    post = {"unit": "kg", "timing": "easy"} | {f"day_{d}": k for d, k in enumerate(ISSUE_WEEK)}
    assert client_logged_in.post("/accounts/settings/", post).status_code == 302
    days = checked_days(client_logged_in.get("/programs/plyometric/enroll/").content.decode())
    assert not days & {MON, WED, FRI, SAT}


def test_moving_a_plyometric_session_keeps_the_next_one_72_hours_away(user, content, today):
    enrollment = program_services.enrol(user, Program.objects.get(slug="plyometric"), TODAY, [MON, THU])
    first = enrollment.planned_sessions.get(sequence=1)  # Thursday 5 March
    program_services.move(first, date(2026, 3, 8))  # Sunday
    dates = pending_dates(enrollment)
    assert dates[0] == date(2026, 3, 8)
    assert dates[1] == date(2026, 3, 12), "not Monday 9th, 24 h later"
    assert all((b - a).days >= 3 for a, b in zip(dates, dates[1:], strict=False))


@pytest.mark.parametrize(
    ("new_date", "rule"),
    [(date(2026, 3, 8), "on-long-run"), (date(2026, 3, 7), "before-key-run")],
    ids=["onto-the-long-run", "day-before-the-long-run"],
)
def test_a_move_that_breaks_a_rule_asks_first(client_logged_in, user, content, today, new_date, rule):
    set_week(user, ["rest"] * 6 + ["long"])
    enrollment = program_services.enrol(user, Program.objects.get(slug="posterior-chain"), TODAY, [MON, THU])
    first = enrollment.planned_sessions.get(sequence=1)
    before = pending_dates(enrollment)
    response = client_logged_in.post(f"/planned/{first.pk}/move/", {"date": new_date.isoformat()})
    assert response.status_code == 200
    text = squashed_html(response)
    assert rule in text and "Nearest day that keeps the rules" in text and "Move it anyway" in text
    assert pending_dates(enrollment) == before, "nothing moved before the runner says so"
    confirmed = client_logged_in.post(f"/planned/{first.pk}/move/", {"date": new_date.isoformat(), "confirm": "True"})
    assert confirmed.status_code == 302
    assert pending_dates(enrollment)[0] == new_date
    page = squashed_html(client_logged_in.get(confirmed["Location"]))
    assert rule in page, "the broken rule stays visible on the schedule"


def test_two_programs_on_the_same_days_warn(client_logged_in, user, content, today):
    program_services.enrol(user, Program.objects.get(slug="posterior-chain"), TODAY, [MON, THU])
    response = client_logged_in.post(
        "/programs/plyometric/enroll/", {"start_date": TODAY.isoformat(), "weekdays": [MON, THU]}
    )
    assert response.status_code == 200
    text = squashed_html(response)
    assert "same-day" in text and "are both on" in text
    assert "leg-cap" in text, "four leg sessions a week is past the default cap of three"
    assert Enrollment.objects.filter(user=user).count() == 1


def test_following_three_programs_hits_the_weekly_cap(user, content, today):
    for slug, days in [("posterior-chain", [MON, THU]), ("plyometric", [TUE, SAT])]:
        program_services.enrol(user, Program.objects.get(slug=slug), TODAY, days)
    with pytest.raises(program_services.NeedsConfirmation) as refused:
        program_services.enrol(user, Program.objects.get(slug="bodyweight-home"), TODAY, [WED, FRI, SUN], confirm=False)
    assert placement.LEG_CAP in {b.rule for b in refused.value.breaches}
    assert not Enrollment.objects.filter(user=user, program__slug="bodyweight-home").exists()


def test_the_bodyweight_block_warns_on_consecutive_days(user, content, today):
    with pytest.raises(program_services.NeedsConfirmation) as refused:
        program_services.enrol(user, Program.objects.get(slug="bodyweight-home"), TODAY, [MON, TUE, WED], confirm=False)
    assert placement.PROGRAM_REST in {b.rule for b in refused.value.breaches}


def test_resume_and_restart_ask_when_they_break_a_rule(client_logged_in, user, content, today):
    plyo = program_services.enrol(user, Program.objects.get(slug="plyometric"), TODAY, [MON, THU])
    program_services.pause(plyo)
    program_services.enrol(user, Program.objects.get(slug="posterior-chain"), TODAY, [MON, THU])
    response = client_logged_in.post(f"/enrollments/{plyo.pk}/resume/")
    assert response.status_code == 200 and "same-day" in squashed_html(response)
    plyo.refresh_from_db()
    assert plyo.status == Enrollment.Status.PAUSED
    assert client_logged_in.post(f"/enrollments/{plyo.pk}/resume/", {"confirm": "yes"}).status_code == 302
    plyo.refresh_from_db()
    assert plyo.status == Enrollment.Status.ACTIVE
    response = client_logged_in.post(f"/enrollments/{plyo.pk}/restart/")
    assert response.status_code == 200 and "Restart anyway" in squashed_html(response)


# ---------------------------------------------------------------- a rule is never broken silently


operations = st.lists(
    st.tuples(
        st.sampled_from(["move", "skip", "pause-resume", "restart", "change", "race"]),
        st.integers(0, 40),
        st.integers(-3, 20),
        st.booleans(),
    ),
    max_size=6,
)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    kinds=st.lists(st.sampled_from(["rest", "easy", "hard", "long", "cross", "double"]), min_size=7, max_size=7),
    timing=st.sampled_from(["easy", "hard"]),
    programs=st.lists(
        st.tuples(
            st.sampled_from(["posterior-chain", "plyometric", "bodyweight-home", "in-season-maintenance"]),
            st.sets(st.integers(0, 6), min_size=1, max_size=4),
        ),
        min_size=1,
        max_size=3,
        unique_by=lambda p: p[0],
    ),
    ops=operations,
)
def test_after_any_changes_every_broken_rule_was_warned_about(content, today, kinds, timing, programs, ops):
    if kinds.count("long") > 1:
        kinds = [k if k != "long" else "easy" for k in kinds]
    runner = UserFactory()
    set_week(runner, kinds, timing)
    warned = set()

    def attempt(call, *args, accept=True, **kwargs):
        """The runner tries the change; when asked, accepts it about half the time."""
        try:
            result = call(*args, confirm=False, **kwargs)
        except program_services.NeedsConfirmation as asked:
            warned.update(b.ident for b in asked.breaches)
            if accept:
                result = call(*args, confirm=True, **kwargs)
                warned.update(b.ident for b in result.breaches)
            return
        except Exception as exc:  # a refusal (ValidationError) writes nothing
            assert type(exc).__name__ == "ValidationError", exc
            return
        warned.update(b.ident for b in result.breaches)

    for slug, days in programs:
        attempt(program_services.enrol, runner, Program.objects.get(slug=slug), TODAY, sorted(days))
    for op, pick, offset, accept in ops:
        pending = list(PlannedSession.objects.for_user(runner).pending().order_by("pk"))
        enrollments = list(Enrollment.objects.for_user(runner).current().order_by("pk"))
        if op == "move" and pending:
            attempt(program_services.move, pending[pick % len(pending)], TODAY + timedelta(days=offset), accept=accept)
        elif op == "skip" and pending:
            attempt(program_services.skip, pending[pick % len(pending)], accept=accept)
        elif op == "pause-resume" and enrollments:
            e = enrollments[pick % len(enrollments)]
            if e.status == Enrollment.Status.ACTIVE:
                program_services.pause(e)  # pausing only takes sessions away
            else:
                attempt(program_services.resume, e, TODAY, accept=accept)
        elif op == "restart" and enrollments:
            attempt(program_services.restart, enrollments[pick % len(enrollments)], TODAY, accept=accept)
        elif op == "change" and enrollments:
            days = sorted({pick % 7, (pick + offset) % 7})
            e = enrollments[pick % len(enrollments)]
            attempt(program_services.change, e, today=TODAY, weekdays=days, accept=accept)
        elif op == "race":
            race = program_services.save_race(
                runner,
                {
                    "name": "Race",
                    "date": TODAY + timedelta(days=abs(offset) + 1),
                    "distance": ["5k", "10k", "half", "marathon"][pick % 4],
                    "priority": "AB"[pick % 2],
                },
            )
            warned.update(b.ident for b in race.breaches)
        now = {b.ident for b in runweek.breaches(runner, today=TODAY, nearest=False)}
        assert now <= warned, f"broken without a warning: {sorted(now - warned, key=str)}"


# ---------------------------------------------------------------- races and the taper


@pytest.mark.parametrize(("distance", "taper"), [("marathon", 14), ("10k", 7)])
def test_an_a_race_tapers_the_sessions_before_it(client_logged_in, user, content, today, distance, taper):
    enrollment = program_services.enrol(user, Program.objects.get(slug="posterior-chain"), TODAY, [MON, THU])
    race_day = TODAY + timedelta(days=20)  # Tuesday 24 March
    response = client_logged_in.post(
        "/races/",
        {"name": "Spring race", "date": race_day.isoformat(), "distance": distance, "priority": "A"},
        follow=True,
    )
    text = squashed_html(response)
    assert f"the last leg session comes {taper} days before it" in text
    assert "taper" in text, "the sessions it covers are named at once"
    tapered = {b.key for b in runweek.breaches(user, today=TODAY, nearest=False) if b.rule == placement.TAPER}
    inside = set(
        enrollment.planned_sessions.filter(date__gte=race_day - timedelta(days=taper), date__lt=race_day).values_list(
            "pk", flat=True
        )
    )
    assert tapered == inside and inside
    # Marked, not dropped: still on the schedule, shown as taper in the calendar with what replaces it.
    assert enrollment.planned_sessions.count() == 8
    schedule = page_text(client_logged_in.get(f"/enrollments/{enrollment.pk}/"))
    assert f"Race Spring race, Tue 24 Mar: last leg session {taper} days before." in schedule
    assert f"inside its {taper}-day taper" in schedule
    week = squashed_html(client_logged_in.get(f"/calendar/?week={(race_day - timedelta(days=3)).isoformat()}"))
    assert "Taper" in week and "Replaced by a primer" in week and "Spring race" in week


def test_race_defaults_sources_and_editable_taper(client_logged_in, user, content, today):
    page = page_text(client_logged_in.get("/races/"))
    assert "Marathon 14 10–14" in page and "Race week" in page
    client_logged_in.post(
        "/races/",
        {"name": "Half", "date": "2026-05-01", "distance": "half", "priority": "A", "taper_days": "8", "primer": "on"},
    )
    race = Race.objects.get(user=user)
    assert (race.taper, race.primer) == (8, True)
    bad = client_logged_in.post("/races/", {"name": "X", "date": "2031-01-01", "distance": "5k", "priority": "A"})
    assert bad.status_code == 200 and "two years ahead" in squashed_html(bad)
    assert Race.objects.filter(user=user).count() == 1


def test_after_a_race_legwork_suggests_what_next(client_logged_in, user, content, today):
    program_services.save_race(user, {"name": "Winter 10K", "date": TODAY - timedelta(days=3), "distance": "10k"})
    program_services.save_race(user, {"name": "Summer half", "date": TODAY + timedelta(days=60), "distance": "half"})
    page = squashed_html(client_logged_in.get("/races/"))
    assert "After Winter 10K: with Summer half coming" in page and "In-season maintenance" in page


# ---------------------------------------------------------------- time zone and Today


def test_a_runner_eight_hours_behind_utc_at_22_00_sees_their_own_today(client_logged_in, user, content, monkeypatch):
    set_week(user, ["rest"] * 7, time_zone="America/Los_Angeles")
    late = dt.datetime(2026, 3, 5, 6, 0, tzinfo=dt.UTC)  # 22:00 on Wednesday 4 March in Los Angeles
    monkeypatch.setattr("django.utils.timezone.now", lambda: late)
    assert "Wednesday 4 March" in squashed_html(client_logged_in.get("/today/"))
    assert 'value="2026-03-04"' in client_logged_in.get("/programs/plyometric/enroll/").content.decode()
    # Someone in UTC at the same moment is already on Thursday.
    other = UserFactory()
    client_logged_in.force_login(other)
    assert "Thursday 5 March" in squashed_html(client_logged_in.get("/today/"))


def test_signup_takes_the_browser_s_time_zone(client, db):
    client.post(
        "/accounts/signup/",
        {
            "username": "newbie",
            "password1": "a-long-pass-phrase",
            "password2": "a-long-pass-phrase",
            "time_zone": "Asia/Tokyo",
        },
    )
    from accounts.models import Profile

    assert Profile.objects.get(user__username="newbie").time_zone == "Asia/Tokyo"


def test_today_knows_the_running(client_logged_in, user, content, today):
    # Wednesday: intervals, Thursday: long run, a race in 9 days.
    set_week(user, ["rest", "rest", "hard", "long", "rest", "rest", "rest"], timing="hard")
    program_services.enrol(user, Program.objects.get(slug="posterior-chain"), TODAY, [WED, SAT])
    program_services.save_race(user, {"name": "City 10K", "date": TODAY + timedelta(days=9), "distance": "10k"})
    text = squashed_html(client_logged_in.get("/today/"))
    assert "Hard run today: strength after it, some hours later, as you chose." in text
    assert "Long run tomorrow: no leg session today." in text
    assert "City 10K in 9 days: the taper starts 2 days from now." in text
    notes = runweek.today_notes(user.profile, TODAY + timedelta(days=3), [])
    assert "City 10K in 6 days: taper, no heavy legs or jumps." in notes


# ---------------------------------------------------------------- the calendar and the feed


def test_week_and_month_views_show_runs_sessions_and_races(client_logged_in, user, content, today):
    set_week(user, ISSUE_WEEK)
    enrollment = program_services.enrol(user, Program.objects.get(slug="posterior-chain"), TODAY, [TUE, FRI])
    program_services.skip(enrollment.planned_sessions.get(sequence=1))
    program_services.save_race(user, {"name": "Park 5K", "date": date(2026, 3, 21), "distance": "5k", "priority": "B"})
    week = page_text(client_logged_in.get("/calendar/"))
    assert "Week of 2 March 2026" in week and "Run: hard run" in week
    assert "Friday 6 March Run: easy run Skipped Four-week posterior-chain block: Session A" in week
    assert "Tuesday 10 March Run: hard run Planned" in page_text(client_logged_in.get("/calendar/?week=2026-03-12"))
    month = client_logged_in.get("/calendar/month/?month=2026-03")
    text = squashed_html(month)
    assert "March 2026" in text and "race Park 5K" in text
    assert month.content.decode().count('class="cal-day') == 42  # 23 February to 5 April, Monday first
    assert client_logged_in.get("/calendar/?week=nonsense").status_code == 200
    assert client_logged_in.get("/calendar/month/?month=2026-13").status_code == 200


def feed_of(client, token):
    response = client.get(f"/calendar/feed/{token}.ics")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def test_the_ical_feed(client, user, content, today):
    set_week(user, ["rest", "hard", "rest", "rest", "rest", "rest", "long"], times={TUE: "morning"})
    account_services.update_settings(user, {"time_zone": "America/Los_Angeles"})
    enrollment = program_services.enrol(user, Program.objects.get(slug="posterior-chain"), TODAY, [TUE, FRI])
    race = program_services.save_race(user, {"name": "Spring half", "date": date(2026, 5, 3), "distance": "half"})
    feed = program_services.rotate_feed(user)

    cal = feed_of(client, feed.token)
    events = {str(e["uid"]): e for e in cal.walk("VEVENT")}
    planned = list(enrollment.planned_sessions.order_by("sequence"))
    assert set(events) == {f"planned-{p.pk}@legwork" for p in planned} | {f"race-{race.pk}@legwork"}
    first = events[f"planned-{planned[0].pk}@legwork"]
    start = first.decoded("dtstart")
    assert str(start.tzinfo) == "America/Los_Angeles"
    assert (start.date(), start.hour, start.minute) == (planned[0].date, 18, 0)  # Friday 6 March: no run
    second = events[f"planned-{planned[1].pk}@legwork"].decoded("dtstart")
    assert (second.date().weekday(), second.hour, second.minute) == (TUE, 17, 30), "after the morning hard run"
    assert "Single-leg" in str(first["description"]) or "×" in str(first["description"])
    assert int(first["sequence"]) == 0
    assert cal.walk("VTIMEZONE"), "the time zone travels with the feed"
    assert events[f"race-{race.pk}@legwork"].decoded("dtstart") == date(2026, 5, 3)

    program_services.move(planned[0], date(2026, 3, 9))  # Monday: Tuesday's session now waits for Friday
    moved = {str(e["uid"]): e for e in feed_of(client, feed.token).walk("VEVENT")}
    assert int(moved[f"planned-{planned[0].pk}@legwork"]["sequence"]) == 1
    assert int(moved[f"planned-{planned[1].pk}@legwork"]["sequence"]) == 1, "later sessions followed it"

    old = feed.token
    program_services.rotate_feed(user)
    assert client.get(f"/calendar/feed/{old}.ics").status_code == 404
    program_services.revoke_feed(user)
    assert not CalendarFeed.objects.filter(user=user).exists()
    assert client.get(f"/calendar/feed/{CalendarFeed().token or 'x'}.ics").status_code == 404


def test_feed_rotate_and_revoke_in_settings(client_logged_in, user, content, today):
    page = squashed_html(client_logged_in.get("/accounts/settings/"))
    assert "Make my calendar address" in page
    client_logged_in.post("/calendar/feed/rotate/")
    token = CalendarFeed.objects.get(user=user).token
    assert token in client_logged_in.get("/accounts/settings/").content.decode()
    client_logged_in.post("/calendar/feed/revoke/")
    assert client_logged_in.get(f"/calendar/feed/{token}.ics").status_code == 404


# ---------------------------------------------------------------- the API


def test_api_running_week(api_user, user, content, today):
    body = api_user.get("/api/v1/running-week/").json()
    assert len(body["running_week"]) == 7 and body["timing"] == "easy"
    week = [{"kind": k, "time": ""} for k in ISSUE_WEEK]
    week[1]["time"] = "morning"
    response = api_user.patch(
        "/api/v1/running-week/", {"running_week": week, "time_zone": "Europe/Oslo"}, format="json"
    )
    assert response.status_code == 200, response.content
    user.profile.refresh_from_db()
    assert user.profile.hard_run_days == [TUE, THU] and user.profile.time_zone == "Europe/Oslo"
    for bad in [
        {"running_week": week[:6]},
        {"running_week": [{"kind": "sprint"}] * 7},
        {"running_week": [{"kind": "long"}] * 7},
        {"time_zone": "Nowhere/Else"},
        {"leg_sessions_per_week_max": 0},
    ]:
        assert api_user.patch("/api/v1/running-week/", bad, format="json").status_code == 400, bad
    user.profile.refresh_from_db()
    assert user.profile.time_zone == "Europe/Oslo"


def test_api_suggestions_races_and_calendar(api_user, user, content, today):
    set_week(user, ISSUE_WEEK)
    suggestion = api_user.get("/api/v1/suggestions/plyometric/").json()
    assert not set(suggestion["weekdays"]) & {MON, WED, FRI, SAT}
    assert suggestion["reasons"][0].startswith(("Tuesday", "Thursday", "Sunday"))
    assert api_user.get("/api/v1/suggestions/no-such/").status_code == 404
    assert api_user.get("/api/v1/suggestions/plyometric/?start=soon").status_code == 400

    program_services.enrol(user, Program.objects.get(slug="posterior-chain"), TODAY, [TUE, FRI])
    race = api_user.post(
        "/api/v1/races/", {"name": "Marathon", "date": "2026-03-20", "distance": "marathon"}, format="json"
    )
    assert race.status_code == 201, race.content
    body = race.json()
    assert body["taper"] == 14 and body["priority"] == "A"
    assert "taper" in {b["rule"] for b in body["breaches"]}
    assert all(
        b["nearest"] is None or b["nearest"] >= "2026-03-21" or b["nearest"] < "2026-03-06" for b in body["breaches"]
    )
    assert (
        api_user.post(
            "/api/v1/races/", {"name": "X", "date": "2026-03-20", "distance": "mile"}, format="json"
        ).status_code
        == 400
    )

    days = api_user.get("/api/v1/calendar/", {"start": "2026-03-16", "end": "2026-03-22"}).json()
    assert [d["date"] for d in days][0] == "2026-03-16" and len(days) == 7
    assert days[1]["run"] == "hard" and days[1]["sessions"][0]["taper"] is True
    assert days[4]["races"][0]["name"] == "Marathon"
    assert api_user.get("/api/v1/calendar/", {"start": "2026-03-16", "end": "2026-06-22"}).status_code == 400
    assert api_user.get("/api/v1/calendar/", {"start": "2026-03-16", "end": "2026-03-01"}).status_code == 400

    enrolled = api_user.post("/api/v1/enrollments/", {"program": "plyometric", "weekdays": [TUE, FRI]}, format="json")
    assert enrolled.status_code == 201
    rules = {b["rule"] for b in enrolled.json()["breaches"]}
    assert {"same-day", "leg-cap"} <= rules, "the API keeps the change and says what it breaks"


# ---------------------------------------------------------------- the data migration


def test_the_old_hard_and_long_run_days_become_the_running_week():
    import importlib
    from types import SimpleNamespace

    migration = importlib.import_module("accounts.migrations.0006_running_week_and_time_zone")
    saved = []

    class Old(SimpleNamespace):
        def save(self, update_fields):
            saved.append((self, update_fields))

    rows = [Old(hard_run_days=[1, 3], long_run_day=6), Old(hard_run_days=[], long_run_day=None)]
    profiles = SimpleNamespace(objects=SimpleNamespace(all=lambda: rows))
    migration.weeks_from_old_fields(SimpleNamespace(get_model=lambda app, name: profiles), None)
    assert [d["kind"] for d in rows[0].running_week] == ["easy", "hard", "easy", "hard", "easy", "easy", "long"]
    assert [d["kind"] for d in rows[1].running_week] == ["rest"] * 7, "no runs set: nothing is made up"
    migration.old_fields_from_weeks(SimpleNamespace(get_model=lambda app, name: profiles), None)
    assert (rows[0].hard_run_days, rows[0].long_run_day) == ([1, 3], 6)
    assert len(saved) == 4


def test_api_patching_weekdays_reports_what_it_breaks(api_user, user, content, today):
    set_week(user, ["rest"] * 6 + ["long"])
    enrollment = program_services.enrol(user, Program.objects.get(slug="plyometric"), TODAY, [MON, THU])
    response = api_user.patch(f"/api/v1/enrollments/{enrollment.pk}/", {"weekdays": [FRI, SAT]}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert {"program-rest", "before-key-run"} <= {b["rule"] for b in body["breaches"]}
    assert all(b["nearest"] for b in body["breaches"] if b["rule"] == "before-key-run")
    assert len(body["warnings"]) == len({b["rule"] for b in body["breaches"]})
    # Read again later, the schedule still says what it breaks.
    again = api_user.get(f"/api/v1/enrollments/{enrollment.pk}/").json()
    assert {b["rule"] for b in again["breaches"]} >= {"program-rest", "before-key-run"}
