"""`make bench`: a realistic data set, gunicorn with 2 workers, wrk from a second process.

Builds the full library and programs, 1,000 runners with a little history each, one heavy
runner with five years of history (about 800 sessions, 16,000 sets) and one runner with a
month of it; then for each page prints requests per second, p50/p99 latency, database
queries per request (cold and warm) and throughput relative to /healthz, and writes docs/bench-latest.md.

Database: BENCH_DATABASE_URL, default PostgreSQL at 127.0.0.1:5432/legwork_bench.
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

from programs import services as program_services

ROOT = Path(__file__).resolve().parents[2]
DB_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/legwork_bench")
PORT = int(os.environ.get("BENCH_PORT", "8765"))
DURATION = os.environ.get("BENCH_DURATION", "10s")
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "4"))
HEAVY, MONTH = "bench-heavy", "bench-month"
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

    call_command("migrate", verbosity=0)
    call_command("load_content", verbosity=0)
    if User.objects.filter(username=HEAVY).exists():
        print("bench: data set already built")
        from logbook.models import ExerciseStat, Session

        # Sessions earlier POST runs added would otherwise grow the heavy runner's history run after run.
        posted = set(Session.objects.filter(notes=POST_NOTE).values_list("user_id", flat=True))
        Session.objects.filter(notes=POST_NOTE).delete()
        for user_id in posted:
            ExerciseStat.refresh_user(user_id)

        for name in (HEAVY, MONTH):
            ExerciseStat.refresh_user(User.objects.get(username=name).pk)
        return
    from accounts.models import Profile
    from exercises.models import Exercise
    from logbook.models import LoggedSet, Session
    from programs.models import Program

    rng = random.Random(42)
    exercises = list(Exercise.objects.prefetch_related("equipment"))
    loaded = [e for e in exercises if e.pattern in ("hinge", "squat", "lunge", "bridge", "calf")]
    today = date.today()
    print("bench: building 1,000 runners ...")
    users = User.objects.bulk_create(
        [User(username=f"bench-{i:04d}", password="!") for i in range(1000)]
        + [User(username=HEAVY, password="!"), User(username=MONTH, password="!")]
    )
    Profile.objects.bulk_create([Profile(user=u) for u in users])
    for name in (HEAVY, MONTH):
        u = User.objects.get(username=name)
        u.set_password(PASSWORD)
        u.save()

    def make_sessions(user, count, span_days, sets_per_session):
        sessions = Session.objects.bulk_create(
            [
                Session(user=user, date=today - timedelta(days=int(span_days * (count - i) / count)), name="Legs")
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
                logged.exercise = ex
                logged.compute_derived()
                rows.append(logged)
        LoggedSet.objects.bulk_create(rows, batch_size=2000)

    ordinary = User.objects.filter(username__startswith="bench-0")
    for user in ordinary:
        make_sessions(user, 4, 60, 8)
    heavy = User.objects.get(username=HEAVY)
    print("bench: building the heavy runner (800 sessions, 16,000 sets) ...")
    make_sessions(heavy, 800, 5 * 365, 20)
    make_sessions(User.objects.get(username=MONTH), 8, 28, 20)
    from logbook.models import ExerciseStat

    for name in (HEAVY, MONTH):
        ExerciseStat.refresh_user(User.objects.get(username=name).pk)
    for program in Program.objects.all():
        for name in (HEAVY, MONTH):
            program_services.enrol(User.objects.get(username=name), program, today - timedelta(days=14), [0, 3])


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
    from django.contrib.auth.models import User
    from rest_framework.authtoken.models import Token

    return Token.objects.get_or_create(user=User.objects.get(username=username))[0].key


def queries_per_request(path, username=None, method="get", body=None):
    """Queries of a first (cold: nothing cached) and a second (warm) request, as a browser with cookies sends them."""
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


def main():
    if not shutil.which("wrk"):
        sys.exit("bench: wrk is missing: apt-get install wrk")
    ensure_database()
    build()
    from django.db import connections

    from exercises.models import Exercise

    slug = "single-leg-romanian-deadlift"
    assert Exercise.objects.filter(slug=slug).exists()
    heavy_cookie, month_cookie = login_cookie(HEAVY), login_cookie(MONTH)
    heavy_token = token(HEAVY)
    connections.close_all()
    sets = [
        {"exercise": "goblet-squat", "reps": 10, "load_kg": 24},
        {"exercise": "goblet-squat", "reps": 10, "load_kg": 24},
        {"exercise": "hip-thrust", "reps": 12, "load_kg": 60},
    ]
    post_body = json.dumps({"date": str(date.today()), "notes": POST_NOTE, "sets": sets})
    # Many runners logging at once is what production sees; every request from one runner (its writes
    # queue on that runner's profile row, which each write bumps) is measured as well.
    many = post_script("bench-post-many.lua", post_body, [token(f"bench-{i:04d}") for i in range(POSTERS)])
    one = post_script("bench-post-one.lua", post_body, [heavy_token])
    cases = [
        ("/healthz", None, [], None),
        ("/exercises/", None, [], None),
        (f"/exercises/{slug}/", None, [], None),
        ("/programs/posterior-chain/", None, [], None),
        ("/today/", HEAVY, [f"Cookie: {heavy_cookie}"], None),
        ("/log/", HEAVY, [f"Cookie: {heavy_cookie}"], None),
        ("/progress/", HEAVY, [f"Cookie: {heavy_cookie}"], None),
        ("/progress/ (one month)", MONTH, [f"Cookie: {month_cookie}"], None),
        ("/api/v1/exercises/", None, [], None),
        ("/api/v1/sessions/", HEAVY, [f"Authorization: Token {heavy_token}"], None),
        (f"POST /api/v1/sessions/ ({POSTERS} runners)", HEAVY, [], many),
        ("POST /api/v1/sessions/ (one runner)", HEAVY, [], one),
    ]
    cases = [c for c in cases if c[0] == "/healthz" or not ONLY or any(part in c[0] for part in ONLY)]
    env = dict(os.environ)
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "config.wsgi", "-w", "2", "-b", f"127.0.0.1:{PORT}"]
        + ["--log-level", "warning"],
        cwd=ROOT,
        env=env,
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
        for label, user, headers, script in cases:
            path = label.split(" ")[1] if label.startswith("POST") else label.split(" ")[0]
            wrk(path, headers, script)  # warm-up run, not recorded
            numbers = wrk(path, headers, script)
            if label.startswith("POST"):
                queries = queries_per_request(path, user, "post", post_body)
            else:
                queries = queries_per_request(path, user)
            numbers.update(label=label, queries=queries)
            results.append(numbers)
            rps, p50, p99 = numbers["rps"], numbers["p50"], numbers["p99"]
            print(f"bench: {label:28} {rps:8.1f} req/s  p50 {p50:6.1f} ms  p99 {p99:6.1f} ms")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)
    report(results)


def report(results):
    base = results[0]["rps"]
    lines = [
        "| endpoint | req/s | p50 ms | p99 ms | queries cold / warm | throughput vs /healthz | non-2xx |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| `{r['label']}` | {r['rps']:.0f} | {r['p50']:.1f} | {r['p99']:.1f} | "
            f"{r['queries'][0]} / {r['queries'][1]} | {r['rps'] / base:.0%} | {r['non2xx']} |"
        )
    table = "\n".join(lines)
    print(table)
    if ONLY:
        return  # a partial run is for trying something out, not for the record
    heavy = next(r for r in results if r["label"] == "/progress/")
    month = next(r for r in results if r["label"] == "/progress/ (one month)")
    print(f"bench: /progress/ heavy vs one month: p50 {heavy['p50'] / month['p50']:.2f}x")
    machine = (
        f"{os.cpu_count()} cores ({platform.processor() or platform.machine()}), "
        f"Python {platform.python_version()}, database {DB_URL.split('://')[0]}, gunicorn 2 sync workers, "
        f"wrk -t2 -c{CONNECTIONS} -d{DURATION}"
    )
    out = ROOT / "docs" / "bench-latest.md"
    out.write_text(
        f"Run on {date.today()}: {machine}\n\n{table}\n\n"
        f"/progress/ heavy runner vs one-month runner, p50 ratio: {heavy['p50'] / month['p50']:.2f}x\n"
    )
    print(f"bench: table written to {out.relative_to(ROOT)}; copy it into docs/performance.md with your notes")


if __name__ == "__main__":
    main()
