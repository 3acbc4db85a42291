"""The ORM side of the placement rules: a runner's week, races and sessions turned into `placement` terms,
and what the pages and the API say about them (Today's notes, suggested days, breaches)."""

from datetime import timedelta

from django.db.models import Prefetch

from . import placement
from .models import Enrollment, PlannedSession, Prescription, Race, Workout

# Done sessions this far back still count for spacing (yesterday's jumps matter to today's).
DONE_CONTEXT_DAYS = 7


def plan_for(profile, races=None, today=None) -> placement.Plan:
    """The runner's running week, choice of timing, caps and coming races, for the rules."""
    week = tuple(placement.RunDay(d.get("kind", "rest"), d.get("time", "")) for d in _week(profile))
    if races is None:
        races = Race.objects.for_user(profile.user_id)
        if today is not None:
            races = races.coming(today - timedelta(days=1))
    return placement.Plan(
        week=week,
        timing=profile.timing,
        races=tuple(placement.Race(r.date, r.name, r.priority, r.taper, r.primer) for r in races if r.date is not None),
        legs_per_week=profile.leg_sessions_per_week_max,
        today=today,
    )


def _week(profile):
    week = profile.running_week
    return week if isinstance(week, list) and len(week) == 7 else [{"kind": "rest", "time": ""}] * 7


def shape_of(program) -> placement.ProgramShape:
    contacts = (program.contacts_per_session_max or 0) if program.is_plyometric else 0
    return placement.ProgramShape(
        name=program.name,
        sessions_per_week=program.sessions_per_week,
        min_hours=program.min_hours_between,
        plyo=program.is_plyometric,
        contacts=contacts,
        sessions_min=program.sessions_per_week_min,
    )


def planned_sessions(user, today=None):
    """Every session of the runner's current enrolments that the rules look at, with what they need."""
    # Ground contacts need each prescription's dose and contacts per rep, not the exercise's coaching text.
    prescriptions = Prescription.objects.select_related("exercise").only(
        "workout_id",
        "sets",
        "reps_min",
        "reps_max",
        "duration_s",
        "rest_s",
        "per_side",
        "exercise__ground_contacts_per_rep",
    )
    workouts = Workout.objects.prefetch_related(Prefetch("prescriptions", queryset=prescriptions))
    sessions = PlannedSession.objects.for_user(user).filter(enrollment__status=Enrollment.Status.ACTIVE)
    pending = sessions.filter(status=PlannedSession.Status.PLANNED)
    if today is not None:
        done = sessions.filter(status=PlannedSession.Status.DONE, date__gte=today - timedelta(days=DONE_CONTEXT_DAYS))
        pending = pending | done
    return list(pending.select_related("enrollment__program").prefetch_related(Prefetch("workout", queryset=workouts)))


def slot_of(planned) -> placement.Slot:
    program = planned.enrollment.program
    contacts = planned.workout.ground_contacts[1] if program.is_plyometric else 0
    return placement.Slot(
        key=planned.pk,
        date=planned.date,
        group=planned.enrollment_id,
        program=program.name,
        name=planned.workout.name,
        plyo=program.is_plyometric,
        contacts=contacts,
        min_hours=program.min_hours_between,
        per_week=program.sessions_per_week,
        fixed=planned.status != PlannedSession.Status.PLANNED,
    )


def state(user, profile, today):
    """The runner's sessions as slots, and their plan, as the rules see them now."""
    return [slot_of(p) for p in planned_sessions(user, today)], plan_for(profile, today=today)


def breaches(user, profile=None, *, today=None, nearest=True) -> list[placement.Breach]:
    """Every rule the runner's current schedule breaks, across all their programs."""
    slots, plan = state(user, profile or user.profile, today)
    return placement.check(slots, plan, nearest=nearest)


def summary(found) -> list[str]:
    """One line per rule broken: the first case in words, and how many more sessions break it."""
    by_rule = {}
    for breach in found:
        by_rule.setdefault(breach.rule, []).append(breach)
    lines = []
    for cases in by_rule.values():
        more = len({b.key for b in cases}) - 1
        lines.append(cases[0].text() + (f" (and {more} more session{'s' if more != 1 else ''})" if more else ""))
    return lines


def suggestion(user, program, start):
    """Suggested weekdays for a program, with the reason for each, around the runner's other programs."""
    profile = user.profile
    others = [
        slot_of(p)
        for p in planned_sessions(user)
        if p.enrollment.program_id != program.pk and p.status == PlannedSession.Status.PLANNED
    ]
    return placement.suggest(
        shape_of(program), plan_for(profile, today=start), start, others=others, strength_days=profile.strength_days
    )


def today_notes(profile, today, sessions=()) -> list[str]:
    """Lines for Today about the running: today's run and what it means for strength, tomorrow's key run, races."""
    plan = plan_for(profile, today=today)
    notes = []
    run, tomorrow = plan.day(today), plan.day(today + timedelta(days=1))
    due = [s for s in sessions if s.date <= today]
    if run.kind == placement.HARD:
        after = profile.timing == profile.Timing.HARD_DAYS
        if due:
            notes.append(
                f"Hard run today{_at(run)}: strength after it, some hours later, "
                + ("as you chose." if after else "though you chose to keep hard days for running.")
            )
        else:
            notes.append(f"Hard run today{_at(run)}: no strength session due.")
    elif run.kind == placement.LONG:
        notes.append(f"Long run today{_at(run)}: no leg session today.")
    elif run.kind == placement.DOUBLE:
        notes.append(f"More than one run today{_at(run)}: keep any strength work short.")
    elif run.kind in (placement.EASY, placement.CROSS):
        notes.append(f"{run.words().capitalize()} today: a good day for strength, after the run.")
    if tomorrow.kind == placement.LONG:
        notes.append("Long run tomorrow: no leg session today.")
    elif tomorrow.kind == placement.HARD:
        notes.append("Hard run tomorrow: no heavy legs or jumps today.")
    for race in plan.races:
        days = (race.date - today).days
        if days == 0:
            notes.append(f"Race day: {race.name}. Good luck!")
        elif 0 < days <= race.taper_days and race.priority == "A":
            notes.append(f"{race.name} in {days} day{'s' if days != 1 else ''}: taper, no heavy legs or jumps.")
        elif 0 < days <= placement.RACE_WEEK_DAYS:
            notes.append(f"{race.name} in {days} day{'s' if days != 1 else ''}: race week, no jumps.")
        elif 0 < days <= 21:
            notes.append(f"{race.name} in {days} days: the taper starts {days - race.taper_days} days from now.")
    return notes


def _at(run):
    return f" ({run.time})" if run.time else ""


def after_race(user, today):
    """A race just run: what to follow next (the in-season block when more races are coming)."""
    races = list(Race.objects.for_user(user).filter(date__gte=today - timedelta(days=14)).order_by("date"))
    past = [r for r in races if r.date < today]
    if not past:
        return None
    coming = [r for r in races if r.date >= today]
    if coming:
        return (
            f"After {past[-1].name}: with {coming[0].name} coming, hold your strength with one short session a "
            "week: In-season maintenance."
        )
    return (
        f"After {past[-1].name}: take a few easy days, then start a new block — Posterior chain to rebuild "
        "strength, or In-season maintenance if your season goes on."
    )
