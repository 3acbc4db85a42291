"""Laying a block onto dates (programs/schedule.py) and following it: start, skip, move, pause, resume, restart."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from programs import schedule
from programs import services as program_services
from programs.models import Enrollment, PlannedSession, Program

from .factories import UserFactory

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)


# ---------------------------------------------------------------- lay_out


def test_lay_out_across_a_year_end():
    # Monday 28 December 2026, Mondays and Thursdays.
    assert schedule.lay_out(date(2026, 12, 28), [MON, THU], 4) == [
        date(2026, 12, 28),
        date(2026, 12, 31),
        date(2027, 1, 4),
        date(2027, 1, 7),
    ]


def test_lay_out_across_a_month_end():
    # Thursday 29 January 2026; Monday, Wednesday, Friday.
    assert schedule.lay_out(date(2026, 1, 29), [MON, WED, FRI], 4) == [
        date(2026, 1, 30),
        date(2026, 2, 2),
        date(2026, 2, 4),
        date(2026, 2, 6),
    ]


def test_lay_out_across_a_thirty_day_month_end():
    assert schedule.lay_out(date(2026, 4, 29), [THU], 2) == [date(2026, 4, 30), date(2026, 5, 7)]


def test_lay_out_lands_on_a_leap_day():
    # 29 February 2028 is a Tuesday.
    assert schedule.lay_out(date(2028, 2, 27), [TUE], 2) == [date(2028, 2, 29), date(2028, 3, 7)]


def test_lay_out_skips_the_missing_leap_day_in_a_common_year():
    # 2027 has no 29 February: the Monday after Sunday 28 February is 1 March.
    assert schedule.lay_out(date(2027, 2, 28), [MON], 1) == [date(2027, 3, 1)]


def test_lay_out_counts_the_start_day_when_it_is_a_training_day():
    assert schedule.lay_out(date(2026, 3, 4), [WED], 1) == [date(2026, 3, 4)]
    assert schedule.lay_out(date(2026, 3, 5), [WED], 1) == [date(2026, 3, 11)]


def test_lay_out_nothing_to_lay():
    assert schedule.lay_out(date(2026, 3, 4), [WED], 0) == []


def test_lay_out_ignores_repeated_weekdays():
    assert schedule.lay_out(date(2026, 3, 2), [MON, MON], 2) == [date(2026, 3, 2), date(2026, 3, 9)]


@pytest.mark.parametrize("weekdays", [[], [7], [-1], [0, 9]])
def test_lay_out_refuses_impossible_weekdays(weekdays):
    with pytest.raises(ValueError):
        schedule.lay_out(date(2026, 3, 2), weekdays, 3)


@given(
    start=st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)),
    weekdays=st.sets(st.integers(min_value=0, max_value=6), min_size=1),
    count=st.integers(min_value=0, max_value=60),
)
def test_lay_out_properties(start, weekdays, count):
    dates = schedule.lay_out(start, sorted(weekdays), count)
    assert len(dates) == count
    assert all(d.weekday() in weekdays for d in dates)
    assert dates == sorted(set(dates)), "strictly ascending, no day twice"
    if dates:
        assert dates[0] >= start
        assert dates[0] - start < timedelta(days=7)
    # No training day is passed over between the first and last date.
    if dates:
        day, expected = start, []
        while day <= dates[-1]:
            if day.weekday() in weekdays:
                expected.append(day)
            day += timedelta(days=1)
        assert expected == dates


# Where sessions may go (warnings, suggestions) is tests/test_placement.py.


# ---------------------------------------------------------------- following a block


@pytest.fixture
def runner(db):
    return UserFactory()


def enrol(runner, slug="posterior-chain", start=date(2026, 12, 28), weekdays=(MON, THU)):
    return program_services.enrol(runner, Program.objects.get(slug=slug), start, list(weekdays))


def dates(enrollment, status=None):
    sessions = enrollment.planned_sessions.order_by("sequence")
    if status:
        sessions = sessions.filter(status=status)
    return list(sessions.values_list("date", flat=True))


def test_start_lays_one_session_per_workout(content, runner):
    enrollment = enrol(runner)
    program = enrollment.program
    workouts = list(program.workouts_in_order())
    planned = list(enrollment.planned_sessions.order_by("sequence").select_related("workout__week"))
    assert len(planned) == len(workouts) == 8
    assert [p.workout for p in planned] == workouts
    assert [p.sequence for p in planned] == list(range(1, 9))
    assert [p.week for p in planned] == [w.week.number for w in workouts] == [1, 1, 2, 2, 3, 3, 4, 4]
    assert all(p.status == PlannedSession.Status.PLANNED for p in planned)
    assert dates(enrollment) == schedule.lay_out(date(2026, 12, 28), [MON, THU], 8)
    assert dates(enrollment)[2] == date(2027, 1, 4)
    assert enrollment.status == Enrollment.Status.ACTIVE


def test_start_is_all_or_nothing(content, runner):
    with pytest.raises(ValueError):
        enrol(runner, weekdays=[9])
    assert not Enrollment.objects.exists()
    assert not PlannedSession.objects.exists()


def test_skip_marks_skipped_and_completes_the_block_at_the_end(content, runner):
    enrollment = enrol(runner)
    planned = list(enrollment.planned_sessions.order_by("sequence"))
    program_services.skip(planned[0])
    planned[0].refresh_from_db()
    assert planned[0].status == PlannedSession.Status.SKIPPED
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.ACTIVE
    for p in planned[1:-1]:
        program_services.mark_done(p)
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.ACTIVE
    program_services.skip(planned[-1])
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.COMPLETED
    # Reopening a session makes the block active again.
    program_services.reopen(planned[-1])
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.ACTIVE


def test_skipping_leaves_the_other_dates_alone(content, runner):
    enrollment = enrol(runner)
    before = dates(enrollment)
    program_services.skip(enrollment.planned_sessions.get(sequence=3))
    assert dates(enrollment) == before


def test_move_takes_every_later_pending_session_along(content, runner):
    # Mondays and Thursdays from 28 Dec 2026: session 3 was due Mon 4 Jan, moved to Wed 6 Jan.
    enrollment = enrol(runner)
    program_services.mark_done(enrollment.planned_sessions.get(sequence=2))
    program_services.skip(enrollment.planned_sessions.get(sequence=5))
    before = dates(enrollment)
    missed = enrollment.planned_sessions.get(sequence=3)
    assert missed.date == date(2027, 1, 4)

    program_services.move(missed, date(2027, 1, 6))

    after = dict(enrollment.planned_sessions.values_list("sequence", "date"))
    assert after[1] == before[0] and after[2] == before[1], "earlier sessions stay put"
    assert after[3] == date(2027, 1, 6)
    assert after[5] == before[4], "a skipped session is not moved"
    pending = [after[s] for s in (4, 6, 7, 8)]
    # The block asks 48 h between sessions: the next one waits for Friday's training day, not Thursday.
    assert pending == schedule.lay_out(date(2027, 1, 8), [MON, THU], 4)
    assert pending[0] == date(2027, 1, 11)
    assert all(d > date(2027, 1, 7) and d.weekday() in (MON, THU) for d in pending)


def test_move_to_a_training_day_keeps_the_order(content, runner):
    enrollment = enrol(runner, start=date(2026, 1, 26), weekdays=[MON, THU])
    first = enrollment.planned_sessions.get(sequence=1)
    program_services.move(first, date(2026, 1, 29))  # Thursday
    got = dates(enrollment)
    assert got[0] == date(2026, 1, 29)
    assert got[1:] == schedule.lay_out(date(2026, 1, 30), [MON, THU], 7)
    assert got[1] == date(2026, 2, 2), "across the month end"
    assert got == sorted(got)


def test_pause_and_resume_relay_what_is_left_from_today(content, runner):
    enrollment = enrol(runner, start=date(2026, 3, 2), weekdays=[MON, THU])
    program_services.mark_done(enrollment.planned_sessions.get(sequence=1))
    program_services.pause(enrollment)
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.PAUSED

    program_services.resume(enrollment, date(2026, 3, 24))  # a Tuesday, three weeks later

    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.ACTIVE
    got = dates(enrollment)
    assert got[0] == date(2026, 3, 2), "done sessions keep their date"
    assert got[1:] == schedule.lay_out(date(2026, 3, 24), [MON, THU], 7)


def test_restart_lays_the_block_again_from_today(content, runner):
    enrollment = enrol(runner, start=date(2026, 3, 2), weekdays=[MON, THU])
    for p in enrollment.planned_sessions.all():
        program_services.mark_done(p)
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.COMPLETED

    program_services.restart(enrollment, date(2026, 5, 1))

    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.ACTIVE
    assert enrollment.start_date == date(2026, 5, 1)
    assert dates(enrollment) == schedule.lay_out(date(2026, 5, 1), [MON, THU], 8)
    assert set(enrollment.planned_sessions.values_list("status", flat=True)) == {"planned"}


def test_enrollment_warnings_use_the_runners_long_run(content, runner):
    runner.profile.long_run_day = SUN
    runner.profile.save()
    enrollment = enrol(runner, weekdays=[MON, SAT])
    assert any("long run" in w for w in enrollment.warnings())
    plyo = enrol(runner, slug="plyometric", weekdays=[MON, TUE])
    assert any("72 hours" in w for w in plyo.warnings())  # the plyometric block asks 72 h between sessions
