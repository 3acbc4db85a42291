"""Hevy CSV: the real sample comes across whole, set types, supersets, notes, RPE, units and month names in
six languages are read, and the format is told from the header."""

import csv
import datetime
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from logbook import importers, strong
from logbook.importers import hevy
from logbook.models import LoggedSet, Session

from .helpers import confirm_import, log_counts, page_text

SAMPLE = Path(__file__).parent / "data" / "hevy-samples" / "hevy_si2aung_1.csv"
HEADER = (
    "title,start_time,end_time,description,exercise_title,superset_id,exercise_notes,set_index,set_type,"
    "weight_kg,reps,distance_km,duration_seconds,rpe"
)


def hevy_row(
    title="Legs",
    start="7 Apr 2024, 16:34",
    end="7 Apr 2024, 17:35",
    description="",
    exercise="Squat (Barbell)",
    superset="",
    notes="",
    index=0,
    kind="normal",
    weight="100",
    reps="5",
    distance="",
    seconds="",
    rpe="",
):
    cells = [title, start, end, description, exercise, superset, notes, index, kind, weight, reps, distance, seconds]
    return ",".join(f'"{c}"' for c in [*cells, rpe])


def hevy_text(*rows, header=HEADER):
    return "\n".join([header, *rows])


def test_the_format_is_told_from_the_header():
    assert importers.detect_format(SAMPLE.read_text(encoding="utf-8")) == "hevy"
    assert importers.detect_format("Date,Workout Name,Exercise Name,Set Order,Weight,Reps\n") == "strong"


def test_every_row_of_the_real_sample_comes_across(content, user):
    rows = list(csv.DictReader(SAMPLE.open(encoding="utf-8")))
    report = strong.import_csv(user, SAMPLE.read_text(encoding="utf-8"), "kg")
    assert report.ok, report.errors[:5]
    assert report.format == "hevy"
    assert report.rows == len(rows) == 3430 == report.sets_created + len(report.left_out)
    assert report.sessions_created == len({(r["title"], r["start_time"]) for r in rows}) == 172
    assert Counter(LoggedSet.objects.values_list("exercise_name", flat=True)) == Counter(
        r["exercise_title"] for r in rows
    )
    kinds = Counter(LoggedSet.objects.values_list("kind", flat=True))
    assert kinds == Counter(
        {"normal": "working", "warmup": "warmup", "failure": "failure"}[r["set_type"]] for r in rows
    )
    assert LoggedSet.objects.exclude(superset=None).count() == sum(1 for r in rows if r["superset_id"]) == 250
    assert not LoggedSet.objects.filter(exercise__isnull=True).exists()
    first = Session.objects.get(date=datetime.date(2024, 4, 7))
    assert (first.name, first.start_time, first.duration_min) == ("Upper", datetime.time(16, 34), 61)
    assert list(first.sets.order_by("order").values_list("exercise_name", "load_kg", "reps")[:2]) == [
        ("Pull Up (Assisted)", Decimal(15), 6),
        ("Pull Up (Assisted)", Decimal(25), 6),
    ]
    # Exercise notes travel with the first set of each exercise block.
    noted = {r["exercise_notes"] for r in rows if r["exercise_notes"]}
    assert noted <= set(LoggedSet.objects.values_list("note", flat=True))


def test_the_page_reads_a_hevy_file(client_logged_in, user, content):
    page = page_text(confirm_import(client_logged_in, SAMPLE.read_bytes(), "kg", name=SAMPLE.name))
    assert "Imported 172 sessions with 3430 sets." in page and "Hevy export" in page
    assert log_counts(user) == (172, 3430)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7 Apr 2024, 16:34", (2024, 4, 7, 16, 34)),
        ("5 mai 2026, 07:34", (2026, 5, 5, 7, 34)),  # Portuguese, French
        ("5 Mai 2026, 07:34", (2026, 5, 5, 7, 34)),  # German
        ("12 dez. 2025, 18:00", (2025, 12, 12, 18, 0)),  # Portuguese, short with a dot
        ("3 de março de 2025, 09:05", (2025, 3, 3, 9, 5)),
        ("3 ene 2025, 09:05", (2025, 1, 3, 9, 5)),  # Spanish
        ("21 septiembre 2024, 10:00", (2024, 9, 21, 10, 0)),
        ("1 März 2024, 06:15", (2024, 3, 1, 6, 15)),  # German
        ("1 Okt. 2024, 06:15", (2024, 10, 1, 6, 15)),
        ("14 févr. 2024, 19:45", (2024, 2, 14, 19, 45)),  # French
        ("14 août 2024, 19:45", (2024, 8, 14, 19, 45)),
        ("9 giu 2024, 07:00", (2024, 6, 9, 7, 0)),  # Italian
        ("9 dicembre 2024, 07:00", (2024, 12, 9, 7, 0)),
        ("2024-04-07 16:34:00", (2024, 4, 7, 16, 34)),
    ],
)
def test_dates_in_the_languages_hevy_writes(text, expected):
    assert hevy.parse_date(text) == datetime.datetime(*expected)


def test_an_unknown_month_is_a_clear_error(content, user):
    report = strong.import_csv(user, hevy_text(hevy_row(start="7 Smarch 2024, 16:34")))
    assert [(line, column) for line, column, _ in report.errors] == [(2, "start_time")]
    assert log_counts() == (0, 0)


def test_every_set_type_and_a_missed_attempt(content, user):
    body = hevy_text(
        hevy_row(kind="warmup", weight="60"),
        hevy_row(kind="warmup", weight="60", index=1),
        hevy_row(kind="normal", index=2),
        hevy_row(kind="dropset", weight="80", index=3),
        hevy_row(kind="failure", index=4),
        hevy_row(kind="normal", reps="0", weight="140", index=5),
    )
    report = strong.import_csv(user, body)
    assert report.ok and report.sets_created == 6
    got = list(LoggedSet.objects.order_by("order").values_list("kind", "reps"))
    assert got == [("warmup", 5), ("warmup", 5), ("working", 5), ("drop", 5), ("failure", 5), ("failure", 0)]


def test_supersets_notes_rpe_and_descriptions(content, user):
    body = hevy_text(
        hevy_row(superset="0", notes="Elbows in", rpe="8.5", description="Good one"),
        hevy_row(superset="0", notes="Elbows in", index=1, rpe="12"),
        hevy_row(exercise="Face Pull", superset="0", weight="20", reps="15"),
    )
    report = strong.import_csv(user, body)
    assert report.ok and len(report.warnings) == 1
    got = list(LoggedSet.objects.order_by("order").values_list("superset", "note", "rpe"))
    assert got == [(0, "Elbows in", Decimal("8.5")), (0, "(RPE 12)", None), (0, "", None)]
    assert Session.objects.get().notes == "Good one"


def test_pounds_and_miles_from_the_header(content, user):
    header = HEADER.replace("weight_kg", "weight_lbs").replace("distance_km", "distance_miles")
    body = hevy_text(
        hevy_row(weight="225"),
        hevy_row(exercise="Running", weight="", reps="", distance="1", seconds="600"),
        header=header,
    )
    assert strong.import_csv(user, body, "kg").ok  # the header's unit wins
    squat, run = LoggedSet.objects.order_by("order")
    assert squat.load_kg == Decimal("102.058") and run.distance_m == Decimal("1609.34")


def test_kilograms_and_kilometres(content, user):
    body = hevy_text(hevy_row(weight="52.5"), hevy_row(exercise="Running", weight="", reps="", distance="5.2"))
    assert strong.import_csv(user, body, "lb").ok
    squat, run = LoggedSet.objects.order_by("order")
    assert squat.load_kg == Decimal("52.5") and run.distance_m == Decimal(5200)


def test_a_workout_repeated_whole_is_a_duplicate_and_the_same_exercise_twice_is_not(content, user):
    workout = [hevy_row(index=0), hevy_row(index=1, reps="4")]
    report = strong.import_csv(user, hevy_text(*workout, *workout))
    assert report.ok and report.sets_created == 2 and len(report.left_out) == 2
    # One exercise done in two blocks, each of one set: two sets, however alike.
    again = hevy_text(hevy_row(title="Other", index=0), hevy_row(title="Other", index=0))
    assert strong.import_csv(user, again).sets_created == 2
