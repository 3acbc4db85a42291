"""'Next time' suggestions on known histories: they follow the plan's next week and the exercise's kind, and
every sentence is true of the sets it describes."""

import datetime
import html
import re
from decimal import Decimal

import pytest

from exercises.models import Exercise
from logbook import figures
from logbook.models import LoggedSet
from programs.models import PlannedSession, Prescription, ProgramWeek

from .helpers import enrol, log_session

D = datetime.date


def load_in_week(week):
    """What the runner lifts in a posterior-chain week: heavier each week, so week 3 is the heaviest."""
    return Decimal(20 + 5 * week)


def as_prescribed(prescription, load=None):
    """The sets of one prescription done in full: the top of the range, each side when it is per side."""
    row = {"exercise": prescription.exercise.slug, "load_kg": load}
    if prescription.duration_s:
        row["duration_s"] = prescription.duration_s
    else:
        row["reps"] = prescription.reps_max
    sides = ["left", "right"] if prescription.per_side and prescription.exercise.unilateral else ["both"]
    return [{**row, "side": side} for _ in range(prescription.sets) for side in sides]


def follow(user, enrollment, weeks, loaded=False):
    """Log every planned session of `weeks` as prescribed, through the normal logging path."""
    planned = (
        enrollment.planned_sessions.filter(week__in=weeks)
        .select_related("workout")
        .prefetch_related("workout__prescriptions__exercise")
        .order_by("sequence")
    )
    for session in planned:
        sets = []
        for p in session.workout.prescriptions.all():
            sets += as_prescribed(p, load_in_week(session.week) if loaded else None)
        log_session(user, session.date, *sets, planned=session, name=session.workout.name)


def prescription(program, week, slug):
    """The first prescription of `slug` in a program week (session A before B), as the plan shows it."""
    return (
        Prescription.objects.filter(
            workout__week__program__slug=program, workout__week__number=week, exercise__slug=slug
        )
        .select_related("exercise")
        .order_by("workout__order")
        .first()
    )


def week_exercises(program, week):
    return list(
        Prescription.objects.filter(workout__week__program__slug=program, workout__week__number=week)
        .order_by("workout__order", "order")
        .values_list("exercise__slug", flat=True)
        .distinct()
    )


def row_text(response, name):
    """The text of the /progress/ table row for exercise `name`."""
    rows = re.findall(r"<tr>.*?</tr>", response.content.decode(), re.S)
    texts = [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", row)).split()) for row in rows] + [""]
    for i, text in enumerate(texts):
        if text.startswith(name + " "):
            # The suggestion is the full-width row under the exercise's own.
            assert texts[i + 1].startswith("Next time: "), texts[i + 1]
            return f"{text} {texts[i + 1]}"
    raise AssertionError(f"no row for {name}")


def suggestion(user, slug, unit="kg"):
    exercise = Exercise.objects.prefetch_related("equipment", "harder").get(slug=slug)
    last = LoggedSet.objects.last_time(user, [exercise.pk])[exercise.pk]
    return figures.suggestion_for(exercise, last, unit, figures.plan_ranges(user, [exercise.pk]).get(exercise.pk))


def no_load_or_tempo(text):
    return not re.search(r"\b(kg|lb|load|weight|heavier|tempo|lowering|slow|three seconds)\b", text, re.I)


@pytest.fixture
def posterior_chain_to_week_4(content, user, today):
    """A runner who did weeks 1–3 of the posterior-chain block in full, heavier each week; week 4 is next."""
    enrollment = enrol(user, "posterior-chain", D(2026, 2, 9), [0, 3])
    follow(user, enrollment, [1, 2, 3], loaded=True)
    assert PlannedSession.objects.filter(enrollment=enrollment, status="planned").first().week == 4
    assert ProgramWeek.objects.get(program__slug="posterior-chain", number=4).phase == "deload"
    return enrollment


# --- deload -----------------------------------------------------------------------------------------------


def test_going_into_the_deload_week_keeps_week_3_s_weight_and_drops_sets(
    posterior_chain_to_week_4, user, client_logged_in
):
    week_3, week_4 = (prescription("posterior-chain", n, "conventional-deadlift") for n in (3, 4))
    assert week_4.sets < week_3.sets
    deadlift = row_text(client_logged_in.get("/progress/"), "Conventional deadlift")
    advice = deadlift.split("Deload week", 1)[1]
    assert week_4.load.rstrip(".") in advice, "in the plan's words"
    reps = min(week_4.reps_min, week_3.reps_max)
    assert f"Keep the weight at {load_in_week(3)} kg and do {week_4.sets} × {reps}" in advice
    assert f"{week_4.sets} sets instead of {week_3.sets}" in advice
    assert not re.search(r"\badd\b", advice), "no more load, no more sets"
    s = suggestion(user, "conventional-deadlift")
    assert (s.action, s.load_kg, s.sets, s.reps) == ("deload", load_in_week(3), week_4.sets, reps)


def test_every_exercise_of_the_block_follows_the_deload(posterior_chain_to_week_4, user, client_logged_in):
    page = client_logged_in.get("/progress/")
    for slug in week_exercises("posterior-chain", 4):
        week_3, week_4 = prescription("posterior-chain", 3, slug), prescription("posterior-chain", 4, slug)
        s = suggestion(user, slug)
        assert s.action == "deload", (slug, s.reason)
        assert s.load_kg == load_in_week(3), "the same weight as week 3"
        # A left and a right set of a one-sided move are one set: 3 per side is 3 sets, not 6.
        assert s.sets == min(week_4.sets, week_3.sets) < week_3.sets * 2
        assert s.reps <= week_3.reps_max
        assert ("Reps are per side." in s.reason) == week_4.per_side, "a one-sided prescription says so"
        row = row_text(page, week_4.exercise.name)
        assert f"{s.sets} × {s.reps}" in row and "lowering to three seconds" not in row


def test_before_the_deload_a_build_week_still_adds_load(content, user, today):
    enrollment = enrol(user, "posterior-chain", D(2026, 2, 9), [0, 3])
    follow(user, enrollment, [1, 2], loaded=True)
    week_2, week_3 = (prescription("posterior-chain", n, "conventional-deadlift") for n in (2, 3))
    assert week_2.reps_max >= week_3.reps_max, "week 2 was done at the top of week 3's range"
    s = suggestion(user, "conventional-deadlift")
    step = Decimal(5)  # a two-legged barbell lift
    assert (s.action, s.load_kg, s.sets, s.reps) == ("add-load", load_in_week(2) + step, week_3.sets, week_3.reps_min)
    assert s.reason.startswith(f"Every set reached {week_3.reps_max} reps at {load_in_week(2)} kg")
    assert f"{week_3.sets} × {week_3.reps_min} at {load_in_week(2) + step} kg" in s.reason
    if week_3.sets != week_2.sets:
        assert f"This week's plan has {week_3.sets} sets." in s.reason


# --- taper ------------------------------------------------------------------------------------------------


def test_a_taper_week_cuts_the_work_and_keeps_the_weight(content, user, client_logged_in, today):
    ProgramWeek.objects.filter(program__slug="posterior-chain", number=4).update(phase="taper")
    enrollment = enrol(user, "posterior-chain", D(2026, 2, 9), [0, 3])
    follow(user, enrollment, [1, 2, 3], loaded=True)
    week_3, week_4 = (prescription("posterior-chain", n, "hip-thrust") for n in (3, 4))
    reps = min(week_4.reps_min, week_3.reps_max)
    hip_thrust = row_text(client_logged_in.get("/progress/"), "Hip thrust")
    assert "Taper week" in hip_thrust and "arrive fresh" in hip_thrust
    assert f"Keep the weight at {load_in_week(3)} kg and do {week_4.sets} × {reps}" in hip_thrust
    s = suggestion(user, "hip-thrust")
    assert (s.action, s.load_kg, s.sets, s.reps) == ("taper", load_in_week(3), week_4.sets, reps)
    assert s.sets < week_3.sets


# --- plyometric -------------------------------------------------------------------------------------------


@pytest.fixture
def plyometric_to_week_6(content, user, today):
    enrollment = enrol(user, "plyometric", D(2026, 1, 19), [0, 3])
    follow(user, enrollment, [1, 2, 3, 4, 5])
    assert PlannedSession.objects.filter(enrollment=enrollment, status="planned").first().week == 6
    assert ProgramWeek.objects.get(program__slug="plyometric", number=6).phase == "consolidation"
    return enrollment


def test_going_into_the_consolidation_week_jumps_add_nothing(plyometric_to_week_6, user, client_logged_in):
    page = client_logged_in.get("/progress/")
    for slug in week_exercises("plyometric", 6):
        week_6 = prescription("plyometric", 6, slug)
        last = LoggedSet.objects.last_time(user, [week_6.exercise_id])[week_6.exercise_id]
        s = suggestion(user, slug)
        assert s.action == "hold" and s.load_kg is None, (slug, s.reason)
        assert s.sets == min(week_6.sets, len(last)) and s.reps == min(week_6.reps_max, min(x.reps for x in last))
        per_rep = week_6.exercise.ground_contacts_per_rep
        assert s.contacts == (s.sets * s.reps * per_rep if per_rep else None)
        row = row_text(page, week_6.exercise.name)
        advice = row.split("Consolidation week", 1)[1]
        assert "no more jumps than last time" in advice
        assert not re.search(r"\badd\b", advice), advice
        assert no_load_or_tempo(advice), advice
        assert f"{s.sets} × {s.reps}" + (f" ({s.contacts} ground contacts)" if per_rep else "") in advice


def test_a_jump_the_block_has_dropped_still_follows_the_consolidation_week(
    plyometric_to_week_6, user, client_logged_in
):
    done = {slug for week in range(1, 6) for slug in week_exercises("plyometric", week)}
    dropped = done - set(week_exercises("plyometric", 6))
    if not dropped:
        pytest.skip("every move of the block is still in its last week")
    page = client_logged_in.get("/progress/")
    for slug in dropped:
        exercise = Exercise.objects.get(slug=slug)
        last = LoggedSet.objects.last_time(user, [exercise.pk])[exercise.pk]
        s = suggestion(user, slug)
        assert s.action == "hold" and s.sets <= len(last), (slug, s.reason)
        advice = row_text(page, exercise.name).split("Next time:", 1)[1]
        assert "Consolidation week" in advice and not re.search(r"\badd\b", advice), advice


def test_a_build_week_of_jumps_talks_about_landings_and_contacts_not_load(content, user, today):
    enrollment = enrol(user, "plyometric", D(2026, 1, 19), [0, 3])
    follow(user, enrollment, [1])
    slugs = [slug for slug in week_exercises("plyometric", 2) if slug in week_exercises("plyometric", 1)]
    assert slugs
    stepped_up = 0
    for slug in slugs:
        week_1, week_2 = prescription("plyometric", 1, slug), prescription("plyometric", 2, slug)
        s = suggestion(user, slug)
        assert (s.action, s.sets, s.reps) == ("quality", week_2.sets, week_2.reps_max), s.reason
        assert (
            f"Next session asks for {week_2.sets} × {week_2.reps_max}" in s.reason and "rest fully" in s.reason.lower()
        )
        if week_2.sets * week_2.reps_max > week_1.sets * week_1.reps_max:
            stepped_up += 1
            assert "only if every landing last time was quiet and brief" in s.reason
            assert f"repeat {week_1.sets} × {week_1.reps_max}" in s.reason
        assert no_load_or_tempo(s.reason), s.reason
        assert s.load_kg is None
    assert stepped_up, "week 2 asks for more jumps somewhere"


def test_jumps_with_nothing_harder_never_slow_the_lowering(content, user, today):
    top = Exercise.objects.get(slug="tuck-jump").reps_max
    log_session(user, D(2026, 3, 2), {"exercise": "tuck-jump", "reps": top, "times": 4})
    s = suggestion(user, "tuck-jump")
    assert s.action == "quality" and s.load_kg is None
    assert f"4 sets of {top} are done: keep 4 × {top} ({4 * top} ground contacts)" in s.reason
    assert no_load_or_tempo(s.reason), s.reason


# --- bodyweight -------------------------------------------------------------------------------------------


def test_bodyweight_reps_then_a_set_then_the_harder_variation(content, user, client_logged_in, today):
    low, high = Exercise.objects.filter(slug="glute-bridge").values_list("reps_min", "reps_max").get()
    log_session(user, D(2026, 2, 23), {"exercise": "glute-bridge", "reps": high - 3})
    first = suggestion(user, "glute-bridge")
    # Short of the top of the range: more reps first.
    assert (first.action, first.sets, first.reps) == ("add-reps", 1, high - 1)
    log_session(user, D(2026, 2, 26), {"exercise": "glute-bridge", "reps": high})
    one = suggestion(user, "glute-bridge")
    assert (one.action, one.sets, one.reps) == ("add-set", 2, high)
    assert one.reason == f"Your one set reached {high} reps: add a set, 2 × {high}."
    log_session(user, D(2026, 3, 2), {"exercise": "glute-bridge", "reps": high, "times": 4})
    page = client_logged_in.get("/progress/glute-bridge/")
    assert f"4 sets of {high} are done: move on to the harder variation" in page.content.decode()
    done = suggestion(user, "glute-bridge")
    assert done.action == "harder" and done.harder and (done.sets, done.reps) == (4, low)


def test_no_all_1_sets(content, user, today):
    high = Exercise.objects.get(slug="press-up").reps_max
    log_session(user, D(2026, 3, 2), {"exercise": "press-up", "reps": high})
    s = suggestion(user, "press-up")
    assert "All 1" not in s.reason and "1 sets" not in s.reason
    log_session(user, D(2026, 3, 3), {"exercise": "press-up", "reps": high, "times": 2})
    assert suggestion(user, "press-up").reason.startswith(f"Both sets reached {high} reps: add a set, 3 × {high}")


@pytest.mark.parametrize(
    ("slug", "action", "words"),
    [
        # Nothing harder in the library: the next step suits the move.
        ("single-leg-romanian-deadlift", "start-load", "hold a light weight"),  # it can take a kettlebell
        ("eccentric-calf-raise", "one-leg", "one leg at a time"),  # two-legged, bodyweight only
        ("single-leg-squat", "slower", "three seconds over each lowering"),  # already one leg, no kit
        ("banded-clamshell", "stronger-band", "stronger band"),
    ],
)
def test_bodyweight_with_nothing_harder_gets_a_step_that_suits_the_move(content, user, today, slug, action, words):
    exercise = Exercise.objects.get(slug=slug)
    assert not exercise.harder.exists()
    top = exercise.reps_max or 12
    log_session(user, D(2026, 3, 2), {"exercise": slug, "reps": top, "times": 4})
    s = suggestion(user, slug)
    assert s.action == action and words in s.reason, s.reason
    assert f"4 × {s.reps}" in s.reason


# --- loaded: double progression ---------------------------------------------------------------------------


def test_loaded_double_progression_counts_the_sets_at_each_load_honestly(content, user, client_logged_in, today):
    low, high = Exercise.objects.filter(slug="goblet-squat").values_list("reps_min", "reps_max").get()
    # Two sets at 20 kg and one at 22 kg, all at the top: not "every set reached the top at 22 kg".
    log_session(
        user,
        D(2026, 2, 23),
        {"exercise": "goblet-squat", "reps": high, "load_kg": Decimal(20), "times": 2},
        {"exercise": "goblet-squat", "reps": high, "load_kg": Decimal(22)},
    )
    row = row_text(client_logged_in.get("/progress/"), "Goblet squat")
    assert "Every set reached" not in row
    assert f"Only 1 of 3 sets was at 22 kg ({high} reps): next time do 3 × {high} with every set at 22 kg" in row
    s = suggestion(user, "goblet-squat")
    assert (s.action, s.load_kg, s.sets, s.reps) == ("same-load", Decimal(22), 3, high)

    # Then all three at 22 kg and at the top of the range: more load, back to the bottom (dumbbells: 2 kg).
    log_session(user, D(2026, 3, 2), {"exercise": "goblet-squat", "reps": high, "load_kg": Decimal(22), "times": 3})
    s = suggestion(user, "goblet-squat")
    assert (s.action, s.load_kg, s.sets, s.reps) == ("add-load", Decimal(24), 3, low)
    assert s.reason.startswith(f"Every set reached {high} reps at 22 kg, the top of {low}–{high}: add 2 kg")
    assert f"3 × {low} at 24 kg" in s.reason


def test_loaded_short_sets_keep_the_load_and_ramp_ups_are_named(content, user, today):
    high = Exercise.objects.get(slug="goblet-squat").reps_max
    log_session(
        user,
        D(2026, 3, 2),
        {"exercise": "goblet-squat", "reps": high, "load_kg": Decimal(16)},
        {"exercise": "goblet-squat", "reps": high, "load_kg": Decimal(24)},
        {"exercise": "goblet-squat", "reps": high - 2, "load_kg": Decimal(24)},
    )
    s = suggestion(user, "goblet-squat")
    assert (s.action, s.load_kg, s.sets, s.reps) == ("add-reps", Decimal(24), 2, high - 1)
    assert (
        f"Not every set at 24 kg reached {high} reps yet ({high}, {high - 2}; the lighter set counts as ramp-up)"
        in s.reason
    )
    assert f"2 × {high - 1}" in s.reason
