import datetime

import pytest
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from exercises.models import Exercise

from .factories import UserFactory
from .helpers import build_world

FAST_HASHER = "django.contrib.auth.hashers.MD5PasswordHasher"


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """PBKDF2 takes a quarter of a second per hash; tests only need passwords to check, not to be strong."""
    settings.PASSWORD_HASHERS = [FAST_HASHER]


@pytest.fixture
def today(monkeypatch):
    """Pin the app's "today" (timezone.localdate()) to Wednesday 4 March 2026."""
    day = datetime.date(2026, 3, 4)
    real = timezone.localdate

    def localdate(value=None, timezone=None):
        return day if value is None else real(value, timezone)

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)
    return day


def content_models():
    from exercises.models import ContentVersion, Equipment, Muscle, Source
    from programs.models import Prescription, Program, ProgramWeek, Workout

    return [
        ContentVersion,
        Muscle,
        Equipment,
        Source,
        Exercise,
        Exercise.primary_muscles.through,
        Exercise.secondary_muscles.through,
        Exercise.equipment.through,
        Exercise.harder.through,
        Exercise.sources.through,
        Program,
        Program.equipment.through,
        Program.sources.through,
        ProgramWeek,
        Workout,
        Prescription,
    ]


_content_rows = {}


@pytest.fixture
def content(db):
    """The shipped library and programs.

    The loader runs once per test session; later tests get the same rows (same ids) inserted in bulk,
    which is the same data in a fraction of the time.
    """
    if Exercise.objects.filter(slug="hip-thrust").exists():
        return
    models = content_models()
    if not _content_rows:
        call_command("load_content", verbosity=0)
        _content_rows.update({model: list(model.objects.all()) for model in models})
        return
    for model in models:
        model.objects.bulk_create(_content_rows[model])
    # Rows were inserted with their ids: move PostgreSQL's sequences past them (SQLite needs nothing).
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


@pytest.fixture
def user(db):
    return UserFactory(username="runner")


@pytest.fixture
def other_user(db):
    return UserFactory(username="intruder")


@pytest.fixture
def client_logged_in(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def api_user(api_client, user):
    api_client.force_authenticate(user)
    return api_client


@pytest.fixture
def api_other(other_user):
    client = APIClient()
    client.force_authenticate(other_user)
    return client


@pytest.fixture
def enrollment(content, user, today):
    """Posterior chain from today (Wednesday), Wednesdays and Saturdays: Session A is due today."""
    from programs import services as program_services
    from programs.models import Program

    return program_services.enrol(user, Program.objects.get(slug="posterior-chain"), today, [2, 5])


@pytest.fixture
def planned(enrollment):
    """The enrolment's first session, due today."""
    return enrollment.planned_sessions.get(sequence=1)


@pytest.fixture
def caching(settings):
    """Content caching on, as in production (tests otherwise measure content pages uncached)."""
    settings.LEGWORK_CACHE_CONTENT = True


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    """Every test starts with an empty cache, and measures content pages uncached (the worst case).

    tests/test_caching.py switches content caching back on to test it.
    """
    from django.core.cache import cache

    settings.LEGWORK_CACHE_CONTENT = False
    cache.clear()
    yield
    cache.clear()


WORLD_DAY = datetime.date(2026, 3, 4)  # the `today` fixture's Wednesday


@pytest.fixture(scope="module")
def world_data(django_db_setup, django_db_blocker):
    """Two runners (tests.helpers.build_world), built once per module and committed; every test runs in a
    transaction rolled back after it, so each one starts from exactly this state. Flushed at the end."""
    from exercises import content as exercise_content
    from programs import content as program_content

    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=[FAST_HASHER]):
        call_command("flush", interactive=False, verbosity=0)
        exercise_content.load()
        program_content.load()
        try:
            yield build_world(WORLD_DAY)
        finally:
            call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def world(world_data, db, today):
    assert today == WORLD_DAY
    return world_data
