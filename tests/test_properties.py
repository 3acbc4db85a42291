"""Property-based tests (hypothesis) for the pure logic: schedule layout (placement: test_placement.py),
double-progression suggestions, one-rep-max estimates, and kg↔lb conversion."""

import re
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from logbook import progression
from logbook.models import E1RM_MAX_REPS, brzycki, e1rm_range, epley
from logbook.units import format_load, from_kg, to_kg
from programs import schedule

settings.register_profile("legwork", max_examples=200, deadline=None)
settings.load_profile("legwork")

weekday = st.integers(min_value=0, max_value=6)
weekday_sets = st.sets(weekday, min_size=1, max_size=7)
days = st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31))

# ---------------------------------------------------------------- schedule.lay_out


@given(start=days, weekdays=weekday_sets, count=st.integers(min_value=0, max_value=60))
def test_lay_out_gives_count_ascending_training_days_from_start(start, weekdays, count):
    dates = schedule.lay_out(start, sorted(weekdays), count)
    assert len(dates) == count
    assert all(a < b for a, b in zip(dates, dates[1:], strict=False)), "strictly ascending, no day twice"
    assert all(d.weekday() in weekdays for d in dates), "only on the chosen weekdays"
    assert all(d >= start for d in dates), "none before the start"
    if dates:
        # No training day is skipped: every chosen weekday from start to the last date is used.
        expected = [start + timedelta(days=i) for i in range((dates[-1] - start).days + 1)]
        assert dates == [d for d in expected if d.weekday() in weekdays]


@given(start=days, weekdays=st.lists(weekday, min_size=1, max_size=14), count=st.integers(1, 30))
def test_lay_out_ignores_order_and_repeats_of_weekdays(start, weekdays, count):
    assert schedule.lay_out(start, weekdays, count) == schedule.lay_out(start, sorted(set(weekdays)), count)


@given(start=days, weekdays=st.lists(st.integers(-3, 12), max_size=5))
def test_lay_out_refuses_weekdays_outside_0_to_6(start, weekdays):
    assume(not weekdays or not set(weekdays) <= set(range(7)))
    with pytest.raises(ValueError):
        schedule.lay_out(start, weekdays, 3)


# The placement rules (where sessions may go) have their own properties: tests/test_placement.py.


# ---------------------------------------------------------------- logbook.progression.suggest

loads = st.none() | st.decimals(min_value=Decimal("2.5"), max_value=Decimal("300"), places=1)
reps_sets = st.lists(st.tuples(st.integers(1, 30), st.none(), loads), min_size=1, max_size=6)
timed_sets = st.lists(st.tuples(st.none(), st.integers(5, 180), st.none()), min_size=1, max_size=6)
phases = st.sampled_from(["build", "deload", "consolidation", "taper", "maintenance"])
kinds = st.sampled_from([None, "loaded", "bodyweight", "plyometric"])
plan_words = st.sampled_from(["", "Keep week 3's weight; every set should stop well short of hard", "Bodyweight"])
kit = st.sets(st.sampled_from(["bodyweight", "dumbbell", "kettlebell", "barbell", "mini-band", "step-or-box"]))
# Words about load or tempo: a jump progresses by quality and contacts, never by these.
LOAD_OR_TEMPO = re.compile(r"\b(kg|lb|load|loaded|weight|weights|heavier|tempo|lowering|slow|slower|eccentric)\b", re.I)


@st.composite
def rep_range(draw):
    low = draw(st.integers(1, 20))
    return low, draw(st.integers(low, 30))


def names(sets, reps=None, seconds=None):
    """The "sets × reps" (or seconds) a sentence must contain, not part of a larger figure."""
    work = f"{seconds} s" if seconds is not None else rf"{reps}(?!\d|\.\d)"
    return re.compile(rf"(?<![\d.]){sets} × {work}")


def check_sentence_matches_figures(got, last, unit, contacts_per_rep):
    """Every figure the sentence states about last time is true, and the session it names is its fields."""
    reason = got.reason
    assert got.sets is not None and got.sets >= 1
    if got.seconds is not None:
        assert got.reps is None and names(got.sets, seconds=got.seconds).search(reason), reason
    else:
        assert got.reps is not None and got.reps >= 1 and names(got.sets, got.reps).search(reason), reason
    if got.load_kg is not None:
        assert format_load(got.load_kg, unit) in reason, reason
    else:
        assert not re.search(r"\d (kg|lb)\b", reason), reason
    if got.contacts is not None:
        assert got.contacts == got.sets * got.reps * contacts_per_rep
        assert f"{got.contacts} ground contact" in reason
    assert not re.search(r"\b(All [12]|1 sets|1 reps|all 1|all 2)\b", reason), "grammatical counts"
    rep_sets = [(r, lo) for r, _, lo in last if r] or [(r, lo) for r, _, lo in last]
    for top, shown in re.findall(r"Every set reached (\d+) reps? at ([\d.]+ (?:kg|lb))", reason):
        assert all(r >= int(top) and format_load(lo, unit) == shown for r, lo in rep_sets), reason
    for heavy, count, shown in re.findall(r"(\d+) of (\d+) sets (?:was|were) at ([\d.]+ (?:kg|lb))", reason):
        assert int(count) == len(rep_sets), reason
        assert int(heavy) == sum(1 for _, lo in rep_sets if lo and format_load(lo, unit) == shown), reason
    for count, top in re.findall(r"All (\d+) sets reached (\d+)", reason):
        assert int(count) == len(rep_sets) and all(r >= int(top) for r, _ in rep_sets), reason
    if re.search(r"\bBoth sets reached\b", reason):
        assert len(rep_sets) == 2
    if "Your one set" in reason:
        assert len(rep_sets) == 1
    for listed in re.findall(r"yet \(([\d, ]+)[;)]", reason):
        done = [int(n) for n in listed.split(", ")]
        assert min(done) < max(int(n) for n in re.findall(r"reached (\d+)", reason)), reason


@given(
    last=reps_sets | timed_sets,
    ranges=rep_range(),
    step=st.sampled_from([Decimal("1"), Decimal("2.5"), Decimal("5"), Decimal("2.268")]),
    unit=st.sampled_from(["kg", "lb"]),
    harder=st.none() | st.just("Single-leg glute bridge"),
    target_seconds=st.none() | st.integers(10, 120),
    kind=kinds,
    phase=phases,
    plan_sets=st.none() | st.integers(1, 5),
    plan_load=plan_words,
    contacts_per_rep=st.sampled_from([None, 1, 2]),
    equipment=kit,
    pattern=st.sampled_from(["hinge", "squat", "calf", "upper", "plyometric"]),
    unilateral=st.booleans(),
    per_side=st.booleans(),
)
@example(  # a set at the working load short of the top: no more load yet
    last=[(12, None, Decimal("60")), (11, None, Decimal("60")), (12, None, Decimal("40"))],
    ranges=(8, 12),
    step=Decimal("2.5"),
    unit="kg",
    harder=None,
    target_seconds=None,
    kind=None,
    phase="build",
    plan_sets=None,
    plan_load="",
    contacts_per_rep=1,
    equipment=set(),
    pattern="hinge",
    unilateral=False,
    per_side=False,
)
@example(  # one set of three at the heaviest load: not "every set reached 8 at 22 kg"
    last=[(8, None, Decimal("20")), (8, None, Decimal("20")), (8, None, Decimal("22"))],
    ranges=(6, 8),
    step=Decimal("2"),
    unit="kg",
    harder=None,
    target_seconds=None,
    kind="loaded",
    phase="build",
    plan_sets=None,
    plan_load="",
    contacts_per_rep=1,
    equipment={"dumbbell"},
    pattern="hinge",
    unilateral=True,
    per_side=True,
)
def test_progression_sentences_are_true_of_their_figures_and_follow_the_week(
    last, ranges, step, unit, harder, target_seconds, kind, phase, plan_sets, plan_load, contacts_per_rep, **traits
):
    reps_min, reps_max = ranges
    got = progression.suggest(
        last,
        reps_min=reps_min,
        reps_max=reps_max,
        step_kg=step,
        unit=unit,
        harder=harder,
        target_seconds=target_seconds,
        kind=kind,
        phase=phase,
        plan_sets=plan_sets,
        plan_load=plan_load,
        contacts_per_rep=contacts_per_rep,
        **traits,
    )
    assert got is not None
    assert isinstance(got.reason, str) and len(got.reason) > 20, "always has a reason"
    check_sentence_matches_figures(got, last, unit, contacts_per_rep)
    timed = all(r is None for r, _, _ in last)
    jumps = kind == "plyometric" and not timed
    last_loads = [load for r, _, load in last if load and r]
    loaded = bool(last_loads) and kind in (None, "loaded") and not timed
    if jumps:
        assert got.load_kg is None and not LOAD_OR_TEMPO.search(got.reason), got.reason
    if loaded:
        assert got.load_kg is not None and got.load_kg >= max(last_loads), "never less load than last time"
    else:
        assert got.load_kg is None
    if phase != "build":
        # Deload, taper, consolidation, maintenance: never more load, another set, more reps or longer holds.
        assert got.action not in {"add-load", "add-set", "add-reps", "add-time", "harder"}
        assert got.sets <= len(last)
        if loaded:
            assert got.load_kg == max(last_loads)
        if got.reps is not None:
            assert got.reps <= max(r for r, _, _ in last if r)
        if got.seconds is not None:
            assert got.seconds <= max(d for _, d, _ in last)
        if phase in ("deload", "taper") and plan_sets and plan_sets < len(last):
            assert got.sets == plan_sets, "fewer sets, as the plan says"
        if plan_load and plan_load != "Bodyweight" and not jumps:
            assert plan_load in got.reason, "in the plan's words"
    elif plan_sets and not jumps:
        assert got.sets == plan_sets, "the plan's number of sets"
    if got.action == "add-load":
        # Every set at the working (heaviest) load reached the top, and those were most of the sets: lighter
        # sets before them are ramp-ups and do not hold the runner back (see test_progress.py).
        working = [r for r, _, load in last if load == max(last_loads)]
        assert working and all(r >= reps_max for r in working), "more load only at the top"
        assert 2 * len(working) >= len(last), "not from one heavy try among lighter sets"
        assert got.load_kg == max(last_loads) + step
        assert got.reps == reps_min
    elif loaded:
        assert got.load_kg == max(last_loads)
    if got.action == "harder":
        assert got.harder == harder and harder is not None


@given(ranges=rep_range(), count=st.integers(1, 5), load=st.decimals(min_value=1, max_value=300, places=1))
def test_progression_adds_load_once_every_set_reaches_the_top(ranges, count, load):
    reps_min, reps_max = ranges
    got = progression.suggest([(reps_max, None, load)] * count, reps_min=reps_min, reps_max=reps_max, step_kg=2.5)
    assert got.action == "add-load"
    assert got.load_kg == load + Decimal("2.5")


@given(
    ranges=rep_range(),
    count=st.integers(1, 5),
    load=st.none() | st.decimals(min_value=1, max_value=300, places=1),
    phase=st.sampled_from(["deload", "consolidation"]),
    plan_sets=st.none() | st.integers(1, 5),
    kind=kinds,
)
def test_a_deload_or_consolidation_never_adds_load_or_a_set_even_at_the_top(
    ranges, count, load, phase, plan_sets, kind
):
    reps_min, reps_max = ranges
    last = [(reps_max, None, load)] * count
    got = progression.suggest(
        last, reps_min=reps_min, reps_max=reps_max, step_kg=5, phase=phase, plan_sets=plan_sets, kind=kind
    )
    assert got.sets <= count
    assert got.load_kg is None or got.load_kg == load
    assert got.action in {"deload", "hold"}


@given(
    last=st.lists(st.tuples(st.none() | st.just(0), st.none() | st.just(0), loads), max_size=4),
    ranges=rep_range(),
)
def test_progression_has_nothing_to_say_without_reps_or_time(last, ranges):
    assert progression.suggest(last, reps_min=ranges[0], reps_max=ranges[1], step_kg=2.5) is None


# ---------------------------------------------------------------- e1RM: Epley, Brzycki and the range shown

kg = st.decimals(min_value=Decimal("0.001"), max_value=Decimal("1000"), places=3)


@given(load=kg, reps=st.integers(1, E1RM_MAX_REPS))
def test_e1rm_range_is_ordered_and_never_below_the_load(load, reps):
    low, high = e1rm_range(load, reps)
    assert low <= high
    # Shown to 0.1 kg: never below the load lifted, to that precision.
    floor = load.quantize(Decimal("0.1"), rounding=ROUND_DOWN)
    assert low >= floor and high >= floor
    assert epley(load, reps) >= load and brzycki(load, reps) >= load
    if reps == 1:
        assert epley(load, 1) == load and brzycki(load, 1) == load


@given(load=kg, reps=st.integers(1, E1RM_MAX_REPS - 1))
def test_e1rm_grows_with_reps(load, reps):
    assert epley(load, reps + 1) > epley(load, reps)
    assert brzycki(load, reps + 1) > brzycki(load, reps)


@given(load=st.none() | kg | st.just(Decimal(0)), reps=st.none() | st.integers(0, 1000))
def test_e1rm_range_only_for_loaded_sets_of_up_to_ten_reps(load, reps):
    got = e1rm_range(load, reps)
    trusted = bool(load) and bool(reps) and reps <= E1RM_MAX_REPS
    assert (got is not None) == trusted
    if reps is not None and reps > E1RM_MAX_REPS:
        assert got is None


# ---------------------------------------------------------------- units: kg ↔ lb


@st.composite
def typed_load(draw):
    """A load as a runner types it: 0–2000 with at most one decimal, sometimes as text."""
    tenths = draw(st.integers(min_value=0, max_value=20000))
    value = Decimal(tenths).scaleb(-1)
    if draw(st.booleans()):
        value = value.normalize() if value == value.to_integral() else value
    return draw(st.sampled_from([value, f"{value:f}"]))


@given(typed=typed_load(), unit=st.sampled_from(["kg", "lb"]))
@example(typed="135", unit="lb")
@example(typed="0.1", unit="lb")
@example(typed="2000.0", unit="lb")
@example(typed="1999.9", unit="lb")
def test_a_typed_load_round_trips_through_storage(typed, unit):
    stored = to_kg(typed, unit)
    assert stored == stored.quantize(Decimal("0.001")), "stored to the gram"
    shown = from_kg(stored, unit)
    assert shown == Decimal(str(typed)), f"{typed} {unit} → {stored} kg → {shown} {unit}"
    assert -shown.as_tuple().exponent <= 1, "shown with at most one decimal"
    if Decimal(str(typed)) != 0:
        assert format_load(stored, unit) == f"{shown:f} {unit}"


@given(stored=st.decimals(min_value=0, max_value=1000, places=3), unit=st.sampled_from(["kg", "lb"]))
def test_showing_a_stored_load_and_storing_it_again_is_stable(stored, unit):
    shown = from_kg(stored, unit)
    again = to_kg(shown, unit)
    assert from_kg(again, unit) == shown
    assert abs(again - stored) <= (Decimal("0.05") * (Decimal("0.45359237") if unit == "lb" else 1)) + Decimal("0.001")


def test_empty_loads_stay_empty():
    assert to_kg(None, "kg") is None and to_kg("", "lb") is None and from_kg(None, "lb") is None
