"""Reliability: every write path is all-or-nothing, migrations are complete and reversible (SQLite and
PostgreSQL), and a runner's data survives dumpdata → fresh database → loaddata."""

import json
import os
import secrets
import subprocess
import sys
import textwrap
from datetime import timedelta
from pathlib import Path

import environ
import pytest
from django.conf import settings
from django.db import connection

from accounts.models import Profile
from exercises.models import Exercise
from logbook import services as log_services
from logbook import strong
from logbook.models import ImportBatch, LoggedSet, Session
from programs import services as program_services
from programs.models import Enrollment, PlannedSession, Program

from .factories import UserFactory
from .helpers import log_session, token_client

BASE_DIR = Path(settings.BASE_DIR)


class Boom(Exception):
    """The failure forced half-way through a save."""


def fail_after(monkeypatch, target, name, on_call=1):
    """Make target.name do its real work (so rows are written) and then raise, on its `on_call`-th call."""
    real = getattr(target, name)
    calls = []

    def wrapper(*args, **kwargs):
        result = real(*args, **kwargs)
        calls.append(1)
        if len(calls) >= on_call:
            raise Boom(f"{name} failed after writing")
        return result

    monkeypatch.setattr(target, name, wrapper)
    return calls


def everything():
    """Every row a runner's actions can write, as plain data."""
    return {
        "sessions": list(Session.objects.order_by("pk").values()),
        "sets": list(LoggedSet.objects.order_by("pk").values()),
        "enrollments": list(Enrollment.objects.order_by("pk").values()),
        "planned": list(PlannedSession.objects.order_by("pk").values()),
        "profiles": list(Profile.objects.order_by("pk").values()),
        "own exercises": list(Exercise.objects.filter(owner__isnull=False).order_by("pk").values()),
        "done imports": list(ImportBatch.objects.exclude(status="draft").order_by("pk").values()),
    }


@pytest.fixture
def runner(content, today):
    """A runner following posterior-chain: first session logged, the next one due; plus an ad hoc session."""
    user = UserFactory(username="steady")
    enrollment = program_services.enrol(
        user, Program.objects.get(slug="posterior-chain"), today - timedelta(days=7), [0, 3]
    )
    planned = list(enrollment.planned_sessions.order_by("sequence"))
    logged = log_session(
        user, planned[0].date, {"exercise": "hip-thrust", "reps": 15, "load_kg": 60}, planned=planned[0], name="Logged"
    )
    adhoc = log_session(
        user, today - timedelta(days=1), {"exercise": "back-squat", "reps": 5, "load_kg": 80}, name="Ad hoc"
    )
    user.enrollment, user.logged, user.adhoc, user.pending = enrollment, logged, adhoc, planned[1]
    return user


def log_post(today, name="Half-saved", sets=2):
    data = {
        "date": today.isoformat(),
        "name": name,
        "form-TOTAL_FORMS": str(sets),
        "form-INITIAL_FORMS": "0",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
        "save": "1",
    }
    hip_thrust = Exercise.objects.get(slug="hip-thrust").pk
    for i in range(sets):
        data |= {f"form-{i}-exercise": str(hip_thrust), f"form-{i}-reps": "12", f"form-{i}-side": "both"}
    return data


def logged_in(client, user):
    client.force_login(user)
    return client


transactional = pytest.mark.django_db(transaction=True)

# --------------------------------------------------------------------------------------------------
# Pages: each write service is one transaction, so a request failing half-way leaves nothing written
# --------------------------------------------------------------------------------------------------


@transactional
def test_log_form_failing_after_the_sets_are_written_leaves_nothing(runner, client, today, monkeypatch):
    before = everything()
    calls = fail_after(monkeypatch, LoggedSet.objects, "bulk_create")
    with pytest.raises(Boom):
        logged_in(client, runner).post("/log/new/", log_post(today))
    assert calls, "the failure was forced after the session and its sets were written"
    assert everything() == before
    # Control: without the failure the same post saves.
    monkeypatch.undo()
    assert client.post("/log/new/", log_post(today)).status_code == 302
    assert Session.objects.filter(name="Half-saved").count() == 1


@transactional
def test_logging_a_planned_session_failing_while_marking_it_done_keeps_the_plan(runner, client, today, monkeypatch):
    before = everything()
    fail_after(monkeypatch, program_services, "mark_done")
    with pytest.raises(Boom):
        logged_in(client, runner).post(f"/log/planned/{runner.pending.pk}/", log_post(today))
    assert everything() == before
    assert PlannedSession.objects.get(pk=runner.pending.pk).status == PlannedSession.Status.PLANNED


@transactional
def test_editing_a_session_failing_half_way_keeps_the_old_sets(runner, client, today, monkeypatch):
    before = everything()
    fail_after(monkeypatch, LoggedSet.objects, "bulk_create")
    with pytest.raises(Boom):
        logged_in(client, runner).post(f"/log/{runner.adhoc.pk}/edit/", log_post(today, name="Renamed", sets=3))
    assert everything() == before


@transactional
def test_deleting_a_session_failing_while_reopening_its_plan_keeps_the_session(runner, client, monkeypatch):
    before = everything()
    fail_after(monkeypatch, program_services, "reopen")
    with pytest.raises(Boom):
        logged_in(client, runner).post(f"/log/{runner.logged.pk}/delete/")
    assert everything() == before


@transactional
def test_enrolling_failing_while_laying_out_the_schedule_leaves_no_enrolment(runner, client, today, monkeypatch):
    before = everything()
    calls = fail_after(monkeypatch, PlannedSession.objects, "bulk_create")
    data = {"start_date": today.isoformat(), "weekdays": ["0", "2", "4"], "confirm": "True"}
    with pytest.raises(Boom):
        logged_in(client, runner).post("/programs/bodyweight-home/enroll/", data)
    assert calls
    assert everything() == before


@transactional
def test_restarting_failing_half_way_keeps_the_old_schedule(runner, client, monkeypatch):
    before = everything()
    fail_after(monkeypatch, program_services, "_lay_out")  # the old sessions are deleted by then
    with pytest.raises(Boom):
        logged_in(client, runner).post(f"/enrollments/{runner.enrollment.pk}/restart/")
    assert everything() == before


@transactional
def test_resuming_failing_while_re_dating_keeps_it_paused(runner, client, monkeypatch):
    program_services.pause(runner.enrollment)
    before = everything()
    fail_after(monkeypatch, program_services, "_re_lay")
    with pytest.raises(Boom):
        logged_in(client, runner).post(f"/enrollments/{runner.enrollment.pk}/resume/")
    assert everything() == before
    assert Enrollment.objects.get(pk=runner.enrollment.pk).status == Enrollment.Status.PAUSED


@transactional
def test_moving_a_session_failing_while_re_dating_the_rest_moves_nothing(runner, client, today, monkeypatch):
    before = everything()
    fail_after(monkeypatch, PlannedSession.objects, "bulk_update")
    with pytest.raises(Boom):
        logged_in(client, runner).post(
            f"/planned/{runner.pending.pk}/move/", {"date": (today + timedelta(days=2)).isoformat()}
        )
    assert everything() == before


STRONG_CSV = (
    "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,Workout Notes,RPE\n"
    "2026-02-01 08:00:00,Legs A,45m,Hip Thrust (Barbell),1,60,10,,,,,\n"
    "2026-02-01 08:00:00,Legs A,45m,Hip Thrust (Barbell),2,60,10,,,,,\n"
    "2026-02-03 08:00:00,Legs B,40m,Squat (Barbell),1,80,5,,,,,\n"
    "2026-02-05 08:00:00,Legs C,40m,Mystery Move,1,20,8,,,,,\n"
)


@transactional
def test_strong_import_failing_on_a_later_workout_imports_nothing(runner, client, monkeypatch):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .helpers import confirm_import

    logged_in(client, runner)
    upload = SimpleUploadedFile("strong.csv", STRONG_CSV.encode(), content_type="text/csv")
    assert client.post("/log/import/", {"file": upload, "unit": "kg"}).status_code == 302  # a draft, for review
    before = everything()
    # Every session and set is written, then the figures refresh fails: nothing of it stays.
    calls = fail_after(monkeypatch, log_services, "_refresh_figures", on_call=1)
    with pytest.raises(Boom):
        confirm_import(client, STRONG_CSV)
    assert len(calls) == 1, "the sessions and sets were written before the failure"
    assert everything() == before
    # Control: the same file imports when nothing fails.
    monkeypatch.undo()
    assert "Imported 3 sessions" in " ".join(confirm_import(client, STRONG_CSV).content.decode().split())
    assert Session.objects.filter(user=runner, import_key__gt="").count() == 3


# --------------------------------------------------------------------------------------------------
# The API
# --------------------------------------------------------------------------------------------------

SESSION_BODY = {
    "date": "2026-03-03",
    "name": "API half-saved",
    "sets": [{"exercise": "hip-thrust", "reps": 12}, {"exercise": "back-squat", "reps": 5, "load_kg": "70"}],
}


@transactional
def test_api_session_create_failing_after_the_sets_leaves_nothing(runner, monkeypatch):
    before = everything()
    fail_after(monkeypatch, LoggedSet.objects, "bulk_create")
    with pytest.raises(Boom):
        token_client(runner).post("/api/v1/sessions/", SESSION_BODY, format="json")
    assert everything() == before


@transactional
def test_api_session_create_linked_to_the_plan_failing_while_marking_it_done_leaves_nothing(runner, monkeypatch):
    before = everything()
    fail_after(monkeypatch, program_services, "mark_done")
    with pytest.raises(Boom):
        token_client(runner).post(
            "/api/v1/sessions/", dict(SESSION_BODY, planned_session=runner.pending.pk), format="json"
        )
    assert everything() == before


@transactional
def test_api_session_replace_failing_half_way_keeps_the_old_sets(runner, monkeypatch):
    before = everything()
    fail_after(monkeypatch, LoggedSet.objects, "bulk_create")
    with pytest.raises(Boom):
        token_client(runner).put(f"/api/v1/sessions/{runner.adhoc.pk}/", SESSION_BODY, format="json")
    assert everything() == before


@transactional
def test_api_enrol_failing_while_laying_out_the_schedule_leaves_nothing(runner, monkeypatch):
    before = everything()
    fail_after(monkeypatch, PlannedSession.objects, "bulk_create")
    with pytest.raises(Boom):
        token_client(runner).post(
            "/api/v1/enrollments/", {"program": "bodyweight-home", "weekdays": [0, 2, 4]}, format="json"
        )
    assert everything() == before


@transactional
def test_api_changing_weekdays_failing_while_re_dating_changes_nothing(runner, monkeypatch):
    before = everything()
    fail_after(monkeypatch, PlannedSession.objects, "bulk_update")
    with pytest.raises(Boom):
        token_client(runner).patch(f"/api/v1/enrollments/{runner.enrollment.pk}/", {"weekdays": [1, 4]}, format="json")
    assert everything() == before


# --------------------------------------------------------------------------------------------------
# Outside any request (shell, management commands): the write functions are atomic on their own
# --------------------------------------------------------------------------------------------------


@transactional
def test_enrolling_is_atomic_on_its_own(runner, today, monkeypatch):
    assert connection.get_autocommit(), "no request transaction around this call"
    before = everything()
    fail_after(monkeypatch, PlannedSession.objects, "bulk_create")
    with pytest.raises(Boom):
        program_services.enrol(runner, Program.objects.get(slug="plyometric"), today, [1, 4])
    assert everything() == before


@transactional
def test_strong_import_is_atomic_on_its_own(runner, monkeypatch):
    assert connection.get_autocommit()
    before = everything()
    fail_after(monkeypatch, log_services, "_refresh_figures", on_call=1)
    with pytest.raises(Boom):
        strong.import_csv(runner, STRONG_CSV, "kg")
    assert everything() == before


@transactional
def test_session_serializer_create_is_atomic_on_its_own(runner, monkeypatch):
    from logbook.serializers import SessionSerializer

    before = everything()
    request = type("Request", (), {"user": runner})()
    serializer = SessionSerializer(data=SESSION_BODY, context={"request": request})
    assert serializer.is_valid(), serializer.errors
    fail_after(monkeypatch, LoggedSet.objects, "bulk_create")
    with pytest.raises(Boom):
        serializer.save(user=runner)
    assert everything() == before


WRITES = {"save", "delete", "create", "update", "bulk_create", "bulk_update", "get_or_create", "update_or_create"}
CALLERS = ["views.py", "api.py", "serializers.py", "forms.py", "admin.py", "strong.py"]


def test_every_write_goes_through_a_service():
    """Transactions live in the services (ATOMIC_REQUESTS is off): views, the API, forms, the admin and the
    importer never write a model themselves, so every write is one service call, one transaction."""
    import ast

    assert connection.settings_dict["ATOMIC_REQUESTS"] is False
    found = []
    for app in ("accounts", "exercises", "programs", "logbook", "config"):
        for name in CALLERS:
            path = BASE_DIR / app / name
            if not path.exists():
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in WRITES:
                    receiver = ast.unparse(node.func.value)
                    if receiver.startswith("super()") or receiver == "serializer" or receiver.endswith("attrs"):
                        continue  # the admin's own change form (content); DRF's save calls a service; a dict
                    found.append(f"{app}/{name}:{node.lineno} {ast.unparse(node.func)}")
    assert not found, found


@pytest.mark.parametrize("path", ["/today/", "/log/", "/progress/", "/progress/goblet-squat/"])
def test_read_only_pages_refuse_writes(runner, client, path):
    assert logged_in(client, runner).post(path).status_code == 405


@transactional
def test_api_reads_run_outside_a_transaction_and_deletes_still_roll_back(runner, monkeypatch):
    client = token_client(runner)
    assert client.get("/api/v1/sessions/").status_code == 200
    assert connection.get_autocommit() and not connection.in_atomic_block
    before = everything()
    fail_after(monkeypatch, program_services, "reopen")
    with pytest.raises(Boom):
        client.delete(f"/api/v1/sessions/{runner.logged.pk}/")
    assert everything() == before


# --------------------------------------------------------------------------------------------------
# Migrations and backups, run for real in subprocesses (the test database is built without migrations)
# --------------------------------------------------------------------------------------------------

LOCAL_APPS = ["logbook", "programs", "accounts", "exercises"]

MIGRATE_SCRIPT = textwrap.dedent(
    """
    import json, os, sys
    sys.path.insert(0, os.getcwd())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    APPS = %(apps)r

    def tables():
        return sorted(t for t in connection.introspection.table_names() if t.split("_")[0] in APPS)

    def pending():
        executor = MigrationExecutor(connection)
        return [str(m) for m, _ in executor.migration_plan(executor.loader.graph.leaf_nodes())]

    out = {}
    call_command("migrate", interactive=False, verbosity=0)
    out["tables_up"] = tables()
    out["pending_up"] = pending()
    call_command("load_content", verbosity=0)
    for app in APPS:
        call_command("migrate", app, "zero", interactive=False, verbosity=0)
    out["tables_zero"] = tables()
    out["pending_zero"] = len(pending())
    call_command("migrate", interactive=False, verbosity=0)
    out["tables_again"] = tables()
    out["pending_again"] = pending()
    call_command("load_content", verbosity=0)
    from exercises.models import Exercise
    from programs.models import Program
    out["content_again"] = [Exercise.objects.count(), Program.objects.count()]
    connection.close()
    print(json.dumps(out))
    """
)


def subprocess_env(database_url):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST", "REDIS_URL"))}
    env.update(DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="config.settings", DEBUG="0")
    return env


def run(args, database_url, timeout=300):
    result = subprocess.run(
        args, cwd=BASE_DIR, env=subprocess_env(database_url), capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, f"{' '.join(map(str, args))}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def run_script(tmp_path, source, database_url, *args):
    script = tmp_path / f"script_{secrets.token_hex(4)}.py"
    script.write_text(source)
    return run([sys.executable, str(script), *args], database_url)


@pytest.mark.slow
def test_makemigrations_finds_nothing_missing(tmp_path):
    out = run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run", "-v", "1"],
        f"sqlite:///{tmp_path / 'check.sqlite3'}",
    )
    assert "No changes detected" in out


def check_migrations_round_trip(tmp_path, database_url):
    out = json.loads(run_script(tmp_path, MIGRATE_SCRIPT % {"apps": LOCAL_APPS}, database_url).strip().splitlines()[-1])
    assert out["pending_up"] == []
    for app in LOCAL_APPS:
        assert any(t.startswith(f"{app}_") for t in out["tables_up"]), app
    assert out["tables_zero"] == [], "migrating every app to zero drops its tables"
    assert out["pending_zero"] > 0
    assert out["tables_again"] == out["tables_up"]
    assert out["pending_again"] == []
    assert out["content_again"][0] > 30 and out["content_again"][1] >= 3


@pytest.mark.slow
def test_migrations_go_to_zero_and_back_on_sqlite(tmp_path):
    check_migrations_round_trip(tmp_path, f"sqlite:///{tmp_path / 'migrate.sqlite3'}")


def postgres_url():
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://", "pgsql://")):
        pytest.skip("DATABASE_URL does not point at PostgreSQL")
    return url


@pytest.fixture
def scratch_postgres():
    """A throwaway PostgreSQL database on the server DATABASE_URL points at, dropped afterwards."""
    import psycopg

    url = postgres_url()
    config = environ.Env.db_url_config(url)
    name = f"legwork_scratch_{secrets.token_hex(4)}"
    admin = {
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
        "dbname": "postgres",
    }
    with psycopg.connect(**{k: v for k, v in admin.items() if v}, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    scheme, rest = url.split("://", 1)
    server = rest.rsplit("/", 1)[0]
    try:
        yield f"{scheme}://{server}/{name}"
    finally:
        with psycopg.connect(**{k: v for k, v in admin.items() if v}, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.slow
def test_migrations_go_to_zero_and_back_on_postgresql(tmp_path, scratch_postgres):
    check_migrations_round_trip(tmp_path, scratch_postgres)


SEED_AND_REPORT = textwrap.dedent(
    """
    import json, os, sys
    from datetime import date, timedelta
    from decimal import Decimal
    sys.path.insert(0, os.getcwd())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    django.setup()
    from django.contrib.auth.models import User
    from accounts.models import ApiToken
    from accounts.services import issue_token
    from exercises.models import Exercise
    from logbook import services as log_services
    from logbook.models import LoggedSet, Session
    from programs import services as program_services
    from programs.models import Enrollment, Program

    PASSWORD = "backup-restore-pass-123"

    def seed():
        user = User.objects.create_user("backup-runner", "b@example.com", PASSWORD)
        User.objects.create_user("someone-else", "", PASSWORD)
        profile = user.profile
        profile.unit, profile.long_run_day, profile.strength_days = "lb", 6, [1, 4]
        profile.save()
        issue_token(user)
        enrollment = program_services.enrol(user, Program.objects.get(slug="posterior-chain"), date(2026, 2, 2), [0, 3])
        planned = list(enrollment.planned_sessions.order_by("sequence"))
        hip, squat, step = (Exercise.objects.get(slug=s) for s in ("hip-thrust", "back-squat", "step-up"))
        for i, p in enumerate(planned[:3]):
            log_services.log_session(
                user, date=p.date, name=f"Block {i}", planned=p, notes="über gut ✓", effort=7, sets=[
                    {"exercise": hip, "reps": 15 + i, "load_kg": Decimal("61.235") + i, "rpe": Decimal("8.5")},
                    {"exercise": step, "reps": 10, "side": "left", "kind": "warmup"},
                    {"exercise": squat, "reps": 5, "load_kg": Decimal("100.5"), "note": "belt"},
                ],
            )
        program_services.skip(planned[3])
        log_services.log_session(
            user, date=date(2026, 2, 20), name="Ad hoc",
            sets=[{"exercise": None, "exercise_name": "Sled push", "distance_m": Decimal("40")}],
        )

    def report():
        user = User.objects.get(username="backup-runner")
        sessions = []
        for s in Session.objects.filter(user=user).order_by("date", "name"):
            sessions.append({
                "date": str(s.date), "name": s.name, "notes": s.notes, "effort": s.effort,
                "planned": [s.planned_session.sequence, s.planned_session.status] if s.planned_session else None,
                "client_token": str(s.client_token),
                "sets": [
                    [x.order, x.exercise.slug if x.exercise else x.exercise_name, x.reps, str(x.load_kg),
                     str(x.distance_m), x.side, x.kind, str(x.rpe), x.note, str(x.volume_kg), str(x.e1rm_kg)]
                    for x in s.sets.order_by("order")
                ],
            })
        return {
            "user": [user.email, user.check_password(PASSWORD), user.is_active],
            "profile": [user.profile.unit, user.profile.long_run_day, user.profile.strength_days],
            "token": list(ApiToken.objects.filter(user=user).values_list("digest", "prefix", "password_mark")),
            "enrollments": [
                [e.program.slug, str(e.start_date), e.weekdays, e.status,
                 [[p.sequence, str(p.date), p.status, p.workout.name] for p in e.planned_sessions.order_by("sequence")]]
                for e in user.enrollments.all()
            ],
            "sessions": sessions,
            "set_count": LoggedSet.objects.filter(session__user=user).count(),
        }

    if sys.argv[1] == "seed":
        seed()
    print(json.dumps(report()))
    """
)


def backup_round_trip(tmp_path, source_url, target_url):
    manage = [sys.executable, "manage.py"]
    run([*manage, "migrate", "-v", "0"], source_url)
    run([*manage, "load_content", "-v", "0"], source_url)
    before = json.loads(run_script(tmp_path, SEED_AND_REPORT, source_url, "seed").strip().splitlines()[-1])
    dump = tmp_path / "backup.json"
    run(
        [
            *manage,
            "dumpdata",
            "--natural-foreign",
            "--natural-primary",
            "--exclude",
            "contenttypes",
            "--exclude",
            "auth.permission",
            "--exclude",
            "sessions",
            "--indent",
            "1",
            "--output",
            str(dump),
        ],
        source_url,
    )
    assert dump.stat().st_size > 10_000
    run([*manage, "migrate", "-v", "0"], target_url)
    run([*manage, "loaddata", str(dump), "-v", "0"], target_url)
    after = json.loads(run_script(tmp_path, SEED_AND_REPORT, target_url, "report").strip().splitlines()[-1])
    assert before["set_count"] == 10 and len(before["sessions"]) == 4
    assert before["user"][1] is True
    assert after == before


@pytest.mark.slow
def test_backup_and_restore_keeps_a_runners_data(tmp_path):
    backup_round_trip(tmp_path, f"sqlite:///{tmp_path / 'live.sqlite3'}", f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
