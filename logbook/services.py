"""Every write to a runner's training log: log, change or delete a session, import sessions, rebuild figures.

Each public function is one `accounts.services.runner_write` — a transaction that locks the runner's
profile row first, so a runner's writes take turns — which checks its input with `logbook.rules`, writes
the session and its sets, keeps the linked planned session in step, refreshes the per-exercise figures
(`ExerciseStat`, record flags) once, and bumps the runner's data version once. Views, API viewsets, the
importers, the admin and management commands all write through here; models keep `save()` plain.

Input that breaks a rule is refused with a `ValidationError` naming the field; a database constraint this
module knows of becomes the same kind of message (`KNOWN_CONSTRAINTS`); any other IntegrityError is a bug
and propagates.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from accounts.services import runner_write
from exercises import services as exercise_services
from exercises.models import Exercise
from programs import services as plans
from programs.models import PlannedSession

from . import importers, rules
from .importers import normalise
from .models import (
    BEST_ORDER,
    ExerciseNameMapping,
    ExerciseStat,
    ImportBatch,
    LoggedSet,
    Session,
    best_key,
    derived,
)

SESSION_FIELDS = {"date", "start_time", "name", "notes", "effort", "duration_min"}
SET_FIELDS = {
    "exercise",
    "exercise_name",
    "reps",
    "duration_s",
    "distance_m",
    "load_kg",
    "side",
    "rpe",
    "kind",
    "note",
    "superset",
}
# Constraints a request can run into, as the field and message to show. PostgreSQL names the constraint;
# SQLite names a unique constraint by its columns.
KNOWN_CONSTRAINTS = {
    "unique_session_client_token": ("client_token", "That session was already saved."),
    "logbook_session.user_id, logbook_session.client_token": ("client_token", "That session was already saved."),
    "logbook_session_planned_session_id_key": ("planned_session", "That planned session is already logged."),
    "logbook_session.planned_session_id": ("planned_session", "That planned session is already logged."),
}


@dataclass
class Logged:
    session: Session
    created: bool = True  # False: the same form or client token was already saved, and this is that session


class StaleSession(Exception):
    """The session changed since the version an edit was made from; nothing was written."""

    def __init__(self, session):
        super().__init__(f"Session {session.pk} is at version {session.version}.")
        self.session = session  # the current one, fresh from the database


@dataclass
class ImportResult:
    sessions_created: int = 0
    sessions_already_there: int = 0
    sets_created: int = 0
    exercises_touched: set = field(default_factory=set)


def log_session(user, *, sets, planned=None, client_token=None, **details):
    """Log a new session with its sets (dicts of LoggedSet fields, in order); link and mark `planned` done.

    A `client_token` already saved for this runner returns that session (created=False) and writes nothing,
    so a double submit or a retried request logs once.
    """
    try:
        with runner_write(user.pk):
            if client_token and (saved := Session.objects.filter(user=user, client_token=client_token).first()):
                return Logged(saved, created=False)
            _check(details, sets, planned=planned, user_id=user.pk)
            session = Session(user=user, planned_session=planned, **details)
            if client_token:
                session.client_token = client_token
            session.save()
            new_sets = _write_sets(session, sets, fresh=True)
            slow = _append_figures(session, new_sets)
            _refresh_figures(user.pk, slow)
            if planned is not None:
                plans.mark_done(planned)
    except IntegrityError as exc:
        raise _known(exc) from exc
    return Logged(session)


def update_session(session, *, sets=None, expected_version=None, **details):
    """Change a logged session: any of its details, its planned-session link, and (if given) all its sets.

    With `expected_version`, the edit is made only if the session is still at that version (checked under
    the runner's lock); otherwise StaleSession carries the current one. Every edit bumps the version.
    """
    with runner_write(session.user_id):
        row = Session.objects.filter(pk=session.pk).values_list("planned_session", "version").first()
        if row is None:
            raise ValidationError("That session has been deleted meanwhile.")
        previous_planned, current_version = row
        if expected_version is not None and expected_version != current_version:
            raise StaleSession(Session.objects.get(pk=session.pk))
        session.version = current_version + 1
        planned = details.pop("planned_session", session.planned_session)
        _check(details, sets, planned=planned, user_id=session.user_id, session=session)
        before = set(session.sets.filter(exercise__isnull=False).values_list("exercise_id", flat=True))
        for name, value in details.items():
            setattr(session, name, value)
        session.planned_session = planned
        try:
            session.save()
        except IntegrityError as exc:
            raise _known(exc) from exc
        after = before
        if sets is not None:
            session.sets.all().delete()
            after = {s.exercise_id for s in _write_sets(session, sets, fresh=False) if s.exercise_id}
        # An edit can change what came last or best for any exercise it held before or holds now.
        _refresh_figures(session.user_id, before | after)
        _relink_plan(session, previous_planned)
    return session


def delete_session(session):
    """Delete a session and its sets; its planned session is due again."""
    with runner_write(session.user_id):
        planned = session.planned_session
        touched = set(session.sets.filter(exercise__isnull=False).values_list("exercise_id", flat=True))
        session.delete()
        _refresh_figures(session.user_id, touched)
        if planned is not None:
            plans.reopen(planned)


def import_sessions(user, workouts):
    """Add imported workouts (each with an `import_key`) that are not in the log yet; figures refreshed once.

    `workouts` is a list of dicts: the session's details, `import_key` and `sets`. All or nothing.
    """
    result = ImportResult()
    with runner_write(user.pk):
        keys = [w["import_key"] for w in workouts]
        existing = set(Session.objects.filter(user=user, import_key__in=keys).values_list("import_key", flat=True))
        for workout in workouts:
            if workout["import_key"] in existing:
                result.sessions_already_there += 1
                continue
            details = {k: v for k, v in workout.items() if k != "sets"}
            _check({k: v for k, v in details.items() if k != "import_key"}, workout["sets"])
            session = Session.objects.create(user=user, **details)
            new_sets = _write_sets(session, workout["sets"], fresh=True)
            result.exercises_touched |= {s.exercise_id for s in new_sets if s.exercise_id}
            result.sessions_created += 1
            result.sets_created += len(new_sets)
        _refresh_figures(user.pk, result.exercises_touched)
    return result


def rebuild_figures(user_id):
    """Recompute every per-exercise figure and record flag of one runner from their whole log."""
    with runner_write(user_id):
        logged = set(
            LoggedSet.objects.filter(session__user_id=user_id, exercise__isnull=False).values_list(
                "exercise_id", flat=True
            )
        )
        ExerciseStat.objects.filter(user_id=user_id).exclude(exercise_id__in=logged).delete()
        _refresh_figures(user_id, logged)


# ---------------------------------------------------------------- inside a runner_write


def _check(details, sets, *, planned=None, user_id=None, session=None):
    """The rules for a session and its sets; raises ValidationError with every problem found."""
    problems = {}
    if unknown := set(details) - SESSION_FIELDS:
        raise TypeError(f"not session fields: {sorted(unknown)}")
    if "date" in details and (problem := rules.date_problem(details["date"], timezone.localdate())):
        problems["date"] = [problem]
    if len(details.get("notes") or "") > rules.MAX_SESSION_NOTES:
        problems["notes"] = [f"Session notes are at most {rules.MAX_SESSION_NOTES} characters."]
    if len(details.get("name") or "") > rules.MAX_NAME:
        problems["name"] = [f"A session name is at most {rules.MAX_NAME} characters."]
    if sets is not None:
        if problem := rules.sets_problem(len(sets)):
            problems["sets"] = [problem]
        for number, row in enumerate(sets, start=1):
            if unknown := set(row) - SET_FIELDS:
                raise TypeError(f"not set fields: {sorted(unknown)}")
            for name, message in rules.set_problems(**row).items():
                problems.setdefault("sets", []).append(f"Set {number}, {name.replace('_', ' ')}: {message}")
            owner = getattr(row.get("exercise"), "owner_id", None)
            if owner is not None and user_id is not None and owner != user_id:
                problems.setdefault("sets", []).append(f"Set {number}, exercise: Choose an exercise.")
    if planned is not None:
        if user_id is not None and planned.enrollment.user_id != user_id:
            problems["planned_session"] = ["That is not one of your planned sessions."]
        else:
            taken = Session.objects.filter(planned_session=planned)
            if session is not None:
                taken = taken.exclude(pk=session.pk)
            if taken.exists():
                problems["planned_session"] = ["That planned session is already logged."]
    if problems:
        raise ValidationError(problems)


def _constraint_name(exc):
    """The constraint's name (PostgreSQL; SQLite's CHECK), or a SQLite UNIQUE's "table.column, …" list."""
    diag = getattr(exc.__cause__, "diag", None)
    if diag is not None and getattr(diag, "constraint_name", None):
        return diag.constraint_name
    match = re.search(r"(?:CHECK|UNIQUE) constraint failed: (.+)$", str(exc))
    return match.group(1).strip() if match else ""


def _known(exc):
    """A known constraint violation as a ValidationError for its field; any other is re-raised as it is."""
    found = KNOWN_CONSTRAINTS.get(_constraint_name(exc))
    if found is None:
        return exc
    name, message = found
    return ValidationError({name: [message]}, code="constraint")


def _write_sets(session, rows, *, fresh):
    """Insert `rows` as the session's sets, in order, with their derived figures; returns the new sets."""
    new_sets = []
    for order, row in enumerate(rows, start=1):
        logged = LoggedSet(session=session, order=order, **row)
        logged.compute_derived()
        new_sets.append(logged)
    LoggedSet.objects.bulk_create(new_sets)
    session.ordered_sets = new_sets
    return new_sets


def _relink_plan(session, previous_planned_id):
    """Mark the linked planned session done; reopen one the session no longer points at."""
    if previous_planned_id and previous_planned_id != session.planned_session_id:
        old = PlannedSession.objects.filter(pk=previous_planned_id).select_related("enrollment").first()
        if old is not None:
            plans.reopen(old)
    if session.planned_session_id:
        plans.mark_done(session.planned_session)


# Above this many exercises, one pass over the runner's sets beats a handful of queries per exercise.
MANY_EXERCISES = 8


def _refresh_figures(user_id, exercise_ids):
    """Recompute the figures and record flags of these exercises for one runner from their log."""
    if len(exercise_ids) > MANY_EXERCISES:
        return _refresh_many(user_id, set(exercise_ids))
    for exercise_id in exercise_ids:
        sets = LoggedSet.objects.filter(session__user_id=user_id, exercise_id=exercise_id)
        last = sets.order_by("-session__date", "-session_id").values_list("session_id", "session__date").first()
        if last is None:
            ExerciseStat.objects.filter(user_id=user_id, exercise_id=exercise_id).delete()
            continue
        ExerciseStat.objects.update_or_create(
            user_id=user_id,
            exercise_id=exercise_id,
            defaults={
                "sessions_logged": sets.values("session_id").distinct().count(),
                "last_session_id": last[0],
                "last_date": last[1],
                "best_set_id": sets.working().order_by(*BEST_ORDER).values_list("id", flat=True).first(),
            },
        )
        records = list(sets.records().values_list("id", flat=True))
        sets.filter(is_record=True).exclude(id__in=records).update(is_record=False)
        sets.filter(id__in=records, is_record=False).update(is_record=True)


def _refresh_many(user_id, exercise_ids):
    """_refresh_figures for many exercises at once (an import, an undo): one read of their sets, in order,
    the same figures worked out in one pass, then one write of the stats and two of the record flags."""
    rows = (
        LoggedSet.objects.filter(session__user_id=user_id, exercise_id__in=exercise_ids)
        .order_by("exercise_id", "session__date", "session_id", "order")
        .values_list(
            "id",
            "exercise_id",
            "session_id",
            "session__date",
            "kind",
            "reps",
            "e1rm_kg",
            "load_kg",
            "duration_s",
            "is_record",
        )
    )
    low = Decimal(-1)
    stats, records, unflag = {}, [], []
    for pk, exercise_id, session_id, day, kind, reps, e1rm, load, seconds, flagged in rows.iterator(chunk_size=5000):
        stat = stats.get(exercise_id)
        if stat is None:
            stat = stats[exercise_id] = {"sessions": set(), "last": None, "best": None, "best_key": None, "top": None}
        stat["sessions"].add(session_id)
        if stat["last"] is None or (day, session_id) > stat["last"]:
            stat["last"] = (day, session_id)
        record = False
        if kind != LoggedSet.Kind.WARMUP and reps != 0:
            key = (
                e1rm if e1rm is not None else low,
                load if load is not None else low,
                reps if reps is not None else -1,
                seconds if seconds is not None else -1,
            )
            if stat["best_key"] is None or key > stat["best_key"]:
                stat["best"], stat["best_key"] = pk, key
            if e1rm is not None:
                record = stat["top"] is not None and e1rm > stat["top"]
                stat["top"] = e1rm if stat["top"] is None else max(stat["top"], e1rm)
        if record and not flagged:
            records.append(pk)
        elif flagged and not record:
            unflag.append(pk)
    gone = exercise_ids - set(stats)
    if gone:
        ExerciseStat.objects.filter(user_id=user_id, exercise_id__in=gone).delete()
    ExerciseStat.objects.bulk_create(
        [
            ExerciseStat(
                user_id=user_id,
                exercise_id=exercise_id,
                sessions_logged=len(stat["sessions"]),
                last_date=stat["last"][0],
                last_session_id=stat["last"][1],
                best_set_id=stat["best"],
            )
            for exercise_id, stat in stats.items()
        ],
        update_conflicts=True,
        unique_fields=["user", "exercise"],
        update_fields=["sessions_logged", "last_session", "last_date", "best_set"],
        batch_size=500,
    )
    for ids, value in ((records, True), (unflag, False)):
        for start in range(0, len(ids), 900):
            LoggedSet.objects.filter(pk__in=ids[start : start + 900]).update(is_record=value)


def _append_figures(session, new_sets):
    """Update figures for a session logged after every other one holding its exercises, without rescanning.

    Returns the exercises it could not append to (the session is not the latest for them), to refresh fully.
    Exact because the caller holds the runner's lock: no other write for this runner reads or changes
    these rows until it commits.
    """
    by_exercise = {}
    for logged in new_sets:
        if logged.exercise_id:
            by_exercise.setdefault(logged.exercise_id, []).append(logged)
    stats = {
        stat.exercise_id: stat
        for stat in ExerciseStat.objects.filter(user_id=session.user_id, exercise_id__in=by_exercise).select_related(
            "best_set"
        )
    }
    slow, records, rows = set(), [], []
    for exercise_id, sets in by_exercise.items():
        stat = stats.get(exercise_id)
        if stat and (session.date, session.pk) <= (stat.last_date, stat.last_session_id):
            slow.add(exercise_id)
            continue
        best = stat.best_set if stat else None
        running = best.e1rm_kg if best else None
        for logged in sets:
            if logged.kind == LoggedSet.Kind.WARMUP or logged.reps == 0:
                continue
            if logged.e1rm_kg is not None:
                if running is not None and logged.e1rm_kg > running:
                    records.append(logged.pk)
                if running is None or logged.e1rm_kg > running:
                    running = logged.e1rm_kg
            if best is None or best_key(logged) > best_key(best):
                best = logged
        rows.append(
            ExerciseStat(
                user_id=session.user_id,
                exercise_id=exercise_id,
                sessions_logged=(stat.sessions_logged if stat else 0) + 1,
                last_session_id=session.pk,
                last_date=session.date,
                best_set_id=best.pk if best else None,
            )
        )
    if rows:
        ExerciseStat.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["user", "exercise"],
            update_fields=["sessions_logged", "last_session", "last_date", "best_set"],
        )
    if records:
        LoggedSet.objects.filter(pk__in=records).update(is_record=True)
    return slow


# ---------------------------------------------------------------- imports


@dataclass
class Draft:
    """A parsed upload: its draft batch (None when nothing can be imported), workouts and report."""

    batch: ImportBatch | None
    workouts: list
    report: object


def draft_import(user, text, *, unit="kg", distance_unit="", file_name="import.csv"):
    """Parse an upload and keep it as a draft batch for the review step; nothing reaches the log yet.

    A file with errors is kept nowhere. A file this runner already imported (and has not undone) is not
    kept either: the report names the batch that holds it.
    """
    workouts, report = importers.parse(text, unit, distance_unit)
    for workout in workouts:
        if problem := rules.sets_problem(len(workout.sets)):
            report.errors.append(
                (workout.line, "workout", f"{workout.name or 'A workout'} on {workout.date}: {problem}")
            )
    if not report.ok:
        return Draft(None, [], report)
    digest = importers.sha256(text)
    done = ImportBatch.objects.filter(user=user, sha256=digest, status=ImportBatch.Status.DONE).first()
    if done is not None:
        report.already_imported = done
        return Draft(None, workouts, report)
    # Not the runner's log yet, so no runner_write: their data version moves when the import is confirmed.
    with transaction.atomic():
        # One draft at a time is enough: an abandoned review is replaced by the next upload.
        ImportBatch.objects.filter(user=user, status=ImportBatch.Status.DRAFT).delete()
        batch = ImportBatch.objects.create(
            user=user,
            file_name=(file_name or "import.csv").replace("\x00", "")[:200] or "import.csv",
            format=report.format,
            unit=unit,
            distance_unit=distance_unit or ("mi" if unit == "lb" else "km"),
            sha256=digest,
            text=text,
            rows=report.rows,
        )
    return Draft(batch, workouts, report)


def commit_import(batch, choices, workouts=None, report=None):
    """Save a draft batch into the log: every set under its source name, linked as `choices` say.

    `choices` maps a source name to an exercise the runner may log, or to None for a new own exercise;
    names without a choice take their proposal (remembered choice, reviewed match, own exercise, new).
    The choices are remembered for the next import. Workouts already in the log are left as they are.
    Sessions and sets are written in bulk, and figures refreshed once for the whole batch.
    """
    user = batch.user
    if workouts is None:
        workouts, report = importers.parse(batch.text, batch.unit, batch.distance_unit)
        if not report.ok:
            raise ValidationError({"file": ["The stored upload can no longer be read; upload it again."]})
    with runner_write(user.pk):
        fresh = ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.DRAFT).first()
        if fresh is None:
            raise ValidationError({"batch": ["That import was already confirmed or cancelled."]})
        names = {}
        unilateral = {}
        for workout in workouts:
            for row in workout.sets:
                names[row["exercise_name"]] = names.get(row["exercise_name"], 0) + 1
                unilateral[row["exercise_name"]] = unilateral.get(row["exercise_name"], False) or row["side"] != "both"
        proposals = importers.propose(user, names)
        chosen = {e.pk for e in choices.values() if e is not None}
        allowed = set(Exercise.objects.loggable_by(user).filter(pk__in=chosen).values_list("pk", flat=True))
        resolved, new_names = {}, []
        for name, proposal in proposals.items():
            exercise = choices.get(name, proposal.exercise)
            if exercise is not None and name in choices and exercise.pk not in allowed:
                raise ValidationError({"choices": [f"{name}: choose one of your exercises or the library's."]})
            if exercise is None:
                new_names.append(name)
            else:
                resolved[name] = exercise
        own = {normalise(e.name): e for e in Exercise.objects.owned_by(user)}
        created = []
        for name in new_names:
            if (existing := own.get(normalise(name))) is not None:
                resolved[name] = existing
                continue
            exercise = exercise_services.build_own_exercise(user, name, unilateral=unilateral[name])
            created.append(exercise)
            own[normalise(name)] = resolved[name] = exercise
        Exercise.objects.bulk_create(created)
        created_ids = [e.pk for e in created]
        if not all(created_ids):  # a backend that returns no ids from bulk_create
            by_slug = dict(Exercise.objects.filter(slug__in=[e.slug for e in created]).values_list("slug", "pk"))
            for exercise in created:
                exercise.pk = by_slug[exercise.slug]
            created_ids = [e.pk for e in created]
        ExerciseNameMapping.objects.bulk_create(
            [ExerciseNameMapping(user=user, source_name=n[:200], exercise=e) for n, e in resolved.items()],
            update_conflicts=True,
            unique_fields=["user", "source_name"],
            update_fields=["exercise"],
        )
        keys = [w.key for w in workouts]
        existing = set()
        for start in range(0, len(keys), 500):
            existing |= set(
                Session.objects.filter(user=user, import_key__in=keys[start : start + 500]).values_list(
                    "import_key", flat=True
                )
            )
        todo = [w for w in workouts if w.key not in existing]
        sessions = [
            Session(
                user=user,
                batch=fresh,
                import_key=w.key,
                date=w.date,
                start_time=w.start_time,
                name=w.name,
                notes=w.notes,
                effort=w.effort,
                duration_min=w.duration_min,
            )
            for w in todo
        ]
        Session.objects.bulk_create(sessions, batch_size=500)
        if sessions and sessions[0].pk is None:
            by_key = dict(Session.objects.filter(batch=fresh).values_list("import_key", "pk"))
            for session in sessions:
                session.pk = by_key[session.import_key]
        new_sets, touched = [], set()
        for workout, session in zip(todo, sessions, strict=True):
            for order, row in enumerate(workout.sets, start=1):
                exercise = resolved[row["exercise_name"]]
                row = dict(row, session_id=session.pk, order=order, exercise_id=exercise.pk)
                if row["side"] != "both" and not exercise.unilateral:
                    # A two-sided move has no side; the side the file gave stays in the note.
                    code = "L" if row["side"] == "left" else "R"
                    row["note"] = f"[{code}] {row['note']}".strip()[: rules.MAX_NOTE]
                    row["side"] = "both"
                row["kind"], row["side"] = str(row["kind"]), str(row["side"])  # plain values for the driver
                sides = 2 if exercise.unilateral and row["side"] == "both" else 1
                contacts_per_rep = exercise.ground_contacts_per_rep or 0
                row["volume_kg"], row["contacts"], row["e1rm_kg"] = derived(
                    row["load_kg"], row["reps"], sides, contacts_per_rep
                )
                new_sets.append(row)
                touched.add(exercise.pk)
        _insert_sets(new_sets)
        _refresh_figures(user.pk, touched)
        fresh.status = ImportBatch.Status.DONE
        fresh.text = ""  # the sets are the record now; the file need not be kept
        fresh.sessions_created = len(sessions)
        fresh.sessions_already_there = len(existing)
        fresh.sets_created = len(new_sets)
        fresh.finished_at = timezone.now()
        fresh.created_exercises = created_ids
        if report is not None:
            fresh.left_out, fresh.warnings = report.left_out, report.warnings
        fresh.save()
    return fresh


def _insert_sets(rows):
    """Insert set rows (dicts of LoggedSet columns, already checked by the rules and with derived figures)
    with executemany: Django's bulk_create spends most of an import compiling 25,000 rows of SQL."""
    fields = [f for f in LoggedSet._meta.concrete_fields if not f.primary_key]
    defaults = {f.attname: f.get_default() for f in fields}
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    table = connection.ops.quote_name(LoggedSet._meta.db_table)
    values = [[row.get(f.attname, defaults[f.attname]) for f in fields] for row in rows]
    with connection.cursor() as cursor:
        for start in range(0, len(values), 5000):
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", values[start : start + 5000])


def undo_import(batch):
    """Remove exactly what a batch added: its sessions and sets, and the own exercises it made that nothing
    else uses now; figures refreshed once. The batch stays on the Imports page, marked undone."""
    with runner_write(batch.user_id):
        batch = ImportBatch.objects.get(pk=batch.pk)
        if batch.status != ImportBatch.Status.DONE:
            raise ValidationError({"batch": ["Only a finished import can be undone."]})
        sets = LoggedSet.objects.filter(session__batch=batch)
        touched = set(sets.exclude(exercise__isnull=True).values_list("exercise_id", flat=True).distinct())
        ExerciseStat.objects.filter(user_id=batch.user_id, exercise_id__in=touched).delete()
        # In bulk: only those figures pointed at the sets, and they are gone (the collector would load
        # every set first).
        sets._raw_delete(sets.db)
        Session.objects.filter(batch=batch).delete()
        unused = (
            Exercise.objects.filter(pk__in=batch.created_exercises, owner_id=batch.user_id)
            .exclude(pk__in=LoggedSet.objects.filter(exercise__isnull=False).values("exercise_id"))
            .values_list("pk", flat=True)
        )
        unused = list(unused)
        ExerciseNameMapping.objects.filter(user_id=batch.user_id, exercise_id__in=unused).delete()
        Exercise.objects.filter(pk__in=unused).delete()
        _refresh_figures(batch.user_id, touched - set(unused))
        batch.status = ImportBatch.Status.UNDONE
        batch.save(update_fields=["status"])
    return batch


# ---------------------------------------------------------------- own exercises that hold sets


def delete_own_exercise(exercise):
    """Delete an own exercise nothing is logged under; one with sets is refused (merge it instead)."""
    with runner_write(exercise.owner_id):
        count = LoggedSet.objects.filter(exercise=exercise).count()
        if count:
            raise ValidationError(
                {"exercise": [f"{count} logged set{'s' if count != 1 else ''} use it: merge it into another exercise."]}
            )
        ExerciseStat.objects.filter(exercise=exercise).delete()
        exercise.delete()


def merge_own_exercise(exercise, into):
    """Move every set of an own exercise to `into` (a library exercise or another own one), then delete it.

    Each set keeps the name it was logged under; the runner's name mappings follow.
    """
    user_id = exercise.owner_id
    with runner_write(user_id):
        if into.pk == exercise.pk or into.owner_id not in (None, user_id):
            raise ValidationError({"into": ["Choose another of your exercises or a library exercise."]})
        sets = LoggedSet.objects.filter(exercise=exercise, session__user_id=user_id)
        sets.filter(exercise_name="").update(exercise_name=exercise.name)
        moved = sets.update(exercise=into)
        ExerciseNameMapping.objects.filter(user_id=user_id, exercise=exercise).update(exercise=into)
        ExerciseStat.objects.filter(exercise=exercise).delete()
        # Derived figures depend on the exercise (per-side counting, ground contacts).
        changed = []
        for logged in LoggedSet.objects.filter(exercise=into, session__user_id=user_id).select_related("exercise"):
            before = (logged.volume_kg, logged.e1rm_kg, logged.contacts)
            logged.compute_derived()
            if (logged.volume_kg, logged.e1rm_kg, logged.contacts) != before:
                changed.append(logged)
        LoggedSet.objects.bulk_update(changed, ["volume_kg", "e1rm_kg", "contacts"], batch_size=1000)
        exercise.delete()
        _refresh_figures(user_id, {into.pk})
    return moved
