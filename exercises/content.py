"""Load the reviewed library content file into the database, by slug."""

from pathlib import Path

import yaml
from django.db import transaction

from .models import Equipment, Exercise, Muscle, Source

CONTENT_FILE = Path(__file__).resolve().parent / "content" / "exercises.yaml"

EXERCISE_FIELDS = [
    "name",
    "summary",
    "steps",
    "cues",
    "safety",
    "pattern",
    "unilateral",
    "ground_contacts_per_rep",
    "impact",
    "difficulty",
    "dosing",
    "reps_min",
    "reps_max",
    "duration_s",
]

# The library opens with leg work: hinges, squats and lunges first, upper body last.
PATTERN_ORDER = ["hinge", "squat", "lunge", "bridge", "calf", "plyometric", "isolation", "core", "upper"]


def read(path=CONTENT_FILE):
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@transaction.atomic
def load(data=None):
    """Insert or update every muscle, piece of equipment, source and exercise; never duplicate.

    Returns the number of exercises in the file.
    """
    data = data or read()
    for row in data["muscles"]:
        Muscle.objects.update_or_create(slug=row["slug"], defaults={"name": row["name"], "region": row["region"]})
    for row in data["equipment"]:
        Equipment.objects.update_or_create(slug=row["slug"], defaults={"name": row["name"]})
    for row in data["sources"]:
        Source.objects.update_or_create(
            slug=row["slug"],
            defaults={
                "title": row["title"],
                "kind": row.get("kind") or Source.Kind.ARTICLE,
                "citation": row.get("citation") or "",
            },
        )

    muscles = {m.slug: m for m in Muscle.objects.all()}
    equipment = {e.slug: e for e in Equipment.objects.all()}
    sources = {s.slug: s for s in Source.objects.all()}
    exercises = {}
    for row in data["exercises"]:
        defaults = {field: row[field] for field in EXERCISE_FIELDS}
        defaults["aliases"] = "\n".join(row.get("aliases") or [])
        defaults["dosing_source"] = sources[row["dosing_source"]] if row.get("dosing_source") else None
        defaults["sort_order"] = (PATTERN_ORDER.index(row["pattern"]) + 1) * 10
        exercise, _ = Exercise.objects.library().update_or_create(slug=row["slug"], defaults=defaults)
        exercise.primary_muscles.set([muscles[s] for s in row["primary_muscles"]])
        exercise.secondary_muscles.set([muscles[s] for s in row["secondary_muscles"]])
        exercise.equipment.set([equipment[s] for s in row["equipment"]])
        exercise.sources.set([sources[s] for s in row["sources"]])
        exercises[row["slug"]] = exercise
    # Variations link exercises to each other, so they are set once every exercise exists.
    for row in data["exercises"]:
        exercises[row["slug"]].harder.set([exercises[s] for s in row["harder"]])
    return len(exercises)
