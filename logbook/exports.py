"""The runner's whole log, read for an export in bounded chunks: plain values, never a model per set.

A five-year log holds over 20,000 sets; building a LoggedSet and an Exercise object for each was most of
an export's time. Sessions are read 500 at a time and their sets in one query per chunk, as tuples; the
exercises (a few hundred at most) are read once.
"""

from dataclasses import dataclass

from exercises.models import Exercise

from .models import LoggedSet, Session, session_title

CHUNK = 500
SESSION_VALUES = [
    "id",
    "date",
    "start_time",
    "name",
    "notes",
    "effort",
    "duration_min",
    "created_at",
    "planned_session_id",
    "planned_session__enrollment__program__name",
    "planned_session__enrollment__program__slug",
    "planned_session__workout__name",
]
SET_VALUES = [
    "session_id",
    "exercise_id",
    "exercise_name",
    "kind",
    "reps",
    "duration_s",
    "distance_m",
    "load_kg",
    "side",
    "rpe",
    "superset",
    "note",
]


@dataclass(slots=True)
class ExportSession:
    id: int
    date: object
    start_time: object
    name: str
    notes: str
    effort: int | None
    duration_min: int | None
    created_at: object
    planned_session_id: int | None
    program_name: str | None
    program_slug: str | None
    workout_name: str | None
    sets: list

    @property
    def title(self):
        return session_title(self.name, self.program_name, self.workout_name)


@dataclass(slots=True)
class ExportSet:
    exercise_id: int | None
    exercise_name: str
    kind: str
    reps: int | None
    duration_s: int | None
    distance_m: object
    load_kg: object
    side: str
    rpe: object
    superset: int | None
    note: str
    exercise: object = None  # (slug, name, owner_id) or None

    @property
    def label(self):
        return self.exercise[1] if self.exercise else self.exercise_name

    @property
    def export_name(self):
        """The runner's own exercise's name; else the name the set came in under, or the library's."""
        if self.exercise and self.exercise[2]:
            return self.exercise[1]
        return self.exercise_name or self.label


def sessions(user):
    """The runner's sessions, oldest first, each with its sets in order."""
    exercises = {
        pk: (slug, name, owner)
        for pk, slug, name, owner in Exercise.objects.loggable_by(user).values_list("pk", "slug", "name", "owner_id")
    }
    rows = Session.objects.filter(user=user).order_by("date", "id").values_list(*SESSION_VALUES)
    chunk = []
    for row in rows.iterator(chunk_size=CHUNK):
        chunk.append(ExportSession(*row, sets=[]))
        if len(chunk) == CHUNK:
            yield from _with_sets(chunk, exercises)
            chunk = []
    if chunk:
        yield from _with_sets(chunk, exercises)


def _with_sets(chunk, exercises):
    by_id = {s.id: s for s in chunk}
    sets = LoggedSet.objects.filter(session_id__in=list(by_id)).order_by("session_id", "order")
    for row in sets.values_list(*SET_VALUES):
        logged = ExportSet(*row[1:])
        logged.exercise = exercises.get(logged.exercise_id)
        by_id[row[0]].sets.append(logged)
    return chunk
