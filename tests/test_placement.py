"""The placement rules (programs/placement.py), pure: each rule on its own, suggestions, the nearest good day,
and property tests over random running weeks, programs and sessions."""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from programs import placement as pl

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
MONDAY = date(2026, 3, 2)


def week(*kinds, timing="easy", races=(), legs=3):
    return pl.Plan(week=tuple(pl.RunDay(k) for k in kinds), timing=timing, races=tuple(races), legs_per_week=legs)


ISSUE_WEEK = week("easy", "hard", "easy", "hard", "easy", "rest", "long")
PLYO = pl.ProgramShape("Plyometric block", 2, 72, True, 60, 1)
POSTERIOR = pl.ProgramShape("Posterior chain", 2, 48, False, 0, 1)
BODYWEIGHT = pl.ProgramShape("Bodyweight", 3, 48, False, 0, 2)


def slot(key, day, group="a", plyo=False, contacts=0, min_hours=24, per_week=7, program="P", name="S"):
    return pl.Slot(key, day, group, program, name, plyo, contacts, min_hours, per_week)


def rules(breaches, key=None):
    return {b.rule for b in breaches if key is None or b.key == key}


# ---------------------------------------------------------------- each rule


def test_no_leg_session_the_day_before_a_hard_or_long_run():
    found = pl.check([slot(1, MONDAY), slot(2, MONDAY + timedelta(days=5))], ISSUE_WEEK)  # Mon, Sat
    assert rules(found, 1) == {pl.BEFORE_KEY_RUN}
    assert rules(found, 2) == {pl.BEFORE_KEY_RUN}
    assert "day before your hard run" in found[0].message


def test_on_the_long_run_day_warns():
    assert rules(pl.check([slot(1, MONDAY + timedelta(days=6))], ISSUE_WEEK)) == {pl.ON_LONG_RUN}


def test_plyometrics_never_the_day_after_a_hard_or_long_run():
    wed, fri = MONDAY + timedelta(days=2), MONDAY + timedelta(days=4)
    assert pl.PLYO_AFTER_KEY_RUN in rules(pl.check([slot(1, wed, plyo=True)], ISSUE_WEEK))
    assert pl.PLYO_AFTER_KEY_RUN in rules(pl.check([slot(1, fri, plyo=True)], ISSUE_WEEK))
    # A strength session after a hard run is fine: only jumps need the day.
    assert pl.PLYO_AFTER_KEY_RUN not in rules(pl.check([slot(1, fri)], ISSUE_WEEK))


def test_48_hours_between_plyometric_sessions_across_programs():
    rest = week(*["rest"] * 7)
    found = pl.check([slot(1, MONDAY, "a", plyo=True), slot(2, MONDAY + timedelta(days=1), "b", plyo=True)], rest)
    assert rules(found) == {pl.PLYO_48H}
    apart = [slot(1, MONDAY, "a", plyo=True), slot(2, MONDAY + timedelta(days=2), "b", plyo=True)]
    assert pl.check(apart, rest) == []


def test_the_program_s_own_rest():
    rest = week(*["rest"] * 7)
    found = pl.check([slot(1, MONDAY, min_hours=72), slot(2, MONDAY + timedelta(days=2), min_hours=72)], rest)
    assert rules(found) == {pl.PROGRAM_REST} and "72 hours" in found[0].message


def test_two_programs_on_the_same_day_warn():
    rest = week(*["rest"] * 7)
    assert pl.SAME_DAY in rules(pl.check([slot(1, MONDAY, "a"), slot(2, MONDAY, "b")], rest))


def test_the_weekly_leg_cap_across_programs_marks_the_sessions_past_it():
    rest = week(*["rest"] * 7, legs=3)
    days = [MONDAY + timedelta(days=d) for d in (0, 2, 4, 6)]
    found = pl.check([slot(i, d, "a" if i < 2 else "b") for i, d in enumerate(days)], rest)
    assert {b.key for b in found if b.rule == pl.LEG_CAP} == {3}
    assert "makes 4 leg sessions" in next(b.message for b in found if b.rule == pl.LEG_CAP)


def test_the_contact_budget_counts_hard_runs():
    sessions = [slot(1, MONDAY, "a", plyo=True, contacts=70), slot(2, MONDAY + timedelta(days=3), "b", True, 70)]
    assert pl.CONTACT_BUDGET not in rules(pl.check(sessions, week(*["rest"] * 7)))  # 140 ≤ 160
    two_hard = week("rest", "rest", "hard", "rest", "rest", "hard", "rest")  # 140 + 2 × 20 = 180
    assert pl.CONTACT_BUDGET in rules(pl.check(sessions, two_hard))


def test_taper_and_race_week():
    race = pl.Race(MONDAY + timedelta(days=13), "Spring marathon", "A", 14)
    plan = week(*["rest"] * 7, races=[race])
    found = pl.check([slot(1, MONDAY), slot(2, MONDAY + timedelta(days=9), plyo=True)], plan)
    assert rules(found, 1) == {pl.TAPER}
    assert rules(found, 2) == {pl.TAPER, pl.RACE_WEEK_PLYO}
    # A B race clears race week of jumps but does not taper.
    b_race = week(*["rest"] * 7, races=[pl.Race(race.date, "Tune-up", "B", 14)])
    found = pl.check([slot(1, MONDAY), slot(2, MONDAY + timedelta(days=9), plyo=True)], b_race)
    assert rules(found, 1) == set() and rules(found, 2) == {pl.RACE_WEEK_PLYO}


def test_a_primer_may_sit_a_few_days_before_the_race():
    race = pl.Race(MONDAY + timedelta(days=10), "10K", "A", 7, primer=True)
    plan = week(*["rest"] * 7, races=[race])
    assert pl.check([slot(1, race.date - timedelta(days=3))], plan) == []
    assert rules(pl.check([slot(1, race.date - timedelta(days=6))], plan)) == {pl.TAPER}


def test_the_race_counts_as_a_key_run():
    plan = week(*["rest"] * 7, races=[pl.Race(MONDAY + timedelta(days=3), "5K", "B", 7)])
    assert pl.BEFORE_KEY_RUN in rules(pl.check([slot(1, MONDAY + timedelta(days=2))], plan))


def test_done_sessions_are_context_never_in_breach():
    rest = week(*["rest"] * 7)
    done = pl.Slot(1, MONDAY, "a", "P", "S", True, 0, 24, 7, fixed=True)
    found = pl.check([done, slot(2, MONDAY + timedelta(days=1), "b", plyo=True)], rest)
    assert {b.key for b in found} == {2}


def test_nearest_good_day_keeps_every_rule():
    found = pl.check([slot(1, MONDAY + timedelta(days=5))], ISSUE_WEEK)  # Saturday before the long run
    assert found[0].nearest == MONDAY + timedelta(days=4)  # Friday
    assert "Nearest day that keeps the rules: Friday 6 March" in found[0].text()


# ---------------------------------------------------------------- suggestions (the issue's runner)


def test_the_plyometric_block_is_never_suggested_on_the_days_around_hard_and_long_runs():
    got = pl.suggest(PLYO, ISSUE_WEEK, MONDAY)
    assert not set(got.weekdays) & {MON, WED, FRI, SAT}
    assert got.breaches == []
    text = " ".join(got.reasons)
    assert "You chose non-running days or easy runs, but no such day keeps the rules" in text
    assert "asks for 2 days a week" in text, "the page says it laid the block once a week instead"


def test_after_hard_runs_chosen_the_plyometric_block_still_keeps_the_rules():
    got = pl.suggest(PLYO, week(*[d.kind for d in ISSUE_WEEK.week], timing="hard"), MONDAY)
    assert not set(got.weekdays) & {MON, WED, FRI, SAT}


def test_reasons_say_why_each_day():
    # Monday is the day before the hard run and Saturday before the long run; Tuesday is the hard run.
    got = pl.suggest(POSTERIOR, week("rest", "hard", "easy", "rest", "easy", "rest", "long"), MONDAY)
    assert got.weekdays == [WED, FRI]
    assert got.reasons[0] == "Wednesday: easy run; 120 h after Friday's session; no run the day after"
    assert got.reasons[1] == "Friday: easy run; 48 h after Wednesday's session; no run the day after"


def test_suggestion_keeps_away_from_the_other_program():
    rest = week(*["rest"] * 7)
    others = pl.trial_slots(PLYO, [MON, THU], MONDAY, weeks=4, group="plyo")
    got = pl.suggest(POSTERIOR, rest, MONDAY, others=others)
    assert not set(got.weekdays) & {MON, THU}
    assert got.breaches == []
    assert "other program's session" in " ".join(got.reasons)


def test_when_no_day_fits_the_least_bad_is_offered_and_said():
    busy = week("hard", "long", "hard", "hard", "hard", "hard", "hard")
    got = pl.suggest(POSTERIOR, busy, MONDAY)
    assert len(got.weekdays) >= 1 and got.breaches
    assert "No choice of days keeps every rule" in got.reasons[-1] or "No choice" in " ".join(got.reasons)


# ---------------------------------------------------------------- properties

kinds = st.sampled_from([pl.REST, pl.EASY, pl.HARD, pl.LONG, pl.CROSS, pl.DOUBLE])
plans = st.builds(
    lambda ks, timing, legs: week(*ks, timing=timing, legs=legs),
    st.lists(kinds, min_size=7, max_size=7),
    st.sampled_from(["easy", "hard"]),
    st.integers(1, 7),
)
shapes = st.builds(
    pl.ProgramShape,
    name=st.just("Block"),
    sessions_per_week=st.integers(1, 4),
    min_hours=st.sampled_from([24, 48, 72]),
    plyo=st.booleans(),
    contacts=st.integers(0, 80),
    sessions_min=st.integers(0, 2),
)
slot_lists = st.lists(
    st.builds(
        slot,
        key=st.integers(0, 10_000),
        day=st.dates(min_value=MONDAY, max_value=MONDAY + timedelta(days=27)),
        group=st.sampled_from("abc"),
        plyo=st.booleans(),
        contacts=st.integers(0, 80),
        min_hours=st.sampled_from([24, 48, 72]),
        per_week=st.integers(1, 4),
    ),
    max_size=14,
    unique_by=lambda s: s.key,
)


def oracle(s, slots, plan):
    """The rules written out again, plainly, for one session: what `check` must find."""
    expected = set()
    key_runs = {pl.HARD, pl.LONG, pl.RACE}
    if plan.day(s.date + timedelta(days=1)).kind in key_runs:
        expected.add(pl.BEFORE_KEY_RUN)
    if plan.day(s.date).kind in (pl.LONG, pl.RACE):
        expected.add(pl.ON_LONG_RUN)
    if s.plyo and plan.day(s.date - timedelta(days=1)).kind in key_runs:
        expected.add(pl.PLYO_AFTER_KEY_RUN)
    for o in slots:
        if o.key == s.key:
            continue
        gap = abs((o.date - s.date).days)
        if s.plyo and o.plyo and o.group != s.group and gap < 2:
            expected.add(pl.PLYO_48H)
        if o.group == s.group and gap * 24 < max(s.min_hours, 48 if s.plyo else 24):
            expected.add(pl.PROGRAM_REST)
        if o.group != s.group and gap == 0:
            expected.add(pl.SAME_DAY)
    monday = s.date - timedelta(days=s.date.weekday())
    same_week = sorted(
        (o for o in slots if o.date - timedelta(days=o.date.weekday()) == monday), key=lambda o: (o.date, str(o.key))
    )
    if same_week.index(s) >= plan.legs_per_week:
        expected.add(pl.LEG_CAP)
    own = [o for o in same_week if o.group == s.group]
    if own.index(s) >= s.per_week:
        expected.add(pl.PROGRAM_WEEK)
    return expected


@settings(max_examples=150, deadline=None)
@given(plan=plans, slots=slot_lists)
def test_check_finds_exactly_the_broken_rules(plan, slots):
    found = pl.check(slots, plan, nearest=False)
    assert all(b.rule in pl.RULES for b in found)
    for s in slots:
        got = rules(found, s.key) - {pl.CONTACT_BUDGET}
        assert got == oracle(s, slots, plan), s


@settings(max_examples=60, deadline=None)
@given(plan=plans, slots=slot_lists)
def test_the_nearest_good_day_breaks_nothing(plan, slots):
    for breach in pl.check(slots, plan):
        if breach.nearest is None:
            continue
        s = next(x for x in slots if x.key == breach.key)
        moved = pl.Slot(**{**s.__dict__, "date": breach.nearest})
        others = [moved if x.key == s.key else x for x in slots]
        assert not [b for b in pl.check(others, plan, nearest=False) if b.key == s.key]
        assert 0 < abs((breach.nearest - s.date).days) <= pl.SEARCH_DAYS


@settings(max_examples=60, deadline=None)
@given(plan=plans, shape=shapes)
def test_a_suggestion_is_clean_whenever_a_clean_choice_exists(plan, shape):
    from itertools import combinations

    got = pl.suggest(shape, plan, MONDAY)
    assert got.weekdays == sorted(set(got.weekdays)) and 1 <= len(got.weekdays) <= shape.sessions_per_week
    assert len(got.reasons) >= len(got.weekdays)
    clean_exists = any(
        not pl.check(pl.trial_slots(shape, combo, MONDAY, weeks=4), plan, nearest=False)
        for n in range(min(max(1, shape.sessions_min or 7), shape.sessions_per_week), shape.sessions_per_week + 1)
        for combo in combinations(range(7), n)
    )
    if clean_exists:
        assert got.breaches == [], (got.weekdays, got.reasons)
    else:
        assert got.breaches and "No choice of days keeps every rule" in " ".join(got.reasons)


@pytest.mark.parametrize("distance", ["5k", "10k", "half", "marathon", "ultra", "other"])
def test_taper_defaults_sit_in_their_range(distance):
    default, low, high = pl.TAPER_DAYS[distance]
    assert low <= default <= high and pl.taper_days(distance) == default


def test_the_nearest_good_day_is_never_in_the_past():
    race = pl.Race(MONDAY + timedelta(days=8), "10K", "A", 7)
    plan = pl.Plan(week=ISSUE_WEEK.week, races=(race,), today=MONDAY + timedelta(days=4))
    found = pl.check([slot(1, MONDAY + timedelta(days=4))], plan)  # in the taper, today
    assert found and all(b.nearest is None or b.nearest >= plan.today for b in found)
    assert found[0].nearest > race.date, "after the race, since every day before it is taper"
