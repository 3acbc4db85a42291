"""Every write to a runner's schedule: enrolling, changing days (`change`), skipping and undoing a skip,
moving, pausing, resuming, restarting and leaving a block.

Each public function is one `accounts.services.runner_write`: a transaction that locks the runner first,
checks what it is asked against the state it then finds (two tabs can't both skip the same session),
writes, and bumps the runner's data version once. Refusals are `ValidationError`s with a message for
the runner; views and the API show them.

Every schedule change is checked against the placement rules (programs/placement.py) across all the
runner's programs. The rules each change newly breaks are its `breaches`: with `confirm=False` the change
is rolled back and `NeedsConfirmation` carries them to the page, which asks; with `confirm=True` it is
kept and the breaches are set on the returned object (`.breaches`) for the page or the API to show.
"""

import secrets
from contextlib import contextmanager
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone

from accounts.services import runner_write

from . import placement, runweek, schedule
from .models import CalendarFeed, Enrollment, PlannedSession, Race


class NeedsConfirmation(Exception):
    """A change breaks placement rules; the runner has to say yes first. Nothing was written."""

    def __init__(self, breaches):
        super().__init__("; ".join(b.message for b in breaches))
        self.breaches = breaches


class _Checked:
    breaches = ()


@contextmanager
def _checked_write(user, confirm):
    """`runner_write`, plus the placement rules compared before and after the change."""
    with runner_write(user.pk) as profile:
        today = timezone.localdate()
        before = {b.ident for b in placement.check(*runweek.state(user, profile, today), nearest=False)}
        outcome = _Checked()
        yield outcome
        slots, plan = runweek.state(user, profile, today)
        new = [b for b in placement.check(slots, plan, nearest=False) if b.ident not in before]
        new = placement.with_nearest(new, slots, plan)
        if new and not confirm:
            raise NeedsConfirmation(new)
        outcome.breaches = new


def enrol(user, program, start_date, weekdays, *, confirm=True):
    """Follow a program: lay every workout of the block onto the training weekdays from `start_date`."""
    with _checked_write(user, confirm) as checked:
        if Enrollment.objects.for_user(user).current().filter(program=program).exists():
            raise ValidationError({"program": "You are already following this program."})
        enrollment = Enrollment.objects.create(user=user, program=program, start_date=start_date, weekdays=weekdays)
        _lay_out(enrollment)
    enrollment.breaches = checked.breaches
    return enrollment


def change(enrollment, *, today, weekdays=None, status=None, confirm=True):
    """New weekdays and/or a pause or resume (the API's PATCH), as one write."""
    with _checked_write(enrollment.user, confirm) as checked:
        enrollment.refresh_from_db(fields=["status", "weekdays"])
        if weekdays is not None and sorted(weekdays) != enrollment.weekdays:
            enrollment.weekdays = sorted(weekdays)
            enrollment.save(update_fields=["weekdays"])
            _re_lay(enrollment, today)
        if status == Enrollment.Status.PAUSED and enrollment.status == Enrollment.Status.ACTIVE:
            _set_status(enrollment, Enrollment.Status.PAUSED)
        elif status == Enrollment.Status.ACTIVE and enrollment.status == Enrollment.Status.PAUSED:
            _set_status(enrollment, Enrollment.Status.ACTIVE)
            _re_lay(enrollment, today)
    enrollment.breaches = checked.breaches
    return enrollment


def skip(planned, *, confirm=True):
    """Skip a session still to do; the block carries on with the next one (nothing else moves)."""
    with _checked_write(planned.enrollment.user, confirm) as checked:
        _refuse_unless_planned(planned, "skipped")
        planned.status = PlannedSession.Status.SKIPPED
        planned.save(update_fields=["status"])
        _refresh_status(planned.enrollment)
    planned.breaches = checked.breaches
    return planned


def unskip(planned):
    """Undo a skip: the session is to do again, on the date it had."""
    with runner_write(planned.enrollment.user_id):
        planned.refresh_from_db(fields=["status"])
        if planned.status != PlannedSession.Status.SKIPPED:
            raise ValidationError("Only a skipped session can be brought back.")
        planned.status = PlannedSession.Status.PLANNED
        planned.save(update_fields=["status"])
        _refresh_status(planned.enrollment)
    return planned


def move(planned, new_date, *, confirm=True):
    """Move a session to a new date; every later session still to do follows on, the program's rest apart."""
    enrollment = planned.enrollment
    with _checked_write(enrollment.user, confirm) as checked:
        _refuse_unless_planned(planned, "moved")
        if planned.date != new_date:
            planned.date = new_date
            planned.revision = F("revision") + 1
            planned.save(update_fields=["date", "revision"])
            planned.refresh_from_db(fields=["revision"])
        rest = max(1, -(-enrollment.program.min_hours_between // 24))
        _re_lay(enrollment, new_date + timedelta(days=rest), after_sequence=planned.sequence)
    planned.breaches = checked.breaches
    return planned


def pause(enrollment):
    with runner_write(enrollment.user_id):
        _refuse_unless_status(enrollment, Enrollment.Status.ACTIVE, "Only a program you are following can be paused.")
        _set_status(enrollment, Enrollment.Status.PAUSED)
    return enrollment


def resume(enrollment, today, *, confirm=True):
    """Carry on from today: what was left is laid onto the coming training days."""
    with _checked_write(enrollment.user, confirm) as checked:
        _refuse_unless_status(enrollment, Enrollment.Status.PAUSED, "Only a paused program can be resumed.")
        _set_status(enrollment, Enrollment.Status.ACTIVE)
        _re_lay(enrollment, today)
    enrollment.breaches = checked.breaches
    return enrollment


def restart(enrollment, today, *, confirm=True):
    """Start the block again from today; logged sessions stay in the log, unlinked from the old plan."""
    with _checked_write(enrollment.user, confirm) as checked:
        others = Enrollment.objects.for_user(enrollment.user_id).current().filter(program=enrollment.program_id)
        if others.exclude(pk=enrollment.pk).exists():
            raise ValidationError({"program": "You are already following this program again; carry on with that one."})
        enrollment.planned_sessions.all().delete()
        enrollment.start_date = today
        enrollment.status = Enrollment.Status.ACTIVE
        enrollment.save(update_fields=["start_date", "status"])
        _lay_out(enrollment)
    enrollment.breaches = checked.breaches
    return enrollment


def leave(enrollment):
    """Stop following a program: its schedule goes, sessions logged from it stay in the log."""
    with runner_write(enrollment.user_id):
        enrollment.delete()


# For logbook.services, inside its own runner_write: the log marks the plan done or reopens it.


def mark_done(planned):
    if planned.status != PlannedSession.Status.DONE:
        planned.status = PlannedSession.Status.DONE
        planned.save(update_fields=["status"])
        _refresh_status(planned.enrollment)


def reopen(planned):
    if planned.status != PlannedSession.Status.PLANNED:
        planned.status = PlannedSession.Status.PLANNED
        planned.save(update_fields=["status"])
        _refresh_status(planned.enrollment)


def _lay_out(enrollment):
    """One planned session per workout of the block, on the training weekdays from the start date."""
    workouts = list(enrollment.program.workouts_in_order())
    dates = schedule.lay_out(enrollment.start_date, enrollment.weekdays, len(workouts))
    PlannedSession.objects.bulk_create(
        PlannedSession(enrollment=enrollment, workout=w, week=w.week.number, sequence=i, date=d)
        for i, (w, d) in enumerate(zip(workouts, dates, strict=True), start=1)
    )


def _re_lay(enrollment, start, after_sequence=0):
    """Re-date every session still to do (after `after_sequence`) onto training days from `start`."""
    pending = list(enrollment.planned_sessions.pending().filter(sequence__gt=after_sequence).order_by("sequence"))
    for planned, day in zip(pending, schedule.lay_out(start, enrollment.weekdays, len(pending)), strict=True):
        if planned.date != day:
            planned.date, planned.revision = day, planned.revision + 1
    PlannedSession.objects.bulk_update(pending, ["date", "revision"])


def _refresh_status(enrollment):
    """Completed once nothing is left to do; active again when a session is reopened."""
    left = enrollment.planned_sessions.pending().exists()
    if not left and enrollment.status == Enrollment.Status.ACTIVE:
        _set_status(enrollment, Enrollment.Status.COMPLETED)
    elif left and enrollment.status == Enrollment.Status.COMPLETED:
        _set_status(enrollment, Enrollment.Status.ACTIVE)


def _set_status(enrollment, status):
    enrollment.status = status
    enrollment.save(update_fields=["status"])


def _refuse_unless_planned(planned, done):
    # Read again under the runner's lock: another tab may have logged or skipped it meanwhile.
    planned.refresh_from_db(fields=["status"])
    if planned.status != PlannedSession.Status.PLANNED:
        raise ValidationError(f"Only a session still to do can be {done}.")


def _refuse_unless_status(enrollment, status, message):
    enrollment.refresh_from_db(fields=["status"])
    if enrollment.status != status:
        raise ValidationError(message)


# Races: a race changes what the rules allow (the taper, race week), so its writes are checked too.
RACE_FIELDS = ["name", "date", "distance", "priority", "taper_days", "primer"]


def save_race(user, data, race=None):
    """Add a race, or change one; the sessions its taper or race week now covers come back as `breaches`."""
    with _checked_write(user, confirm=True) as checked:
        race = race or Race(user=user)
        for name in RACE_FIELDS:
            if name in data:
                setattr(race, name, data[name])
        race.full_clean(exclude=["user"])
        race.save()
    race.breaches = checked.breaches
    return race


def delete_race(race):
    with runner_write(race.user_id):
        race.delete()


def rotate_feed(user):
    """A new private calendar address; the old one stops working at once."""
    with runner_write(user.pk):
        feed, _ = CalendarFeed.objects.get_or_create(user=user, defaults={"token": secrets.token_urlsafe(32)})
        feed.token = secrets.token_urlsafe(32)
        feed.save(update_fields=["token"])
    return feed


def revoke_feed(user):
    with runner_write(user.pk):
        CalendarFeed.objects.filter(user=user).delete()
