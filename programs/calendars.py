"""The runner's calendar: runs from the running week, strength sessions (planned, done, skipped) and races,
by day for the week and month pages, and as an iCalendar feed (RFC 5545, made with `icalendar`)."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Prefetch
from django.utils import timezone
from icalendar import Calendar, Event

from . import placement, runweek
from .models import PlannedSession, Prescription, Race, Workout

# Longest range one request lays out (a month view shows six weeks).
MAX_DAYS = 62
DEFAULT_START = time(18, 0)


@dataclass
class Day:
    date: date
    run: placement.RunDay
    sessions: list = field(default_factory=list)
    races: list = field(default_factory=list)
    today: bool = False

    @property
    def run_words(self):
        return self.run.words()


def sessions_between(user, start, end):
    """Every strength session of every enrolment (current or finished) dated in [start, end]."""
    workouts = Workout.objects.prefetch_related(
        Prefetch("prescriptions", queryset=Prescription.objects.select_related("exercise").order_by("order"))
    )
    return list(
        PlannedSession.objects.for_user(user)
        .filter(date__gte=start, date__lte=end)
        .select_related("enrollment__program")
        .prefetch_related(Prefetch("workout", queryset=workouts))
        .order_by("date", "enrollment__program__name", "sequence")
    )


def days(user, profile, start, end, today):
    """One `Day` per date in [start, end] (at most MAX_DAYS), each session marked with the rules it breaks."""
    end = min(end, start + timedelta(days=MAX_DAYS - 1))
    plan = runweek.plan_for(profile)
    broken = {}
    for breach in runweek.breaches(user, profile, today=today, nearest=False):
        broken.setdefault(breach.key, []).append(breach)
    races = list(Race.objects.for_user(user).filter(date__gte=start, date__lte=end))
    out, by_date = [], {}
    day = start
    while day <= end:
        by_date[day] = Day(day, plan.week[day.weekday()], today=day == today)
        out.append(by_date[day])
        day += timedelta(days=1)
    for s in sessions_between(user, start, end):
        s.breaches = broken.get(s.pk, [])
        s.taper = any(b.rule in (placement.TAPER, placement.RACE_WEEK_PLYO) for b in s.breaches)
        by_date[s.date].sessions.append(s)
    for race in races:
        by_date[race.date].races.append(race)
    return out


def weeks_of_month(first, user, profile, today):
    """The month as Monday-to-Sunday weeks of `Day`s (the days either side included, as on a wall calendar)."""
    start = first - timedelta(days=first.weekday())
    last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    end = last + timedelta(days=6 - last.weekday())
    all_days = days(user, profile, start, end, today)
    return [all_days[i : i + 7] for i in range(0, len(all_days), 7)]


def start_time(run: placement.RunDay) -> time:
    """When a strength session goes on a day: after the run, with some hours between (Legwork's default)."""
    if run.time == "morning":
        return time(17, 30)
    if run.time == "midday":
        return time(18, 30)
    if run.time == "evening":
        # After an evening hard run is late; on other days before the run, with the day between.
        return time(20, 30) if run.kind in (placement.HARD, placement.DOUBLE) else time(7, 0)
    return DEFAULT_START


def feed(user, profile, now=None) -> bytes:
    """Every strength session still planned or done, and every race, as an iCalendar document."""
    now = now or timezone.now()
    zone = profile.zone
    plan = runweek.plan_for(profile)
    cal = Calendar()
    cal.add("prodid", "-//Legwork//Strength around your running//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "Legwork strength sessions")
    cal.add("x-wr-timezone", str(zone))
    sessions = (
        PlannedSession.objects.for_user(user)
        .exclude(status=PlannedSession.Status.SKIPPED)
        .select_related("enrollment__program")
        .prefetch_related(
            Prefetch(
                "workout",
                queryset=Workout.objects.prefetch_related(
                    Prefetch("prescriptions", queryset=Prescription.objects.select_related("exercise"))
                ),
            )
        )
        .order_by("date", "sequence")
    )
    for s in sessions:
        program = s.enrollment.program
        begin = datetime.combine(s.date, start_time(plan.week[s.date.weekday()]), tzinfo=zone)
        minutes = s.workout.minutes + program.warmup_minutes
        event = Event()
        event.add("uid", f"planned-{s.pk}@legwork")
        event.add("sequence", s.revision)
        event.add("dtstamp", now)
        event.add("dtstart", begin)
        event.add("dtend", begin + timedelta(minutes=max(minutes, 15)))
        event.add("summary", f"{program.name}: {s.workout.name}")
        lines = [f"Week {s.week}, session {s.sequence}. Warm up {program.warmup_minutes} min."]
        lines += [f"{p.exercise.name}: {p.sets} × {p.target}. {p.load}" for p in s.workout.prescriptions.all()]
        event.add("description", "\n".join(lines))
        event.add("status", "CONFIRMED")
        event.add("categories", ["Strength", "Done" if s.status == PlannedSession.Status.DONE else "Planned"])
        cal.add_component(event)
    for race in Race.objects.for_user(user):
        event = Event()
        event.add("uid", f"race-{race.pk}@legwork")
        event.add("dtstamp", now)
        event.add("dtstart", race.date)
        event.add("dtend", race.date + timedelta(days=1))
        event.add("summary", f"Race: {race.name} ({race.get_distance_display()}, {race.priority})")
        event.add("description", f"Taper: last leg session {race.taper} days before. No jumps in race week.")
        event.add("categories", ["Race"])
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
