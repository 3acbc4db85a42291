"""The reviewed content files: every entry valid, and the loader idempotent and updating by slug."""

import copy
import datetime
import re

import pytest
from django.core.management import call_command
from django.db.models import Count

from exercises import content as exercise_content
from exercises.models import Equipment, Exercise, Muscle, Source
from programs import content as program_content
from programs import services as program_services
from programs.models import PlannedSession, Prescription, Program, ProgramWeek, Workout

from .factories import UserFactory

EXERCISES = exercise_content.read()
PROGRAMS = program_content.read()

REQUIRED_MUSCLES = {
    "glutes",
    "glute-medius",
    "quadriceps",
    "hamstrings",
    "adductors",
    "abductors",
    "calves",
    "soleus",
    "tibialis-anterior",
    "hip-flexors",
    "lower-back",
    "core",
    "obliques",
    "chest",
    "shoulders",
    "triceps",
    "biceps",
    "upper-back",
}
REQUIRED_EQUIPMENT = {
    "bodyweight",
    "kettlebell",
    "dumbbell",
    "barbell",
    "resistance-band",
    "mini-band",
    "step-or-box",
    "swiss-ball",
    "medicine-ball",
    "machine",
}
EXERCISE_KEYS = {
    "slug",
    "name",
    "aliases",
    "summary",
    "steps",
    "primary_muscles",
    "secondary_muscles",
    "equipment",
    "pattern",
    "unilateral",
    "ground_contacts_per_rep",
    "impact",
    "difficulty",
    "dosing",
    "reps_min",
    "reps_max",
    "duration_s",
    "cues",
    "safety",
    "harder",
    "sources",
}
PROGRAM_KEYS = set(program_content.PROGRAM_FIELDS) | {"slug", "equipment", "sources", "schedule"}
ITEM_KEYS = set(program_content.ITEM_FIELDS) | {"exercise"}
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")

MUSCLE_SLUGS = {m["slug"] for m in EXERCISES["muscles"]}
EQUIPMENT_SLUGS = {e["slug"] for e in EXERCISES["equipment"]}
SOURCE_SLUGS = {s["slug"] for s in EXERCISES["sources"]}
EXERCISE_ROWS = {e["slug"]: e for e in EXERCISES["exercises"]}


def nonempty_text(value):
    return isinstance(value, str) and value.strip() != ""


def text_list(value, at_least):
    return isinstance(value, list) and len(value) >= at_least and all(nonempty_text(v) for v in value)


# ---------------------------------------------------------------- the exercise file


def test_top_level_sections_are_present():
    assert set(EXERCISES) >= {"sources", "muscles", "equipment", "exercises"}


@pytest.mark.parametrize("section", ["sources", "muscles", "equipment", "exercises"])
def test_slugs_are_unique_and_kebab_case(section):
    slugs = [row["slug"] for row in EXERCISES[section]]
    assert len(slugs) == len(set(slugs)), f"duplicate slugs in {section}"
    assert [s for s in slugs if not SLUG.match(s)] == []


def test_required_muscle_slugs_exist():
    assert REQUIRED_MUSCLES <= MUSCLE_SLUGS


def test_muscles_have_names_and_known_regions():
    for row in EXERCISES["muscles"]:
        assert nonempty_text(row["name"]), row
        assert row["region"] in {"lower", "core", "upper"}, row


def test_required_equipment_slugs_exist():
    assert REQUIRED_EQUIPMENT <= EQUIPMENT_SLUGS


def test_equipment_and_sources_have_names():
    assert all(nonempty_text(row["name"]) for row in EXERCISES["equipment"])
    assert all(nonempty_text(row["title"]) for row in EXERCISES["sources"])
    assert len(SOURCE_SLUGS) == 5  # the five seed articles


def test_library_holds_every_named_exercise():
    assert len(EXERCISE_ROWS) >= 40
    for slug in ["conventional-deadlift", "toe-raise", "banded-clamshell", "tuck-jump", "clap-press-up"]:
        assert slug in EXERCISE_ROWS


@pytest.mark.parametrize("row", EXERCISES["exercises"], ids=lambda row: row["slug"])
def test_exercise_entry_is_valid(row):
    slug = row["slug"]
    assert set(row) >= EXERCISE_KEYS, f"{slug} lacks {EXERCISE_KEYS - set(row)}"
    assert nonempty_text(row["name"])
    assert isinstance(row["aliases"], list) and all(nonempty_text(a) for a in row["aliases"])
    # One paragraph: no blank line inside the summary.
    assert nonempty_text(row["summary"]) and "\n\n" not in row["summary"].strip()
    assert text_list(row["steps"], 3)
    assert text_list(row["cues"], 2)
    assert text_list(row["safety"], 1)
    assert nonempty_text(row["dosing"])

    assert len(row["primary_muscles"]) >= 1
    assert set(row["primary_muscles"]) <= MUSCLE_SLUGS
    assert isinstance(row["secondary_muscles"], list) and set(row["secondary_muscles"]) <= MUSCLE_SLUGS
    assert not set(row["primary_muscles"]) & set(row["secondary_muscles"]), "a muscle is both primary and secondary"
    assert len(row["equipment"]) >= 1 and set(row["equipment"]) <= EQUIPMENT_SLUGS
    assert len(row["sources"]) >= 1 and set(row["sources"]) <= SOURCE_SLUGS

    assert row["pattern"] in Exercise.Pattern.values
    assert isinstance(row["unilateral"], bool)
    assert row["impact"] in Exercise.Impact.values
    assert isinstance(row["difficulty"], int) and 1 <= row["difficulty"] <= 5

    contacts = row["ground_contacts_per_rep"]
    if row["pattern"] == "plyometric":
        assert isinstance(contacts, int) and contacts >= 1, "plyometrics count ground contacts per rep"
    else:
        assert contacts is None

    reps_min, reps_max, duration = row["reps_min"], row["reps_max"], row["duration_s"]
    if duration is None:
        assert isinstance(reps_min, int) and isinstance(reps_max, int) and 1 <= reps_min <= reps_max
    else:
        assert isinstance(duration, int) and duration >= 1 and reps_min is None and reps_max is None

    assert isinstance(row["harder"], list)
    assert set(row["harder"]) <= set(EXERCISE_ROWS), (
        f"{slug}: unknown variation {set(row['harder']) - set(EXERCISE_ROWS)}"
    )
    assert slug not in row["harder"]


def test_variation_links_never_loop_back():
    """ "Harder" is a ladder: following it from any exercise never leads back to where it started."""
    for start in EXERCISE_ROWS:
        seen, frontier = set(), list(EXERCISE_ROWS[start]["harder"])
        while frontier:
            slug = frontier.pop()
            assert slug != start, f"{start} is harder than itself through its variations"
            if slug not in seen:
                seen.add(slug)
                frontier.extend(EXERCISE_ROWS[slug]["harder"])


def test_bridge_ladder_from_the_issue():
    assert "hip-thrust" in EXERCISE_ROWS["glute-bridge"]["harder"]
    assert "single-leg-hip-thrust" in EXERCISE_ROWS["hip-thrust"]["harder"]


def test_aliases_from_the_issue_are_present():
    def aliases(slug):
        return {a.lower() for a in EXERCISE_ROWS[slug]["aliases"]}

    assert "rdl" in aliases("single-leg-romanian-deadlift") | aliases("stiff-legged-deadlift")
    assert "bulgarian split squat" in aliases("rear-foot-elevated-split-squat")


# ---------------------------------------------------------------- the program file


def test_program_slugs_are_the_three_templates():
    assert [p["slug"] for p in PROGRAMS["programs"]] == ["bodyweight-home", "posterior-chain", "plyometric"]


@pytest.mark.parametrize("row", PROGRAMS["programs"], ids=lambda row: row["slug"])
def test_program_entry_is_valid(row):
    assert set(row) >= PROGRAM_KEYS, f"{row['slug']} lacks {PROGRAM_KEYS - set(row)}"
    for field in ["name", "goal", "summary", "timing", "warmup", "progression"]:
        assert nonempty_text(row[field]), field
    assert row["level"] in Program.Level.values
    assert 1 <= row["sessions_per_week_min"] <= row["sessions_per_week"] <= 7
    assert 1 <= row["duration_min"] <= row["duration_max"]
    assert row["min_hours_between"] >= 24
    assert isinstance(row["is_plyometric"], bool)
    assert row["equipment"] and set(row["equipment"]) <= EQUIPMENT_SLUGS
    assert row["sources"] and set(row["sources"]) <= SOURCE_SLUGS

    assert row["weeks"] == len(row["schedule"])
    assert [w["week"] for w in row["schedule"]] == list(range(1, row["weeks"] + 1))
    for week in row["schedule"]:
        assert len(week["sessions"]) == row["sessions_per_week"], f"week {week['week']}"
        for session in week["sessions"]:
            assert nonempty_text(session["name"])
            assert session["items"], f"week {week['week']} {session['name']} is empty"
            for item in session["items"]:
                where = f"week {week['week']} {session['name']} {item.get('exercise')}"
                assert set(item) >= ITEM_KEYS, where
                assert item["exercise"] in EXERCISE_ROWS, where
                assert isinstance(item["sets"], int) and item["sets"] >= 1, where
                if item["duration_s"] is None:
                    assert 1 <= item["reps_min"] <= item["reps_max"], where
                else:
                    assert item["duration_s"] >= 1 and item["reps_min"] is None and item["reps_max"] is None, where
                assert isinstance(item["per_side"], bool), where
                if item["per_side"]:
                    assert EXERCISE_ROWS[item["exercise"]]["unilateral"], f"{where}: per side on a two-sided move"
                assert isinstance(item["rest_s"], int) and item["rest_s"] >= 0, where
                assert nonempty_text(item["load"]), where


def test_plyometric_programs_are_flagged_by_their_content():
    for row in PROGRAMS["programs"]:
        drills = {i["exercise"] for w in row["schedule"] for s in w["sessions"] for i in s["items"]}
        jumps = [d for d in drills if EXERCISE_ROWS[d]["pattern"] == "plyometric"]
        if row["is_plyometric"]:
            assert row["min_hours_between"] >= 48
            assert len(jumps) >= len(drills) / 2


# ---------------------------------------------------------------- loading


def all_counts():
    return {
        "muscles": Muscle.objects.count(),
        "equipment": Equipment.objects.count(),
        "sources": Source.objects.count(),
        "exercises": Exercise.objects.count(),
        "primary": Exercise.primary_muscles.through.objects.count(),
        "secondary": Exercise.secondary_muscles.through.objects.count(),
        "kit": Exercise.equipment.through.objects.count(),
        "harder": Exercise.harder.through.objects.count(),
        "exercise_sources": Exercise.sources.through.objects.count(),
        "programs": Program.objects.count(),
        "weeks": ProgramWeek.objects.count(),
        "workouts": Workout.objects.count(),
        "prescriptions": Prescription.objects.count(),
        "program_kit": Program.equipment.through.objects.count(),
        "program_sources": Program.sources.through.objects.count(),
    }


def test_load_fills_the_database_from_the_files(db):
    assert exercise_content.load() == len(EXERCISE_ROWS)
    assert program_content.load() == len(PROGRAMS["programs"])
    counts = all_counts()
    assert counts["muscles"] == len(MUSCLE_SLUGS)
    assert counts["equipment"] == len(EQUIPMENT_SLUGS)
    assert counts["exercises"] == len(EXERCISE_ROWS)
    assert counts["harder"] == sum(len(r["harder"]) for r in EXERCISE_ROWS.values())
    assert counts["programs"] == 3
    assert counts["workouts"] == sum(len(w["sessions"]) for p in PROGRAMS["programs"] for w in p["schedule"])
    assert counts["prescriptions"] == sum(
        len(s["items"]) for p in PROGRAMS["programs"] for w in p["schedule"] for s in w["sessions"]
    )


@pytest.mark.parametrize("relation", ["primary_muscles", "equipment", "sources"])
def test_every_loaded_exercise_has_muscles_equipment_and_sources(content, relation):
    lacking = Exercise.objects.annotate(n=Count(relation)).filter(n=0).values_list("slug", flat=True)
    assert list(lacking) == []


def test_loaded_variations_link_both_ways(content):
    bridge = Exercise.objects.get(slug="glute-bridge")
    thrust = Exercise.objects.get(slug="hip-thrust")
    single = Exercise.objects.get(slug="single-leg-hip-thrust")
    assert thrust in bridge.harder.all()
    assert bridge in thrust.easier.all()
    assert single in thrust.harder.all()
    assert thrust in single.easier.all()


def test_loading_twice_duplicates_nothing(db):
    exercise_content.load()
    program_content.load()
    first = all_counts()
    exercise_content.load()
    program_content.load()
    assert all_counts() == first


def test_management_command_is_idempotent(db, capsys):
    call_command("load_content")
    first = all_counts()
    call_command("load_content")
    assert all_counts() == first
    assert f"Loaded {len(EXERCISE_ROWS)} exercises and 3 programs" in capsys.readouterr().out


def test_exercise_load_updates_by_slug(content):
    data = copy.deepcopy(EXERCISES)
    row = next(r for r in data["exercises"] if r["slug"] == "toe-raise")
    row["name"] = "Tibialis raise (renamed)"
    row["steps"] = ["One.", "Two.", "Three.", "Four."]
    row["harder"] = ["standing-calf-raise"]
    before = all_counts()
    pk = Exercise.objects.get(slug="toe-raise").pk

    exercise_content.load(data)

    toe = Exercise.objects.get(slug="toe-raise")
    assert toe.pk == pk
    assert toe.name == "Tibialis raise (renamed)"
    assert toe.steps == ["One.", "Two.", "Three.", "Four."]
    assert list(toe.harder.values_list("slug", flat=True)) == ["standing-calf-raise"]
    after = all_counts()
    assert after["exercises"] == before["exercises"]
    assert after["harder"] == before["harder"] + 1


def test_program_load_updates_by_slug_and_position(content):
    data = copy.deepcopy(PROGRAMS)
    program = next(p for p in data["programs"] if p["slug"] == "posterior-chain")
    program["name"] = "Posterior chain, revised"
    first_session = program["schedule"][0]["sessions"][0]
    first_session["items"][0]["sets"] = 5
    dropped = first_session["items"].pop()
    before = all_counts()
    workout_ids = list(Workout.objects.filter(week__program__slug="posterior-chain").values_list("pk", flat=True))

    program_content.load(data)

    loaded = Program.objects.get(slug="posterior-chain")
    assert loaded.name == "Posterior chain, revised"
    workout = loaded.workouts_in_order().first()
    items = list(workout.prescriptions.order_by("order"))
    assert items[0].sets == 5
    assert dropped["exercise"] not in [p.exercise.slug for p in items]
    assert len(items) == len(first_session["items"])
    assert list(Workout.objects.filter(week__program=loaded).values_list("pk", flat=True)) == workout_ids
    after = all_counts()
    assert after["programs"] == before["programs"]
    assert after["prescriptions"] == before["prescriptions"] - 1


def test_reloading_programs_keeps_runners_schedules(content):
    user = UserFactory()
    enrollment = program_services.enrol(
        user, Program.objects.get(slug="posterior-chain"), start_date=datetime.date(2026, 3, 2), weekdays=[0, 3]
    )
    planned = list(enrollment.planned_sessions.values_list("pk", "workout_id"))

    program_content.load()

    assert list(enrollment.planned_sessions.values_list("pk", "workout_id")) == planned
    assert PlannedSession.objects.filter(enrollment=enrollment).count() == 8
