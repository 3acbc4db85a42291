"""Importers for other apps' exports (Strong, Hevy): what they share.

A parser turns a file into `ParsedWorkout`s whose sets carry the source's exercise name, and an
`ImportReport` that accounts for every row (a set, or left out with its line and reason). Exercise names
are then resolved: the runner's remembered choice, the reviewed list of sure matches (`names.yaml`), an
own exercise of that name, or a new own exercise. `logbook.services.commit_import` writes the result.
"""

import csv
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

import yaml

from ..rules import RPE_VALUES

MAX_BYTES = 10 * 1024 * 1024
# A spreadsheet runs a cell starting with one of these as a formula; exports prefix such text with "'".
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def normalise(name):
    """A name for matching: no accents, case or punctuation."""
    text = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode().lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def _needs_quote(text):
    return text.lstrip("'").startswith(FORMULA_START)


def neutralise(text):
    """Text a spreadsheet shows as text: a leading formula character gets a "'" before it.

    Text that already starts with "'" before one gets another, so `restore` always gives back the original.
    """
    text = text or ""
    return "'" + text if _needs_quote(text) else text


def restore(text):
    """The text `neutralise` was given."""
    return text[1:] if text.startswith("'") and _needs_quote(text[1:]) else text


def read_upload(upload):
    """An uploaded file's text; ValueError with the runner's message when it is too big or not UTF-8."""
    if upload.size > MAX_BYTES:
        raise ValueError("That file is over 10 MB; is it a Strong or Hevy export?")
    raw = upload.read()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
            raise ValueError(
                "That file is UTF-16 text, not UTF-8; export it from the app again, or save it as UTF-8."
            ) from None
        raise ValueError("That file is not UTF-8 text; export it from Strong or Hevy again.") from None


def sha256(text):
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def decimal(text):
    """A number cell as a Decimal (None when empty); a decimal comma is read too. ValueError when garbage."""
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


METRES = {
    "m": Decimal(1),
    "meters": Decimal(1),
    "metres": Decimal(1),
    "km": Decimal(1000),
    "kilometers": Decimal(1000),
    "mi": Decimal("1609.344"),
    "miles": Decimal("1609.344"),
    "ft": Decimal("0.3048"),
    "feet": Decimal("0.3048"),
    "yd": Decimal("0.9144"),
    "yards": Decimal("0.9144"),
}


def to_metres(value, unit):
    if value is None:
        return None
    return (value * METRES.get(unit, Decimal(1))).quantize(Decimal("0.01")) or None


@dataclass
class ImportReport:
    format: str = "strong"
    rows: int = 0  # data rows read
    sessions_created: int = 0
    sessions_already_there: int = 0
    sets_created: int = 0
    sets_read: int = 0
    already_imported: object = None  # the batch that already holds this very file
    left_out: list = field(default_factory=list)  # [line, reason], one per row not stored as a set
    names: dict = field(default_factory=dict)  # source name → sets
    warnings: list = field(default_factory=list)
    errors: list = field(default_factory=list)  # (line, column, message)
    own_created: list = field(default_factory=list)  # names of own exercises this import made
    batch: object = None  # the ImportBatch, once saved

    @property
    def ok(self):
        return not self.errors

    def leave_out(self, line, reason):
        self.left_out.append([line, reason])

    @property
    def name_counts(self):
        """(name, sets), most sets first."""
        return sorted(self.names.items(), key=lambda pair: (-pair[1], pair[0]))


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
    sets: list  # dicts of LoggedSet fields with `exercise_name`, no `exercise` yet
    lines: list = field(default_factory=list)  # the file line of each set
    signatures: list = field(default_factory=list)  # each set's row, to find a workout repeated whole
    numbered: list = field(default_factory=list)  # whether each row carries its own set number


def checked_rpe(report, line, rpe, note):
    """(rpe, note): an RPE outside 6–10 goes into the note with a warning; 0 means none was given."""
    if rpe is not None and rpe not in RPE_VALUES:
        if rpe != 0:
            report.warnings.append(f"Line {line}: RPE {rpe} is outside 6–10; kept in the set's note.")
            note = f"{note} (RPE {rpe})".strip()
        rpe = None
    return rpe, note


def what_was_done(report, line, reps, load_kg, seconds, distance, kind):
    """(reps, kind) of a row, or None (and the row listed as left out) when nothing was done in it.

    A weight with 0 reps and no time or distance is a missed attempt: a set to failure with 0 reps.
    """
    if reps == 0 and load_kg and not seconds and not distance:
        return 0, "failure"
    if reps == 0:
        reps = None
    if reps is None and seconds is None and distance is None:
        report.leave_out(line, "No reps, time or distance: nothing was done in this row.")
        return None
    return reps, kind


def workout_key(*parts):
    return hashlib.sha256("|".join(str(p) for p in parts).encode("utf-8", "surrogatepass")).hexdigest()[:40]


def drop_repeated_workouts(workouts, report):
    """A workout whose rows are the same rows twice over is in the file twice: keep it once, list the rest.

    Identical rows alone are distinct sets (two equal warm-ups); only a whole repeat counts, and only when
    the repeat holds a row that names its own set number (no app writes set 1 of an exercise twice), or
    more than one row.
    """
    for workout in workouts:
        count = len(workout.signatures)
        half = count // 2
        if count < 2 or count % 2 or workout.signatures[:half] != workout.signatures[half:]:
            continue
        if not (any(workout.numbered[:half]) or half >= 2):
            continue
        for line, first in zip(workout.lines[half:], workout.lines[:half], strict=True):
            report.leave_out(line, f"The whole workout appears twice in the file; this row repeats line {first}.")
        workout.sets, workout.lines = workout.sets[:half], workout.lines[:half]
        workout.signatures, workout.numbered = workout.signatures[:half], workout.numbered[:half]


@lru_cache(maxsize=1)
def reviewed_names():
    """{normalised Strong or Hevy name: library slug} from names.yaml."""
    data = yaml.safe_load((Path(__file__).parent / "names.yaml").read_text(encoding="utf-8")) or {}
    return {normalise(name): slug for slug, names in data.items() for name in names}


@dataclass
class Proposal:
    """What an imported name will be logged as: an existing exercise (library or own), or a new own one."""

    name: str
    sets: int
    exercise: object = None  # None: a new own exercise named `name`
    why: str = ""

    @property
    def choice(self):
        return str(self.exercise.pk) if self.exercise is not None else "new"


def propose(user, names):
    """{name: Proposal} for the names of a file, for `user`: remembered choice, reviewed match, own, new."""
    from exercises.models import Exercise

    from ..models import ExerciseNameMapping

    names = dict(names)
    remembered = {
        m.source_name: m.exercise
        for m in ExerciseNameMapping.objects.filter(user=user, source_name__in=list(names)).select_related("exercise")
    }
    library = {}
    reviewed = reviewed_names()
    for exercise in Exercise.objects.library():
        library[normalise(exercise.name)] = exercise
        library[normalise(exercise.slug)] = exercise
    by_slug = {e.slug: e for e in library.values()}
    own = {normalise(e.name): e for e in Exercise.objects.owned_by(user)}
    found = {}
    for name, count in names.items():
        key = normalise(name)
        if name in remembered:
            found[name] = Proposal(name, count, remembered[name], "your choice last time")
        elif key in reviewed and reviewed[key] in by_slug:
            found[name] = Proposal(name, count, by_slug[reviewed[key]], "a reviewed match")
        elif key in library:
            found[name] = Proposal(name, count, library[key], "the library's own name")
        elif key in own:
            found[name] = Proposal(name, count, own[key], "your exercise of that name")
        else:
            found[name] = Proposal(name, count, None, "new")
    return found


def detect_format(text):
    """'hevy' when the header is Hevy's, else 'strong' (whose parser says what is missing)."""
    first = text.lstrip("\ufeff").split("\n", 1)[0].lower()
    return "hevy" if "exercise_title" in first and "set_type" in first else "strong"


def parse(text, unit="kg", distance_unit=""):
    """Read a Strong or Hevy export (detected from its header): (workouts, report)."""
    from .. import strong
    from . import hevy

    text = text.lstrip("\ufeff")
    kind = detect_format(text)
    distance_unit = distance_unit or ("mi" if unit == "lb" else "km")
    if kind == "hevy":
        workouts, report = hevy.parse(text, unit)
    else:
        workouts, report = strong.parse(text, unit, distance_unit)
    report.format = kind
    if report.ok:
        drop_repeated_workouts(workouts, report)
        report.sets_read = sum(len(w.sets) for w in workouts)
        report.names = {}
        for workout in workouts:
            for row in workout.sets:
                report.names[row["exercise_name"]] = report.names.get(row["exercise_name"], 0) + 1
        if not workouts:
            report.errors.append((1, "file", "No sets were found in the file."))
    return workouts, report


def data_rows(reader, report, header, source):
    """(line, row) for each row of an export worth reading, counted in `report`; a row the csv module can't
    read ends the file, and a row with a NUL or too few fields is listed as an error and passed over."""
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            report.errors.append((reader.line_num, "row", f"This can't be read as CSV ({exc})."))
            return
        line = reader.line_num
        if not any(c.strip() for c in row):
            continue
        report.rows += 1
        if any("\x00" in c for c in row):
            report.errors.append((line, "row", f"Holds a NUL character, which no {source} export has."))
        elif len(row) < len(header) - 3:
            report.errors.append((line, "row", f"Has {len(row)} fields where the header has {len(header)}."))
        else:
            yield line, row
