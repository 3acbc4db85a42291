"""Double progression: what to do next time, from what was done last time. Pure functions."""

from dataclasses import dataclass
from decimal import Decimal

from .units import format_load

MAX_SETS = 4


@dataclass(frozen=True)
class Suggestion:
    action: str  # "add-load", "add-reps", "add-set", "harder", "add-time"
    reason: str
    load_kg: Decimal | None = None
    reps: int | None = None
    sets: int | None = None
    seconds: int | None = None
    harder: str | None = None


def suggest(last_sets, *, reps_min, reps_max, step_kg, unit="kg", harder=None, target_seconds=None, max_sets=MAX_SETS):
    """Suggest the next session for one exercise.

    `last_sets` is a list of (reps, duration_s, load_kg) from the last session with it, working sets only.
    Loaded work: every set at the top of the range → more load, else same load and more reps.
    Bodyweight work: more reps, then another set, then the harder variation.
    """
    sets = [(r, d, Decimal(str(load)) if load else None) for r, d, load in last_sets if r or d]
    if not sets:
        return None
    count = len(sets)
    if all(r is None for r, _, _ in sets):
        seconds = [d for _, d, _ in sets]
        goal = target_seconds or max(seconds)
        if min(seconds) >= goal:
            return Suggestion(
                "add-time",
                f"Every set lasted the full {goal} s: hold each set 5–10 s longer next time.",
                seconds=goal + 10,
                sets=count,
            )
        return Suggestion(
            "add-time",
            f"Not every set reached {goal} s yet: aim to hold all {count} for {goal} s.",
            seconds=goal,
            sets=count,
        )

    reps = [r or 0 for r, _, _ in sets]
    top = reps_max or max(reps)
    bottom = reps_min or top
    loads = [load for _, _, load in sets if load]
    if loads:
        load = max(loads)
        at_load = [r or 0 for r, _, lo in sets if lo == load]
        if min(at_load) >= top:
            new_load = load + Decimal(str(step_kg))
            return Suggestion(
                "add-load",
                f"Every set reached {top} reps at {format_load(load, unit)}, the top of the {bottom}–{top} range: "
                f"add {format_load(step_kg, unit)} and build back up from {bottom} reps.",
                load_kg=new_load,
                reps=bottom,
                sets=count,
            )
        target = min(top, min(at_load) + 1)
        return Suggestion(
            "add-reps",
            f"Not every set reached {top} reps yet ({', '.join(map(str, at_load))}): stay at {format_load(load, unit)} "
            f"and add a rep to the short sets until all {len(at_load)} reach {top}.",
            load_kg=load,
            reps=target,
            sets=count,
        )

    if min(reps) < top:
        return Suggestion(
            "add-reps",
            f"Not every set reached {top} reps yet ({', '.join(map(str, reps))}): add a rep or two to each set.",
            reps=min(top, min(reps) + 2),
            sets=count,
        )
    if count < max_sets:
        return Suggestion(
            "add-set",
            f"All {count} sets reached {top} reps: add a set ({count + 1} × {bottom}–{top}).",
            reps=top,
            sets=count + 1,
        )
    if harder:
        return Suggestion(
            "harder",
            f"{count} sets of {top} are done with ease: move on to the harder variation, {harder}, "
            f"starting at {bottom} reps.",
            reps=bottom,
            sets=count,
            harder=harder,
        )
    return Suggestion(
        "add-reps",
        f"{count} sets of {top} are done: slow the lowering to three seconds to keep it challenging.",
        reps=top,
        sets=count,
    )
