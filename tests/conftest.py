import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from exercises import content as exercise_content
from exercises.models import Exercise
from programs import content as program_content

from .factories import UserFactory


@pytest.fixture(autouse=True)
def _clear_cache():
    """Throttle counters live in the cache; one test's requests must not throttle the next."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def today(monkeypatch):
    """Pin the app's "today" (timezone.localdate()) to Wednesday 4 March 2026."""
    day = datetime.date(2026, 3, 4)
    real = timezone.localdate

    def localdate(value=None, timezone=None):
        return day if value is None else real(value, timezone)

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)
    return day


@pytest.fixture
def content(db):
    """The shipped library and programs (loaded once per test; the loader is idempotent)."""
    if not Exercise.objects.filter(slug="hip-thrust").exists():
        exercise_content.load()
        program_content.load()


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


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    """Every test starts with an empty cache, and measures pages uncached (the worst case).

    tests/test_caching.py switches page caching back on to test it.
    """
    from django.core.cache import cache

    settings.LEGWORK_CACHE_PAGES = False
    cache.clear()
    yield
    cache.clear()
