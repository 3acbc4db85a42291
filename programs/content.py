"""Load the reviewed program templates into the database, by slug.

Weeks, workouts and prescriptions are updated in place by position, so runners'
schedules (which point at workouts) survive a content update.
"""

from pathlib import Path

import yaml
from django.db import transaction

from exercises.models import Equipment, Exercise, Source

from .models import Prescription, Program, ProgramWeek, Workout

CONTENT_FILE = Path(__file__).resolve().parent / "content" / "programs.yaml"

PROGRAM_FIELDS = [
    "name",
    "goal",
    "summary",
    "level",
    "weeks",
    "sessions_per_week",
    "sessions_per_week_min",
    "min_hours_between",
    "is_plyometric",
    "duration_min",
    "duration_max",
    "timing",
    "warmup",
    "progression",
    "entry_criteria",
    "effort",
    "first_load",
    "provenance",
    "warmup_minutes",
    "contacts_per_session_max",
    "contacts_per_week_max",
]
ITEM_FIELDS = ["sets", "reps_min", "reps_max", "duration_s", "per_side", "rest_s", "load"]


def read(path=CONTENT_FILE):
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@transaction.atomic
def load(data=None):
    """Insert or update every program; returns how many the file holds."""
    data = data or read()
    exercises = {e.slug: e for e in Exercise.objects.library()}
    equipment = {e.slug: e for e in Equipment.objects.all()}
    sources = {s.slug: s for s in Source.objects.all()}
    for row in data["programs"]:
        program, _ = Program.objects.update_or_create(slug=row["slug"], defaults={f: row[f] for f in PROGRAM_FIELDS})
        program.equipment.set([equipment[s] for s in row["equipment"]])
        program.sources.set([sources[s] for s in row["sources"]])
        for week_row in row["schedule"]:
            week, _ = ProgramWeek.objects.update_or_create(
                program=program,
                number=week_row["week"],
                defaults={
                    "focus": week_row.get("focus") or "",
                    "phase": week_row.get("phase") or "build",
                    "effort": week_row.get("effort") or "",
                },
            )
            for order, session_row in enumerate(week_row["sessions"], start=1):
                workout, _ = Workout.objects.update_or_create(
                    week=week, order=order, defaults={"name": session_row["name"]}
                )
                for item_order, item in enumerate(session_row["items"], start=1):
                    defaults = {f: item[f] for f in ITEM_FIELDS}
                    defaults["exercise"] = exercises[item["exercise"]]
                    defaults["note"] = item.get("note") or ""
                    Prescription.objects.update_or_create(workout=workout, order=item_order, defaults=defaults)
                workout.prescriptions.filter(order__gt=len(session_row["items"])).delete()
    return len(data["programs"])
