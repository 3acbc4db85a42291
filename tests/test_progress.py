"""Progress figures on known data: e1RM, records, weekly volume, contacts, adherence, double progression."""

import datetime
import re
from decimal import Decimal

import pytest

from exercises.models import Exercise
from logbook import figures
from logbook import services as log_services
from logbook.models import LoggedSet, Session, brzycki, e1rm_range, epley
from logbook.progression import Suggestion, suggest
from programs import services as program_services
from programs.models import PlannedSession, Program

from .factories import UserFactory
from .helpers import log_session, page_text

D = datetime.date


# --- e1RM -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("load", "reps", "epley_kg", "brzycki_kg"),
    [
        (100, 5, Decimal("116.667"), Decimal("112.5")),
        (60, 8, Decimal("76"), Decimal("74.483")),
        (100, 10, Decimal("133.333"), Decimal("133.333")),
    ],
)
def test_epley_and_brzycki_on_known_sets(load, reps, epley_kg, brzycki_kg):
    assert round(epley(load, reps), 3) == epley_kg
    assert round(brzycki(load, reps), 3) == brzycki_kg


def test_e1rm_range_spans_the_two_formulas():
    assert e1rm_range(Decimal(100), 5) == (Decimal("112.5"), Decimal("116.7"))
    assert e1rm_range(Decimal(60), 8) == (Decimal("74.5"), Decimal("76.0"))


@pytest.mark.parametrize(("load", "reps"), [(100, 11), (100, 20), (None, 5), (0, 5), (100, None)])
def test_e1rm_range_only_from_loaded_sets_of_ten_reps_or_fewer(load, reps):
    assert e1rm_range(load, reps) is None


def test_logged_sets_store_an_e1rm_only_for_ten_reps_or_fewer(content, user):
    session = log_session(
        user,
        D(2026, 1, 5),
        {"exercise": "back-squat", "reps": 5, "load_kg": Decimal(100)},
        {"exercise": "back-squat", "reps": 10, "load_kg": Decimal(90)},
        {"exercise": "back-squat", "reps": 11, "load_kg": Decimal(90)},
        {"exercise": "prisoner-squat", "reps": 8},
    )
    e1rms = list(session.sets.order_by("order").values_list("e1rm_kg", flat=True))
    assert e1rms == [Decimal("116.67"), Decimal("120.00"), None, None]


def test_progress_api_reports_best_set_and_e1rm_range(content, user, api_user):
    log_session(
        user,
        D(2026, 1, 5),
        {"exercise": "back-squat", "reps": 8, "load_kg": Decimal(90)},  # e1RM 114
        {"exercise": "back-squat", "reps": 5, "load_kg": Decimal(100)},  # e1RM 116.7: the best
        {"exercise": "back-squat", "reps": 12, "load_kg": Decimal(105)},  # heavier, but too many reps to count
    )
    body = api_user.get("/api/v1/progress/back-squat/").json()
    assert body["best_set"]["reps"] == 5
    assert Decimal(body["best_set"]["load_kg"]) == 100
    assert (Decimal(body["e1rm"]["low_kg"]), Decimal(body["e1rm"]["high_kg"])) == (Decimal("112.5"), Decimal("116.7"))


# --- personal records -----------------------------------------------------------------------------------


@pytest.fixture
def squat_history(content, user):
    """Four back-squat sessions: a baseline, a weaker day, a new e1RM best, and a repeat of it."""
    return [
        log_session(user, D(2026, 1, 5), {"exercise": "back-squat", "reps": 5, "load_kg": Decimal(100), "times": 3}),
        log_session(user, D(2026, 1, 12), {"exercise": "back-squat", "reps": 3, "load_kg": Decimal(100)}),
        log_session(
            user,
            D(2026, 1, 19),
            {"exercise": "back-squat", "reps": 5, "load_kg": Decimal(100)},
            {"exercise": "back-squat", "reps": 5, "load_kg": Decimal(105)},
        ),
        log_session(user, D(2026, 1, 26), {"exercise": "back-squat", "reps": 5, "load_kg": Decimal(105)}),
    ]


def test_records_are_sets_that_beat_every_earlier_e1rm(squat_history, user):
    found = list(figures.records(user))
    assert [(r.session_id, r.reps, r.load_kg) for r in found] == [(squat_history[2].pk, 5, Decimal(105))]
    assert found[0].e1rm_kg == Decimal("122.50")


def test_records_per_exercise_and_never_from_another_runner(squat_history, user):
    other = UserFactory(username="stronger")
    log_session(other, D(2026, 1, 1), {"exercise": "back-squat", "reps": 5, "load_kg": Decimal(200)})
    log_session(other, D(2026, 1, 2), {"exercise": "back-squat", "reps": 5, "load_kg": Decimal(210)})
    squat = Exercise.objects.get(slug="back-squat")
    assert [r.session_id for r in figures.records(user, exercise=squat)] == [squat_history[2].pk]
    assert figures.records(user, exercise=Exercise.objects.get(slug="hip-thrust")).count() == 0


def test_session_new_records_on_known_data(squat_history, user):
    baseline, weaker, best, repeat = squat_history
    assert baseline.new_records() == []  # a first log is a baseline, not a record
    assert weaker.new_records() == []
    assert best.new_records() == ["Back squat: best estimated one-rep max yet (122.5 kg)"]
    assert best.new_records("lb") == ["Back squat: best estimated one-rep max yet (270.1 lb)"]
    assert repeat.new_records() == []


def test_new_records_for_load_without_e1rm_and_for_bodyweight_reps(content, user):
    log_session(
        user,
        D(2026, 2, 2),
        {"exercise": "back-squat", "reps": 12, "load_kg": Decimal(80)},
        {"exercise": "prisoner-squat", "reps": 15},
    )
    later = log_session(
        user,
        D(2026, 2, 9),
        {"exercise": "back-squat", "reps": 12, "load_kg": Decimal(85)},
        {"exercise": "prisoner-squat", "reps": 20},
    )
    assert later.new_records() == [
        "Back squat: heaviest load yet (85 kg)",
        "Prisoner squat: most reps in a set yet (20)",
    ]


# --- weekly volume, contacts, adherence -------------------------------------------------------------------

WEEK = D(2026, 3, 2)  # the Monday of the pinned "today"


def muscle_sets(result, muscle, week=WEEK):
    row = next(m for m in result["muscles"] if m["muscle"] == muscle)
    return row["weeks"][result["weeks"].index(week)]


def week_row(result, week=WEEK):
    return next(r for r in result["rows"] if r["week"] == week)


def test_a_left_and_a_right_set_count_as_one_set_per_muscle(content, user, today):
    log_session(
        user,
        D(2026, 3, 2),
        {"exercise": "single-leg-romanian-deadlift", "reps": 10, "load_kg": Decimal(16), "side": "left"},
        {"exercise": "single-leg-romanian-deadlift", "reps": 10, "load_kg": Decimal(16), "side": "right"},
    )
    result = figures.weekly(user, today)
    # The exercise's primary muscles are glutes and hamstrings: one set each, not two.
    assert muscle_sets(result, "Glutes (gluteus maximus)") == 1
    assert muscle_sets(result, "Hamstrings") == 1
    assert week_row(result)["volume"] == Decimal(320)


def test_a_both_row_of_a_unilateral_exercise_counts_once_but_its_volume_twice(content, user, today):
    session = log_session(
        user,
        D(2026, 3, 3),
        {"exercise": "single-leg-romanian-deadlift", "reps": 10, "load_kg": Decimal(20), "side": "both"},
    )
    assert session.sets.get().volume_kg == Decimal(400)  # 20 kg × 10 reps × 2 sides
    result = figures.weekly(user, today)
    assert muscle_sets(result, "Hamstrings") == 1
    assert week_row(result)["volume"] == Decimal(400)


def test_two_legged_sets_count_one_each_and_volume_load_times_reps(content, user, today):
    log_session(
        user,
        D(2026, 3, 2),
        {"exercise": "conventional-deadlift", "reps": 5, "load_kg": Decimal(100), "times": 3},
        {"exercise": "conventional-deadlift", "reps": 5, "load_kg": Decimal(60), "kind": "warmup"},
    )
    result = figures.weekly(user, today)
    assert muscle_sets(result, "Hamstrings") == 3  # the warm-up is not counted
    assert week_row(result)["volume"] == Decimal(1500)


def test_weekly_keeps_weeks_apart_and_ignores_other_runners(content, user, today):
    log_session(user, D(2026, 2, 27), {"exercise": "hip-thrust", "reps": 10, "load_kg": Decimal(50), "times": 2})
    log_session(user, D(2026, 3, 4), {"exercise": "hip-thrust", "reps": 10, "load_kg": Decimal(50)})
    other = UserFactory(username="other-runner")
    log_session(other, D(2026, 3, 4), {"exercise": "hip-thrust", "reps": 10, "load_kg": Decimal(90), "times": 5})
    result = figures.weekly(user, today)
    assert muscle_sets(result, "Glutes (gluteus maximus)", D(2026, 2, 23)) == 2
    assert muscle_sets(result, "Glutes (gluteus maximus)") == 1
    assert week_row(result)["volume"] == Decimal(500)
    assert week_row(result, D(2026, 2, 23))["volume"] == Decimal(1000)


def test_plyometric_ground_contacts_per_week(content, user, today):
    session = log_session(
        user,
        D(2026, 3, 3),
        {"exercise": "box-jump", "reps": 8, "times": 2},  # two-legged, 1 contact a rep: 16
        {"exercise": "lateral-hop-over", "reps": 10, "side": "both"},  # single-leg, each side: 20
        {"exercise": "lateral-hop-over", "reps": 6, "side": "left"},  # one side: 6
        {"exercise": "back-squat", "reps": 5, "load_kg": Decimal(80)},  # not a jump: 0
    )
    assert list(session.sets.order_by("order").values_list("contacts", flat=True)) == [8, 8, 20, 6, 0]
    log_session(user, D(2026, 2, 24), {"exercise": "squat-jump", "reps": 5, "times": 3})
    result = figures.weekly(user, today)
    assert week_row(result)["contacts"] == 42
    assert week_row(result, D(2026, 2, 23))["contacts"] == 15


def test_adherence_counts_done_against_planned_up_to_today(content, user, today):
    enrollment = program_services.enrol(user, Program.objects.get(slug="posterior-chain"), D(2026, 2, 23), [0, 3])
    planned = list(enrollment.planned_sessions.order_by("sequence"))
    assert [p.date for p in planned[:4]] == [D(2026, 2, 23), D(2026, 2, 26), D(2026, 3, 2), D(2026, 3, 5)]
    log_session(user, D(2026, 2, 23), {"exercise": "hip-thrust", "reps": 12}, planned=planned[0])
    program_services.skip(planned[1])
    result = figures.weekly(user, today)
    assert (week_row(result, D(2026, 2, 23))["done"], week_row(result, D(2026, 2, 23))["planned"]) == (1, 2)
    # Only Monday 2 March is planned so far this week (Thursday is after today), and it is not done yet.
    assert (week_row(result)["done"], week_row(result)["planned"]) == (0, 1)
    assert week_row(result, D(2026, 2, 16))["planned"] == 0


# --- double progression ----------------------------------------------------------------------------------


def test_loaded_all_sets_at_top_of_range_adds_the_step():
    s = suggest([(12, None, Decimal(60))] * 3, reps_min=8, reps_max=12, step_kg=Decimal("2.5"))
    assert (s.action, s.load_kg, s.reps, s.sets) == ("add-load", Decimal("62.5"), 8, 3)
    assert "2.5 kg" in s.reason and "12" in s.reason


def test_loaded_short_of_the_top_keeps_the_load_and_adds_reps():
    s = suggest(
        [(12, None, Decimal(60)), (10, None, Decimal(60)), (9, None, Decimal(60))],
        reps_min=8,
        reps_max=12,
        step_kg=Decimal("2.5"),
    )
    assert (s.action, s.load_kg, s.reps) == ("add-reps", Decimal(60), 10)
    assert "60 kg" in s.reason and "12, 10, 9" in s.reason


def test_loaded_sets_at_the_heaviest_load_decide():
    # Warm-up style lighter sets do not hold the runner back; only the sets at the top load count.
    s = suggest(
        [(5, None, Decimal(40)), (8, None, Decimal(60)), (8, None, Decimal(60))], reps_min=5, reps_max=8, step_kg=5
    )
    assert (s.action, s.load_kg) == ("add-load", Decimal(65))


def test_bodyweight_more_reps_then_a_set_then_the_harder_variation():
    more_reps = suggest([(15, None, None), (12, None, None)], reps_min=15, reps_max=20, step_kg=0)
    assert (more_reps.action, more_reps.reps) == ("add-reps", 14)
    more_sets = suggest([(20, None, None)] * 2, reps_min=15, reps_max=20, step_kg=0)
    assert (more_sets.action, more_sets.sets, more_sets.reps) == ("add-set", 3, 20)
    harder = suggest([(20, None, None)] * 4, reps_min=15, reps_max=20, step_kg=0, harder="Single-leg squat")
    assert (harder.action, harder.harder, harder.reps) == ("harder", "Single-leg squat", 15)
    assert "Single-leg squat" in harder.reason


def test_timed_sets_suggest_holding_longer():
    s = suggest([(None, 30, None)] * 3, reps_min=None, reps_max=None, step_kg=0, target_seconds=30)
    assert (s.action, s.seconds) == ("add-time", 40)
    short = suggest([(None, 30, None), (None, 20, None)], reps_min=None, reps_max=None, step_kg=0, target_seconds=30)
    assert (short.action, short.seconds) == ("add-time", 30)


@pytest.mark.parametrize(
    "sets",
    [
        [(12, None, Decimal(60))] * 3,
        [(8, None, Decimal(60))],
        [(15, None, None)],
        [(20, None, None)] * 2,
        [(20, None, None)] * 4,
        [(None, 45, None)],
        [(None, 20, None), (None, 45, None)],
    ],
)
def test_every_suggestion_says_why(sets):
    for harder in (None, "Harder move"):
        s = suggest(sets, reps_min=8, reps_max=12, step_kg=Decimal(2), harder=harder, target_seconds=30)
        assert isinstance(s, Suggestion)
        assert len(s.reason) > 20


def test_no_sets_no_suggestion():
    assert suggest([], reps_min=8, reps_max=12, step_kg=2) is None


def last_sets(user, slug):
    exercise = Exercise.objects.get(slug=slug)
    return exercise, LoggedSet.objects.last_time(user, [exercise.pk])[exercise.pk]


@pytest.mark.parametrize(
    ("slug", "reps", "load", "unit", "expected_kg"),
    [
        ("back-squat", 8, Decimal(100), "kg", Decimal(105)),  # big two-legged barbell lift: 5 kg
        ("kettlebell-deadlift", 12, Decimal(24), "kg", Decimal(28)),  # kettlebells come in 4 kg steps
        ("hamstring-curl", 12, Decimal(40), "kg", Decimal("42.5")),  # machine: 2.5 kg
        ("back-squat", 8, Decimal("102.058"), "lb", Decimal("106.594")),  # 225 lb + 10 lb
    ],
)
def test_suggestion_step_follows_the_exercise_kit(content, user, slug, reps, load, unit, expected_kg):
    log_session(user, D(2026, 3, 2), {"exercise": slug, "reps": reps, "load_kg": load, "times": 3})
    exercise, sets = last_sets(user, slug)
    s = figures.suggestion_for(exercise, sets, unit)
    assert s.action == "add-load"
    assert s.load_kg == expected_kg


def test_suggestion_for_bodyweight_uses_the_harder_variation(content, user):
    log_session(user, D(2026, 3, 2), {"exercise": "press-up", "reps": 15, "times": 4})
    exercise, sets = last_sets(user, "press-up")
    s = figures.suggestion_for(exercise, sets, "kg")
    assert (s.action, s.harder) == ("harder", "Clap press-up (clap push-up)")


def test_suggestion_uses_the_range_the_runner_s_program_prescribes(content, user, today):
    # Posterior chain week 1 prescribes deadlifts for 10–12; the library's own range is 8–12.
    program_services.enrol(user, Program.objects.get(slug="posterior-chain"), D(2026, 3, 5), [0, 3])
    log_session(
        user, D(2026, 3, 2), {"exercise": "conventional-deadlift", "reps": 11, "load_kg": Decimal(80), "times": 3}
    )
    exercise, sets = last_sets(user, "conventional-deadlift")
    plan = figures.plan_ranges(user, [exercise.pk]).get(exercise.pk)
    assert (plan.reps_min, plan.reps_max, plan.seconds, plan.sets) == (10, 12, None, 3)
    assert (plan.phase, plan.week) == ("build", 1)
    s = figures.suggestion_for(exercise, sets, "kg", plan)
    assert (s.action, s.reps, s.load_kg) == ("add-reps", 12, Decimal(80))


# --- pages ----------------------------------------------------------------------------------------------


def test_progress_page_shows_best_set_e1rm_suggestion_chart_and_table(content, user, client_logged_in, today):
    log_session(user, D(2026, 2, 23), {"exercise": "back-squat", "reps": 5, "load_kg": Decimal(95), "times": 3})
    log_session(user, D(2026, 3, 2), {"exercise": "back-squat", "reps": 8, "load_kg": Decimal(100), "times": 3})
    response = client_logged_in.get("/progress/")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count("<svg") == 1 and 'role="img"' in body and 'aria-describedby="weekly-table"' in body
    assert 'id="weekly-table"' in body
    page = page_text(response)
    assert "Back squat" in page
    assert "8 @ 100 kg" in page  # the best set
    assert "124.1 kg – 126.7 kg" in page  # 100 × 8: Brzycki 124.1, Epley 126.7
    assert "add 5 kg" in page  # every set reached the top of 5–8
    # The table gives this week's volume: 3 × 8 × 100 = 2400, and the records list the new best.
    assert re.search(r"2 Mar 2400 0 —", page)
    assert "Recent personal records" in page


def test_progress_page_shows_weekly_sets_per_muscle_with_unilateral_pairs_once(content, user, client_logged_in, today):
    log_session(
        user,
        D(2026, 3, 2),
        {"exercise": "single-leg-calf-raise", "reps": 15, "side": "left", "times": 2},
        {"exercise": "single-leg-calf-raise", "reps": 15, "side": "right", "times": 2},
    )
    page = page_text(client_logged_in.get("/progress/"))
    assert re.search(r"Calves \(gastrocnemius\)( 0){11} 2\b", page)


def test_progress_page_in_pounds(content, user, client_logged_in, today):
    user.profile.unit = "lb"
    user.profile.save()
    log_session(user, D(2026, 3, 2), {"exercise": "back-squat", "reps": 8, "load_kg": Decimal("102.058"), "times": 3})
    page = page_text(client_logged_in.get("/progress/"))
    assert "8 @ 225 lb" in page
    assert "add 10 lb" in page


def test_progress_page_empty_log(client_logged_in, content):
    response = client_logged_in.get("/progress/")
    assert response.status_code == 200
    assert "Log a session and your progress shows up here" in page_text(response)


def test_exercise_progress_page_has_chart_and_table(content, user, client_logged_in, today):
    sessions = [
        log_session(user, D(2026, 2, 16), {"exercise": "hip-thrust", "reps": 10, "load_kg": Decimal(60), "times": 3}),
        log_session(user, D(2026, 2, 23), {"exercise": "hip-thrust", "reps": 10, "load_kg": Decimal(70), "times": 3}),
        log_session(user, D(2026, 3, 2), {"exercise": "hip-thrust", "reps": 8, "load_kg": Decimal(80), "times": 2}),
    ]
    response = client_logged_in.get("/progress/hip-thrust/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<svg" in body and "<polyline" in body and body.count('class="bar-volume"') == 3
    assert "<caption>Each session with hip thrust (most recent 3)</caption>" in body
    page = page_text(response)
    # Table rows, newest first: date, sets, reps, heaviest, volume, best e1RM.
    assert "2 Mar 2026 2 16 80 1280 101.3" in page
    assert "23 Feb 2026 3 30 70 2100 93.3" in page
    assert "16 Feb 2026 3 30 60 1800 80" in page
    assert "99.3 kg – 101.3 kg" in page  # 80 × 8
    for s in sessions:
        assert f'href="/log/{s.pk}/"' in body


def test_exercise_progress_page_not_yet_logged_and_unknown(content, client_logged_in):
    assert "You have not logged" in page_text(client_logged_in.get("/progress/hip-thrust/"))
    assert client_logged_in.get("/progress/no-such-move/").status_code == 404


def test_progress_figures_update_after_an_edit(content, user, client_logged_in, today):
    session = log_session(user, D(2026, 3, 2), {"exercise": "back-squat", "reps": 5, "load_kg": Decimal(100)})
    assert "112.5 kg – 116.7 kg" in page_text(client_logged_in.get("/progress/back-squat/"))
    log_services.update_session(
        session, sets=[{"exercise": Exercise.objects.get(slug="back-squat"), "reps": 5, "load_kg": Decimal(110)}]
    )
    assert "123.8 kg – 128.3 kg" in page_text(client_logged_in.get("/progress/back-squat/"))
    assert Session.objects.count() == 1
    assert PlannedSession.objects.count() == 0
