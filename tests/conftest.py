import pytest
from rest_framework.test import APIClient

from exercises import content as exercise_content
from exercises.models import Exercise
from programs import content as program_content

from .factories import UserFactory


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
