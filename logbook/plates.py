"""Plates for a barbell load, and a warm-up ramp up to the first heavy lift. Pure functions.

Everything here works in the runner's unit (kg plates for kg, lb plates for lb); static/js/gym.js does the
same sums in the browser as the runner types, so the two must agree (tests/test_gym.py checks this list).
"""

from decimal import ROUND_FLOOR, Decimal

PLATES = {
    "kg": [Decimal(p) for p in ("25", "20", "15", "10", "5", "2.5", "1.25")],
    "lb": [Decimal(p) for p in ("45", "35", "25", "10", "5", "2.5")],
}
# The warm-up ramp before the first heavy set: (share of the working load, reps).
RAMP = [(Decimal("0.4"), 5), (Decimal("0.6"), 3), (Decimal("0.8"), 2)]


def plates_per_side(load, bar, unit="kg"):
    """The plates for each side of the bar, heaviest first, and what is left over that no plate makes up.

    `load` and `bar` are in `unit`. A load at or under the bar needs no plates.
    """
    load, bar = Decimal(str(load)), Decimal(str(bar))
    side = (load - bar) / 2
    found = []
    for plate in PLATES[unit]:
        if side >= plate:
            count, side = divmod(side, plate)
            found += [plate] * int(count)
    return found, max(side, Decimal(0)) * 2


def describe_plates(load, bar, unit="kg"):
    """ "Each side: 20 + 5 + 1.25 kg" for a barbell load, or why there are no plates."""
    load, bar = Decimal(str(load)), Decimal(str(bar))
    if load <= bar:
        return f"Just the bar ({bar.normalize():f} {unit})."
    found, left = plates_per_side(load, bar, unit)
    text = "Each side: " + " + ".join(f"{p.normalize():f}" for p in found) + f" {unit}"
    if left:
        text += f" ({left.normalize():f} {unit} short of the smallest plates)"
    return text + "."


def smallest_jump(unit):
    """The smallest load change a pair of plates makes."""
    return PLATES[unit][-1] * 2


def warmup_ramp(load, bar, unit="kg"):
    """[(load, reps)] to warm up to a working `load`: the empty bar for 10, then 40, 60 and 80 %.

    Each step is rounded down to what plates make and skipped when it is no heavier than the step before.
    """
    load, bar = Decimal(str(load)), Decimal(str(bar))
    jump = smallest_jump(unit)
    steps = [(bar, 10)]
    for share, reps in RAMP:
        weight = bar + ((load * share - bar) / jump).quantize(Decimal(1), rounding=ROUND_FLOOR) * jump
        if steps[-1][0] < weight < load:
            steps.append((weight, reps))
    return steps if load > bar else []
