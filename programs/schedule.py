"""Pure scheduling logic: laying a block's sessions onto dates and checking weekday choices.

Kept free of the ORM so it can be property-tested on its own.
"""

from datetime import date, timedelta
from itertools import combinations

WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def lay_out(start: date, weekdays, count: int) -> list[date]:
    """The first `count` dates on or after `start` that fall on one of `weekdays` (0 = Monday)."""
    days = set(weekdays)
    if not days or not days <= set(range(7)):
        raise ValueError("weekdays must be a non-empty set of numbers 0-6")
    dates = []
    day = start
    while len(dates) < count:
        if day.weekday() in days:
            dates.append(day)
        day += timedelta(days=1)
    return dates


def gaps(weekdays) -> list[int]:
    """Days between consecutive training weekdays, wrapping round the week."""
    days = sorted(set(weekdays))
    if len(days) < 2:
        return [7] if days else []
    return [b - a for a, b in zip(days, days[1:], strict=False)] + [days[0] + 7 - days[-1]]


def warnings(weekdays, *, sessions_per_week, min_hours_between, long_run_day=None, leg_program=True) -> list[str]:
    """Rules a weekday choice breaks. These are warnings for the runner, never a refusal."""
    found = []
    days = sorted(set(weekdays))
    if len(days) > sessions_per_week:
        found.append(
            f"You picked {len(days)} days, but this program asks for at most {sessions_per_week} sessions a week."
        )
    min_days = -(-min_hours_between // 24)  # ceiling: 48 h needs two days between starts
    if min_days > 1 and any(g < min_days for g in gaps(days)):
        found.append(f"Some sessions would be less than {min_hours_between} hours apart; this program needs that rest.")
    if leg_program and long_run_day is not None and (long_run_day - 1) % 7 in days:
        found.append(
            f"A leg session on {WEEKDAY_NAMES[(long_run_day - 1) % 7]} is the day before your long run "
            f"({WEEKDAY_NAMES[long_run_day]}); tired legs make for a poorer long run."
        )
    return found


def suggest(
    *, sessions_per_week, min_hours_between, strength_days=(), hard_run_days=(), long_run_day=None, after_hard=False
) -> list[int]:
    """Pick the weekdays that best fit the runner's week and the program's rules.

    Every combination of the right size is scored: rule breaks cost most, then runner preferences.
    """
    best, best_score = None, None
    for combo in combinations(range(7), sessions_per_week):
        score = 10 * len(
            warnings(
                combo,
                sessions_per_week=sessions_per_week,
                min_hours_between=min_hours_between,
                long_run_day=long_run_day,
            )
        )
        for day in combo:
            if long_run_day is not None and day == long_run_day:
                score += 5
            if day in hard_run_days:
                score += -2 if after_hard else 2
            if day in strength_days:
                score -= 1
        # Prefer an even spread when nothing else decides.
        score += (max(gaps(combo)) - min(gaps(combo))) * 0.1
        if best_score is None or score < best_score:
            best, best_score = list(combo), score
    return best
