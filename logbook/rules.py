"""The one rule set for a logged set and a session, used by the log form, the API, every importer and
the services; the database constraints in logbook/models.py back each rule with the same limits.

Each check returns {field: message} for what is wrong, in words a runner can act on, and never raises:
callers attach the messages to their own fields (a form field, an API field, a line of a file).
"""

from datetime import date, timedelta
from decimal import Decimal

MAX_REPS = 1000
MAX_LOAD_KG = 1000
MAX_DURATION_S = 2 * 60 * 60
MAX_DISTANCE_M = 100_000  # a sled push or a carry, never a run
MAX_SETS = 200  # per session: a long session is about 60; more is a mistake or abuse
MAX_NOTE = 500
MAX_SESSION_NOTES = 5000  # a session's own notes: a few paragraphs
MAX_NAME = 200
EARLIEST = date(1900, 1, 1)
RPE_VALUES = [Decimal(x) / 2 for x in range(12, 21)]  # 6, 6.5, … 10

SIDES = ("both", "left", "right")
KINDS = ("working", "warmup", "drop", "failure")


def set_problems(
    *,
    exercise=None,
    exercise_name="",
    reps=None,
    duration_s=None,
    distance_m=None,
    load_kg=None,
    side="both",
    rpe=None,
    kind="working",
    note="",
    superset=None,
):
    """What is wrong with one set, as {field: message}; empty when it can be saved."""
    found = {}
    if exercise is None and not (exercise_name or "").strip():
        found["exercise"] = "Choose an exercise."
    elif len(exercise_name or "") > MAX_NAME:
        found["exercise_name"] = f"An exercise name is at most {MAX_NAME} characters."
    if reps is None and duration_s is None and distance_m is None:
        found["reps"] = "Enter the reps, or the seconds for a timed set."
    if reps == 0 and kind == "failure" and load_kg:
        pass  # a missed attempt: the load was tried and no rep came up
    elif reps is not None and not 1 <= reps <= MAX_REPS:
        found["reps"] = f"Reps run from 1 to {MAX_REPS}."
        if reps == 0 and load_kg:
            found["reps"] = f"Reps run from 1 to {MAX_REPS}; 0 only for a missed attempt (a set to failure)."
    if duration_s is not None and not 1 <= duration_s <= MAX_DURATION_S:
        found["duration_s"] = f"A timed set runs from 1 second to {MAX_DURATION_S // 3600} hours."
    if distance_m is not None and not 0 <= distance_m <= MAX_DISTANCE_M:
        found["distance_m"] = f"A distance runs from 0 to {MAX_DISTANCE_M // 1000} km."
    if load_kg is not None and not 0 <= load_kg <= MAX_LOAD_KG:
        found["load_kg"] = f"A load runs from 0 to {MAX_LOAD_KG} kg."
    if side not in SIDES:
        found["side"] = "Side is both, left or right."
    elif side != "both" and exercise is not None and not exercise.unilateral:
        found["side"] = f"{exercise.name} works both sides together; choose “Both”."
    if rpe is not None and rpe not in RPE_VALUES:
        found["rpe"] = "RPE runs from 6 to 10 in half steps (6, 6.5, … 10)."
    if kind not in KINDS:
        found["kind"] = "A set is a working set, a warm-up, a drop set or a set to failure."
    if superset is not None and not 0 <= superset <= 1000:
        found["superset"] = "A superset is numbered from 0 to 1000."
    if len(note or "") > MAX_NOTE:
        found["note"] = f"A note is at most {MAX_NOTE} characters."
    return found


def date_problem(value, today):
    """Why a session can't have this date, or None. A day ahead is allowed: the runner may be east of us."""
    if value > today + timedelta(days=1):
        return "A session can't be dated more than a day in the future."
    if value < EARLIEST:
        return "Dates before 1900 are not accepted."
    return None


def sets_problem(count):
    """Why a session can't hold this many sets, or None."""
    if count < 1:
        return "Log at least one set."
    if count > MAX_SETS:
        return f"A session holds at most {MAX_SETS} sets; split a longer one in two."
    return None
