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

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from accounts.services import runner_write
from programs import services as plans
from programs.models import PlannedSession

from . import rules
from .models import BEST_ORDER, ExerciseStat, LoggedSet, Session, best_key

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


def _refresh_figures(user_id, exercise_ids):
    """Recompute the figures and record flags of these exercises for one runner from their log."""
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
            if logged.kind == LoggedSet.Kind.WARMUP:
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
