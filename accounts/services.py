"""Writes to a runner's account, and the one way every app's writes for a runner begin and end.

A write for a runner runs inside `runner_write(user_id)`: one transaction that first locks the runner's
profile row (so two requests writing for the same runner take turns, and the per-exercise figures they
read and then update stay exact), and bumps the runner's data version once at the end.
"""

from contextlib import contextmanager

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F

from .models import Profile

SETTINGS_FIELDS = ["unit", "strength_days", "running_week", "timing", "leg_sessions_per_week_max", "time_zone"]


@contextmanager
def runner_write(user_id):
    """One transaction holding the runner's row lock; yields their profile; bumps the data version once."""
    with transaction.atomic():
        profile = Profile.objects.select_for_update().get(user_id=user_id)
        yield profile
        Profile.objects.filter(pk=profile.pk).update(data_version=F("data_version") + 1)


def sign_up(form):
    """Create the account from a valid sign-up form, with its profile, in one transaction."""
    with transaction.atomic():
        user = form.save()
        Profile.objects.get_or_create(user=user)
        if zone := form.cleaned_data.get("time_zone"):
            Profile.objects.filter(user=user).update(time_zone=zone)
    return user


def update_settings(user, cleaned_data):
    """Save the runner's settings (unit, running week, timing) from validated data."""
    with runner_write(user.pk) as profile:
        for name in SETTINGS_FIELDS:
            if name in cleaned_data:
                setattr(profile, name, cleaned_data[name])
        # Only the settings: the data version moves by its own increment, never from a stale copy.
        profile.save(update_fields=SETTINGS_FIELDS)
    return profile


def issue_token(user):
    """The runner's API token, created on first use."""
    from rest_framework.authtoken.models import Token

    return Token.objects.get_or_create(user=user)[0]


def delete_account(user):
    """Delete the account and everything it logged and planned."""
    with transaction.atomic():
        get_user_model().objects.filter(pk=user.pk).delete()
