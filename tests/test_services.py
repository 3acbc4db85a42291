"""The write services: one transaction each, the runner locked first, the data version bumped once,
refusals as field messages. Writes from several threads at once stay exact (PostgreSQL's row locks)."""

import threading
import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from accounts.models import Profile
from logbook import services as log_services
from logbook.models import ExerciseStat, LoggedSet, Session
from programs import services as program_services
from programs.models import PlannedSession, Program

from .helpers import enrol, ex, log_session

D = date


def version(user):
    return Profile.objects.get(user=user).data_version


def squat(load=60, reps=5):
    return {"exercise": ex("back-squat"), "reps": reps, "load_kg": Decimal(load)}


def test_each_write_bumps_the_data_version_once(content, user, today):
    before = version(user)
    session = log_session(user, today, {"exercise": "back-squat", "reps": 5, "load_kg": 60})
    assert version(user) == before + 1
    log_services.update_session(session, name="Renamed", sets=[squat(70)])
    assert version(user) == before + 2
    log_services.delete_session(session)
    assert version(user) == before + 3
    enrollment = enrol(user, "posterior-chain", today, [0, 3])
    assert version(user) == before + 4
    program_services.skip(enrollment.planned_sessions.get(sequence=1))
    assert version(user) == before + 5


def test_a_refused_write_changes_nothing_and_says_which_field(content, user, today):
    before = (version(user), Session.objects.count(), LoggedSet.objects.count())
    with pytest.raises(ValidationError) as refused:
        log_services.log_session(user, date=today + timedelta(days=3), sets=[squat(reps=0)])
    assert set(refused.value.message_dict) == {"date", "sets"}
    assert (
        "Set 1, reps: Reps run from 1 to 1000; 0 only for a missed attempt (a set to failure)."
        in refused.value.message_dict["sets"]
    )
    assert (version(user), Session.objects.count(), LoggedSet.objects.count()) == before


def test_the_same_client_token_logs_once(content, user, today):
    token = uuid.uuid4()
    first = log_services.log_session(user, date=today, sets=[squat()], client_token=token)
    again = log_services.log_session(user, date=today, sets=[squat(), squat()], client_token=token)
    assert first.created and not again.created and again.session.pk == first.session.pk
    assert Session.objects.filter(user=user).count() == 1 and LoggedSet.objects.count() == 1


def test_a_planned_session_is_logged_once_and_only_by_its_runner(content, user, other_user, today):
    planned = enrol(user, "posterior-chain", today, [today.weekday()]).planned_sessions.get(sequence=1)
    with pytest.raises(ValidationError) as refused:
        log_services.log_session(other_user, date=today, sets=[squat()], planned=planned)
    assert refused.value.message_dict == {"planned_session": ["That is not one of your planned sessions."]}
    log_services.log_session(user, date=today, sets=[squat()], planned=planned)
    with pytest.raises(ValidationError) as refused:
        log_services.log_session(user, date=today, sets=[squat()], planned=planned)
    assert refused.value.message_dict == {"planned_session": ["That planned session is already logged."]}
    assert PlannedSession.objects.get(pk=planned.pk).status == PlannedSession.Status.DONE


def test_a_session_logged_after_it_was_skipped_elsewhere_cannot_be_skipped_again(content, user, today):
    planned = enrol(user, "posterior-chain", today, [today.weekday()]).planned_sessions.get(sequence=1)
    stale = PlannedSession.objects.get(pk=planned.pk)  # another tab loaded it before the log
    log_services.log_session(user, date=today, sets=[squat()], planned=planned)
    with pytest.raises(ValidationError, match="Only a session still to do can be skipped."):
        program_services.skip(stale)
    assert PlannedSession.objects.get(pk=planned.pk).status == PlannedSession.Status.DONE


def test_an_unknown_integrity_error_is_not_turned_into_a_message(content, user, today, monkeypatch):
    """Only the constraints the service knows become field messages; anything else is a bug, loudly."""
    from django.db import IntegrityError

    def broken(*args, **kwargs):
        raise IntegrityError("CHECK constraint failed: something_new")

    monkeypatch.setattr(LoggedSet.objects, "bulk_create", broken)
    with pytest.raises(IntegrityError):
        log_services.log_session(user, date=today, sets=[squat()])


def test_a_known_constraint_becomes_a_field_message():
    from django.db import IntegrityError

    exc = IntegrityError("UNIQUE constraint failed: logbook_session.planned_session_id")
    known = log_services._known(exc)
    assert isinstance(known, ValidationError)
    assert known.message_dict == {"planned_session": ["That planned session is already logged."]}


# ---------------------------------------------------------------- at the same time


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks between connections: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_writes_for_one_runner_at_once_take_turns_and_keep_figures_exact(content, user):
    days = [D(2026, 1, 1) + timedelta(days=i) for i in range(8)]
    errors = []
    start = threading.Barrier(len(days))

    def write(day, load):
        try:
            start.wait()
            log_services.log_session(user, date=day, sets=[squat(load)])
        except Exception as exc:  # reported below, in the test's own thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(day, 60 + i)) for i, day in enumerate(days)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    stat = ExerciseStat.objects.get(user=user, exercise__slug="back-squat")
    kept = (stat.sessions_logged, stat.last_date, stat.best_set.load_kg)
    assert kept == (8, days[-1], Decimal(67))
    log_services.rebuild_figures(user.pk)
    stat = ExerciseStat.objects.get(user=user, exercise__slug="back-squat")
    assert (stat.sessions_logged, stat.last_date, stat.best_set.load_kg) == kept


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks between connections: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_tabs_logging_one_planned_session_at_once_log_it_once(content, user):
    program = Program.objects.get(slug="posterior-chain")
    planned = program_services.enrol(user, program, D(2026, 1, 5), [0]).planned_sessions.get(sequence=1)
    outcomes = []
    start = threading.Barrier(2)

    def tab():
        try:
            start.wait()
            log_services.log_session(user, date=D(2026, 1, 5), sets=[squat()], planned=planned)
            outcomes.append("logged")
        except ValidationError as exc:
            outcomes.append(exc.message_dict)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=tab) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(map(str, outcomes)) == sorted(
        ["logged", str({"planned_session": ["That planned session is already logged."]})]
    )
    assert Session.objects.filter(planned_session=planned).count() == 1
