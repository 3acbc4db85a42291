"""Strong CSV: real exports come across whole (every row a set or listed with its reason), under the names
they had, messy input is handled, garbage is refused, and the log survives a round trip (export, then
import into a fresh account)."""

import csv
import datetime
import io
import json
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import BooleanField, ExpressionWrapper, Q, Value
from django.db.models.functions import Coalesce, NullIf

from exercises import services as exercise_services
from exercises.models import Exercise
from logbook import services as log_services
from logbook import strong
from logbook.models import LoggedSet, Session
from programs import services as program_services
from programs.models import Program

from .factories import UserFactory
from .helpers import confirm_import, ex, log_counts, page_text, read_form

D = datetime.date
SAMPLES = Path(__file__).parent / "data" / "strong-samples"
JOSH = SAMPLES / "strong_joshuayoes_2.csv"
AMIGO = SAMPLES / "strong_amigo163_3.csv"
HEADER = "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,Workout Notes,RPE"


def upload(client, content, unit="kg", name="strong.csv"):
    data = content if isinstance(content, bytes) else content.encode()
    return client.post("/log/import/", {"file": SimpleUploadedFile(name, data, "text/csv"), "unit": unit})


# --- an independent reading of the sample files ---------------------------------------------------------


def oracle(path):
    """What a careful reader of the file finds: set rows, workouts, and rows per exercise name."""
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig")), delimiter=";"))

    def number(value):
        return float(value) if value and value.strip() else 0.0

    def is_set(row):
        if row["Set Order"].strip().lower() in ("rest timer", "note"):
            return False
        distance = next(v for k, v in row.items() if k.startswith("Distance") and "Unit" not in k)
        weight = next(v for k, v in row.items() if k.startswith("Weight") and "Unit" not in k)
        # A weight with 0 reps is a missed attempt: still a set.
        return any(number(v) for v in (row["Reps"], row["Seconds"], distance, weight))

    sets = [r for r in rows if is_set(r)]
    workouts = {(r["Date"], r["Workout Name"], r.get("Workout #")) for r in sets}
    return {"rows": rows, "sets": sets, "workouts": workouts, "by_name": Counter(r["Exercise Name"] for r in sets)}


@pytest.fixture(params=[JOSH, AMIGO], ids=["joshuayoes", "amigo163"])
def sample(request):
    unit = "lb" if request.param == JOSH else "kg"
    return request.param, unit, oracle(request.param)


def test_every_set_row_of_a_real_export_comes_across(sample, content, user):
    path, unit, expected = sample
    assert len(expected["sets"]) > 300  # the oracle read something
    report = strong.import_csv(user, path.read_text(encoding="utf-8-sig"), unit)
    assert report.ok, report.errors
    assert report.sets_created == len(expected["sets"]) == LoggedSet.objects.count()
    assert report.sessions_created == len(expected["workouts"]) == Session.objects.count()
    # Every row of the file is accounted for: a set, or listed with its line and reason.
    assert report.rows == len(expected["rows"]) == report.sets_created + len(report.left_out)
    # Each exercise name's sets are all there under that name, every one linked to an exercise that
    # counts in progress: the library's for a reviewed name, else the runner's own of that name.
    assert not LoggedSet.objects.filter(exercise__isnull=True).exists()
    for name, count in expected["by_name"].items():
        name = name.strip()  # "Straight Pulldown " is Straight Pulldown
        sets = LoggedSet.objects.filter(exercise_name=name)
        assert sets.count() == count == report.names[name], name
        exercise = sets.first().exercise
        assert sets.exclude(exercise=exercise).count() == 0, name
        if exercise.owner_id:
            assert exercise.owner_id == user.pk and exercise.name == name, name
    assert Exercise.objects.owned_by(user).count() == len(report.own_created)


def test_importing_the_same_file_twice_adds_nothing(sample, content, user):
    path, unit, expected = sample
    body = path.read_text(encoding="utf-8-sig")
    strong.import_csv(user, body, unit)
    before = log_counts()
    again = strong.import_csv(user, body, unit)
    assert again.ok
    assert (again.sessions_created, again.sets_created) == (0, 0)
    assert again.sessions_already_there == len(expected["workouts"])
    assert log_counts() == before


def test_the_pounds_sample_in_detail(content, user):
    report = strong.import_csv(user, JOSH.read_text(), "kg")  # the file's own unit column wins
    first = Session.objects.get(date=D(2022, 9, 20))
    assert (first.name, first.start_time, first.duration_min) == ("Week B Day 1", datetime.time(16, 39, 37), 17)
    bench = list(first.sets.filter(exercise=ex("bench-press")).values_list("reps", "load_kg", "rpe"))
    assert bench == [
        (4, Decimal("52.163"), Decimal(6)),  # 115 lbs
        (8, Decimal("52.163"), Decimal(8)),
        (7, Decimal("52.163"), Decimal(9)),
        (6, Decimal("52.163"), Decimal(10)),
    ]
    assert first.sets.filter(exercise=ex("conventional-deadlift")).count() == 3
    assert report.names["Overhead Press (Barbell)"] == 99 and "Overhead Press (Barbell)" in report.own_created
    press = first.sets.filter(exercise_name="Overhead Press (Barbell)").values_list("load_kg", flat=True)
    assert list(press) == [Decimal("31.751"), Decimal("31.751"), Decimal("18.144"), Decimal("31.751")]
    assert LoggedSet.objects.filter(note="Felt pain on left tricep on second set").count() == 1
    assert LoggedSet.objects.filter(rpe=Decimal("7.5")).count() == 58
    # Band pull-ups with no weight are bodyweight sets.
    bands = LoggedSet.objects.filter(exercise_name="Pull Up (Band)")
    assert bands.count() == 12 and not bands.exclude(load_kg__isnull=True).exists()
    assert Session.objects.get(date=D(2022, 12, 20)).duration_min is not None


def test_the_kilogram_sample_in_detail(content, user):
    strong.import_csv(user, AMIGO.read_text(encoding="utf-8"), "lb")  # the header's "(kg)" wins
    first = Session.objects.get(date=D(2023, 6, 5))
    assert first.name == "Entrenamiento por la tarde noche" and first.duration_min == 81  # 4848 s
    bench = first.sets.filter(exercise=ex("bench-press")).values_list("reps", "load_kg")
    assert list(bench) == [
        (10, Decimal("52.163")),
        (8, Decimal("61.235")),
        (7, Decimal("70.307")),
        (6, Decimal("70.307")),
    ]
    dips = first.sets.filter(exercise_name="Chest Dip").values_list("reps", "load_kg")
    assert list(dips) == [(15, None), (15, None), (10, None)]  # 0.0 kg is bodyweight
    run = first.sets.get(exercise_name="Running (Treadmill)")
    assert (run.reps, run.duration_s, run.distance_m, run.load_kg) == (None, 1200, Decimal("4420.00"), None)
    names = set(Session.objects.values_list("name", flat=True))
    assert {"Entrenamiento de mediodía", "Entrenamiento por la mañana", "Pecho y Bíceps"} <= names
    assert LoggedSet.objects.filter(exercise__slug="plank", duration_s=130).count() == 1  # now in the library
    assert set(LoggedSet.objects.exclude(rpe=None).values_list("rpe", flat=True)) == {
        Decimal("9.5"),
        Decimal(9),
        Decimal(8),
        Decimal("7.5"),
    }


@pytest.mark.parametrize(
    ("path", "unit", "sessions", "unknown"), [(JOSH, "lb", 25, "Chin Up (Assisted)"), (AMIGO, "kg", 23, "Chest Dip")]
)
def test_import_page_with_a_real_file(client_logged_in, user, content, path, unit, sessions, unknown):
    expected = oracle(path)
    sets = len(expected["sets"])
    review = client_logged_in.post(
        "/log/import/", {"file": SimpleUploadedFile(path.name, path.read_bytes(), "text/csv"), "unit": unit}
    )
    assert review.status_code == 302 and log_counts(user) == (0, 0)  # nothing saved before the review
    page = page_text(client_logged_in.get(review["Location"]))
    assert f"{sessions} workouts with {sets} sets" in page
    assert f"{unknown} {expected['by_name'][unknown]} sets" in page and "Squat (Barbell)" in page
    response = confirm_import(client_logged_in, path.read_bytes(), unit, name=path.name)
    page = page_text(response)
    assert f"Imported {sessions} sessions with {sets} sets." in page
    assert "Exercises of your own it made" in page and unknown in page
    assert log_counts(user) == (sessions, sets)
    again = confirm_import(client_logged_in, path.read_bytes(), unit, name=path.name)
    assert again.status_code == 302
    assert "You already imported this file" in page_text(client_logged_in.get(again["Location"]))
    assert log_counts(user) == (sessions, sets)


# --- messy input ----------------------------------------------------------------------------------------


def csv_text(*rows, header=HEADER, newline="\n", trailing=True):
    return newline.join([header, *rows]) + (newline if trailing else "")


ROW = '2024-05-01 18:30:00,"Legs",45m,"{name}",{order},{weight},{reps},,{seconds},"{note}","{wnote}",{rpe}'


def row(name="Squat (Barbell)", order="1", weight="100", reps="5", seconds="", note="", wnote="", rpe=""):
    return ROW.format(
        name=name, order=order, weight=weight, reps=reps, seconds=seconds, note=note, wnote=wnote, rpe=rpe
    )


def test_the_export_layout_in_kilograms_and_pounds(content, user):
    body = csv_text(row(weight="115"), row(order="2", weight="120.5"))
    assert strong.import_csv(user, body, "lb").ok
    assert list(LoggedSet.objects.order_by("order").values_list("load_kg", flat=True)) == [
        Decimal("52.163"),
        Decimal("54.658"),
    ]
    other = UserFactory(username="kg-runner")
    assert strong.import_csv(other, body, "kg").ok
    loads = LoggedSet.objects.filter(session__user=other).order_by("order").values_list("load_kg", flat=True)
    assert list(loads) == [Decimal(115), Decimal("120.5")]


def test_set_orders_w_d_f_and_numbers(content, user):
    body = csv_text(
        row(order="W", weight="60"), row(order="1"), row(order="2"), row(order="D", weight="80"), row(order="F")
    )
    strong.import_csv(user, body)
    kinds = list(LoggedSet.objects.order_by("order").values_list("kind", flat=True))
    assert kinds == ["warmup", "working", "working", "drop", "failure"]


def test_rest_timer_and_note_rows_are_not_sets(content, user):
    body = csv_text(
        row(),
        row(order="Rest Timer", weight="0", reps="0", seconds="90"),
        row(order="Note", weight="0", reps="0", note="Belt on"),
        row(order="2"),
    )
    report = strong.import_csv(user, body)
    assert report.ok and [line for line, _ in report.left_out] == [3, 4]
    assert "rest timer" in report.left_out[0][1] and "note row" in report.left_out[1][1]
    assert LoggedSet.objects.count() == 2
    assert Session.objects.get().notes == "Belt on"  # a note row's text is not lost


def test_identical_rows_are_distinct_sets(content, user):
    body = csv_text(
        row(order="W", weight="60"),
        row(order="W", weight="60"),
        row(order="1"),
        row(order="D", weight="80"),
        row(order="D", weight="80"),
        row(order="F"),
        row(order="F"),
    )
    report = strong.import_csv(user, body)
    assert report.ok and report.left_out == []
    kinds = list(LoggedSet.objects.order_by("order").values_list("kind", flat=True))
    assert kinds == ["warmup", "warmup", "working", "drop", "drop", "failure", "failure"]


def test_a_workout_repeated_whole_comes_across_once_and_each_repeated_row_is_listed(content, user):
    workout = [row(order="W", weight="60"), row(order="1"), row(order="2", reps="4")]
    report = strong.import_csv(user, csv_text(*workout, *workout))
    assert report.ok and report.sets_created == 3 and Session.objects.count() == 1
    assert [line for line, _ in report.left_out] == [5, 6, 7]
    assert all("appears twice" in reason for _, reason in report.left_out)
    assert report.left_out[0][1].endswith("repeats line 2.")


def test_a_missed_attempt_is_kept_as_a_failed_set(content, user):
    body = csv_text(row(weight="143"), row(order="2", weight="143", reps="0"), row(order="F", weight="143", reps="0"))
    report = strong.import_csv(user, body, "kg")
    assert report.ok and report.sets_created == 3 and report.left_out == []
    sets = list(LoggedSet.objects.order_by("order").values_list("reps", "kind", "load_kg", "e1rm_kg"))
    assert sets[1:] == [(0, "failure", Decimal(143), None), (0, "failure", Decimal(143), None)]
    # A miss is no best set: the 5 reps at 143 kg stay the best.
    stat = Session.objects.get().sets.first().exercise.stats.get()
    assert stat.best_set.reps == 5


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"weight": "0"}, (5, None, None)),
        ({"weight": "0.0"}, (5, None, None)),
        ({"weight": ""}, (5, None, None)),
        ({"reps": "0", "seconds": "45", "weight": "0"}, (None, 45, None)),
        ({"reps": "", "seconds": "45.0", "weight": ""}, (None, 45, None)),
        ({"reps": "8", "seconds": "0", "weight": "20"}, (8, None, Decimal(20))),
        ({"reps": "8.0", "seconds": "0.0", "weight": "20.0"}, (8, None, Decimal(20))),
    ],
)
def test_empty_zero_and_zero_point_zero_fields(content, user, fields, expected):
    report = strong.import_csv(user, csv_text(row(**fields)))
    assert report.ok, report.errors
    assert LoggedSet.objects.values_list("reps", "duration_s", "load_kg").get() == expected


def test_rows_with_nothing_done_are_left_out_and_listed(content, user):
    report = strong.import_csv(user, csv_text(row(), row(order="2", reps="0", seconds="0", weight="0")))
    assert report.ok and LoggedSet.objects.count() == 1
    assert report.left_out == [[3, "No reps, time or distance: nothing was done in this row."]]


def test_rpe_zero_is_no_rpe_and_out_of_range_rpe_goes_to_the_note(content, user):
    report = strong.import_csv(user, csv_text(row(rpe="0"), row(order="2", rpe="8.5"), row(order="3", rpe="12")))
    assert report.ok and len(report.warnings) == 1 and "Line 4" in report.warnings[0]
    assert list(LoggedSet.objects.order_by("order").values_list("rpe", "note")) == [
        (None, ""),
        (Decimal("8.5"), ""),
        (None, "(RPE 12)"),
    ]


def test_literal_backslash_n_and_real_newlines_in_notes(content, user):
    body = csv_text(
        row(note="first\\nsecond", wnote="tired\\nwindy"),
        row(order="2", note="line one\nline two"),
    )
    strong.import_csv(user, body)
    assert list(LoggedSet.objects.order_by("order").values_list("note", flat=True)) == [
        "first\nsecond",
        "line one\nline two",
    ]
    assert Session.objects.get().notes == "tired\nwindy"


def test_windows_line_endings_and_no_trailing_newline(content, user):
    rows = [row(), row(order="2", note="a\r\nb"), row(order="3", reps="3")]
    strong.import_csv(user, csv_text(*rows, newline="\r\n", trailing=False))
    sets = list(LoggedSet.objects.order_by("order").values_list("reps", "note"))
    assert sets == [(5, ""), (5, "a\nb"), (3, "")]  # the last row, with no newline after it, is there
    other = UserFactory(username="unix")
    strong.import_csv(other, csv_text(*[r.replace("\r\n", "\n") for r in rows]))
    assert list(LoggedSet.objects.filter(session__user=other).order_by("order").values_list("reps", "note")) == sets


def test_a_byte_order_mark_through_the_page(client_logged_in, user, content):
    response = confirm_import(client_logged_in, "\ufeff" + csv_text(row()), "kg")
    assert "Imported 1 session with 1 set." in page_text(response) or "Imported 1 session" in page_text(response)
    assert log_counts(user) == (1, 1)


@pytest.mark.parametrize(
    ("duration", "minutes"),
    [("55s", 1), ("1h 5m", 65), ("21min", 21), ("17m", 17), ("2h", 120), ("", None), ("1h 0m", 60)],
)
def test_workout_durations(content, user, duration, minutes):
    body = csv_text(row().replace(",45m,", f",{duration},"))
    report = strong.import_csv(user, body)
    assert report.ok and not report.warnings
    assert Session.objects.get().duration_min == minutes


@pytest.mark.parametrize("duration", ["234h 3m", "30h", "a while"])
def test_absurd_or_unreadable_durations_are_ignored_with_a_warning(content, user, duration):
    report = strong.import_csv(user, csv_text(row().replace(",45m,", f",{duration},")))
    assert report.ok
    assert len(report.warnings) == 1 and "Line 2" in report.warnings[0]
    session = Session.objects.get()
    assert session.duration_min is None and session.sets.count() == 1


def test_absurd_duration_through_the_page_is_a_note_not_an_error(client_logged_in, user, content):
    page = page_text(confirm_import(client_logged_in, csv_text(row().replace(",45m,", ",234h 3m,"))))
    assert "Imported 1 session with 1 set." in page
    assert "implausible" in page and "Nothing was imported" not in page


def test_accents_emoji_and_strong_names(content, user):
    body = csv_text(
        row(name="Sentadilla búlgara 🏋️", weight="20"),
        row(name="Goblet Squat (Kettlebell)", weight="24"),
        row(name="Calf Press on Seated Machine", weight="40"),
        row(name="Bulgarian Split Squat", weight="16", note="[L] wobbly"),
        row(name="Deadlift (Barbell)", weight="140"),
    ).replace('"Legs"', '"Piernas y glúteos 💪"')
    report = strong.import_csv(user, body)
    assert report.ok and report.own_created == ["Sentadilla búlgara 🏋️"]
    own = Exercise.objects.get(owner=user)
    got = list(LoggedSet.objects.order_by("order").values_list("exercise__slug", "exercise_name", "side", "note"))
    assert got == [
        (own.slug, "Sentadilla búlgara 🏋️", "both", ""),
        ("goblet-squat", "Goblet Squat (Kettlebell)", "both", ""),
        ("bent-knee-calf-raise", "Calf Press on Seated Machine", "both", ""),
        ("rear-foot-elevated-split-squat", "Bulgarian Split Squat", "left", "wobbly"),
        ("conventional-deadlift", "Deadlift (Barbell)", "both", ""),
    ]
    assert Session.objects.get().name == "Piernas y glúteos 💪"


def test_unknown_exercises_become_own_exercises_listed_on_the_page_and_shown_in_the_log(
    client_logged_in, user, content
):
    page = page_text(
        confirm_import(client_logged_in, csv_text(row(name="Sled Push"), row(name="Sled Push", order="2")))
    )
    assert "Exercises of your own it made" in page and "Sled Push" in page
    session = Session.objects.get()
    detail = page_text(client_logged_in.get(f"/log/{session.pk}/"))
    assert detail.count("Sled Push yours") == 2
    own = Exercise.objects.get(owner=user, name="Sled Push")
    assert client_logged_in.get(f"/progress/{own.slug}/").status_code == 200


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Squat (Barbell)", "back-squat"),
        ("Front Squat (Barbell)", None),
        ("Squat (Machine)", None),
        ("Squat (Smith Machine)", None),
        ("Bench Press (Barbell)", "bench-press"),
        ("Bench Press (Dumbbell)", None),
        ("Upright Row (Barbell)", None),
        ("Upright Row (Band)", "upright-row"),
        ("Trap Bar Deadlift", None),
        ("Back squat", "back-squat"),  # the library's own name, as Legwork exports it
    ],
)
def test_only_reviewed_names_link_to_the_library(content, user, name, slug):
    report = strong.import_csv(user, csv_text(row(name=name)))
    assert report.ok
    logged = LoggedSet.objects.select_related("exercise").get()
    assert logged.exercise_name == name
    if slug:
        assert logged.exercise.slug == slug and logged.exercise.owner is None
    else:
        assert logged.exercise.owner == user and logged.exercise.name == name


def test_distances_by_the_chosen_unit_the_header_or_the_row(content, user):
    body = "Date,Workout Name,Exercise Name,Set Order,Weight,Reps,Distance,Seconds\n"
    body += "2024-05-01 18:30:00,Run,Running (Treadmill),1,,,1.0,600\n"
    strong.import_csv(user, body, "lb")  # miles beside pounds, unless told otherwise
    assert LoggedSet.objects.get().distance_m == Decimal("1609.34")
    other = UserFactory(username="kilometres")
    strong.import_csv(other, body, "lb", distance_unit="km")
    assert LoggedSet.objects.get(session__user=other).distance_m == Decimal(1000)
    third = UserFactory(username="header")
    strong.import_csv(third, body.replace(",Distance,", ",Distance (km),"), "lb")
    assert LoggedSet.objects.get(session__user=third).distance_m == Decimal(1000)


def test_semicolons_and_decimal_commas(content, user):
    body = "Date;Workout Name;Exercise Name;Set Order;Weight;Reps;Distance;Seconds;Notes;Workout Notes\n"
    body += '2024-05-01 18:30:00;"Legs";"Squat (Barbell)";1;52,5;5;;;"ok";""\n'
    assert strong.import_csv(user, body).ok
    assert LoggedSet.objects.get().load_kg == Decimal("52.5")


def test_several_workouts_and_workout_notes_with_effort(content, user):
    body = csv_text(
        row(wnote="Good day [effort 7/10]"),
        row(order="2", wnote="Good day [effort 7/10]"),
        row().replace("2024-05-01 18:30:00", "2024-05-03 07:00:00"),
    )
    report = strong.import_csv(user, body)
    assert report.sessions_created == 2 and report.sets_created == 3
    first = Session.objects.get(date=D(2024, 5, 1))
    assert (first.notes, first.effort, first.sets.count()) == ("Good day", 7, 2)


# --- refused files --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "missing"),
    [
        ("Date,Workout Name,Exercise Name,Set Order,Weight", "Reps"),
        ("Workout Name,Exercise Name,Set Order,Weight,Reps", "Date"),
        ("Date,Workout Name,Set Order,Reps", "Exercise Name, Weight"),
        ("a,b,c", "Date, Workout Name, Exercise Name, Set Order, Weight, Reps"),
    ],
)
def test_a_csv_with_missing_columns_is_refused_clearly(client_logged_in, user, content, header, missing):
    body = header + "\n" + ",".join(["2024-05-01 18:30:00", "Legs", "Squat", "1", "100"]) + "\n"
    report = strong.import_csv(user, body)
    assert not report.ok
    assert report.errors == [(1, "header", f"Missing column(s): {missing}. Is this a Strong export?")]
    page = page_text(upload(client_logged_in, body))
    assert "Nothing was imported" in page and f"Missing column(s): {missing}" in page
    assert log_counts() == (0, 0)


@pytest.mark.parametrize(
    ("bad_row", "column", "message"),
    [
        (row().replace("2024-05-01 18:30:00", "yesterday"), "Date", "“yesterday” is not a date"),
        (row(weight="heavy"), "Weight", "“heavy” is not a number"),
        (row(reps="five"), "Reps", "“five” is not a number"),
        (row(reps="-5"), "Reps", "Reps run from 1 to 1000"),
        (row(reps="2.5"), "Reps", "not a whole number of reps"),
        (row(reps="1001"), "Reps", "Reps run from 1 to 1000"),
        (row(weight="-10"), "Weight", "A load runs from 0 to 1000 kg"),
        (row(weight="1200"), "Weight", "A load runs from 0 to 1000 kg"),
        (row(seconds="7201", reps=""), "Seconds", "from 1 second to 2 hours"),
        (row(order="X"), "Set Order", "not a set number or W, D, F"),
        (row(name=""), "Exercise Name", "Empty exercise name"),
        (row().replace("2024-05-01", "1850-01-01"), "Date", "Dates before 1900 are not accepted"),
        (row().replace("2024-05-01", "2099-01-01"), "Date", "more than a day in the future"),
        (row(weight="NaN"), "Weight", "is not a number"),
    ],
)
def test_garbage_rows_are_refused_naming_the_line_and_nothing_is_saved(
    client_logged_in, user, content, today, bad_row, column, message
):
    body = csv_text(row(), row(order="2"), bad_row, row(order="4"))
    report = strong.import_csv(user, body)
    assert not report.ok
    assert [(line, col) for line, col, _ in report.errors] == [(4, column)]
    assert message in report.errors[0][2]
    assert log_counts() == (0, 0)
    page = page_text(upload(client_logged_in, body))
    assert "Nothing was imported" in page and f"Line 4, {column}:" in page
    assert log_counts() == (0, 0)


def test_every_garbage_row_is_reported(content, user):
    body = csv_text(row().replace("2024-05-01 18:30:00", "yesterday"), row(order="2"), row(weight="heavy"))
    report = strong.import_csv(user, body)
    assert [(line, col) for line, col, _ in report.errors] == [(2, "Date"), (4, "Weight")]
    assert log_counts() == (0, 0)


def test_a_pound_load_over_the_limit_is_refused(content, user):
    report = strong.import_csv(user, csv_text(row(weight="2300")), "lb")
    assert [(line, col) for line, col, _ in report.errors] == [(2, "Weight")]
    assert log_counts() == (0, 0)


def test_a_short_row_is_refused(content, user):
    report = strong.import_csv(user, csv_text(row(), "2024-05-01 18:30:00,Legs"))
    assert [(line, col) for line, col, _ in report.errors] == [(3, "row")]
    assert log_counts() == (0, 0)


def test_a_nul_byte_is_refused_not_a_server_error(client_logged_in, user, content):
    body = csv_text(row(), row(order="2", note="bad\x00byte"))
    report = strong.import_csv(user, body)
    assert [line for line, _, _ in report.errors] == [3]
    response = upload(client_logged_in, body)
    assert response.status_code == 200 and "Line 3" in page_text(response)
    assert log_counts() == (0, 0)


def test_an_enormous_field_is_refused_not_a_server_error(client_logged_in, user, content):
    body = csv_text(row(), row(order="2", note="x" * 200_000))
    report = strong.import_csv(user, body)
    assert not report.ok and report.errors[0][0] == 3
    response = upload(client_logged_in, body)
    assert response.status_code == 200 and "Nothing was imported" in page_text(response)
    assert log_counts() == (0, 0)


@pytest.mark.parametrize("body", ["", HEADER + "\n", HEADER + "\n\n\n"])
def test_empty_files_are_refused(content, user, body):
    report = strong.import_csv(user, body)
    assert not report.ok and log_counts() == (0, 0)


def test_a_file_that_is_not_utf8_is_refused_by_the_page(client_logged_in, user, content):
    response = upload(client_logged_in, csv_text(row(name="Sentadilla búlgara")).encode("latin-1"))
    assert response.status_code == 200
    assert "not UTF-8" in page_text(response)
    assert log_counts() == (0, 0)


def test_the_import_page_needs_a_file_and_a_unit(client_logged_in, content):
    response = client_logged_in.post("/log/import/", {"unit": "kg"})
    assert response.status_code == 200 and set(response.context["form"].errors) == {"file"}
    file = SimpleUploadedFile("strong.csv", csv_text(row()).encode(), "text/csv")
    response = client_logged_in.post("/log/import/", {"file": file, "unit": "stone"})
    assert response.status_code == 200 and set(response.context["form"].errors) == {"unit"}
    assert log_counts() == (0, 0)


# --- round trip -----------------------------------------------------------------------------------------


def add(user, day, *sets, planned_session=None, **fields):
    rows = []
    for s in sets:
        s = dict(s)
        slug = s.pop("exercise", None)
        rows.append({**s, "exercise": ex(slug) if isinstance(slug, str) else slug})
    fields.setdefault("name", "")
    return log_services.log_session(user, date=day, sets=rows, planned=planned_session, **fields).session


def varied_log(user, today):
    """Planned and ad-hoc sessions, single-leg sides, RPE, notes, timed, bodyweight and warm-up sets, own
    exercises, a missed attempt, distances and text a spreadsheet would take for a formula."""
    sled = exercise_services.create_own_exercise(user, name="Sled push 🛷")
    carry = exercise_services.create_own_exercise(user, name="=Farmer carry", unilateral=True)
    enrollment = program_services.enrol(user, Program.objects.get(slug="posterior-chain"), D(2026, 2, 2), [0, 3])
    planned = enrollment.planned_sessions.get(sequence=1)
    add(
        user,
        D(2026, 2, 2),
        {"exercise": "conventional-deadlift", "reps": 10, "load_kg": Decimal(60), "kind": "warmup"},
        {"exercise": "conventional-deadlift", "reps": 10, "load_kg": Decimal("82.5"), "rpe": Decimal(7)},
        {"exercise": "conventional-deadlift", "reps": 10, "load_kg": Decimal("82.5"), "rpe": Decimal("8.5")},
        {"exercise": "hip-thrust", "reps": 12, "load_kg": Decimal("61.25"), "rpe": Decimal(10)},
        {"exercise": "hamstring-curl", "reps": 12, "load_kg": Decimal("52.163"), "note": 'said "ouch", then, fine'},
        planned_session=planned,
        notes="From the plan\nsecond line",
        effort=7,
        duration_min=65,
    )
    add(
        user,
        D(2026, 2, 4),
        {"exercise": "single-leg-romanian-deadlift", "reps": 8, "load_kg": Decimal(16), "side": "left"},
        {"exercise": "single-leg-romanian-deadlift", "reps": 8, "load_kg": Decimal(16), "side": "right"},
        {"exercise": "single-leg-calf-raise", "reps": 20, "side": "both"},
        {"exercise": "eccentric-calf-raise", "duration_s": 45, "note": "slow ⏱"},
        {"exercise": "eccentric-calf-raise", "duration_s": 45, "rpe": Decimal("6.5")},
        {"exercise": "box-jump", "reps": 5, "kind": "failure"},
        {"exercise": sled, "reps": 4, "load_kg": Decimal(100)},
        {"exercise": sled, "reps": 4, "load_kg": Decimal(100), "distance_m": Decimal("20.5"), "note": "=1+2 @gym"},
        {"exercise": carry, "duration_s": 60, "load_kg": Decimal(24), "distance_m": Decimal("1609.34"), "side": "left"},
        notes="Hotel gym, no bar",
    )
    # Two ad-hoc sessions on the same day, logged moments apart.
    add(user, D(2026, 2, 6), {"exercise": "press-up", "reps": 15}, {"exercise": "press-up", "reps": 12})
    add(user, D(2026, 2, 6), {"exercise": "prisoner-squat", "reps": 20}, effort=3)
    add(
        user,
        D(2026, 2, 9),
        {"exercise": "back-squat", "reps": 5, "load_kg": Decimal("102.058"), "kind": "drop"},
        {"exercise": "back-squat", "reps": 1, "load_kg": Decimal(1000)},
        {"exercise": "back-squat", "reps": 0, "load_kg": Decimal(143), "kind": "failure"},
        {"exercise": "step-up", "reps": 10, "side": "right", "note": "[L] is not a side here"},
        name="Evening, heavy",
        duration_min=5,
    )


SET_FIELDS = (
    "session__date",
    "label",
    "own",
    "exercise__unilateral",
    "reps",
    "distance_m",
    "duration_s",
    "load_kg",
    "side",
    "rpe",
    "note",
    "kind",
)


def log_of(user):
    # An own exercise has another slug in each account; its name and kind are what must match.
    label = Coalesce(NullIf("exercise_name", Value("")), "exercise__name")
    own = Q(exercise__owner__isnull=False)
    sets = LoggedSet.objects.filter(session__user=user).annotate(
        label=label, own=ExpressionWrapper(own, BooleanField())
    )
    sets = Counter(sets.values_list(*SET_FIELDS))
    sessions = Counter(Session.objects.filter(user=user).values_list("date", "notes", "effort", "duration_min"))
    return sets, sessions


def export_csv(client):
    response = client.get("/log/export.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return b"".join(response.streaming_content).decode()


@pytest.mark.parametrize("unit", ["kg", "lb"])
def test_csv_round_trip_gives_the_same_log(client, content, today, unit):
    runner = UserFactory(username="original")
    runner.profile.unit = unit
    runner.profile.save()
    varied_log(runner, today)
    client.force_login(runner)
    exported = export_csv(client)
    header = exported.splitlines()[0]
    assert header == HEADER
    fresh = UserFactory(username="fresh")
    fresh.profile.unit = unit
    fresh.profile.save()
    client.force_login(fresh)
    assert "'=1+2 @gym" in exported and "'=Farmer carry" in exported  # neutralised for spreadsheets
    page = page_text(confirm_import(client, exported.encode(), unit))
    assert "Imported 5 sessions with 21 sets." in page, page
    assert "Sled push 🛷" in page and "=Farmer carry" in page
    assert log_of(fresh) == log_of(runner)
    assert sorted(Exercise.objects.owned_by(fresh).values_list("name", "unilateral")) == [
        ("=Farmer carry", True),
        ("Sled push 🛷", False),
    ]
    # And the imported log exports to the very same file.
    assert export_csv(client) == exported
    assert Session.objects.filter(user=fresh).count() == 5


def test_the_export_is_in_the_runner_s_unit(client, content, today):
    runner = UserFactory(username="pounds")
    runner.profile.unit = "lb"
    runner.profile.save()
    add(runner, D(2026, 2, 9), {"exercise": "back-squat", "reps": 5, "load_kg": Decimal("102.058")})
    client.force_login(runner)
    rows = list(csv.DictReader(io.StringIO(export_csv(client))))
    assert [(r["Exercise Name"], r["Weight"], r["Reps"], r["Set Order"]) for r in rows] == [
        ("Back squat", "225", "5", "1")
    ]


def test_json_export_has_every_session_and_set(client, content, today):
    runner = UserFactory(username="jsonner")
    varied_log(runner, today)
    add(UserFactory(username="not-me"), D(2026, 2, 3), {"exercise": "hip-thrust", "reps": 99})
    client.force_login(runner)
    response = client.get("/log/export.json")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    document = json.loads(b"".join(response.streaming_content))
    assert document["username"] == "jsonner" and document["settings"]["unit"] == "kg"
    assert [e["program"] for e in document["enrollments"]] == ["posterior-chain"]
    sessions = document["sessions"]
    assert len(sessions) == 5 and sum(len(s["sets"]) for s in sessions) == 21
    assert [s["date"] for s in sessions] == sorted(s["date"] for s in sessions)
    planned = sessions[0]
    assert (planned["program"], planned["effort"], planned["duration_min"]) == ("posterior-chain", 7, 65)
    first_set = planned["sets"][0]
    assert (first_set["exercise"], first_set["kind"], first_set["reps"], Decimal(first_set["load_kg"])) == (
        "conventional-deadlift",
        "warmup",
        10,
        Decimal(60),
    )
    exported = Counter(
        (s["date"], x["exercise"], x["reps"], x["duration_s"], x["load_kg"] and Decimal(x["load_kg"]), x["side"])
        for s in sessions
        for x in s["sets"]
    )
    stored = Counter(
        (str(d), slug, reps, secs, load, side)
        for d, slug, reps, secs, load, side in LoggedSet.objects.filter(session__user=runner).values_list(
            "session__date", "exercise__slug", "reps", "duration_s", "load_kg", "side"
        )
    )
    assert exported == stored
    assert 99 not in [x["reps"] for s in sessions for x in s["sets"]]


def test_an_imported_session_can_be_edited_without_losing_what_the_library_does_not_know(
    client_logged_in, user, content
):
    body = "Date;Workout Name;Exercise Name;Set Order;Weight;Reps;Distance;Seconds;Notes;Workout Notes\n"
    body += '2024-05-01 18:30:00;"Gym";"Running (Treadmill)";1;;;4420.0;1200.0;"";""\n'
    body += '2024-05-01 18:30:00;"Gym";"Sled Push";W;80;6;;;"";""\n'
    body += '2024-05-01 18:30:00;"Gym";"Squat (Barbell)";1;100;5;;;"";""\n'
    assert strong.import_csv(user, body, distance_unit="m").ok
    session = Session.objects.get()
    fields = ("exercise__slug", "exercise_name", "reps", "duration_s", "distance_m", "load_kg", "kind")
    before = list(session.sets.order_by("order").values_list(*fields))
    assert before[0][4] == Decimal("4420.00")
    edit = client_logged_in.get(f"/log/{session.pk}/edit/")
    page = edit.content.decode()
    for name in ("Running (Treadmill)", "Sled Push"):
        own = Exercise.objects.get(owner=user, name=name)
        assert f'<option value="{own.pk}" selected>{name}</option>' in page
    data = read_form(edit)
    data.update({"date": "2024-05-02", "save": "1"})
    response = client_logged_in.post(f"/log/{session.pk}/edit/", data)
    assert response.status_code == 302, response.context["formset"].errors
    session.refresh_from_db()
    assert session.date == D(2024, 5, 2)
    assert list(session.sets.order_by("order").values_list(*fields)) == before
    # Choosing a library exercise for an imported name replaces the name.
    data = read_form(client_logged_in.get(f"/log/{session.pk}/edit/"))
    data.update({"form-1-exercise": str(ex("step-up").pk), "save": "1"})
    assert client_logged_in.post(f"/log/{session.pk}/edit/", data).status_code == 302
    assert session.sets.filter(order=2).values_list("exercise__slug", "exercise_name").get() == ("step-up", "")
    # The first set, left as it was, keeps the name it was imported under.
    assert session.sets.filter(order=1).values_list("exercise_name", flat=True).get() == "Running (Treadmill)"


@pytest.mark.parametrize(
    "bad_row, column",
    [
        (row(weight="1e30"), "Weight"),
        (row(weight="1e400"), "Weight"),
        (row(reps="1e2000000"), "Reps"),
        (row(seconds="1e2000000", reps=""), "Seconds"),
        ('2024-05-01 18:30:00,"Legs",45m,"Sled Push",1,,,9999999,,"","",', "Distance"),
    ],
)
def test_absurd_numbers_are_refused_not_a_server_error(client_logged_in, content, user, bad_row, column):
    body = csv_text(row(), bad_row)
    report = strong.import_csv(user, body)
    assert [(line, col) for line, col, _ in report.errors] == [(3, column)], report.errors
    assert upload(client_logged_in, body).status_code == 200
    assert log_counts() == (0, 0)


def test_an_absurd_workout_duration_is_a_warning_not_a_server_error(content, user):
    body = csv_text(
        row().replace(",45m,", "," + "9" * 400 + ","), row(order="2").replace(",45m,", "," + "9" * 400 + "h,")
    )
    report = strong.import_csv(user, body)
    assert report.ok
    assert report.warnings
    assert Session.objects.get(user=user).duration_min is None
