"""The log form as it is used in the gym: set rows grouped into one card per exercise, pre-filled with what
the progression suggests for today, and the form's draft turned back into rows.

Pure helpers for logbook.views: they read what the view fetched and never write.
"""

from decimal import Decimal

from . import figures, plates, progression, rules
from .models import LoggedSet
from .units import exact, from_kg

# The fields of one set row in a posted log form ("form-3-load"), as a draft keeps them.
ROW_FIELDS = ("exercise", "reps", "duration_s", "load", "side", "rpe", "note", "done", "exercise_name", "kind")
ROW_DEFAULTS = {"side": LoggedSet.Side.BOTH}
SESSION_FIELDS = ("date", "name", "notes", "effort", "duration_min", "client_token")
# Buttons and the CSRF token: posted, but not part of what was typed.
NOT_KEPT = {"csrfmiddlewaretoken", "save", "keep", "add_set", "add_set_after", "add_exercise", "as_prescribed"}


def draft_data(post):
    """The posted log form as a draft keeps it: every field's single value, no buttons, no CSRF token."""
    return {key: post.get(key) for key in post if key not in NOT_KEPT and len(key) <= 40}


def row_count(data):
    try:
        return max(0, min(int(data.get("form-TOTAL_FORMS") or 0), rules.MAX_SETS))
    except (TypeError, ValueError):
        return 0


def draft_rows(data):
    """The set rows a draft (or a posted form) holds, as initial data for the formset; removed and blank rows
    dropped."""
    rows = []
    for i in range(row_count(data)):
        if data.get(f"form-{i}-DELETE"):
            continue
        row = {key: data.get(f"form-{i}-{key}") or "" for key in ROW_FIELDS}
        if not any(row[key] for key in ("exercise", "reps", "duration_s", "load", "exercise_name")):
            continue  # a row with nothing typed: nothing to keep
        row["done"] = bool(row["done"])
        row["side"] = row["side"] or LoggedSet.Side.BOTH
        rows.append(row)
    return rows


def draft_details(data):
    """The session fields of a draft, as the session form's initial data."""
    return {key: data[key] for key in SESSION_FIELDS if data.get(key)}


def ticks(rows):
    return sum(1 for r in rows if r.get("done"))


def as_data(details, rows):
    """Session fields and set rows written back as a posted form's data, for a draft."""
    data = {key: str(value) for key, value in details.items() if value not in (None, "")}
    for i, row in enumerate(rows):
        for key in ROW_FIELDS:
            value = row.get(key)
            if key == "done":
                if value:
                    data[f"form-{i}-done"] = "on"
            elif value not in (None, ""):
                data[f"form-{i}-{key}"] = str(value)
    data.update({"form-TOTAL_FORMS": str(len(rows)), "form-INITIAL_FORMS": "0"})
    data.update({"form-MIN_NUM_FORMS": "1", "form-MAX_NUM_FORMS": str(rules.MAX_SETS)})
    return data


def add_set(rows, after):
    """A copy of row `after` inserted after it, not ticked: the next set of the same exercise."""
    if not rows or len(rows) >= rules.MAX_SETS:
        return rows
    after = max(0, min(after, len(rows) - 1))
    copy = {**rows[after], "done": False, "note": ""}
    return rows[: after + 1] + [copy] + rows[after + 1 :]


def add_exercise(rows, exercise):
    """A first set of `exercise` at the end, with its library dosing."""
    if len(rows) >= rules.MAX_SETS:
        return rows
    timed = exercise.duration_s and not exercise.reps_max
    row = {
        "exercise": str(exercise.pk),
        "reps": "" if timed else (exercise.reps_max or ""),
        "duration_s": exercise.duration_s if timed else "",
        "side": LoggedSet.Side.BOTH,
    }
    return [r for r in rows if r.get("exercise") or r.get("reps") or r.get("load")] + [row]


def plan_for(prescription, phase):
    return figures.Plan(
        prescription.reps_min,
        prescription.reps_max,
        prescription.duration_s,
        prescription.sets,
        prescription.load,
        phase or progression.BUILD,
        None,
        False,
        prescription.per_side,
    )


def plan_rows(planned, unit, last, phase):
    """Set rows for a planned session: its prescriptions, with the load (and reps) the progression suggests.

    The suggestion is made for the planned session's own week, so a deload week never pre-fills more load;
    with no suggestion (never logged), last time's heaviest load or none. Returns (rows, {exercise id: suggestion}).
    """
    rows, suggestions = [], {}
    jumps = planned.enrollment.program.is_plyometric
    prescriptions = planned.workout.prescriptions.all()
    kits = figures.kits([p.exercise_id for p in prescriptions if p.exercise_id in last])
    for p in prescriptions:
        previous = last.get(p.exercise_id, [])
        suggestion = None
        if previous:
            plan = plan_for(p, phase)._replace(jumps=jumps)
            suggestion = figures.suggestion_for(p.exercise, previous, unit, plan, kits[p.exercise_id])
            suggestions[p.exercise_id] = suggestion
        loads = [s.load_kg for s in previous if s.load_kg]
        load_kg = suggestion.load_kg if suggestion and suggestion.load_kg else (max(loads) if loads else None)
        # Reps: the top of the prescribed range, the plan's own dose for this week; the load is the progression's.
        reps = p.reps_max if not p.duration_s else None
        for _ in range(p.sets):
            rows.append(
                {
                    "exercise": p.exercise_id,
                    "reps": reps,
                    "duration_s": p.duration_s,
                    "load": exact(load_kg, unit),
                    "side": LoggedSet.Side.BOTH,
                }
            )
    return rows, suggestions


class Card:
    """One exercise's block of consecutive set rows on the log form."""

    def __init__(self, exercise, index):
        self.exercise = exercise
        self.index = index
        self.rows = []  # (form, number in the session, number in this card)
        self.prescription = None
        self.last = []
        self.suggestion = None
        self.plates = ""
        self.warmup = []
        self.ask_load = False  # a move done with a weight, and no load typed yet

    @property
    def rest_s(self):
        return self.prescription.rest_s if self.prescription else 90

    @property
    def timed(self):
        if self.prescription is not None:
            return bool(self.prescription.duration_s)
        return bool(self.exercise and self.exercise.duration_s and not self.exercise.reps_max)

    @property
    def last_number(self):
        """The session's number of this card's last row, after which "Add a set" puts the next one."""
        return self.rows[-1][1] if self.rows else 0


def cards(formset, library, prescriptions, last, suggestions, barbells, unit, bar_kg, needs_load=()):
    """The formset's rows grouped into cards, one per run of rows with the same exercise, in order."""
    found, current = [], None
    for number, form in enumerate(formset.forms, start=1):
        value = form["exercise"].value()
        exercise = library.by_pk.get(str(value)) if value not in (None, "") else None
        if current is None or current.exercise != exercise or exercise is None:
            current = Card(exercise, len(found) + 1)
            found.append(current)
        current.rows.append((form, number, len(current.rows) + 1))
    bar = from_kg(bar_kg, unit)
    first_heavy = True
    for card in found:
        if card.exercise is None:
            continue
        pk = card.exercise.pk
        card.prescription = prescriptions.get(pk)
        card.last = last.get(pk, [])
        card.suggestion = suggestions.get(pk)
        card.ask_load = pk in needs_load and top_load(card, unit) is None
        if pk in barbells:
            load = top_load(card, unit)
            if load:
                card.plates = plates.describe_plates(load, bar, unit)
                if first_heavy:
                    card.warmup = [(format_load_in(w, unit), reps) for w, reps in plates.warmup_ramp(load, bar, unit)]
                    first_heavy = False
    return found


def top_load(card, unit):
    """The heaviest load typed in a card's rows, in the runner's unit; loads no set may hold are left out
    (a re-shown form keeps what was typed, and plates for a typed 10^400 kg would never end)."""
    ceiling = from_kg(rules.MAX_LOAD_KG, unit)
    best = None
    for form, _, _ in card.rows:
        try:
            value = Decimal(str(form["load"].value() or ""))
        except ArithmeticError:
            continue
        if value.is_finite() and 0 < value <= ceiling and (best is None or value > best):
            best = value
    return best


def format_load_in(value, unit):
    return f"{Decimal(value).normalize():f} {unit}"
