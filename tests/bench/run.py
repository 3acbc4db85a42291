"""`make bench`: a realistic data set, gunicorn with 2 workers, wrk from a second process.

Builds the full library and programs, 1,000 runners with a little history each, BENCH_HEAVY_RUNNERS (6)
runners with five years of history each (800 sessions, 16,000 sets; following the posterior-chain block
and a block whose sessions hold 28 sets) and as many with a month of it. Then:

- wrk: anonymous library and program pages (warm: their content cache is Django's, keyed by the content
  version), and every signed-in page and GET API endpoint requested by the heavy runners in turn (nothing
  a runner logged is cached, so each of these is computed from the database);
- cold after a change: each signed-in page requested right after that runner logged a session (the POST
  is not timed), runner after runner, one request at a time;
- POST /api/v1/sessions/ as 200 runners in turn;
- in-process render times (tests/bench/render.py).

Writes the tables to docs/bench-latest.md. Database: BENCH_DATABASE_URL, default PostgreSQL at
127.0.0.1:5432/legwork_bench.
"""

import json
import os
import platform
import random
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DB_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/legwork_bench")
PORT = int(os.environ.get("BENCH_PORT", "8765"))
DURATION = os.environ.get("BENCH_DURATION", "10s")
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "4"))
HEAVY_RUNNERS = int(os.environ.get("BENCH_HEAVY_RUNNERS", "6"))
HEAVY = [f"bench-heavy-{i}" for i in range(HEAVY_RUNNERS)]
MONTH = [f"bench-month-{i}" for i in range(HEAVY_RUNNERS)]
BLOCK = "bench-28-set-block"
COLD_REQUESTS = int(os.environ.get("BENCH_COLD_REQUESTS", "60"))
PASSWORD = "bench-password-not-secret"
POST_NOTE = "bench"
POSTERS = 200
# BENCH_ONLY=today,log measures just the endpoints whose label contains one of these (plus /healthz).
ONLY = [part for part in os.environ.get("BENCH_ONLY", "").split(",") if part]

os.environ["DATABASE_URL"] = DB_URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["DEBUG"] = "0"
# The bench logs in many times from one address; the login lockout is not what is measured.
os.environ["AXES_FAILURE_LIMIT"] = "1000"


def ensure_database():
    if not DB_URL.startswith("postgres"):
        return
    import psycopg

    name = DB_URL.rsplit("/", 1)[1]
    admin = DB_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def build():
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command

    from logbook import services as log_services
    from logbook.models import Session
    from programs import services as program_services

    call_command("migrate", verbosity=0)
    call_command("load_content", verbosity=0)
    if User.objects.filter(username=HEAVY[-1]).exists():
        print("bench: data set already built")
        # Sessions earlier runs posted would otherwise grow the runners' histories run after run.
        posted = set(Session.objects.filter(notes=POST_NOTE).values_list("user_id", flat=True))
        Session.objects.filter(notes=POST_NOTE).delete()
        for user_id in posted:
            log_services.rebuild_figures(user_id)
        return
    from accounts.models import Profile
    from exercises.models import Exercise
    from logbook.models import LoggedSet
    from programs.models import Prescription, Program, ProgramWeek, Workout

    rng = random.Random(42)
    exercises = list(Exercise.objects.order_by("slug"))
    loaded = [e for e in exercises if e.pattern in ("hinge", "squat", "lunge", "bridge", "calf")]
    today = date.today()
    print(f"bench: building 1,000 runners, {HEAVY_RUNNERS} with five years of history ...")
    users = User.objects.bulk_create(
        [User(username=f"bench-{i:04d}", password="!") for i in range(1000)]
        + [User(username=name, password="!") for name in HEAVY + MONTH]
    )
    Profile.objects.bulk_create([Profile(user=u) for u in users])

    def make_sessions(user, count, span_days, sets_per_session):
        sessions = Session.objects.bulk_create(
            [
                Session(user=user, date=today - timedelta(days=1 + int(span_days * (count - i) / count)), name="Legs")
                for i in range(count)
            ]
        )
        rows = []
        for s in sessions:
            for order in range(1, sets_per_session + 1):
                ex = rng.choice(loaded)
                logged = LoggedSet(
                    session=s,
                    order=order,
                    exercise=ex,
                    reps=rng.randint(5, 12),
                    load_kg=Decimal(rng.randrange(20, 140, 5)),
                    side=rng.choice(["left", "right"]) if ex.unilateral else "both",
                )
                logged.compute_derived()
                rows.append(logged)
        LoggedSet.objects.bulk_create(rows, batch_size=2000)

    for user in User.objects.filter(username__startswith="bench-0"):
        make_sessions(user, 4, 60, 8)
    # A block whose sessions hold 28 sets (7 exercises × 4 sets): the log form's largest planned session.
    block, _ = Program.objects.get_or_create(
        slug=BLOCK,
        defaults={
            "name": "Bench block (28 sets)",
            "goal": "Strength.",
            "summary": "Seven exercises, four sets each.",
            "level": Program.Level.INTERMEDIATE,
            "weeks": 1,
            "sessions_per_week": 7,
            "sessions_per_week_min": 1,
            "duration_min": 40,
            "duration_max": 60,
            "timing": "Any day.",
            "warmup": "Five minutes easy.",
            "progression": "Add a rep.",
        },
    )
    week, _ = ProgramWeek.objects.get_or_create(program=block, number=1)
    picks = rng.sample(loaded, 7)
    for number in range(1, 8):
        workout, _ = Workout.objects.get_or_create(week=week, order=number, defaults={"name": f"Session {number}"})
        Prescription.objects.bulk_create(
            Prescription(
                workout=workout, order=i, exercise=ex, sets=4, reps_min=8, reps_max=12, rest_s=60, load="RPE 7–8"
            )
            for i, ex in enumerate(picks, start=1)
        )
    posterior = Program.objects.get(slug="posterior-chain")
    for name in HEAVY:
        print(f"bench: {name}: 800 sessions, 16,000 sets ...")
        user = User.objects.get(username=name)
        make_sessions(user, 800, 5 * 365, 20)
        log_services.rebuild_figures(user.pk)
        program_services.enrol(user, posterior, today - timedelta(days=14), [0, 3])
        program_services.enrol(user, block, today, list(range(7)))
    for name in MONTH:
        user = User.objects.get(username=name)
        make_sessions(user, 8, 28, 20)
        log_services.rebuild_figures(user.pk)
        program_services.enrol(user, posterior, today - timedelta(days=14), [1, 4])


def planned_28(username):
    """The runner's next session of the 28-set block: its log form is the largest a plan makes."""
    from programs.models import PlannedSession

    return (
        PlannedSession.objects.filter(enrollment__user__username=username, enrollment__program__slug=BLOCK)
        .pending()
        .order_by("sequence")
        .values_list("pk", flat=True)
        .first()
    )


def login_cookie(username):
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import User
    from django.contrib.sessions.backends.db import SessionStore

    user = User.objects.get(username=username)
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "accounts.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    # A browser keeps its CSRF cookie between page views; so does the bench.
    csrf = "benchcsrfsecret0123456789abcdefg"
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}; {settings.CSRF_COOKIE_NAME}={csrf}"


def token(username):
    """A fresh API token for the runner (issuing under the same name rotates the last run's)."""
    from django.contrib.auth.models import User

    from accounts.services import issue_token

    return issue_token(User.objects.get(username=username), "bench").key


def queries_per_request(path, username=None, method="get", body=None):
    """Queries of a first and a second request, as a browser with cookies sends them (session auth for the API)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.cookies["csrftoken"] = "benchcsrfsecret0123456789abcdefg"
    if username:
        from django.contrib.auth.models import User

        client.force_login(User.objects.get(username=username))
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as ctx:
            post = method == "post"
            response = client.post(path, body, content_type="application/json") if post else client.get(path)
        assert response.status_code < 400, (path, response.status_code)
        counts.append(len(ctx.captured_queries))
    return counts


def post_script(name, body, tokens):
    """A wrk script that POSTs `body`, taking the tokens in turn."""
    script = ROOT / "var" / name
    script.parent.mkdir(exist_ok=True)
    script.write_text(
        "tokens = {" + ", ".join(f'"{t}"' for t in tokens) + "}\n"
        "n = 0\n"
        "request = function()\n"
        "  n = n + 1\n"
        "  local token = tokens[n % #tokens + 1]\n"
        '  local headers = {["Content-Type"] = "application/json", ["Authorization"] = "Token " .. token}\n'
        '  return wrk.format("POST", nil, headers, [[' + body + "]])\n"
        "end\n"
    )
    return str(script)


def rotation_script(name, requests):
    """A wrk script that GETs each (path, header name, header value) in turn: runner after runner."""
    script = ROOT / "var" / name
    script.parent.mkdir(exist_ok=True)
    rows = ", ".join(f'{{"{path}", "{header}", "{value}"}}' for path, header, value in requests)
    script.write_text(
        f"reqs = {{{rows}}}\n"
        "n = 0\n"
        "request = function()\n"
        "  n = n + 1\n"
        "  local r = reqs[n % #reqs + 1]\n"
        '  return wrk.format("GET", r[1], {[r[2]] = r[3]})\n'
        "end\n"
    )
    return str(script)


def wrk(path, headers=(), lua=None):
    cmd = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{DURATION}", "--latency"]
    for h in headers:
        cmd += ["-H", h]
    if lua:
        cmd += ["-s", lua]
    cmd.append(f"http://127.0.0.1:{PORT}{path}")
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def ms(label):
        value, unit = re.search(rf"\s{label}%\s+([\d.]+)(us|ms|s)", out).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "p50": ms("50"), "p99": ms("99"), "non2xx": int(errors.group(1)) if errors else 0}


def percentile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def cold_after_a_change(requests, tokens):
    """Each request right after its runner logged a session (not timed): p50/p99 ms of the GETs alone."""
    times = []
    change = json.dumps(
        {
            "date": str(date.today()),
            "notes": POST_NOTE,
            "sets": [{"exercise": "goblet-squat", "reps": 8, "load_kg": 20}],
        }
    ).encode()
    for i in range(COLD_REQUESTS):
        path, header, value, runner = requests[i % len(requests)]
        post = urllib.request.Request(
            f"http://127.0.0.1:{PORT}/api/v1/sessions/",
            data=change,
            headers={"Content-Type": "application/json", "Authorization": f"Token {tokens[runner]}"},
        )
        urllib.request.urlopen(post, timeout=10).read()
        get = urllib.request.Request(f"http://127.0.0.1:{PORT}{path}", headers={header: value})
        start = time.perf_counter()
        with urllib.request.urlopen(get, timeout=10) as response:
            response.read()
            assert response.status == 200, (path, response.status)
        times.append((time.perf_counter() - start) * 1000)
    return {"p50": percentile(times, 0.5), "p99": percentile(times, 0.99)}


def main():
    if not shutil.which("wrk"):
        sys.exit("bench: wrk is missing: apt-get install wrk")
    ensure_database()
    build()
    from django.db import connection, connections

    if connection.vendor == "postgresql":
        # Fresh bulk inserts have no planner statistics until autovacuum gets to them, as a live
        # database would have: without them PostgreSQL hashes every session to find five.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    slug = "single-leg-romanian-deadlift"
    cookies = {name: login_cookie(name) for name in HEAVY + MONTH}
    tokens = {name: token(name) for name in HEAVY + MONTH}
    forms = {name: f"/log/planned/{planned_28(name)}/" for name in HEAVY}
    connections.close_all()
    sets = [
        {"exercise": "goblet-squat", "reps": 10, "load_kg": 24},
        {"exercise": "goblet-squat", "reps": 10, "load_kg": 24},
        {"exercise": "hip-thrust", "reps": 12, "load_kg": 60},
    ]
    post_body = json.dumps({"date": str(date.today()), "notes": POST_NOTE, "sets": sets})
    many = post_script("bench-post-many.lua", post_body, [token(f"bench-{i:04d}") for i in range(POSTERS)])

    def signed_in(label, path_of, runners=HEAVY, api=False):
        """Requests of `path_of(runner)` by each runner in turn, with a cookie (pages) or a token (API)."""
        if api:
            requests = [(path_of(r), "Authorization", f"Token {tokens[r]}", r) for r in runners]
        else:
            requests = [(path_of(r), "Cookie", cookies[r], r) for r in runners]
        name = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
        return (label, runners[0], requests, rotation_script(f"bench-{name}.lua", [q[:3] for q in requests]))

    anonymous = [
        ("/healthz", None, None, None),
        ("/exercises/", None, None, None),
        (f"/exercises/{slug}/", None, None, None),
        ("/programs/posterior-chain/", None, None, None),
        ("/api/v1/exercises/", None, None, None),
        (f"/api/v1/exercises/{slug}/", None, None, None),
        ("/api/v1/programs/", None, None, None),
        ("/api/v1/programs/posterior-chain/", None, None, None),
    ]
    runner_pages = [
        signed_in("/today/", lambda r: "/today/"),
        signed_in("/log/", lambda r: "/log/"),
        signed_in("/progress/", lambda r: "/progress/"),
        signed_in("/progress/ (one month)", lambda r: "/progress/", runners=MONTH),
        signed_in(f"/progress/{slug}/", lambda r: f"/progress/{slug}/"),
        signed_in("/log/planned/<id>/ (28 sets)", lambda r: forms[r]),
        signed_in("/api/v1/sessions/", lambda r: "/api/v1/sessions/", api=True),
        signed_in(f"/api/v1/progress/{slug}/", lambda r: f"/api/v1/progress/{slug}/", api=True),
        signed_in("/api/v1/enrollments/", lambda r: "/api/v1/enrollments/", api=True),
    ]
    cases = anonymous + runner_pages + [(f"POST /api/v1/sessions/ ({POSTERS} runners)", HEAVY[0], None, many)]
    cases = [c for c in cases if c[0] == "/healthz" or not ONLY or any(part in c[0] for part in ONLY)]
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "config.wsgi", "-w", "2", "-b", f"127.0.0.1:{PORT}"]
        + ["--log-level", "warning"],
        cwd=ROOT,
        env=dict(os.environ),
        stdout=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        results = []
        for label, user, requests, script in cases:
            path = label.split(" ")[1] if label.startswith("POST") else (requests[0][0] if requests else label)
            wrk(path, (), script)  # warm-up run, not recorded
            numbers = wrk(path, (), script)
            if label.startswith("POST"):
                queries = queries_per_request(path, user, "post", post_body)
            else:
                queries = queries_per_request(path, user)
            numbers.update(label=label, queries=queries, cold=None)
            if requests:
                numbers["cold"] = cold_after_a_change(requests, tokens)
            results.append(numbers)
            cold = numbers["cold"]
            print(
                f"bench: {label:36} {numbers['rps']:8.1f} req/s  p50 {numbers['p50']:6.1f} ms  "
                f"p99 {numbers['p99']:6.1f} ms"
                + (f"  cold p50 {cold['p50']:.1f} p99 {cold['p99']:.1f}" if cold else "")
            )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)
    render = subprocess.run(
        [sys.executable, "-m", "tests.bench.render"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    report(results, render)


def report(results, render):
    base = results[0]["rps"]
    lines = [
        "| endpoint | req/s | p50 ms | p99 ms | vs /healthz | cold after a change p50 / p99 ms | queries | non-2xx |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        cold = f"{r['cold']['p50']:.1f} / {r['cold']['p99']:.1f}" if r["cold"] else "—"
        lines.append(
            f"| `{r['label']}` | {r['rps']:.0f} | {r['p50']:.1f} | {r['p99']:.1f} | {r['rps'] / base:.2f}× | "
            f"{cold} | {r['queries']} | {r['non2xx']} |"
        )
    table = "\n".join(lines)
    print(table)
    print(render)
    if ONLY:
        return  # a partial run is for trying something out, not for the record
    heavy = next(r for r in results if r["label"] == "/progress/")
    month = next(r for r in results if r["label"] == "/progress/ (one month)")
    ratio = heavy["cold"]["p50"] / month["cold"]["p50"]
    print(f"bench: /progress/ five years vs one month, cold p50: {ratio:.2f}x")
    machine = (
        f"{os.cpu_count()} cores ({platform.processor() or platform.machine()}), "
        f"Python {platform.python_version()}, database {DB_URL.split('://')[0]}, gunicorn 2 sync workers, "
        f"wrk -t2 -c{CONNECTIONS} -d{DURATION}, {HEAVY_RUNNERS} five-year runners in turn"
    )
    out = ROOT / "docs" / "bench-latest.md"
    out.write_text(
        f"Run on {date.today()}: {machine}\n\n{table}\n\n"
        f"/progress/ five-year runner vs one-month runner, cold p50 ratio: {ratio:.2f}x\n\n{render}\n"
    )
    print(f"bench: tables written to {out.relative_to(ROOT)}; copy them into docs/performance.md with your notes")


if __name__ == "__main__":
    main()
