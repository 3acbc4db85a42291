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
    "dosing_source",
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
ARTICLE_SLUGS = {s["slug"] for s in EXERCISES["sources"] if s.get("kind", "article") == "article"}
# Landing drills Legwork adds ahead of jumping; no article describes them.
APP_ADDED = {"pogo-hop", "snap-down"}
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
    assert len(ARTICLE_SLUGS) == 5  # the five articles
    for row in EXERCISES["sources"]:
        assert row.get("kind", "article") in Source.Kind.values
        if row.get("kind") == "literature":
            assert nonempty_text(row["citation"]) and re.search(r"\b(19|20)\d\d\b", row["citation"]), row


def test_library_holds_every_named_exercise():
    assert len(EXERCISE_ROWS) >= 40
    for slug in [
        "conventional-deadlift",
        "toe-raise",
        "banded-clamshell",
        "tuck-jump",
        "clap-press-up",
        "romanian-deadlift",
        "plank",
        "wood-chop",
        "sit-up",
        "triceps-dip",
        "swiss-ball-roll-out",
        "band-seated-row",
        "band-shoulder-internal-rotation",
        "band-shoulder-external-rotation",
        "band-triceps-kickback",
        "medicine-ball-russian-twist",
        "pogo-hop",
        "snap-down",
    ]:
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
    assert set(row["sources"]) <= ARTICLE_SLUGS
    assert len(row["sources"]) >= 1 or slug in APP_ADDED, f"{slug} names no article"
    # The dosing figures are sourced per fact: an article the exercise cites, or null for Legwork's guidance.
    assert row["dosing_source"] is None or row["dosing_source"] in row["sources"], slug
    assert not re.search(r"\bno (rep|scheme)", row["dosing"], re.I), f"{slug}: dosing reads like an editorial note"

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

    assert "rdl" in aliases("romanian-deadlift")
    for other in ["single-leg-romanian-deadlift", "stiff-legged-deadlift"]:
        assert not {"rdl", "romanian deadlift"} & aliases(other), other
    assert "russian twist" in aliases("medicine-ball-russian-twist")
    assert "bulgarian split squat" in aliases("rear-foot-elevated-split-squat")


# ---------------------------------------------------------------- the program file


def test_program_slugs_are_the_three_templates():
    assert [p["slug"] for p in PROGRAMS["programs"]] == [
        "bodyweight-home",
        "posterior-chain",
        "plyometric",
        "in-season-maintenance",
    ]


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
    assert text_list(row["entry_criteria"], 1)
    assert nonempty_text(row["effort"]) and nonempty_text(row["first_load"])
    assert row["warmup_minutes"] >= 5
    # Provenance: every part names a source the program cites, or None for Legwork's own design; both kinds appear.
    assert row["provenance"] and all(nonempty_text(p["part"]) for p in row["provenance"])
    assert all(p["source"] is None or p["source"] in row["sources"] for p in row["provenance"])
    assert any(p["source"] is None for p in row["provenance"]) and any(p["source"] for p in row["provenance"])

    assert row["weeks"] == len(row["schedule"])
    assert [w["week"] for w in row["schedule"]] == list(range(1, row["weeks"] + 1))
    for week in row["schedule"]:
        assert len(week["sessions"]) == row["sessions_per_week"], f"week {week['week']}"
        assert week["phase"] in ProgramWeek.Phase.values and nonempty_text(week["effort"]), f"week {week['week']}"
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
    assert counts["programs"] == 4
    assert counts["workouts"] == sum(len(w["sessions"]) for p in PROGRAMS["programs"] for w in p["schedule"])
    assert counts["prescriptions"] == sum(
        len(s["items"]) for p in PROGRAMS["programs"] for w in p["schedule"] for s in w["sessions"]
    )


@pytest.mark.parametrize("relation", ["primary_muscles", "equipment", "sources"])
def test_every_loaded_exercise_has_muscles_equipment_and_sources(content, relation):
    lacking = Exercise.objects.annotate(n=Count(relation)).filter(n=0).values_list("slug", flat=True)
    assert set(lacking) <= (APP_ADDED if relation == "sources" else set())


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
    assert f"Loaded {len(EXERCISE_ROWS)} exercises and 4 programs" in capsys.readouterr().out


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


# ---------------------------------------------------------------- coaching checks from the content review


def item_contacts(item):
    per_rep = EXERCISE_ROWS[item["exercise"]]["ground_contacts_per_rep"] or 0
    return per_rep * item["sets"] * (item["reps_max"] or 0) * (2 if item["per_side"] else 1)


@pytest.mark.parametrize("row", PROGRAMS["programs"], ids=lambda row: row["slug"])
def test_jumping_stays_inside_the_contact_budget(row):
    """ground_contacts_per_rep × reps × sets (× 2 per side), per session and per week, against the stated budget."""
    weeks = [[sum(item_contacts(i) for i in s["items"]) for s in w["sessions"]] for w in row["schedule"]]
    if not any(any(w) for w in weeks):
        return
    assert row["contacts_per_session_max"] and row["contacts_per_week_max"], "jumping needs a stated budget"
    for number, sessions in enumerate(weeks, start=1):
        assert max(sessions) <= row["contacts_per_session_max"], f"week {number}"
        assert sum(sessions) <= row["contacts_per_week_max"], f"week {number}"


@pytest.mark.parametrize("row", PROGRAMS["programs"], ids=lambda row: row["slug"])
def test_a_program_is_safe_for_the_level_it_claims(row):
    drills = [i["exercise"] for w in row["schedule"] for s in w["sessions"] for i in s["items"]]
    if row["level"] == "beginner":
        assert max(EXERCISE_ROWS[d]["difficulty"] for d in drills) <= 3
        assert row["min_hours_between"] >= 48, "a beginner gets a rest day between sessions"
        assert row["contacts_per_session_max"] is None or row["contacts_per_session_max"] <= 40
    if row["is_plyometric"] and any(EXERCISE_ROWS[d]["difficulty"] >= 4 for d in drills):
        assert row["level"] != "beginner"
        first = {i["exercise"] for s in row["schedule"][0]["sessions"] for i in s["items"]}
        assert all(EXERCISE_ROWS[d]["difficulty"] <= 2 for d in first), "hard drills are not for week 1"


def test_plyometric_block_starts_with_landing_drills_and_entry_checks():
    ply = next(p for p in PROGRAMS["programs"] if p["slug"] == "plyometric")
    week_1 = {i["exercise"] for s in ply["schedule"][0]["sessions"] for i in s["items"]}
    assert {"pogo-hop", "snap-down"} <= week_1
    criteria = " ".join(ply["entry_criteria"]).lower()
    assert "single-leg calf raise" in criteria and "single-leg squat" in criteria and "strength" in criteria


def test_blocks_that_build_end_with_an_easier_week():
    for slug in ["bodyweight-home", "posterior-chain", "plyometric"]:
        row = next(p for p in PROGRAMS["programs"] if p["slug"] == slug)
        assert row["schedule"][-1]["phase"] in {"deload", "consolidation"}, slug
    posterior = next(p for p in PROGRAMS["programs"] if p["slug"] == "posterior-chain")
    assert posterior["schedule"][3]["phase"] == "deload"


def test_posterior_chain_trains_the_calves_and_goes_heavy():
    row = next(p for p in PROGRAMS["programs"] if p["slug"] == "posterior-chain")
    items = [i for w in row["schedule"] for s in w["sessions"] for i in s["items"]]
    trained = {m for i in items for m in EXERCISE_ROWS[i["exercise"]]["primary_muscles"]}
    assert {"calves", "soleus"} <= trained
    heavy = [i for w in row["schedule"] if w["phase"] == "build" for s in w["sessions"] for i in s["items"]]
    assert any(i["reps_min"] == 5 and i["reps_max"] == 8 for i in heavy), "the 5–8 range appears in a build week"


def test_maintenance_is_one_short_heavy_session_a_week_citing_the_literature():
    row = next(p for p in PROGRAMS["programs"] if p["slug"] == "in-season-maintenance")
    assert row["sessions_per_week"] == 1
    assert {w["phase"] for w in row["schedule"]} == {"maintenance"}
    literature = {s["slug"] for s in EXERCISES["sources"] if s.get("kind") == "literature"}
    assert literature <= set(row["sources"])
    for week in row["schedule"]:
        for session in week["sessions"]:
            assert len(session["items"]) <= 4 and all(i["sets"] <= 3 for i in session["items"])


def test_every_session_fits_the_stated_time(content):
    """Work, rest and the warm-up of every session fall inside the minutes the program states."""
    for program in Program.objects.all():
        for workout in program.workouts_in_order():
            total = workout.minutes + program.warmup_minutes
            assert program.duration_min <= total <= program.duration_max, f"{program.slug} {workout}: {total} min"


def test_review_fixes_in_the_library():
    rows = EXERCISE_ROWS
    assert rows["toe-raise"]["pattern"] != "calf" and rows["toe-raise"]["primary_muscles"] == ["tibialis-anterior"]
    assert rows["swiss-ball-russian-twist"]["pattern"] == "core"
    assert rows["medicine-ball-russian-twist"]["pattern"] == "core"
    assert (rows["single-leg-romanian-deadlift"]["reps_min"], rows["single-leg-romanian-deadlift"]["reps_max"]) == (
        8,
        10,
    )
    assert not rows["lateral-bound"]["unilateral"] and "both feet" in " ".join(rows["lateral-bound"]["steps"])
    curl = rows["swiss-ball-hamstring-curl"]
    assert curl["duration_s"] == 30 and "one slow curl" in curl["dosing"] and "core" in curl["primary_muscles"]
    squat_text = " ".join(rows["banded-squat"]["steps"] + rows["banded-squat"]["cues"]).lower()
    assert "behind the toes" not in squat_text and "behind your toes" not in squat_text
    thrust = " ".join(rows["hip-thrust"]["steps"])
    assert "Key Leg Strength Exercises" in thrust and "Leg Strengthening Exercises for Runners" in thrust


def test_library_opens_with_leg_exercises(content):
    first = list(Exercise.objects.all()[:5])
    assert all(e.pattern in {"hinge", "squat", "lunge"} for e in first)
    assert Exercise.objects.last().pattern == "upper"
