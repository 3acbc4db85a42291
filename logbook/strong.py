"""Strong app CSV: export the log in Strong's column layout, and import Strong exports.

Real exports are messy (see shared/strong-samples): semicolon or comma separated, units in the
header, per row or nowhere, set orders W/D/F, Rest Timer and Note rows, duplicate rows, literal
"\\n" in notes, durations like "1h 5m". The importer keeps every set it can read, keeps sets of
exercises the library does not know under their Strong names, and rejects the whole file with
row-level messages when a row is garbage.
"""

import csv
import hashlib
import io
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.utils import timezone

from exercises.models import Exercise

from . import rules, services
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
NOT_SETS = {"rest timer", "note"}
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
METRES = {"m": 1, "meters": 1, "km": 1000, "mi": 1609.344, "miles": 1609.344, "ft": 0.3048, "yd": 0.9144}
# A set's side travels as a "[L]" or "[R]" at the start of its note (Strong has no side column).
SIDE_RE = re.compile(r"^\[([LR])\](?: |$)")
SIDES = {"L": LoggedSet.Side.LEFT, "R": LoggedSet.Side.RIGHT}
SIDE_CODES = {v: k for k, v in SIDES.items()}
EFFORT_RE = re.compile(r"\s*\[effort (\d{1,2})/10\]\s*$")

# Strong's own names for moves the library holds under another name.
STRONG_NAMES = {
    "squat barbell": "back-squat",
    "squat": "back-squat",
    "front squat barbell": "back-squat",
    "goblet squat kettlebell": "goblet-squat",
    "goblet squat dumbbell": "goblet-squat",
    "deadlift barbell": "conventional-deadlift",
    "deadlift dumbbell": "conventional-deadlift",
    "trap bar deadlift": "conventional-deadlift",
    "romanian deadlift barbell": "romanian-deadlift",
    "romanian deadlift dumbbell": "romanian-deadlift",
    "stiff leg deadlift": "stiff-legged-deadlift",
    "single leg romanian deadlift": "single-leg-romanian-deadlift",
    "bulgarian split squat": "rear-foot-elevated-split-squat",
    "hip thrust barbell": "hip-thrust",
    "glute bridge": "glute-bridge",
    "lunge dumbbell": "forward-lunge",
    "lunge barbell": "forward-lunge",
    "lunge": "forward-lunge",
    "walking lunge": "walking-lunge",
    "reverse lunge": "reverse-lunge",
    "step up": "step-up",
    "box jump": "box-jump",
    "jump squat": "squat-jump",
    "lying leg curl machine": "hamstring-curl",
    "seated leg curl machine": "hamstring-curl",
    "leg curl": "hamstring-curl",
    "back extension": "hamstring-extension",
    "standing calf raise": "standing-calf-raise",
    "standing calf raise machine": "standing-calf-raise",
    "standing calf raise dumbbell": "standing-calf-raise",
    "seated calf raise": "bent-knee-calf-raise",
    "seated calf raise machine": "bent-knee-calf-raise",
    "seated calf raise plate loaded": "bent-knee-calf-raise",
    "calf press on seated machine": "bent-knee-calf-raise",
    "bench press barbell": "bench-press",
    "bent over row barbell": "bent-over-row",
    "upright row barbell": "upright-row",
    "upright row band": "upright-row",
    "push up": "press-up",
    "russian twist": "medicine-ball-russian-twist",
    "plank": "plank",
    "sit up": "sit-up",
    "triceps dip": "triceps-dip",
    "bench dip": "triceps-dip",
}


def normalise(name):
    text = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode().lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


class ExerciseMatcher:
    """Find a library exercise for a Strong exercise name, by name, alias or Strong's own name."""

    def __init__(self):
        self.index = {}
        for exercise in Exercise.objects.all():
            for name in [exercise.name, exercise.slug, *exercise.alias_list]:
                self.index.setdefault(normalise(name), exercise)
        by_slug = {e.slug: e for e in self.index.values()}
        for strong, slug in STRONG_NAMES.items():
            if slug in by_slug:
                self.index.setdefault(strong, by_slug[slug])

    def __call__(self, name):
        key = normalise(name)
        if key in self.index:
            return self.index[key]
        bare = normalise(re.sub(r"\([^)]*\)", " ", name or ""))
        return self.index.get(bare)


@dataclass
class ImportReport:
    sessions_created: int = 0
    sessions_already_there: int = 0
    sets_created: int = 0
    rows_not_sets: int = 0
    duplicate_rows: int = 0
    empty_rows: int = 0
    unknown: Counter = field(default_factory=Counter)
    warnings: list = field(default_factory=list)
    errors: list = field(default_factory=list)  # (line, column, message)

    @property
    def ok(self):
        return not self.errors

    @property
    def unknown_names(self):
        """(name, sets) most common first; templates can't call Counter.most_common (they look up a key)."""
        return self.unknown.most_common()


def _decimal(text):
    text = (text or "").strip()
    if text == "":
        return None
    if "," in text and "." not in text:
        text = text.replace(",", ".")  # decimal comma from semicolon-separated locales
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"“{text}” is not a number") from None
    if not value.is_finite():
        raise ValueError(f"“{text}” is not a number")
    if value.adjusted() >= 7:  # no column of a training log holds ten million of anything
        raise ValueError(f"“{text}” is too large")
    return value


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


@dataclass
class ParsedWorkout:
    line: int  # where it starts in the file
    key: str
    date: object
    start_time: object
    name: str
    duration_min: int | None
    notes: str
    effort: int | None
    sets: list


def parse(text, default_unit="kg"):
    """Read a Strong CSV into workouts; problems go into the report (errors reject the file)."""
    report = ImportReport()
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
        report.errors.append((1, "header", f"This can't be read as CSV ({exc}). Is this a Strong export?"))
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
    header_distance = {"distance (km)": "km", "distance (miles)": "mi"}.get(distance_key, "m")
    duration_in_seconds = columns.get("duration", (None, ""))[1] == "duration (sec)"
    matcher = ExerciseMatcher()
    workouts = {}
    seen_rows = set()
    today = timezone.localdate()

    def cell(row, name):
        if name not in columns:
            return ""
        index = columns[name][0]
        return row[index].strip() if index < len(row) else ""

    for row in _rows(reader, report):
        line = reader.line_num
        if not any(c.strip() for c in row):
            continue
        if any("\x00" in c for c in row):
            report.errors.append((line, "row", "Holds a NUL character, which no Strong export has."))
            continue
        if len(row) < len(header) - 3:
            report.errors.append((line, "row", f"Has {len(row)} fields where the header has {len(header)}."))
            continue
        order = cell(row, "set_order")
        exercise_name = cell(row, "exercise")
        if order.lower() in NOT_SETS or exercise_name.lower() in NOT_SETS:
            report.rows_not_sets += 1
            continue
        errors_before = len(report.errors)

        def bad(column, message, line=line):
            report.errors.append((line, column, message))

        raw_date = cell(row, "date")
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
        if order.upper() in KINDS:
            kind = KINDS[order.upper()]
        elif not re.fullmatch(r"\d+(\.0)?", order):
            bad("Set Order", f"“{order}” is not a set number or W, D, F.")

        def number(name, column, row=row):
            try:
                return _decimal(cell(row, name))
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
            reps = int(reps) or None
        if seconds is not None:
            seconds = int(seconds) or None
        if distance is not None:
            factor = METRES.get(cell(row, "distance_unit").lower() or header_distance, 1)
            distance = (distance * Decimal(str(factor))).quantize(Decimal("0.01")) or None
        note = cell(row, "notes").replace("\\n", "\n")
        if rpe is not None and rpe not in rules.RPE_VALUES:
            if rpe != 0:
                report.warnings.append(f"Line {line}: RPE {rpe} is outside 6–10; kept in the set's note.")
                note = f"{note} (RPE {rpe})".strip()
            rpe = None
        if len(report.errors) > errors_before:
            continue
        if reps is None and seconds is None and distance is None:
            report.empty_rows += 1
            continue
        signature = tuple(row)
        if signature in seen_rows:
            report.duplicate_rows += 1
            continue
        seen_rows.add(signature)

        exercise = matcher(exercise_name)
        side = LoggedSet.Side.BOTH
        if match := SIDE_RE.match(note):  # "[L] note", or just "[L]" once the cell is stripped
            note, side = note[match.end() :], SIDES[match.group(1)]
        if exercise is None:
            report.unknown[exercise_name] += 1
        elif not exercise.unilateral:
            side = LoggedSet.Side.BOTH

        logged = {
            "exercise": exercise,
            "exercise_name": "" if exercise else exercise_name[: rules.MAX_NAME],
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
        workout_name = cell(row, "workout")
        key_text = f"{raw_date}|{workout_name}|{cell(row, 'number')}"
        key = hashlib.sha256(key_text.encode()).hexdigest()[:40]
        if key not in workouts:
            duration = None
            try:
                raw = cell(row, "duration")
                duration = round(int(_decimal(raw) or 0) / 60) or None if duration_in_seconds else parse_duration(raw)
            except ValueError:
                report.warnings.append(f"Line {line}: workout duration “{cell(row, 'duration')}” was not understood.")
            if duration is not None and not 1 <= duration <= 24 * 60:
                report.warnings.append(f"Line {line}: workout duration of {duration} minutes ignored as implausible.")
                duration = None
            notes = cell(row, "workout_notes").replace("\\n", "\n")
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
        workouts[key].sets.append(logged)
    return list(workouts.values()), report


def _rows(reader, report):
    """The reader's rows; a row the csv module can't read (say a field over its size limit) is an error."""
    while True:
        try:
            yield next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            report.errors.append((reader.line_num, "row", f"This can't be read as CSV ({exc})."))
            return


def import_csv(user, text, default_unit="kg"):
    """Import a Strong CSV for `user`. All or nothing: any error and nothing is saved."""
    workouts, report = parse(text, default_unit)
    if report.errors:
        return report
    if not workouts:
        report.errors.append((1, "file", "No sets were found in the file."))
        return report
    for workout in workouts:
        if problem := rules.sets_problem(len(workout.sets)):
            report.errors.append(
                (workout.line, "workout", f"{workout.name or 'A workout'} on {workout.date}: {problem}")
            )
    if report.errors:
        return report
    result = services.import_sessions(
        user,
        [
            {
                "date": w.date,
                "start_time": w.start_time,
                "name": w.name,
                "notes": w.notes,
                "effort": w.effort,
                "duration_min": w.duration_min,
                "import_key": w.key,
                "sets": w.sets,
            }
            for w in workouts
        ],
    )
    report.sessions_created = result.sessions_created
    report.sessions_already_there = result.sessions_already_there
    report.sets_created = result.sets_created
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


def export_rows(sessions, unit):
    """Strong-layout rows (lists) for the given sessions, sets prefetched in order."""
    used = set()
    for session in sessions:
        when = session.start_time or timezone.localtime(session.created_at).time().replace(microsecond=0)
        stamp = _unique_stamp(datetime.combine(session.date, when), session.title, used)
        date = f"{stamp:%Y-%m-%d %H:%M:%S}"
        workout_notes = session.notes + (f" [effort {session.effort}/10]" if session.effort else "")
        counters = Counter()
        for logged in session.sets.all():
            name = logged.exercise.name if logged.exercise_id else logged.exercise_name
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
                session.title,
                _duration(session.duration_min),
                name,
                order,
                weight or "",
                _number(logged.reps),
                _number(logged.distance_m),
                _number(logged.duration_s),
                note,
                workout_notes,
                _number(logged.rpe),
            ]
