"""Loads are stored in kilograms and shown in the runner's unit."""

from decimal import ROUND_HALF_UP, Decimal

KG_PER_LB = Decimal("0.45359237")
STORED = Decimal("0.001")  # kg kept to the gram
SHOWN = Decimal("0.1")  # one decimal on screen


def to_kg(value, unit):
    """A load typed in `unit` as kilograms, to the gram."""
    if value is None or value == "":
        return None
    value = Decimal(str(value))
    kg = value * KG_PER_LB if unit == "lb" else value
    return kg.quantize(STORED, rounding=ROUND_HALF_UP)


def from_kg(kg, unit, places=SHOWN):
    """A stored load in `unit`, rounded for display (trailing zeros dropped)."""
    if kg is None:
        return None
    kg = Decimal(str(kg))
    value = kg / KG_PER_LB if unit == "lb" else kg
    shown = value.quantize(places, rounding=ROUND_HALF_UP)
    return shown.normalize() if shown == shown.to_integral() else shown


def format_load(kg, unit):
    if kg is None or kg == 0:
        return "bodyweight"
    return f"{from_kg(kg, unit):f} {unit}"


def exact(kg, unit):
    """A stored load as text in `unit`: the shortest figure that converts back to the same grams.

    61.25 kg is "61.25" (not "61.3"), 102.058 kg is "225" lb (not "224.9994"), never "1E+2".
    """
    if kg is None or kg == "" or Decimal(str(kg)) == 0:
        return None
    kg = Decimal(str(kg)).quantize(STORED, rounding=ROUND_HALF_UP)
    for places in ("0.1", "0.01", "0.001", "0.0001"):
        value = from_kg(kg, unit, places=Decimal(places))
        if to_kg(value, unit) == kg:
            break
    return f"{value.normalize():f}"
