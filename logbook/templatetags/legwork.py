from django import template

from logbook.units import format_load, from_kg

register = template.Library()

WEEKDAY_SHORT = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


@register.filter
def load(kg, unit="kg"):
    """A stored kg load in the runner's unit: `{{ set.load_kg|load:unit }}`."""
    return format_load(kg, unit)


@register.filter
def in_unit(kg, unit="kg"):
    """The bare number of a kg load in the runner's unit, for form values."""
    value = from_kg(kg, unit)
    return "" if value is None else f"{value:f}"


@register.filter
def weekdays(values):
    return ", ".join(WEEKDAY_SHORT[v] for v in sorted(values or []) if 0 <= v <= 6)


@register.simple_tag
def sets_line(sets, unit):
    """'3 × 10 @ 40 kg' style summary of a list of logged sets."""
    parts = []
    for s in sets:
        amount = f"{s.reps}" if s.reps else f"{s.duration_s}s" if s.duration_s else "—"
        side = f" {s.side[0].upper()}" if s.side != "both" else ""
        load = f" @ {format_load(s.load_kg, unit)}" if s.load_kg else ""
        parts.append(f"{amount}{side}{load}")
    return ", ".join(parts)


@register.filter
def index(sequence, position):
    """sequence[position], or None when out of range."""
    try:
        return sequence[position]
    except (IndexError, TypeError, KeyError):
        return None


@register.filter
def listify(value):
    return [value] if value is not None else []
