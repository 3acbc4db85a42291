"""Hevy's CSV export: one row per set, workouts by title and start time.

Layout: title, start_time, end_time, description, exercise_title, superset_id, exercise_notes, set_index,
set_type, weight_kg or weight_lbs, reps, distance_km or distance_miles, duration_seconds, rpe. Dates are
written in the phone's language ("7 Apr 2024, 16:34", "5 mai 2026, 07:34"); the header says the units.
"""

import csv
import io
import re
import unicodedata
from datetime import date, datetime, time

from django.utils import timezone

from .. import rules
from ..models import LoggedSet
from ..units import to_kg
from . import (
    ImportReport,
    ParsedWorkout,
    checked_rpe,
    data_rows,
    decimal,
    restore,
    to_metres,
    what_was_done,
    workout_key,
)

REQUIRED = ["title", "start_time", "exercise_title", "set_type", "reps"]
SET_TYPES = {
    "normal": LoggedSet.Kind.WORKING,
    "warmup": LoggedSet.Kind.WARMUP,
    "failure": LoggedSet.Kind.FAILURE,
    "dropset": LoggedSet.Kind.DROP,
}
COLUMN_OF = {
    "exercise_name": "exercise_title",
    "reps": "reps",
    "duration_s": "duration_seconds",
    "distance_m": "distance",
    "load_kg": "weight",
    "rpe": "rpe",
    "note": "exercise_notes",
    "superset": "superset_id",
}


def _plain(word):
    return unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode().lower().rstrip(".")


# Month names, full and short, in English, Portuguese, Spanish, German, French and Italian (no accents).
_MONTH_WORDS = [
    "january jan janeiro enero ene januar janner janvier janv gennaio gen",
    "february feb fevereiro fev febrero februar fevrier fevr fev febbraio",
    "march mar marco marzo marz mrz mars",
    "april apr abril abr avril avr aprile",
    "may maio mai mayo mag maggio",
    "june jun junho junio juni juin giugno giu",
    "july jul julho julio juli juillet juil luglio lug",
    "august aug agosto ago aout",
    "september sep sept setembro set septiembre setiembre settembre",
    "october oct outubro out octubre oktober okt octobre ottobre ott",
    "november nov novembro noviembre novembre",
    "december dec dezembro dez diciembre dic dezember decembre dicembre",
]
MONTHS = {word: number for number, words in enumerate(_MONTH_WORDS, start=1) for word in words.split()}
DATE_RE = re.compile(
    r"^(\d{1,2})\.?\s+(?:de\s+)?([^\W\d_]+)\.?\s+(?:de\s+)?(\d{4}),?\s+(?:um\s+|a las\s+|à\s+)?(\d{1,2})[:h](\d{2})"
)


def parse_date(text):
    """A Hevy start or end time as a datetime, in any of the languages above or ISO; None if unreadable."""
    text = (text or "").strip()
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S%z"):
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=None)
        except ValueError:
            continue
    match = DATE_RE.match(text)
    if not match:
        return None
    day, month, year, hour, minute = match.groups()
    month = MONTHS.get(_plain(month))
    if month is None:
        return None
    try:
        return datetime.combine(date(int(year), month, int(day)), time(int(hour), int(minute)))
    except ValueError:
        return None


def parse(text, default_unit="kg"):
    """Read a Hevy CSV into workouts, oldest first; problems go into the report (errors reject the file)."""
    report = ImportReport(format="hevy")
    reader = csv.reader(io.StringIO(text.replace("\r\n", "\n").replace("\r", "\n")))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except (StopIteration, csv.Error):
        report.errors.append((1, "file", "The file is empty or not CSV."))
        return [], report
    index = {name: i for i, name in enumerate(header)}
    if missing := [name for name in REQUIRED if name not in index]:
        report.errors.append((1, "header", "Missing column(s): " + ", ".join(missing) + ". Is this a Hevy export?"))
        return [], report
    weight_column, unit = ("weight_lbs", "lb") if "weight_lbs" in index else ("weight_kg", "kg")
    distance_column, distance_unit = ("distance_miles", "mi") if "distance_miles" in index else ("distance_km", "km")
    today = timezone.localdate()
    workouts = {}
    last_block = {}  # workout key → (exercise, set_index) of its previous row, to find a new exercise block

    def cell(row, name):
        i = index.get(name)
        return row[i].strip() if i is not None and i < len(row) else ""

    for line, row in data_rows(reader, report, header, "Hevy"):
        errors_before = len(report.errors)

        def bad(column, message, line=line):
            report.errors.append((line, column, message))

        start = parse_date(cell(row, "start_time"))
        end = parse_date(cell(row, "end_time"))
        if start is None:
            bad("start_time", f"“{cell(row, 'start_time')}” is not a date like 7 Apr 2024, 16:34.")
        elif problem := rules.date_problem(start.date(), today):
            bad("start_time", f"{start.date()}: {problem}")
        name = restore(cell(row, "exercise_title"))
        if not name:
            bad("exercise_title", "Empty exercise name.")
        set_type = cell(row, "set_type").lower() or "normal"
        kind = SET_TYPES.get(set_type)
        if kind is None:
            bad("set_type", f"“{set_type}” is not a Hevy set type (normal, warmup, failure, dropset).")

        def number(column, label=None, row=row):
            try:
                return decimal(cell(row, column))
            except ValueError as exc:
                bad(label or column, str(exc) + ".")
                return None

        weight = number(weight_column)
        reps = number("reps")
        distance = number(distance_column)
        seconds = number("duration_seconds")
        rpe = number("rpe")
        superset = number("superset_id")
        set_index = number("set_index")
        if reps is not None:
            if reps != reps.to_integral():
                bad("reps", f"“{reps}” is not a whole number of reps.")
            reps = int(reps)
        if superset is not None and superset != superset.to_integral():
            bad("superset_id", f"“{superset}” is not a superset number.")
        if len(report.errors) > errors_before:
            continue
        load_kg = to_kg(weight, unit if unit else default_unit) if weight else None
        seconds = int(seconds) or None if seconds is not None else None
        distance = to_metres(distance, distance_unit)
        rpe, note = checked_rpe(report, line, rpe, "")
        if (done := what_was_done(report, line, reps, load_kg, seconds, distance, kind)) is None:
            continue
        reps, kind = done
        title = restore(cell(row, "title"))
        key = workout_key("hevy", title, cell(row, "start_time"))
        # The exercise's notes go on the first set of each block of that exercise, once.
        block = (name, set_index)
        previous = last_block.get(key)
        first_of_block = previous is None or previous[0] != name or (set_index is not None and set_index == 0)
        last_block[key] = block
        exercise_notes = restore(cell(row, "exercise_notes"))
        if first_of_block and exercise_notes:
            note = f"{exercise_notes} {note}".strip()
        logged = {
            "exercise_name": name[: rules.MAX_NAME],
            "reps": reps,
            "duration_s": seconds,
            "distance_m": distance,
            "load_kg": load_kg,
            "side": LoggedSet.Side.BOTH,
            "rpe": rpe,
            "kind": kind,
            "note": note[: rules.MAX_NOTE],
            "superset": int(superset) if superset is not None else None,
        }
        if problems := rules.set_problems(**logged):
            for field_name, message in problems.items():
                bad(COLUMN_OF.get(field_name, field_name), message)
            continue
        if key not in workouts:
            minutes = None
            if end is not None and end > start:
                minutes = round((end - start).total_seconds() / 60) or None
                if minutes is not None and minutes > 24 * 60:
                    report.warnings.append(f"Line {line}: a workout of {minutes} minutes; its duration is left out.")
                    minutes = None
            workouts[key] = ParsedWorkout(
                line=line,
                key=key,
                date=start.date(),
                start_time=start.time(),
                name=title[: rules.MAX_NAME],
                duration_min=minutes,
                notes=restore(cell(row, "description")),
                effort=None,
                sets=[],
            )
        workout = workouts[key]
        workout.sets.append(logged)
        workout.lines.append(line)
        workout.signatures.append(tuple(row))
        workout.numbered.append(False)
    # Hevy writes the newest workout first; the log reads better built oldest first.
    return sorted(workouts.values(), key=lambda w: (w.date, w.start_time)), report
