"""How long the server-rendered pages take to render cold, in-process: `python -m tests.bench.render`.

Builds its own data in a scratch SQLite database under /tmp: the library and programs, a runner with five
years of history (800 sessions, 16,000 sets) who follows two programs, one of them with sessions of 28
sets, and a runner with a month of history. Then it requests each page with Django's test Client, signed
in. Before every measured request the runner's data version and the content version are bumped and the
cache is cleared, so nothing cached can answer: each request is what a runner gets right after their data
changed. The pages take turns, a request each per round. It prints one markdown table: median and p90
of RENDER_BENCH_REQUESTS (default 30) requests a page, and the database queries of one.

No server and no second process: the numbers are the middleware, the view, its queries and the template
rendering, one request at a time, on this machine.

RENDER_BENCH_ONLY=progress,log   only the pages whose label contains one of these
RENDER_BENCH_REUSE=1             measure on the database an earlier run built, if it is there
RENDER_BENCH_INSTRUMENTED=1      render as under pytest (every template sends the signal the test Client records)
RENDER_BENCH_DB=path             the scratch database (default /tmp/legwork-render-bench.sqlite3)
"""

import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

DB_PATH = Path(os.environ.get("RENDER_BENCH_DB", "/tmp/legwork-render-bench.sqlite3"))
REQUESTS = int(os.environ.get("RENDER_BENCH_REQUESTS", "30"))
ONLY = [part for part in os.environ.get("RENDER_BENCH_ONLY", "").split(",") if part]
REUSE = os.environ.get("RENDER_BENCH_REUSE") == "1"
INSTRUMENTED = os.environ.get("RENDER_BENCH_INSTRUMENTED") == "1"
HEAVY, MONTH = "render-heavy", "render-month"
BLOCK = "render-bench-block"
SETS_IN_PLANNED = 28


def block_of_28(exercises, slug=BLOCK):
    """A one-week program of two sessions, each seven of `exercises` × 4 sets: the log form's 28 rows."""
    from programs.models import Prescription, Program, ProgramWeek, Workout

    program = Program.objects.create(
        slug=slug,
        name="Twenty-eight sets",
        goal="Strength.",
        summary="Seven exercises, four sets each.",
        level=Program.Level.INTERMEDIATE,
        weeks=1,
        sessions_per_week=2,
        sessions_per_week_min=1,
        duration_min=40,
        duration_max=50,
        timing="Any day.",
        warmup="Five minutes easy.",
        progression="Add a rep.",
    )
    week = ProgramWeek.objects.create(program=program, number=1)
    for number, name in ((1, "Session A"), (2, "Session B")):
        workout = Workout.objects.create(week=week, order=number, name=name)
        Prescription.objects.bulk_create(
            Prescription(workout=workout, order=i, exercise=e, sets=4, reps_min=8, reps_max=12, rest_s=60, load="RPE 7")
            for i, e in enumerate(exercises[: SETS_IN_PLANNED // 4], start=1)
        )
    return program


def build():
    """A fresh scratch database: migrate, load the content, the two runners and their history."""
    import django

    if REUSE and DB_PATH.exists():
        django.setup()
        return ids()
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{DB_PATH}{suffix}").unlink(missing_ok=True)
    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command

    from accounts.models import Profile
    from exercises.models import Exercise
    from logbook import services as log_services
    from logbook.models import LoggedSet, Session
    from programs import services as plans
    from programs.models import Program

    call_command("migrate", verbosity=0)
    call_command("load_content", verbosity=0)
    rng = random.Random(42)
    today = date.today()
    loaded = [
        e for e in Exercise.objects.order_by("slug") if e.pattern in ("hinge", "squat", "lunge", "bridge", "calf")
    ]
    heavy, month = User.objects.create_user(HEAVY), User.objects.create_user(MONTH)
    for user in (heavy, month):
        Profile.objects.get_or_create(user=user)

    def history(user, count, span_days, sets_per_session):
        # Bulk-inserted (as tests/bench/run.py does), then the figures rebuilt through the service.
        sessions = Session.objects.bulk_create(
            Session(user=user, date=today - timedelta(days=1 + int(span_days * (count - i) / count)), name="Legs")
            for i in range(count)
        )
        rows = []
        for s in sessions:
            for order in range(1, sets_per_session + 1):
                e = rng.choice(loaded)
                logged = LoggedSet(
                    session=s,
                    order=order,
                    exercise=e,
                    reps=rng.randint(5, 12),
                    load_kg=Decimal(rng.randrange(20, 140, 5)),
                    side=rng.choice(["left", "right"]) if e.unilateral else "both",
                )
                logged.compute_derived()
                rows.append(logged)
        LoggedSet.objects.bulk_create(rows, batch_size=2000)
        log_services.rebuild_figures(user.pk)

    history(heavy, 800, 5 * 365, 20)
    history(month, 8, 28, 20)
    block = block_of_28(rng.sample(loaded, SETS_IN_PLANNED // 4))
    start = today - timedelta(days=1)
    plans.enrol(heavy, Program.objects.get(slug="posterior-chain"), start, [0, 3])
    enrollment = plans.enrol(heavy, block, start, list(range(7)))
    plans.enrol(month, Program.objects.get(slug="posterior-chain"), start, [1, 4])
    # The first 28-set session is logged through the service, as the form does; the second stays to do.
    first = enrollment.planned_sessions.order_by("sequence").first()
    sets = [
        {"exercise": p.exercise, "reps": p.reps_max, "load_kg": Decimal(40), "side": "both"}
        for p in first.workout.prescriptions.select_related("exercise")
        for _ in range(p.sets)
    ]
    log_services.log_session(heavy, sets=sets, planned=first, date=first.date, name="Render bench A")
    return ids()


def ids():
    """The 28-set planned session still to do, and the logged one."""
    from logbook.models import Session
    from programs.models import PlannedSession

    planned = PlannedSession.objects.get(enrollment__program__slug=BLOCK, status=PlannedSession.Status.PLANNED)
    return {"planned": planned.pk, "logged": Session.objects.get(name="Render bench A").pk}


def cold(username):
    """What a runner's write and a content change do to every cache key: afterwards nothing cached can answer."""
    from django.core.cache import cache
    from django.db.models import F

    from accounts.models import Profile
    from exercises.services import bump_content_version

    if username:
        Profile.objects.filter(user__username=username).update(data_version=F("data_version") + 1)
    bump_content_version()
    cache.clear()


def client_for(username):
    from django.contrib.auth.models import User
    from django.test import Client

    client = Client()
    if username:
        client.force_login(User.objects.get(username=username))
    return client


def measure(pages):
    """Median and p90 ms of REQUESTS cold requests of each (label, path, username), and the queries of one.

    The pages take turns, one request each per round: a slow spell of a shared machine then lands on
    every page alike instead of on whichever page was being measured at the time.
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    clients = {label: client_for(username) for label, _, username in pages}

    def get(label, path):
        response = clients[label].get(path)
        assert response.status_code == 200, (label, path, response.status_code)

    queries, times = {}, {label: [] for label, _, _ in pages}
    for label, path, username in pages:
        cold(username)
        get(label, path)  # the process's first request of a page compiles its templates: not what a runner waits for
        cold(username)
        with CaptureQueriesContext(connection) as ctx:
            get(label, path)
        queries[label] = len(ctx.captured_queries)  # now: every request empties the connection's query log
    for _ in range(REQUESTS):
        for label, path, username in pages:
            cold(username)
            start = time.perf_counter()
            get(label, path)
            times[label].append((time.perf_counter() - start) * 1000)
    results = []
    for label, _, _ in pages:
        values = sorted(times[label])
        p90 = values[round(0.9 * (len(values) - 1))]
        results.append({"label": label, "median": statistics.median(values), "p90": p90, "queries": queries[label]})
    return results


def main():
    os.environ["DATABASE_URL"] = f"sqlite:///{DB_PATH}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "0")
    print(f"render bench: {'reusing' if REUSE and DB_PATH.exists() else 'building'} {DB_PATH}", file=sys.stderr)
    found = build()
    if INSTRUMENTED:
        from django.test.utils import setup_test_environment

        setup_test_environment()
    slug = "single-leg-romanian-deadlift"
    pages = [
        ("/exercises/", "/exercises/", HEAVY),
        ("/exercises/ (signed out)", "/exercises/", None),
        ("/today/ (two programs)", "/today/", HEAVY),
        ("/log/", "/log/", HEAVY),
        ("/progress/ (five years)", "/progress/", HEAVY),
        ("/progress/ (one month)", "/progress/", MONTH),
        (f"/progress/{slug}/ (five years)", f"/progress/{slug}/", HEAVY),
        (f"/log/planned/<id>/ ({SETS_IN_PLANNED} sets)", f"/log/planned/{found['planned']}/", HEAVY),
        (f"/log/<id>/edit/ ({SETS_IN_PLANNED} sets)", f"/log/{found['logged']}/edit/", HEAVY),
    ]
    pages = [page for page in pages if not ONLY or any(part in page[0] for part in ONLY)]
    results = measure(pages)
    for r in results:
        print(f"render bench: {r['label']:48} median {r['median']:6.1f} ms  p90 {r['p90']:6.1f} ms", file=sys.stderr)
    how = "as under pytest (instrumented templates)" if INSTRUMENTED else "DEBUG off"
    print(f"\nIn-process, cold (caches cleared, versions bumped before each request), {how}, {REQUESTS} requests:\n")
    print("| page | median ms | p90 ms | queries |")
    print("|---|---:|---:|---:|")
    for r in results:
        print(f"| `{r['label']}` | {r['median']:.1f} | {r['p90']:.1f} | {r['queries']} |")
    heavy = next((r for r in results if r["label"].startswith("/progress/ (five")), None)
    month = next((r for r in results if r["label"].startswith("/progress/ (one")), None)
    if heavy and month:
        ratio = heavy["median"] / month["median"]
        print(f"\n/progress/, five years of history against one month, median: {ratio:.2f}x")


if __name__ == "__main__":
    main()
