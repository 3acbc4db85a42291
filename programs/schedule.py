"""Pure scheduling logic: laying a block's sessions onto dates.

Kept free of the ORM so it can be property-tested on its own. Where sessions may go (the placement rules)
is programs/placement.py.
"""

from datetime import date, timedelta


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
