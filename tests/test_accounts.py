"""Accounts: sign up, log in and out, passwords, settings, and login throttling (pages and the API token)."""

import re

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core import mail
from rest_framework.test import APIClient

from accounts.models import Profile
from programs import services as program_services

from .factories import PASSWORD, UserFactory
from .helpers import squashed_html

NEW_PASSWORD = "a-much-longer-new-secret-42"


def logged_in_user_id(client):
    return client.session.get("_auth_user_id")


# ---------------------------------------------------------------- sign up


def test_signup_creates_a_user_with_a_profile_and_logs_in(client, db):
    response = client.post(
        "/accounts/signup/",
        {"username": "newrunner", "email": "new@example.com", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/settings/"
    user = User.objects.get(username="newrunner")
    assert user.email == "new@example.com"
    assert user.check_password(NEW_PASSWORD)
    assert Profile.objects.get(user=user).unit == "kg"
    assert logged_in_user_id(client) == str(user.pk)
    assert client.get("/today/").status_code == 200


def test_signup_page_has_labelled_fields(client, db):
    html = client.get("/accounts/signup/").content.decode()
    for field in ["id_username", "id_email", "id_password1", "id_password2"]:
        assert f'for="{field}"' in html and f'id="{field}"' in html


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("password", "This password is too common."),
        ("short1", "This password is too short."),
        ("8412357690", "This password is entirely numeric."),
        ("newrunner-x", "too similar to the username"),
    ],
)
def test_password_validators_reject_weak_passwords(client, db, password, message):
    response = client.post("/accounts/signup/", {"username": "newrunner", "password1": password, "password2": password})
    assert response.status_code == 200
    assert message in squashed_html(response).replace("&#x27;", "'")
    assert not User.objects.filter(username="newrunner").exists()
    assert logged_in_user_id(client) is None


def test_signup_with_mismatched_passwords(client, db):
    response = client.post(
        "/accounts/signup/", {"username": "newrunner", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD + "x"}
    )
    assert response.status_code == 200
    assert not User.objects.filter(username="newrunner").exists()


def test_signup_with_a_taken_username(client, user):
    response = client.post(
        "/accounts/signup/", {"username": user.username, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 200
    assert "already exists" in squashed_html(response)
    assert User.objects.filter(username=user.username).count() == 1


def test_signup_when_already_logged_in_goes_to_today(client_logged_in):
    response = client_logged_in.get("/accounts/signup/")
    assert response.status_code == 302 and response["Location"] == "/today/"


# ---------------------------------------------------------------- log in, log out


def test_login_and_redirect(client, user):
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/today/"
    assert logged_in_user_id(client) == str(user.pk)


def test_login_follows_next(client, user):
    response = client.post(
        "/accounts/login/?next=/enrollments/",
        {"username": user.username, "password": PASSWORD, "next": "/enrollments/"},
    )
    assert response["Location"] == "/enrollments/"


def test_login_refuses_an_offsite_next(client, user):
    response = client.post(
        "/accounts/login/", {"username": user.username, "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


def test_login_with_a_wrong_password(client, user):
    response = client.post("/accounts/login/", {"username": user.username, "password": "nope"})
    assert response.status_code == 200
    assert "correct username and password" in squashed_html(response)
    assert logged_in_user_id(client) is None


def test_logout_is_post_only(client_logged_in, user):
    assert client_logged_in.get("/accounts/logout/").status_code == 405
    assert logged_in_user_id(client_logged_in) == str(user.pk)
    response = client_logged_in.post("/accounts/logout/")
    assert response.status_code == 302 and response["Location"] == "/"
    assert logged_in_user_id(client_logged_in) is None


def test_nav_offers_a_logout_form(client_logged_in):
    html = client_logged_in.get("/").content.decode()
    assert re.search(r'<form method="post" action="/accounts/logout/"', html)


# ---------------------------------------------------------------- passwords


def test_password_change(client_logged_in, user):
    response = client_logged_in.post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/change/done/"
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert logged_in_user_id(client_logged_in) == str(user.pk), "changing the password keeps you logged in"


def test_password_change_needs_the_old_password_and_a_strong_new_one(client_logged_in, user):
    wrong_old = client_logged_in.post(
        "/accounts/password/change/",
        {"old_password": "nope", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    weak = client_logged_in.post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": "password", "new_password2": "password"},
    )
    assert wrong_old.status_code == weak.status_code == 200
    assert "too common" in squashed_html(weak)
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_password_reset_sends_a_working_link(client, user):
    response = client.post("/accounts/password/reset/", {"email": user.email})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/done/"
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [user.email]
    assert email.subject == "Reset your Legwork password"
    assert user.username in email.body
    link = re.search(r"https?://testserver(/accounts/reset/[^/\s]+/[^/\s]+/)", email.body).group(1)

    form = client.get(link, follow=True)
    assert form.status_code == 200
    assert 'name="new_password1"' in form.content.decode()
    done = client.post(form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"] == "/accounts/reset/done/"
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    # The link works once.
    again = client.get(link, follow=True)
    assert "That link has expired" in squashed_html(again)


def test_password_reset_for_an_unknown_address_sends_nothing_but_says_the_same(client, db):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.com"})
    assert response.status_code == 302 and response["Location"] == "/accounts/password/reset/done/"
    assert mail.outbox == []


def test_default_email_backend_is_the_console():
    # Tests swap in locmem; the configured backend is the console unless EMAIL_BACKEND/EMAIL_URL say otherwise.
    import os

    if "EMAIL_BACKEND" not in os.environ and "EMAIL_URL" not in os.environ:
        from config import settings as project_settings

        assert project_settings.EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend"


# ---------------------------------------------------------------- settings


def test_settings_page_saves_unit_weekdays_and_the_running_week(client_logged_in, user):
    response = client_logged_in.post(
        "/accounts/settings/",
        {
            "unit": "lb",
            "strength_days": [1, 4],
            "day_0": "rest",
            "day_1": "easy",
            "day_2": "hard",
            "time_2": "morning",
            "day_3": "cross",
            "day_4": "double",
            "day_5": "rest",
            "day_6": "long",
            "timing": "hard",
            "leg_sessions_per_week_max": "2",
            "time_zone": "America/Los_Angeles",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/accounts/settings/"
    profile = Profile.objects.get(user=user)
    assert profile.unit == "lb"
    assert profile.strength_days == [1, 4]
    assert [d["kind"] for d in profile.running_week] == ["rest", "easy", "hard", "cross", "double", "rest", "long"]
    assert profile.running_week[2]["time"] == "morning"
    assert profile.hard_run_days == [2]
    assert profile.long_run_day == 6
    assert profile.timing == "hard"
    assert profile.leg_sessions_per_week_max == 2
    assert profile.time_zone == "America/Los_Angeles"
    page = squashed_html(client_logged_in.get("/accounts/settings/"))
    assert "Settings saved." in page and "Your running week" in page


def test_saving_settings_never_winds_the_data_version_back(user):
    from accounts import services

    stale = Profile.objects.get(user=user)  # settings loaded before a write elsewhere ...
    with services.runner_write(user.pk):  # ... that bumps the runner's data version
        pass
    stale.unit = "lb"
    services.update_settings(stale.user, {"unit": "lb"})
    fresh = Profile.objects.get(user=user)
    assert (fresh.unit, fresh.data_version) == ("lb", stale.data_version + 2)


def test_settings_long_run_can_be_cleared(client_logged_in, user):
    user.profile.long_run_day = 6
    user.profile.save()
    client_logged_in.post("/accounts/settings/", {"unit": "kg", "day_6": "easy", "timing": "easy"})
    user.profile.refresh_from_db()
    assert user.profile.long_run_day is None
    assert user.profile.running_week[6]["kind"] == "easy"


def test_settings_reject_two_long_runs(client_logged_in, user):
    response = client_logged_in.post(
        "/accounts/settings/", {"unit": "lb", "day_5": "long", "day_6": "long", "timing": "easy"}
    )
    assert response.status_code == 200
    assert "Pick one day for your long run." in squashed_html(response)
    profile = Profile.objects.get(user=user)
    assert (profile.unit, profile.hard_run_days, profile.long_run_day) == ("kg", [], None)


@pytest.mark.parametrize(
    "data",
    [
        {"unit": "stone", "timing": "easy"},
        {"unit": "kg", "timing": "easy", "strength_days": [7]},
        {"unit": "kg", "timing": "easy", "day_6": "marathon"},
        {"unit": "kg", "timing": "easy", "time_1": "midnight"},
        {"unit": "kg", "timing": "easy", "time_zone": "Mars/Olympus_Mons"},
        {"unit": "kg", "timing": "easy", "leg_sessions_per_week_max": "9"},
        {"unit": "kg", "timing": "sometimes"},
    ],
)
def test_settings_reject_bad_values(client_logged_in, user, data):
    response = client_logged_in.post("/accounts/settings/", data)
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode() or "invalid-feedback" in response.content.decode()
    profile = Profile.objects.get(user=user)
    assert (profile.unit, profile.strength_days, profile.long_run_day) == ("kg", [], None)


def test_settings_drive_the_suggested_days(client_logged_in, user, content, today):
    client_logged_in.post(
        "/accounts/settings/", {"unit": "kg", "strength_days": [1, 4], "day_6": "long", "timing": "easy"}
    )
    html = client_logged_in.get("/programs/posterior-chain/").content.decode()
    checked = sorted(int(v) for v in re.findall(r'name="weekdays" value="(\d)"[^>]*checked', html))
    assert checked == [1, 4]


def test_settings_unit_shows_loads_in_pounds(client_logged_in, user, content, today):
    from .helpers import log_session

    client_logged_in.post("/accounts/settings/", {"unit": "lb", "timing": "easy"})
    from datetime import timedelta

    from programs.models import Program

    program = Program.objects.get(slug="posterior-chain")
    deadlift = program.workouts_in_order().first().prescriptions.first().exercise
    log_session(user, today - timedelta(days=2), {"exercise": deadlift.slug, "reps": 8, "load_kg": 100})
    program_services.enrol(user, program, today, [today.weekday()])
    assert "220.5 lb" in squashed_html(client_logged_in.get("/today/"))


# ---------------------------------------------------------------- throttling


def fail_logins(client, username, address, times):
    for _ in range(times):
        client.post("/accounts/login/", {"username": username, "password": "wrong"}, REMOTE_ADDR=address)


def test_login_is_locked_after_repeated_failures(client, user):
    UserFactory(username="neighbour")
    fail_logins(client, user.username, "10.1.1.1", settings.AXES_FAILURE_LIMIT)

    locked = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD}, REMOTE_ADDR="10.1.1.1")

    assert locked.status_code == 429
    assert "Too many failed log-ins" in squashed_html(locked)
    assert logged_in_user_id(client) is None

    # Another runner behind the same address is not locked out...
    other = client.post("/accounts/login/", {"username": "neighbour", "password": PASSWORD}, REMOTE_ADDR="10.1.1.1")
    assert other.status_code == 302
    assert logged_in_user_id(client) is not None


def test_lockout_is_per_username_and_address(client, user):
    fail_logins(client, user.username, "10.1.1.1", settings.AXES_FAILURE_LIMIT)
    elsewhere = client.post(
        "/accounts/login/", {"username": user.username, "password": PASSWORD}, REMOTE_ADDR="10.2.2.2"
    )
    assert elsewhere.status_code == 302


def test_fewer_failures_than_the_limit_do_not_lock(client, user):
    fail_logins(client, user.username, "10.1.1.1", settings.AXES_FAILURE_LIMIT - 1)
    response = client.post(
        "/accounts/login/", {"username": user.username, "password": PASSWORD}, REMOTE_ADDR="10.1.1.1"
    )
    assert response.status_code == 302
    # A success resets the count: the same number of failures again still does not lock.
    client.post("/accounts/logout/")
    fail_logins(client, user.username, "10.1.1.1", settings.AXES_FAILURE_LIMIT - 1)
    response = client.post(
        "/accounts/login/", {"username": user.username, "password": PASSWORD}, REMOTE_ADDR="10.1.1.1"
    )
    assert response.status_code == 302


def token(client, username, password, address):
    return client.post("/api/v1/auth/token/", {"username": username, "password": password}, REMOTE_ADDR=address)


def test_api_token_login_is_locked_after_repeated_failures(user):
    UserFactory(username="neighbour")
    client = APIClient()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        assert token(client, user.username, "wrong", "10.3.3.3").status_code in (400, 429)

    locked = token(client, user.username, PASSWORD, "10.3.3.3")

    assert locked.status_code == 429
    assert "token" not in locked.json()
    assert token(client, "neighbour", PASSWORD, "10.3.3.3").status_code == 200


def test_page_and_api_failures_count_together(client, user):
    api = APIClient()
    half = settings.AXES_FAILURE_LIMIT // 2
    fail_logins(client, user.username, "10.4.4.4", half)
    for _ in range(settings.AXES_FAILURE_LIMIT - half):
        token(api, user.username, "wrong", "10.4.4.4")
    assert token(api, user.username, PASSWORD, "10.4.4.4").status_code == 429
    locked = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD}, REMOTE_ADDR="10.4.4.4")
    assert locked.status_code == 429


def test_api_token_endpoint_is_rate_limited(user):
    client = APIClient()
    statuses = [token(client, user.username, PASSWORD, "10.5.5.5").status_code for _ in range(31)]
    assert statuses[:30] == [200] * 30
    assert statuses[30] == 429
