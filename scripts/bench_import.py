"""Time a big Strong import and the exports of the history it makes.

    .venv/bin/python scripts/bench_import.py [rows ...]        (default: 23709 25000)

Generates a Strong CSV of five years (20 sets a workout, about 150 exercise names, warm-ups written
twice, drop and failure sets, missed attempts, rest timers), then for each size in a fresh database
(BENCH_IMPORT_DATABASE_URL, default a new SQLite file under var/): the upload read and checked (the
draft), the import confirmed (bulk writes, one figures refresh), an undo, and the CSV and JSON exports
streamed through the Django test client. Prints a Markdown table for docs/performance.md.
"""

import os
import random
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DB_FILE = ROOT / "var" / "bench_import.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["DATABASE_URL"] = os.environ.get("BENCH_IMPORT_DATABASE_URL", f"sqlite:///{DB_FILE}")

HEADER = "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,Workout Notes,RPE"
KNOWN = ["Squat (Barbell)", "Deadlift (Barbell)", "Bench Press (Barbell)", "Romanian Deadlift (Barbell)"]
KIT = ["Barbell", "Dumbbell", "Cable", "Machine", "Smith Machine", "Band"]
MOVES = [f"Move {i}" for i in range(25)]


def generate(rows, seed=12):
    """A Strong export of `rows` rows: workouts of 20 rows, a day or two apart, oldest first."""
    rng = random.Random(seed)
    names = KNOWN + [f"{m} ({k})" for m in MOVES for k in KIT][:146]
    lines, day, number = [HEADER], datetime(2020, 1, 6, 18, 0), 0
    while len(lines) - 1 < rows:
        number += 1
        stamp = f"{day:%Y-%m-%d %H:%M:%S}"
        title = f"Workout {number % 7}"
        picks = rng.sample(names, 4)
        for name in picks:
            weight = rng.choice([40, 60, 80, 100, 120])
            body = [("W", weight // 2, 10), ("W", weight // 2, 10), ("1", weight, 5), ("2", weight, 5)]
            body.append(rng.choice([("D", weight - 10, 8), ("F", weight, 0), ("3", weight, 4)]))
            for order, load, reps in body:
                lines.append(f'{stamp},"{title}",1h 5m,"{name}",{order},{load},{reps},,,"","",')
        day += timedelta(days=rng.choice([1, 2]))
    return "\n".join(lines[: rows + 1]) + "\n"


def main(sizes):
    import django

    if DB_FILE.exists() and "BENCH_IMPORT_DATABASE_URL" not in os.environ:
        DB_FILE.unlink()
    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.test import Client

    from logbook import services
    from logbook.models import LoggedSet, Session

    call_command("migrate", verbosity=0)
    call_command("load_content", verbosity=0)
    results = []
    for rows in sizes:
        text = generate(rows)
        user = User.objects.create_user(f"bench-{rows}-{time.time_ns()}", password="x")
        start = time.perf_counter()
        draft = services.draft_import(user, text, unit="lb", file_name="bench.csv")
        drafted = time.perf_counter() - start
        assert draft.report.ok, draft.report.errors[:3]
        start = time.perf_counter()
        batch = services.commit_import(draft.batch, {}, workouts=draft.workouts, report=draft.report)
        committed = time.perf_counter() - start
        sessions = Session.objects.filter(user=user).count()
        sets = LoggedSet.objects.filter(session__user=user).count()
        client = Client()
        client.force_login(user)
        timings = {}
        for label, url in (("CSV", "/log/export.csv"), ("JSON", "/log/export.json")):
            start = time.perf_counter()
            response = client.get(url)
            size = sum(len(chunk) for chunk in response.streaming_content)
            timings[label] = (time.perf_counter() - start, size)
        start = time.perf_counter()
        services.undo_import(batch)
        undone = time.perf_counter() - start
        results.append((rows, sessions, sets, len(draft.report.left_out), drafted, committed, timings, undone))
    engine = os.environ["DATABASE_URL"].split(":", 1)[0]
    print(
        f"| rows | sessions | sets | left out | read + check | import | export CSV | export JSON | undo |  ({engine})"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for rows, sessions, sets, left, drafted, committed, timings, undone in results:
        csv_time, csv_size = timings["CSV"]
        json_time, json_size = timings["JSON"]
        print(
            f"| {rows:,} | {sessions:,} | {sets:,} | {left} | {drafted:.2f} s | {committed:.2f} s "
            f"| {csv_time:.2f} s ({csv_size / 1e6:.1f} MB) | {json_time:.2f} s ({json_size / 1e6:.1f} MB) "
            f"| {undone:.2f} s |"
        )


if __name__ == "__main__":
    main([int(n) for n in sys.argv[1:]] or [23_709, 25_000])
