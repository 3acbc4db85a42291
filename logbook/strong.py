"""Strong app CSV: export the log in Strong's column layout, and read Strong exports.

Real exports are messy (see tests/data/strong-samples): semicolon or comma separated, units in the
header, per row or nowhere, set orders W/D/F, Rest Timer and Note rows, identical rows that are distinct
sets, missed attempts (a weight and 0 reps), literal "\\n" in notes, durations like "1h 5m". The parser
keeps every set under its Strong name, lists every row it leaves out with the reason, and rejects the
whole file with row-level messages when a row is garbage.
"""

import csv
import io
import re
from collections import Counter
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from exercises.models import Exercise

from . import rules, services
from .importers import (
    ImportReport,
    ParsedWorkout,
    checked_rpe,
    data_rows,
    decimal,
    neutralise,
    restore,
    to_metres,
    what_was_done,
    workout_key,
)
from .models import LoggedSet
from .units import exact, to_kg

EXPORT_COLUMNS = [
    "Date",
    "Workout Name",
    "Duration",
    "Exercise Name",
    "Set Order",
    "Weight",
    "Reps",
    "Distance",
    "Seconds",
    "Notes",
    "Workout Notes",
    "RPE",
]

# Header spellings seen in Strong exports, by the field they hold.
COLUMNS = {
    "date": ["date"],
    "workout": ["workout name"],
    "number": ["workout #"],
    "duration": ["duration", "workout duration", "duration (sec)"],
    "exercise": ["exercise name"],
    "set_order": ["set order"],
    "weight": ["weight", "weight (kg)", "weight (lbs)", "weight (lb)"],
    "weight_unit": ["weight unit"],
    "reps": ["reps"],
    "distance": ["distance", "distance (meters)", "distance (m)", "distance (km)", "distance (miles)"],
    "distance_unit": ["distance unit"],
    "seconds": ["seconds"],
    "notes": ["notes"],
    "workout_notes": ["workout notes"],
    "rpe": ["rpe"],
}
REQUIRED = ["date", "workout", "exercise", "set_order", "weight", "reps"]
KINDS = {"W": LoggedSet.Kind.WARMUP, "D": LoggedSet.Kind.DROP, "F": LoggedSet.Kind.FAILURE}
KIND_CODES = {v: k for k, v in KINDS.items()}
# The file's column for each field of a set, to say where a rule was broken.
COLUMN_OF = {
    "exercise": "Exercise Name",
    "exercise_name": "Exercise Name",
    "reps": "Reps",
    "duration_s": "Seconds",
    "distance_m": "Distance",
    "load_kg": "Weight",
    "rpe": "RPE",
    "note": "Notes",
}
# A set's side travels as a "[L]" or "[R]" at the start of its note (Strong has no side column).
SIDE_RE = re.compile(r"^\[([LR])\](?: |$)")
SIDES = {"L": LoggedSet.Side.LEFT, "R": LoggedSet.Side.RIGHT}
SIDE_CODES = {v: k for k, v in SIDES.items()}
EFFORT_RE = re.compile(r"\s*\[effort (\d{1,2})/10\]\s*$")
# The export writes distances in the runner's units: km beside kg, miles beside lb (as Strong does).
DISTANCE_UNIT = {"kg": ("km", Decimal(1000), Decimal("0.00001")), "lb": ("mi", Decimal("1609.344"), Decimal("1e-8"))}


def parse_duration(text):
    """Strong's workout duration ('55s', '1h 5m', '21min', '17m', or seconds) in minutes, or None."""
    text = (text or "").strip().lower()
    if not text:
        return None
    if re.fullmatch(r"\d{1,7}(\.\d+)?", text):
        return round(float(text) / 60)
    total = 0
    found = False
    for amount, unit in re.findall(r"(\d{1,7})\s*(h|min|m|s)", text):
        found = True
        total += int(amount) * {"h": 3600, "min": 60, "m": 60, "s": 1}[unit]
    if not found:
        raise ValueError(f"“{text}” is not a duration")
    return round(total / 60)


def _header_map(header):
    found = {}
    for index, raw in enumerate(header):
        key = (raw or "").strip().lower()
        for name, spellings in COLUMNS.items():
            if key in spellings and name not in found:
                found[name] = (index, key)
    return found


def parse(text, default_unit="kg", distance_unit="km"):
    """Read a Strong CSV into workouts; problems go into the report (errors reject the file)."""
    report = ImportReport(format="strong")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        report.errors.append((1, "file", "The file is empty."))
        return [], report
    except csv.Error as exc:
        report.errors.append((1, "header", f"This can't be read as CSV ({exc}). Is this a Strong or Hevy export?"))
        return [], report
    columns = _header_map(header)
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        labels = {
            "date": "Date",
            "workout": "Workout Name",
            "exercise": "Exercise Name",
            "set_order": "Set Order",
            "weight": "Weight",
            "reps": "Reps",
        }
        report.errors.append(
            (1, "header", "Missing column(s): " + ", ".join(labels[m] for m in missing) + ". Is this a Strong export?")
        )
        return [], report
    header_unit = None
    weight_key = columns["weight"][1]
    if "kg" in weight_key:
        header_unit = "kg"
    elif "lb" in weight_key:
        header_unit = "lb"
    distance_key = columns.get("distance", (None, ""))[1]
    header_distance = {"distance (km)": "km", "distance (miles)": "mi", "distance (meters)": "m", "distance (m)": "m"}
    header_distance = header_distance.get(distance_key, distance_unit)
    duration_in_seconds = columns.get("duration", (None, ""))[1] == "duration (sec)"
    workouts = {}
    today = timezone.localdate()
    pending_notes = {}  # workout key → text of its Note rows

    def cell(row, name):
        if name not in columns:
            return ""
        index = columns[name][0]
        return row[index].strip() if index < len(row) else ""

    for line, row in data_rows(reader, report, header, "Strong"):
        order = cell(row, "set_order")
        exercise_name = restore(cell(row, "exercise"))
        raw_date = cell(row, "date")
        workout_name = restore(cell(row, "workout"))
        key = workout_key(raw_date, workout_name, cell(row, "number"))
        if order.lower() == "rest timer" or exercise_name.lower() == "rest timer":
            report.leave_out(line, "A rest timer, not a set.")
            continue
        if order.lower() == "note" or exercise_name.lower() == "note":
            text_of_note = restore(cell(row, "notes")).replace("\\n", "\n")
            if text_of_note:
                pending_notes.setdefault(key, []).append(text_of_note)
                report.leave_out(line, "A note row, not a set; its text is added to the workout's notes.")
            else:
                report.leave_out(line, "An empty note row, not a set.")
            continue
        errors_before = len(report.errors)

        def bad(column, message, line=line):
            report.errors.append((line, column, message))

        when = None
        for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
            try:
                when = datetime.strptime(raw_date, fmt)
                break
            except ValueError:
                continue
        if when is None:
            bad("Date", f"“{raw_date}” is not a date like 2024-05-01 18:30:00.")
        elif problem := rules.date_problem(when.date(), today):
            bad("Date", f"{when.date()}: {problem}")
        if not exercise_name:
            bad("Exercise Name", "Empty exercise name.")
        kind = LoggedSet.Kind.WORKING
        numbered = False
        if order.upper() in KINDS:
            kind = KINDS[order.upper()]
        elif re.fullmatch(r"\d+(\.0)?", order):
            numbered = True
        else:
            bad("Set Order", f"“{order}” is not a set number or W, D, F.")

        def number(name, column, row=row):
            try:
                return decimal(cell(row, name))
            except ValueError as exc:
                bad(column, str(exc) + ".")
                return None

        weight = number("weight", "Weight")
        reps = number("reps", "Reps")
        seconds = number("seconds", "Seconds")
        distance = number("distance", "Distance")
        rpe = number("rpe", "RPE")
        unit = default_unit
        row_unit = cell(row, "weight_unit").lower()
        if row_unit in ("lbs", "lb"):
            unit = "lb"
        elif row_unit == "kg":
            unit = "kg"
        elif header_unit:
            unit = header_unit
        # Read here; what is allowed is logbook.rules' to say, once the set is built below.
        load_kg = to_kg(weight, unit) if weight else None
        if reps is not None:
            if reps != reps.to_integral():
                bad("Reps", f"“{reps}” is not a whole number of reps.")
            reps = int(reps)
        if seconds is not None:
            seconds = int(seconds) or None
        if distance is not None:
            distance = to_metres(distance, cell(row, "distance_unit").lower() or header_distance)
        note = restore(cell(row, "notes")).replace("\\n", "\n")
        rpe, note = checked_rpe(report, line, rpe, note)
        if len(report.errors) > errors_before:
            continue
        if (done := what_was_done(report, line, reps, load_kg, seconds, distance, kind)) is None:
            continue
        reps, kind = done
        side = LoggedSet.Side.BOTH
        if match := SIDE_RE.match(note):  # "[L] note", or just "[L]" once the cell is stripped
            note, side = note[match.end() :], SIDES[match.group(1)]
        logged = {
            "exercise_name": exercise_name[: rules.MAX_NAME],
            "reps": reps,
            "duration_s": seconds,
            "distance_m": distance,
            "load_kg": load_kg,
            "side": side,
            "rpe": rpe,
            "kind": kind,
            "note": note[: rules.MAX_NOTE],
        }
        if problems := rules.set_problems(**logged):
            for name, message in problems.items():
                bad(COLUMN_OF.get(name, name), message)
            continue
        if key not in workouts:
            duration = None
            try:
                raw = cell(row, "duration")
                duration = round(int(decimal(raw) or 0) / 60) or None if duration_in_seconds else parse_duration(raw)
            except ValueError:
                report.warnings.append(f"Line {line}: workout duration “{cell(row, 'duration')}” was not understood.")
            if duration is not None and not 1 <= duration <= 24 * 60:
                report.warnings.append(f"Line {line}: workout duration of {duration} minutes ignored as implausible.")
                duration = None
            notes = restore(cell(row, "workout_notes")).replace("\\n", "\n")
            effort = None
            if match := EFFORT_RE.search(notes):
                effort = int(match.group(1)) if 1 <= int(match.group(1)) <= 10 else None
                notes = notes[: match.start()]
            workouts[key] = ParsedWorkout(
                line=line,
                key=key,
                date=when.date(),
                start_time=when.time(),
                name=workout_name[: rules.MAX_NAME],
                duration_min=duration,
                notes=notes,
                effort=effort,
                sets=[],
            )
        workout = workouts[key]
        workout.sets.append(logged)
        workout.lines.append(line)
        workout.signatures.append(tuple(row))
        workout.numbered.append(numbered)
    for key, texts in pending_notes.items():
        if key in workouts:
            workouts[key].notes = "\n".join([workouts[key].notes, *texts]).strip()
    return list(workouts.values()), report


def import_csv(user, text, default_unit="kg", *, distance_unit="", file_name="import.csv", choices=None):
    """Import a Strong or Hevy CSV for `user` in one step (the page adds a review between the two).

    All or nothing: any error and nothing is saved. `choices` maps source names to exercises (or None
    for a new own exercise); names without a choice take their proposal.
    """
    draft = services.draft_import(user, text, unit=default_unit, distance_unit=distance_unit, file_name=file_name)
    return finish(draft, choices or {})


def finish(draft, choices):
    """Commit a draft (see services.commit_import) and fill its report with what was saved."""
    report = draft.report
    if not report.ok:
        return report
    if draft.batch is None:  # this very file was imported before
        report.sessions_already_there = len(draft.workouts)
        return report
    batch = services.commit_import(draft.batch, choices, workouts=draft.workouts, report=report)
    report.batch = batch
    report.sessions_created = batch.sessions_created
    report.sessions_already_there = batch.sessions_already_there
    report.sets_created = batch.sets_created
    report.own_created = list(
        Exercise.objects.filter(pk__in=batch.created_exercises).order_by("name").values_list("name", flat=True)
    )
    return report


def _number(value):
    return "" if value is None else f"{Decimal(value).normalize():f}"


def _duration(minutes):
    if not minutes:
        return ""
    hours, mins = divmod(minutes, 60)
    return f"{hours}h {mins}m" if hours else f"{mins}m"


def _unique_stamp(stamp, title, used):
    """Date and time for a workout that no other workout of the same name in the export has.

    Strong (and the importer) tell workouts apart by date, time and name, so two sessions logged
    within the same second on one day would otherwise come back as one.
    """
    for offset in range(24 * 60 * 60):
        for candidate in (stamp + timedelta(seconds=offset), stamp - timedelta(seconds=offset)):
            if candidate.date() == stamp.date() and (candidate, title) not in used:
                used.add((candidate, title))
                return candidate
    return stamp


def _distance(metres, unit):
    if metres is None:
        return ""
    _, factor, step = DISTANCE_UNIT[unit]
    return _number((Decimal(metres) / factor).quantize(step))


def export_rows(sessions, unit):
    """Strong-layout rows (lists) for the given sessions (`logbook.exports.sessions`).

    Text a spreadsheet would run as a formula is neutralised; the importer reads it back to the same text.
    """
    used = set()
    for session in sessions:
        when = session.start_time or timezone.localtime(session.created_at).time().replace(microsecond=0)
        stamp = _unique_stamp(datetime.combine(session.date, when), session.title, used)
        date = f"{stamp:%Y-%m-%d %H:%M:%S}"
        workout_notes = neutralise(session.notes + (f" [effort {session.effort}/10]" if session.effort else ""))
        title = neutralise(session.title)
        counters = Counter()
        for logged in session.sets:
            name = logged.export_name
            if logged.kind == LoggedSet.Kind.WORKING:
                counters[name] += 1
                order = str(counters[name])
            else:
                order = KIND_CODES[logged.kind]
            code = SIDE_CODES.get(logged.side)
            note = f"[{code}] {logged.note}".rstrip() if code else logged.note
            weight = exact(logged.load_kg, unit)  # "225" lb, not "224.9994": still the same grams back
            yield [
                date,
                title,
                _duration(session.duration_min),
                neutralise(name),
                order,
                weight or "",
                _number(logged.reps),
                _distance(logged.distance_m, unit),
                _number(logged.duration_s),
                neutralise(note),
                workout_notes,
                _number(logged.rpe),
            ]
