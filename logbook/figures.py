"""Progress figures, aggregated in the database so pages stay fast as the log grows."""

from collections import Counter, defaultdict
from datetime import timedelta
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Count, Max, OuterRef, Q, Subquery, Sum

from exercises.models import Exercise
from programs.models import Enrollment, PlannedSession, Prescription

from . import progression
from .models import ExerciseStat, LoggedSet, e1rm_range

WEEKS_SHOWN = 12


def records(user, exercise=None, limit=10):
    """Sets that beat every earlier estimated one-rep max for their exercise, newest first."""
    sets = LoggedSet.objects.filter(session__user=user, is_record=True)
    if exercise is not None:
        sets = sets.filter(exercise=exercise)
    return (
        sets.select_related("exercise", "session")
        .defer(*(f"exercise__{name}" for name in Exercise.COACHING_TEXT), "session__notes")
        .order_by("-session__date", "-session_id", "-order")[:limit]
    )


def best_set(user, exercise):
    stat = ExerciseStat.objects.filter(user=user, exercise=exercise).select_related("best_set__session").first()
    return stat.best_set if stat else None


class Plan(NamedTuple):
    """What the runner's next planned session prescribes for one exercise, and what that week is for."""

    reps_min: int | None
    reps_max: int | None
    seconds: int | None
    sets: int | None = None
    load: str = ""
    phase: str = progression.BUILD
    week: int | None = None
    jumps: bool = False  # from a plyometric block, where every move is trained for speed
    per_side: bool | None = None


def plan_ranges(user, exercise_ids):
    """{exercise id: Plan} from the next pending session of the runner's current programs that prescribes it.

    At most two queries for any number of exercises; their rows are bounded by the plans followed, not by the log.
    """
    found = {}
    rows = (
        Prescription.objects.filter(
            exercise_id__in=exercise_ids,
            workout__planned_sessions__enrollment__user=user,
            workout__planned_sessions__enrollment__status__in=[Enrollment.Status.ACTIVE, Enrollment.Status.PAUSED],
            workout__planned_sessions__status=PlannedSession.Status.PLANNED,
        )
        .order_by("workout__planned_sessions__date", "workout__planned_sessions__sequence", "order")
        .values_list(
            "exercise_id",
            "reps_min",
            "reps_max",
            "duration_s",
            "sets",
            "load",
            "workout__week__phase",
            "workout__week__number",
            "workout__week__program__is_plyometric",
            "per_side",
        )
    )
    for exercise_id, *fields in rows:
        found.setdefault(exercise_id, Plan(*fields))
    missing = set(exercise_ids) - set(found)
    if missing:
        # A move the block has dropped from its remaining sessions still follows the block's next week:
        # no extra set of pogo hops going into a consolidation week. No prescription, so no sets or range.
        next_phase = (
            PlannedSession.objects.filter(enrollment=OuterRef("pk"), status=PlannedSession.Status.PLANNED)
            .order_by("date", "sequence")
            .values("workout__week__phase")[:1]
        )
        rows = (
            Enrollment.objects.filter(
                user=user,
                status__in=[Enrollment.Status.ACTIVE, Enrollment.Status.PAUSED],
                program__program_weeks__workouts__prescriptions__exercise_id__in=missing,
            )
            .annotate(next_phase=Subquery(next_phase))
            .filter(next_phase__isnull=False)
            .values_list(
                "program__program_weeks__workouts__prescriptions__exercise_id", "next_phase", "program__is_plyometric"
            )
            .order_by()
            .distinct()
        )
        for exercise_id, phase, jumps in rows:
            if exercise_id in missing:
                found.setdefault(exercise_id, Plan(None, None, None, phase=phase, jumps=jumps))
    return found


def _min(a, b):
    return b if a is None else a if b is None else min(a, b)


def paired(sets):
    """(reps, seconds, load) per set, a left and a right set of a one-sided move counting as one set of it.

    The weaker side of each pair decides, as the runner would judge it.
    """
    out, waiting = [], {"left": [], "right": []}
    for s in sets:
        row = (s.reps, s.duration_s, s.load_kg)
        other = {"left": "right", "right": "left"}.get(s.side)
        if other and waiting[other]:
            i = waiting[other].pop(0)
            out[i] = tuple(_min(a, b) for a, b in zip(out[i], row, strict=True))
            continue
        if other:
            waiting[s.side].append(len(out))
        out.append(row)
    return out


class Kit(NamedTuple):
    """What a suggestion needs of an exercise's relations: its equipment's slugs, its easiest harder variation."""

    equipment: frozenset
    harder: str | None


def kits(exercise_ids):
    """{exercise id: Kit} in two small queries of name rows, instead of prefetching two relations' models."""
    equipment, harder = {}, {}
    rows = Exercise.equipment.through.objects.filter(exercise_id__in=exercise_ids)
    for exercise_id, slug in rows.values_list("exercise_id", "equipment__slug"):
        equipment.setdefault(exercise_id, set()).add(slug)
    rows = Exercise.harder.through.objects.filter(from_exercise_id__in=exercise_ids).order_by(
        "to_exercise__difficulty", "to_exercise__name"
    )
    for exercise_id, name in rows.values_list("from_exercise_id", "to_exercise__name"):
        harder.setdefault(exercise_id, name)
    return {pk: Kit(frozenset(equipment.get(pk, ())), harder.get(pk)) for pk in exercise_ids}


def _kit_from_relations(exercise):
    """One exercise's Kit from its (prefetched) relations, for callers that did not ask `kits` first."""
    harder = min(exercise.harder.all(), key=lambda e: e.difficulty, default=None)
    return Kit(frozenset(e.slug for e in exercise.equipment.all()), harder.name if harder else None)


def suggestion_for(exercise, last_sets, unit, plan=None, kit=None):
    """What to do next time with `exercise`, from its last sets and the runner's next planned session."""
    working = [s for s in last_sets if s.kind == LoggedSet.Kind.WORKING] or list(last_sets)
    if plan is None or plan.sets is None:  # no prescription: the library's dosing, in the plan's phase
        plan = (plan or Plan(None, None, None))._replace(
            reps_min=exercise.reps_min, reps_max=exercise.reps_max, seconds=exercise.duration_s
        )
    kit = kit or _kit_from_relations(exercise)
    if exercise.is_plyometric or plan.jumps:
        kind = progression.PLYOMETRIC
    elif any(s.load_kg for s in working):
        kind = progression.LOADED
    else:
        kind = progression.BODYWEIGHT
    return progression.suggest(
        paired(working),
        reps_min=plan.reps_min,
        reps_max=plan.reps_max,
        step_kg=exercise.load_step_kg(unit, kit.equipment),
        unit=unit,
        harder=kit.harder,
        target_seconds=plan.seconds,
        kind=kind,
        phase=plan.phase,
        plan_sets=plan.sets,
        plan_load=plan.load,
        contacts_per_rep=exercise.ground_contacts_per_rep,
        equipment=set(kit.equipment),
        pattern=exercise.pattern,
        unilateral=exercise.unilateral,
        per_side=exercise.unilateral if plan.per_side is None else plan.per_side,
    )


def exercise_summaries(user, unit):
    """One row per exercise the runner has logged: best set, e1RM range, last time and what to do next."""
    stats = list(
        ExerciseStat.objects.filter(user=user)
        .select_related("exercise", "best_set")
        # The exercise's coaching text is not shown here: not reading it saves decoding three JSON lists a row.
        .defer(*(f"exercise__{name}" for name in Exercise.COACHING_TEXT))
        .order_by("-last_date", "exercise__name")
    )
    ids = [s.exercise_id for s in stats]
    last = LoggedSet.objects.last_time(user, ids)
    plans = plan_ranges(user, ids)
    kit = kits(ids)
    exercises = []
    for stat in stats:
        exercise = stat.exercise
        exercise.sessions_logged, exercise.last_date = stat.sessions_logged, stat.last_date
        exercise.best_set = best = stat.best_set
        exercise.e1rm = e1rm_range(best.load_kg, best.reps) if best else None
        exercise.last_sets = last.get(exercise.pk, [])
        exercise.suggestion = suggestion_for(
            exercise, exercise.last_sets, unit, plans.get(exercise.pk), kit[exercise.pk]
        )
        exercises.append(exercise)
    return exercises


def weeks_back(today, count=WEEKS_SHOWN):
    monday = today - timedelta(days=today.weekday())
    return [monday - timedelta(weeks=i) for i in range(count - 1, -1, -1)]


def weekly(user, today):
    """Per week: sets per muscle group (a left+right pair counts once), tonnage, ground contacts, adherence.

    Grouped by day in the database and summed into weeks here: at most 84 days a query, and no date
    function run per set (SQLite runs Django's week truncation in Python, once a row).
    """
    weeks = weeks_back(today)
    start = weeks[0]

    def monday(day):
        return day - timedelta(days=day.weekday())

    sets = LoggedSet.objects.filter(session__user=user, session__date__gte=start).exclude(kind=LoggedSet.Kind.WARMUP)
    by_muscle = (
        # An own exercise may name no muscle: it counts in tonnage, not in sets per muscle.
        sets.filter(exercise__primary_muscles__isnull=False)
        .values_list("session__date", "exercise__primary_muscles__name")
        .annotate(sets=Sum(LoggedSet.objects.weighted_for_muscle()))
        .order_by()
    )
    totals = sets.values_list("session__date").annotate(volume=Sum("volume_kg"), contacts=Sum("contacts")).order_by()
    plan = (
        PlannedSession.objects.for_user(user)
        .filter(date__gte=start, date__lte=today)
        .values_list("date")
        .annotate(planned=Count("id"), done=Count("id", filter=Q(status=PlannedSession.Status.DONE)))
        .order_by()
    )
    muscles, volume, contacts = defaultdict(Counter), Counter(), Counter()
    for day, muscle, count in by_muscle:
        muscles[muscle][monday(day)] += count
    for day, kg, jumps in totals:
        volume[monday(day)] += kg or 0
        contacts[monday(day)] += jumps or 0
    planned, done = Counter(), Counter()
    for day, n_planned, n_done in plan:
        planned[monday(day)] += n_planned
        done[monday(day)] += n_done
    rows = [
        {
            "week": week,
            "volume": volume.get(week) or Decimal(0),
            "contacts": contacts.get(week, 0),
            "planned": planned.get(week, 0),
            "done": done.get(week, 0),
        }
        for week in weeks
    ]
    muscle_rows = [
        {"muscle": name, "weeks": [values.get(w, 0) for w in weeks]} for name, values in sorted(muscles.items())
    ]
    return {"weeks": weeks, "rows": rows, "muscles": muscle_rows}


def history(user, exercise, limit=104):
    """Per session with this exercise: heaviest load, volume, best e1RM, sets — the last `limit` sessions."""
    rows = list(
        LoggedSet.objects.filter(session__user=user, exercise=exercise)
        .values("session_id", "session__date")
        .annotate(
            max_load=Max("load_kg"),
            volume=Sum("volume_kg"),
            best_e1rm=Max("e1rm_kg"),
            total_reps=Sum("reps"),
            sets=Count("id"),
        )
        .order_by("-session__date", "-session_id")[:limit]
    )
    rows.reverse()
    return rows


def chart(points, line_key, bar_key, width=720, height=220, pad=36):
    """SVG coordinates for a line (e.g. load) over bars (e.g. volume); the page also shows a table."""
    if not points:
        return None
    n = len(points)
    line_values = [float(p[line_key] or 0) for p in points]
    bar_values = [float(p[bar_key] or 0) for p in points]
    line_max = max(line_values) or 1
    bar_max = max(bar_values) or 1
    inner_w, inner_h = width - 2 * pad, height - 2 * pad
    step = inner_w / max(n, 1)
    coords, bars = [], []
    for i, (lv, bv) in enumerate(zip(line_values, bar_values, strict=True)):
        x = pad + step * i + step / 2
        y = pad + inner_h - (lv / line_max) * inner_h
        coords.append((round(x, 1), round(y, 1)))
        bh = (bv / bar_max) * inner_h
        bars.append(
            {
                "x": round(x - step * 0.35, 1),
                "y": round(pad + inner_h - bh, 1),
                "w": round(step * 0.7, 1),
                "h": round(bh, 1),
            }
        )
    return {
        "width": width,
        "height": height,
        "pad": pad,
        "bottom": pad + inner_h,
        "right": pad + inner_w,
        "polyline": " ".join(f"{x},{y}" for x, y in coords),
        "dots": coords if n <= 60 else [],
        "bars": bars,
        "line_max": round(line_max, 1),
        "bar_max": round(bar_max),
    }
