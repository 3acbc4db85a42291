"""What to do next time, from what was done last time and what the plan's next week is for. Pure functions.

Every sentence names the session it suggests as "sets × reps" (or "sets × seconds s"), with the load when
there is one, and those figures are the Suggestion's own fields, so a form can be pre-filled from them.
"""

from dataclasses import dataclass, replace
from decimal import Decimal

from .units import format_load

MAX_SETS = 4

LOADED, BODYWEIGHT, PLYOMETRIC = "loaded", "bodyweight", "plyometric"
BUILD, DELOAD, CONSOLIDATION, TAPER, MAINTENANCE = "build", "deload", "consolidation", "taper", "maintenance"
# Weeks that hold or cut the work: never more load or another set.
EASIER_WEEKS = {DELOAD, TAPER, CONSOLIDATION, MAINTENANCE}

WEIGHTS = {"dumbbell", "kettlebell", "barbell", "machine", "medicine-ball"}
BANDS = {"resistance-band", "mini-band"}
LOWER_BODY = {"hinge", "squat", "lunge", "bridge", "calf"}


@dataclass(frozen=True)
class Suggestion:
    # "add-load", "same-load", "add-reps", "add-set", "harder", "add-time", "deload", "taper", "hold",
    # "one-leg", "slower", "start-load", "stronger-band", "quality"
    action: str
    reason: str
    load_kg: Decimal | None = None
    reps: int | None = None
    sets: int | None = None
    seconds: int | None = None
    harder: str | None = None
    contacts: int | None = None


def plural(count, word, many=None):
    return f"{count} {word if count == 1 else many or word + 's'}"


def each(count):
    """How to say 'all of them' for `count` sets."""
    return {1: "it", 2: "both"}.get(count, f"all {count}")


def all_sets(count):
    return {1: "Your one set", 2: "Both sets"}.get(count, f"All {count} sets")


def sets_done(count, reps):
    return f"{plural(count, 'set')} of {reps} {'is' if count == 1 else 'are'} done"


def dose(sets, reps=None, seconds=None, load=None, unit="kg"):
    """The session a suggestion names, e.g. "3 × 8 at 62.5 kg" or "2 × 40 s"."""
    work = f"{seconds} s" if seconds is not None else f"{reps}"
    return f"{sets} × {work}" + (f" at {format_load(load, unit)}" if load else "")


def span(bottom, top):
    return f"{top}" if bottom == top else f"{bottom}–{top}"


def phase_words(phase, plan_load):
    """Why the week is lighter, and the plan's own guidance for it."""
    why = {
        DELOAD: "Deload week: less work so muscles and tendons recover and you keep the strength you built.",
        TAPER: "Taper week: cut the work so you arrive fresh.",
        CONSOLIDATION: "Consolidation week: let what you have gained settle rather than adding more.",
        MAINTENANCE: "Maintenance: hold what you have with no more work than last time.",
    }[phase]
    # "Bodyweight" alone says nothing the runner does not know; longer guidance is the plan's own words.
    says = plan_load and plan_load.strip(" .").lower() != "bodyweight"
    return why + (f" The plan: “{plan_load.rstrip('.')}.”" if says else "")


def suggest(
    last_sets,
    *,
    reps_min,
    reps_max,
    step_kg,
    unit="kg",
    harder=None,
    target_seconds=None,
    max_sets=MAX_SETS,
    kind=None,
    phase=BUILD,
    plan_sets=None,
    plan_load="",
    contacts_per_rep=None,
    equipment=(),
    pattern="",
    unilateral=False,
    per_side=False,
):
    """Suggest the next session for one exercise.

    `last_sets` is a list of (reps, duration_s, load_kg) from the last session with it, working sets only.
    `reps_min`/`reps_max`/`target_seconds`/`plan_sets`/`plan_load`/`phase` describe the next planned session
    (the library's dosing and a build week when there is no plan). `kind` is loaded, bodyweight or
    plyometric (by default: loaded if any set had a load); `per_side` says the sets and reps count each side.
    """
    sets = [(r, d, Decimal(str(load)) if load else None) for r, d, load in last_sets if r or d]
    if not sets:
        return None
    got = _suggest(
        sets,
        reps_min,
        reps_max,
        step_kg,
        unit,
        harder,
        target_seconds,
        max_sets,
        kind,
        phase,
        plan_sets,
        plan_load,
        contacts_per_rep,
        equipment,
        pattern,
        unilateral,
    )
    if per_side and got.action != "one-leg":
        got = replace(got, reason=f"{got.reason} {'Holds' if got.seconds else 'Reps'} are per side.")
    return got


def _suggest(
    sets,
    reps_min,
    reps_max,
    step_kg,
    unit,
    harder,
    target_seconds,
    max_sets,
    kind,
    phase,
    plan_sets,
    plan_load,
    contacts_per_rep,
    equipment,
    pattern,
    unilateral,
):
    phase = phase or BUILD
    if kind is None:
        kind = LOADED if any(load for _, _, load in sets) else BODYWEIGHT
    if all(r is None for r, _, _ in sets):
        return _timed(sets, target_seconds, phase, plan_sets, plan_load)
    sets = [s for s in sets if s[0]]  # a timed set among rep sets says nothing about reps
    if kind == PLYOMETRIC:
        return _plyometric(sets, reps_min, reps_max, phase, plan_sets, harder, contacts_per_rep, max_sets)
    if kind == LOADED and any(load for _, _, load in sets):
        return _loaded(sets, reps_min, reps_max, step_kg, unit, phase, plan_sets, plan_load)
    return _bodyweight(
        sets, reps_min, reps_max, phase, plan_sets, plan_load, harder, max_sets, set(equipment), pattern, unilateral
    )


def _lighter(phase, plan_sets, count, bottom, reps_done):
    """Sets and reps for a week that holds or cuts the work: never more sets than last time."""
    if phase in (DELOAD, TAPER):
        sets = min(plan_sets, count) if plan_sets else max(1, count - 1)
        return sets, min(bottom, reps_done)
    return (min(plan_sets, count) if plan_sets else count), reps_done


def _compared(sets, count, reps, reps_done):
    """Say honestly how the suggested session compares with last time's."""
    fewer = []
    if sets < count:
        fewer.append(f"{plural(sets, 'set')} instead of {count}")
    if reps < reps_done:
        fewer.append(f"{plural(reps, 'rep')} a set instead of {reps_done}")
    return " and ".join(fewer) if fewer else "the same as last time, no more"


def _loaded(sets, reps_min, reps_max, step_kg, unit, phase, plan_sets, plan_load):
    count = len(sets)
    reps = [r or 0 for r, _, _ in sets]
    top = reps_max or max(reps)
    bottom = min(reps_min or top, top)
    load = max(lo for _, _, lo in sets if lo)
    at_load = [r or 0 for r, _, lo in sets if lo == load]
    heavy = len(at_load)
    shown = format_load(load, unit)

    if phase in EASIER_WEEKS:
        # The load stays: holding the weight keeps the strength while the smaller volume lets it recover.
        new_sets, new_reps = _lighter(phase, plan_sets, count, bottom, min(top, min(at_load)))
        action = phase if phase in (DELOAD, TAPER) else "hold"
        return Suggestion(
            action,
            f"{phase_words(phase, plan_load)} Keep the weight at {shown} and do {dose(new_sets, new_reps)}: "
            f"{_compared(new_sets, count, new_reps, min(at_load))}.",
            load_kg=load,
            reps=new_reps,
            sets=new_sets,
        )

    done = ", ".join(map(str, at_load))
    if heavy * 2 < count:
        # The heaviest load was a try among lighter sets: own it for every set before going up.
        new_reps, new_sets = min(top, min(at_load)), plan_sets or count
        what = plural(at_load[0], "rep") if heavy == 1 else f"{done} reps"
        return Suggestion(
            "same-load",
            f"Only {heavy} of {count} sets {'was' if heavy == 1 else 'were'} at {shown} ({what}): next time "
            f"do {dose(new_sets, new_reps)} with every set at {shown}, then build each to {top}."
            f"{_planned(plan_sets, count)}",
            load_kg=load,
            reps=new_reps,
            sets=new_sets,
        )
    # Lighter sets before the working ones are ramp-up sets: they neither count nor hold the runner back.
    new_sets = plan_sets or heavy
    ramp = "" if heavy == count else f"the lighter {'set counts' if count - heavy == 1 else 'sets count'} as ramp-up"
    if min(at_load) >= top:
        new_load = load + Decimal(str(step_kg))
        if count == 1:
            reached = f"Your one set reached {plural(top, 'rep')} at {shown}"
        elif heavy == count:
            reached = f"Every set reached {plural(top, 'rep')} at {shown}"
        else:
            reached = f"{heavy} of {count} sets were at {shown} and {each(heavy)} reached {plural(top, 'rep')}"
        return Suggestion(
            "add-load",
            f"{reached}, the top of {span(bottom, top)}{f' ({ramp})' if ramp else ''}: "
            f"add {format_load(step_kg, unit)} and start again from {dose(new_sets, bottom, load=new_load, unit=unit)}."
            f"{_planned(plan_sets, heavy)}",
            load_kg=new_load,
            reps=bottom,
            sets=new_sets,
        )
    new_reps = min(top, min(at_load) + 1)
    return Suggestion(
        "add-reps",
        f"Not every set at {shown} reached {plural(top, 'rep')} yet ({done}{f'; {ramp}' if ramp else ''}): "
        f"stay at {shown} and add a rep to the short sets, {dose(new_sets, new_reps)}, "
        f"until every set reaches {top}.{_planned(plan_sets, heavy)}",
        load_kg=load,
        reps=new_reps,
        sets=new_sets,
    )


def _planned(plan_sets, count):
    """A note when the plan's next session has a different number of sets from last time."""
    return f" This week's plan has {plural(plan_sets, 'set')}." if plan_sets and plan_sets != count else ""


def _next_step(count, new_sets, top, bottom, harder, equipment, pattern, unilateral):
    """Once the sets and reps are all done: the harder variation, else a step that suits the move."""
    done = f"{sets_done(count, top)}"
    if harder:
        return "harder", f"{done}: move on to the harder variation, {harder}, at {dose(new_sets, bottom)}.", bottom
    if equipment & WEIGHTS:
        return "start-load", f"{done}: hold a light weight and start again from {dose(new_sets, bottom)}.", bottom
    if equipment & BANDS:
        return (
            "stronger-band",
            f"{done}: move to a stronger band and start again from {dose(new_sets, bottom)}.",
            bottom,
        )
    if pattern in LOWER_BODY and not unilateral:
        return "one-leg", f"{done}: try it one leg at a time, starting at {dose(new_sets, bottom)} per leg.", bottom
    return (
        "slower",
        f"{done}: take three seconds over each lowering and start again from {dose(new_sets, bottom)}.",
        bottom,
    )


def _bodyweight(sets, reps_min, reps_max, phase, plan_sets, plan_load, harder, max_sets, equipment, pattern, uni):
    count = len(sets)
    reps = [r or 0 for r, _, _ in sets]
    top = reps_max or max(reps)
    bottom = min(reps_min or top, top)
    low = min(reps)

    if phase in EASIER_WEEKS:
        new_sets, new_reps = _lighter(phase, plan_sets, count, bottom, min(top, low))
        return Suggestion(
            phase if phase in (DELOAD, TAPER) else "hold",
            f"{phase_words(phase, plan_load)} Do {dose(new_sets, new_reps)}: "
            f"{_compared(new_sets, count, new_reps, low)}.",
            reps=new_reps,
            sets=new_sets,
        )

    new_sets = plan_sets or count
    if low < top:
        new_reps = min(top, low + 2)
        return Suggestion(
            "add-reps",
            f"Not every set reached {plural(top, 'rep')} yet ({', '.join(map(str, reps))}): "
            f"add a rep or two to the short sets, {dose(new_sets, new_reps)}.{_planned(plan_sets, count)}",
            reps=new_reps,
            sets=new_sets,
        )
    cap = max(plan_sets or max_sets, 1)
    if count < cap:
        new_sets = count + 1 if not plan_sets else cap
        reached = f"{all_sets(count)} reached {plural(top, 'rep')}"
        return Suggestion(
            "add-set",
            f"{reached}: add {'a set' if new_sets == count + 1 else plural(new_sets - count, 'set')}, "
            f"{dose(new_sets, top)}.",
            reps=top,
            sets=new_sets,
        )
    action, reason, new_reps = _next_step(count, new_sets, top, bottom, harder, equipment, pattern, uni)
    return Suggestion(action, reason, reps=new_reps, sets=new_sets, harder=harder if action == "harder" else None)


def _timed(sets, target_seconds, phase, plan_sets, plan_load):
    count = len(sets)
    seconds = [d or 0 for _, d, _ in sets]
    goal = target_seconds or max(seconds)
    if phase in EASIER_WEEKS:
        new_sets = _lighter(phase, plan_sets, count, 1, 1)[0]
        hold = min(goal, max(seconds))
        return Suggestion(
            phase if phase in (DELOAD, TAPER) else "hold",
            f"{phase_words(phase, plan_load)} Hold {dose(new_sets, seconds=hold)}: "
            f"{plural(new_sets, 'set')}, no longer than last time.",
            seconds=hold,
            sets=new_sets,
        )
    new_sets = plan_sets or count
    if min(seconds) >= goal:
        return Suggestion(
            "add-time",
            f"{'Your set' if count == 1 else 'Every set'} lasted the full {goal} s: hold 10 s longer next time, "
            f"{dose(new_sets, seconds=goal + 10)}.",
            seconds=goal + 10,
            sets=new_sets,
        )
    return Suggestion(
        "add-time",
        f"Not every set reached {goal} s yet ({', '.join(f'{s} s' for s in seconds)}): "
        f"aim to hold each for the full time, {dose(new_sets, seconds=goal)}.",
        seconds=goal,
        sets=new_sets,
    )


def _plyometric(sets, reps_min, reps_max, phase, plan_sets, harder, per_rep, max_sets):
    """Jumps progress by the quality of each contact and, slowly, their number; never by load or tempo."""
    count = len(sets)
    reps = [r or 0 for r, _, _ in sets]
    top = reps_max or max(reps)
    bottom = min(reps_min or top, top)
    low = min(reps)
    recover = "rest fully between sets so every jump is at full effort"

    def contacts(n_sets, n_reps):
        return n_sets * n_reps * per_rep if per_rep else None

    def named(n_sets, n_reps):
        total = contacts(n_sets, n_reps)
        return dose(n_sets, n_reps) + (f" ({plural(total, 'ground contact')})" if total else "")

    def jumps(action, reason, n_sets, n_reps, **more):
        return Suggestion(action, reason, reps=n_reps, sets=n_sets, contacts=contacts(n_sets, n_reps), **more)

    if phase in EASIER_WEEKS:
        new_sets, new_reps = _lighter(phase, plan_sets, count, bottom, min(top, low))
        why = {
            DELOAD: "Deload week: fewer jumps so your legs recover",
            TAPER: "Taper week: fewer jumps so you arrive fresh",
            CONSOLIDATION: "Consolidation week: no more jumps than last time, so the new spring settles",
            MAINTENANCE: "Maintenance: no more jumps than last time",
        }[phase]
        return jumps(
            phase if phase in (DELOAD, TAPER) else "hold",
            f"{why}. Do {named(new_sets, new_reps)}, make every landing quick and quiet, and {recover}.",
            new_sets,
            new_reps,
        )
    if plan_sets:
        if plan_sets * top > count * low:
            reason = (
                f"Next session asks for {named(plan_sets, top)}. Step up only if every landing last time was quiet "
                f"and brief; if they thudded, repeat {dose(count, low)}. {recover.capitalize()}."
            )
        else:
            reason = (
                f"Next session asks for {named(plan_sets, top)}, no more than last time: make each contact quicker "
                f"and quieter, and {recover}."
            )
        return jumps("quality", reason, plan_sets, top)
    if low < top:
        new_reps = min(top, low + 1)
        return jumps(
            "add-reps",
            f"Not every set reached {top} yet ({', '.join(map(str, reps))}): go to {named(count, new_reps)} only "
            f"while every landing stays quiet and brief, and {recover}.",
            count,
            new_reps,
        )
    if count < max_sets:
        return jumps(
            "add-set",
            f"{all_sets(count)} reached {top}: if every landing was quiet and brief, add a set, "
            f"{named(count + 1, top)}, and {recover}.",
            count + 1,
            top,
        )
    if harder:
        return jumps(
            "harder",
            f"{sets_done(count, top)}: move on to {harder} at {named(count, bottom)}, and {recover}.",
            count,
            bottom,
            harder=harder,
        )
    return jumps(
        "quality",
        f"{sets_done(count, top)}: keep {named(count, top)} and make each contact shorter and quieter; jumps "
        f"improve by quality, not by piling on more. {recover.capitalize()}.",
        count,
        top,
    )
