"""Helpers shared by the tests: a runner's data set up through the same services the app writes with."""

from exercises.models import Exercise
from logbook import services as log_services
from programs import services as program_services
from programs.models import Program


def ex(slug):
    return Exercise.objects.get(slug=slug)


def enrol(user, slug, start, weekdays):
    """Follow the program `slug` from `start` on `weekdays` (0 = Monday), as the enrol page does."""
    return program_services.enrol(user, Program.objects.get(slug=slug), start, list(weekdays))


def expand(rows):
    """Set rows with a "times" key repeated that many times."""
    out = []
    for row in rows:
        row = dict(row)
        times = row.pop("times", 1)
        out.extend(dict(row) for _ in range(times))
    return out


def log_session(user, day, *sets, planned=None, **fields):
    """Log a session on `day` as the app does; sets are dicts of LoggedSet fields with an exercise slug."""
    rows = expand(sets)
    slugs = {row["exercise"] for row in rows if isinstance(row.get("exercise"), str)}
    exercises = Exercise.objects.in_bulk(slugs, field_name="slug")
    rows = [{**row, "exercise": exercises[row["exercise"]]} if "exercise" in row else row for row in rows]
    fields.setdefault("name", "Leg day")
    return log_services.log_session(user, date=day, sets=rows, planned=planned, **fields).session
