"""Placement rules: where strength sessions may go around a runner's running week and races.

Pure: no ORM. The caller passes the running week, the runner's choice of timing, every session of every
program they follow (as `Slot`s) and their races; this module says which rules each session breaks, why a
day is suggested, and the nearest day that would break nothing. Every schedule change in
`programs.services` runs through `check`, so a rule is never broken without the runner being told.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import combinations

WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

REST, EASY, HARD, LONG, CROSS, DOUBLE, RACE = "rest", "easy", "hard", "long", "cross", "double", "race"
KEY_RUNS = {HARD, LONG, RACE}  # the runs strength must not spoil
RUN_WORDS = {
    REST: "no run",
    EASY: "easy run",
    HARD: "hard run",
    LONG: "long run",
    CROSS: "cross-training",
    DOUBLE: "more than one run",
    RACE: "race",
}

EASY_TIMING, HARD_TIMING = "easy", "hard"

# The rules, by name. Each breach names one; the pages and the API show the name and the words.
BEFORE_KEY_RUN = "before-key-run"
ON_LONG_RUN = "on-long-run"
PLYO_AFTER_KEY_RUN = "plyo-after-key-run"
PLYO_48H = "plyo-48h"
PROGRAM_REST = "program-rest"
PROGRAM_WEEK = "program-week"
SAME_DAY = "same-day"
LEG_CAP = "leg-cap"
CONTACT_BUDGET = "contact-budget"
TAPER = "taper"
RACE_WEEK_PLYO = "race-week-plyo"

RULES = {
    BEFORE_KEY_RUN: "No heavy leg or plyometric session the day before a long run, a hard run or a race.",
    ON_LONG_RUN: "No leg session on the long-run day or race day.",
    PLYO_AFTER_KEY_RUN: "Plyometrics never the day after a hard run, a long run or a race.",
    PLYO_48H: "At least 48 hours between plyometric sessions, across all your programs.",
    PROGRAM_REST: "The rest the program asks for between its own sessions.",
    PROGRAM_WEEK: "No more sessions a week than the program asks for.",
    SAME_DAY: "One leg session a day: two programs on the same day double the load.",
    LEG_CAP: "A weekly cap on leg sessions across all your programs.",
    CONTACT_BUDGET: "A weekly budget of plyometric ground contacts across programs, hard runs counted.",
    TAPER: "Before an A race, the last leg session comes a set number of days out.",
    RACE_WEEK_PLYO: "No plyometrics in the week before a race.",
}

# Ground contacts a hard run is counted as, against the weekly plyometric budget (Legwork's own design:
# fast running and hills load the same tendons jumps do).
HARD_RUN_CONTACTS = 20
CONTACT_BUDGET_PER_WEEK = 160
RACE_WEEK_DAYS = 7
SEARCH_DAYS = 21  # how far either way the nearest good day is looked for

# Days before an A race for the last heavy leg session, by distance: (default, low, high).
TAPER_DAYS = {
    "5k": (7, 5, 7),
    "10k": (7, 5, 7),
    "half": (10, 7, 10),
    "marathon": (14, 10, 14),
    "ultra": (14, 10, 14),
    "other": (7, 5, 10),
}
TAPER_SOURCE = (
    "Race week (Legwork's guide, common coaching practice: 10–14 days for a marathon, 7–10 for a half, "
    "5–7 for a 5K or 10K); reviews of strength training for runners advise easing strength work before "
    "key races."
)
PRIMER_DAYS = (2, 4)  # a short primer may sit this many days before the race


@dataclass(frozen=True)
class RunDay:
    kind: str = REST
    time: str = ""

    def words(self):
        text = RUN_WORDS.get(self.kind, self.kind)
        return f"{text} in the {self.time}" if self.time and self.kind != REST else text


@dataclass(frozen=True)
class Race:
    date: date
    name: str = "race"
    priority: str = "A"
    taper_days: int = 7
    primer: bool = False


@dataclass(frozen=True)
class Slot:
    """One leg session on a date. `key` identifies it (a planned session's id); `group` its enrolment."""

    key: object
    date: date
    group: object
    program: str = ""
    name: str = ""
    plyo: bool = False
    contacts: int = 0
    min_hours: int = 24
    per_week: int = 7  # the most sessions a week the program asks for
    fixed: bool = False  # done already: context for the rules, never itself in breach


@dataclass(frozen=True)
class Breach:
    rule: str
    key: object
    date: date
    message: str
    nearest: date | None = field(default=None, compare=False)

    @property
    def ident(self):
        return (self.rule, self.key, self.date)

    def text(self):
        nearest = f" Nearest day that keeps the rules: {self.nearest:%A %-d %B}." if self.nearest else ""
        return f"{self.message}{nearest}"


@dataclass(frozen=True)
class Plan:
    """What the rules need besides the sessions: the running week, the runner's choice, caps and races."""

    week: tuple = tuple(RunDay() for _ in range(7))
    timing: str = EASY_TIMING
    races: tuple = ()
    legs_per_week: int = 3
    contact_budget: int = CONTACT_BUDGET_PER_WEEK
    today: date | None = None  # the nearest good day is never in the past

    def day(self, on: date) -> RunDay:
        for race in self.races:
            if race.date == on:
                return RunDay(RACE, "")
        return self.week[on.weekday()]


def _when(day: date) -> str:
    return f"{day:%A %-d %B}"


def _days_apart(min_hours: int) -> int:
    return -(-min_hours // 24)


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def check(slots, plan: Plan, *, nearest=True) -> list[Breach]:
    """Every rule each session breaks, with the nearest day that would keep them (when asked)."""
    slots = list(slots)
    found = []
    for slot in slots:
        if slot.fixed:
            continue
        found.extend(_breaches_of(slot, slots, plan))
    if nearest:
        found = with_nearest(found, slots, plan)
    return sorted(found, key=lambda b: (b.date, str(b.key), b.rule))


def _breaches_of(slot: Slot, slots, plan: Plan) -> list[Breach]:
    """The rules one session breaks, given all the others."""
    out = []
    add = out.append
    today, tomorrow, yesterday = plan.day(slot.date), plan.day(slot.date + timedelta(days=1)), None
    yesterday = plan.day(slot.date - timedelta(days=1))
    what = f"{slot.program}: {slot.name}".strip(": ") or "This session"
    on = _when(slot.date)
    if tomorrow.kind in KEY_RUNS:
        add(Breach(BEFORE_KEY_RUN, slot.key, slot.date, f"{what} on {on} is the day before your {tomorrow.words()}."))
    if today.kind in (LONG, RACE):
        add(Breach(ON_LONG_RUN, slot.key, slot.date, f"{what} on {on} falls on your {today.words()} day."))
    if slot.plyo and yesterday.kind in KEY_RUNS:
        add(
            Breach(
                PLYO_AFTER_KEY_RUN,
                slot.key,
                slot.date,
                f"{what} on {on} is jumping the day after your {yesterday.words()}.",
            )
        )
    others = [o for o in slots if o.key != slot.key]
    for other in others:
        gap = abs((other.date - slot.date).days)
        if slot.plyo and other.plyo and gap < 2 and other.group != slot.group:
            add(
                Breach(
                    PLYO_48H,
                    slot.key,
                    slot.date,
                    f"{what} on {on} is less than 48 hours from {other.program}: {other.name} on {_when(other.date)}.",
                )
            )
        if other.group == slot.group and gap < max(_days_apart(slot.min_hours), 2 if slot.plyo else 1):
            add(
                Breach(
                    PROGRAM_REST,
                    slot.key,
                    slot.date,
                    f"{what} on {on} is less than {max(slot.min_hours, 48 if slot.plyo else 24)} hours from "
                    f"{other.name} on {_when(other.date)}; this program needs that rest.",
                )
            )
        if gap == 0 and other.group != slot.group:
            add(Breach(SAME_DAY, slot.key, slot.date, f"{what} and {other.program} are both on {on}."))
    # The weekly cap: sessions past the cap in their Monday-to-Sunday week are in breach.
    monday = _monday(slot.date)
    week = sorted((o for o in slots if _monday(o.date) == monday), key=lambda o: (o.date, str(o.key)))
    own = [o for o in week if o.group == slot.group]
    if len(own) > slot.per_week and own.index(slot) >= slot.per_week:
        add(
            Breach(
                PROGRAM_WEEK,
                slot.key,
                slot.date,
                f"{what} on {on} is session {len(own)} of the week of {monday:%-d %B}; {slot.program} asks for "
                f"at most {slot.per_week} sessions a week.",
            )
        )
    if len(week) > plan.legs_per_week and week.index(slot) >= plan.legs_per_week:
        add(
            Breach(
                LEG_CAP,
                slot.key,
                slot.date,
                f"{what} on {on} makes {len(week)} leg sessions in the week of {monday:%-d %B}; "
                f"your cap is {plan.legs_per_week}.",
            )
        )
    if slot.plyo:
        hard = sum(1 for i in range(7) if plan.day(monday + timedelta(days=i)).kind in (HARD, RACE))
        contacts = sum(o.contacts for o in week if o.plyo) + hard * HARD_RUN_CONTACTS
        if contacts > plan.contact_budget:
            add(
                Breach(
                    CONTACT_BUDGET,
                    slot.key,
                    slot.date,
                    f"The week of {monday:%-d %B} holds about {contacts} ground contacts (your {hard} hard "
                    f"run{'s' if hard != 1 else ''} counted as {HARD_RUN_CONTACTS} each); the budget is "
                    f"{plan.contact_budget}.",
                )
            )
    for race in plan.races:
        before = (race.date - slot.date).days
        if race.priority == "A" and 0 < before <= race.taper_days:
            primer = race.primer and PRIMER_DAYS[0] <= before <= PRIMER_DAYS[1] and not slot.plyo
            if not primer:
                add(
                    Breach(
                        TAPER,
                        slot.key,
                        slot.date,
                        f"{what} on {on} is {before} day{'s' if before != 1 else ''} before {race.name}: "
                        f"inside its {race.taper_days}-day taper. Do a short primer instead, or nothing.",
                    )
                )
        if slot.plyo and 0 < before <= RACE_WEEK_DAYS:
            add(Breach(RACE_WEEK_PLYO, slot.key, slot.date, f"{what} on {on} is jumping in the week of {race.name}."))
    return out


def with_nearest(breaches, slots, plan: Plan) -> list[Breach]:
    """The breaches, each with the nearest day its session could move to and break nothing."""
    slots = list(slots)
    days = {}
    for b in breaches:
        if b.key not in days:
            slot = next(s for s in slots if s.key == b.key)
            days[b.key] = nearest_good_day(slot, slots, plan, not_before=plan.today)
    return [Breach(b.rule, b.key, b.date, b.message, days[b.key]) for b in breaches]


def nearest_good_day(slot: Slot, slots, plan: Plan, *, not_before: date | None = None) -> date | None:
    """The closest date (later first on a tie) where this session alone would break no rule."""
    for distance in range(1, SEARCH_DAYS + 1):
        for day in (slot.date + timedelta(days=distance), slot.date - timedelta(days=distance)):
            if not_before and day < not_before:
                continue
            moved = Slot(**{**slot.__dict__, "date": day})
            rest = [moved if s.key == slot.key else s for s in slots]
            if not _breaches_of(moved, rest, plan):
                return day
    return None


# ---------------------------------------------------------------- suggesting days


@dataclass(frozen=True)
class ProgramShape:
    """What the rules need to know about a program being placed."""

    name: str
    sessions_per_week: int
    min_hours: int = 24
    plyo: bool = False
    contacts: int = 0
    sessions_min: int = 0  # fewer days a week the program still works with (0: the full count only)


# What one session a week fewer than the program asks costs against one broken rule, when suggesting.
FEWER_DAYS_COST = 60


@dataclass(frozen=True)
class Suggestion:
    weekdays: list
    reasons: list  # one line per day, then any notes
    breaches: list  # what the best choice still breaks (empty when a clean choice exists)


def trial_slots(shape: ProgramShape, weekdays, start: date, weeks=2, group="new") -> list[Slot]:
    """The program's sessions laid onto `weekdays` for a few weeks from `start`, to test a choice."""
    days, out, day = set(weekdays), [], start
    while day < start + timedelta(days=7 * weeks):
        if day.weekday() in days:
            out.append(
                Slot(
                    key=(group, day),
                    date=day,
                    group=group,
                    program=shape.name,
                    name="session",
                    plyo=shape.plyo,
                    contacts=shape.contacts,
                    min_hours=shape.min_hours,
                    per_week=shape.sessions_per_week,
                )
            )
        day += timedelta(days=1)
    return out


def suggest(shape: ProgramShape, plan: Plan, start: date, *, others=(), strength_days=()) -> Suggestion:
    """The weekdays that break the fewest rules, then best fit the runner's choice and preferred days.

    Tried over the four weeks from `start` alongside every other program the runner follows.
    """
    full = max(1, min(shape.sessions_per_week, 7))
    fewest = max(1, min(shape.sessions_min or full, full))
    others = [o for o in others if start <= o.date < start + timedelta(days=28)]
    best = None
    choices = (c for count in range(full, fewest - 1, -1) for c in combinations(range(7), count))
    for combo in choices:
        trial = trial_slots(shape, combo, start, weeks=4)
        breaches = [b for s in trial for b in _breaches_of(s, trial + others, plan)]
        score = 100 * len({(b.rule, b.key) for b in breaches}) + FEWER_DAYS_COST * (full - len(combo))
        for day in combo:
            kind = plan.week[day].kind
            if plan.timing == HARD_TIMING:
                score += {HARD: -3, DOUBLE: 1, EASY: 2, REST: 0, CROSS: 0}.get(kind, 0)
            else:
                score += {HARD: 3, DOUBLE: 2, EASY: 0, REST: -1, CROSS: -1}.get(kind, 0)
            if day in strength_days:
                score -= 1
        gaps = _gaps(combo)
        score += (max(gaps) - min(gaps)) * 0.1
        if best is None or score < best[0]:
            best = (score, list(combo), breaches)
    _, weekdays, breaches = best
    lines = reasons(shape, weekdays, plan, others=others, breaches=breaches)
    if len(weekdays) < full:
        lines.append(
            f"{shape.name} asks for {full} days a week; with your running week only {len(weekdays)} "
            f"keep{'s' if len(weekdays) == 1 else ''} the rules, so the block takes longer. Add days if you accept "
            "the warnings."
        )
    return Suggestion(weekdays, lines, breaches)


def _gaps(days):
    days = sorted(days)
    if len(days) < 2:
        return [7]
    return [b - a for a, b in zip(days, days[1:], strict=False)] + [days[0] + 7 - days[-1]]


def day_reason(day: int, weekdays, plan: Plan, plyo: bool, other_days=()) -> str:
    """'Wednesday: easy run in the morning; 48 h after Monday's jumps'."""
    run = plan.week[day]
    parts = [run.words()]
    if run.kind in (HARD, DOUBLE):
        parts[0] += " (strength after the run, with some hours between)"
    ordered = sorted(set(weekdays) | set(other_days))
    if len(ordered) > 1:
        previous = ordered[ordered.index(day) - 1]
        hours = ((day - previous) % 7 or 7) * 24
        what = "jumps" if plyo and previous in weekdays else "session"
        if previous in other_days and previous not in weekdays:
            what = "other program's session"
        parts.append(f"{hours} h after {WEEKDAY_NAMES[previous]}'s {what}")
    tomorrow = plan.week[(day + 1) % 7]
    if tomorrow.kind in (REST, EASY, CROSS):
        parts.append(f"{tomorrow.words()} the day after")
    return f"{WEEKDAY_NAMES[day]}: " + "; ".join(parts)


def reasons(shape: ProgramShape, weekdays, plan: Plan, *, others=(), breaches=()) -> list[str]:
    other_days = sorted({o.date.weekday() for o in others})
    lines = [day_reason(d, weekdays, plan, shape.plyo, other_days) for d in weekdays]
    on_hard = [d for d in weekdays if plan.week[d].kind in (HARD, DOUBLE)]
    if plan.timing == EASY_TIMING and on_hard:
        lines.append(
            "You chose non-running days or easy runs, but no such day keeps the rules for this program, so "
            f"{' and '.join(WEEKDAY_NAMES[d] for d in on_hard)} "
            f"{'is a hard day' if len(on_hard) == 1 else 'are hard days'}: do the session after the run, "
            "some hours later."
        )
    if breaches:
        names = sorted({b.rule for b in breaches})
        lines.append(
            "No choice of days keeps every rule with your running week; these days break the fewest ("
            + ", ".join(names)
            + ")."
        )
    return lines


def taper_days(distance: str) -> int:
    return TAPER_DAYS.get(distance, TAPER_DAYS["other"])[0]
