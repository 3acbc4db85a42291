"""Writes to a runner's account, and the one way every app's writes for a runner begin and end.

A write for a runner runs inside `runner_write(user_id)`: one transaction that first locks the runner's
profile row (so two requests writing for the same runner take turns, and the per-exercise figures they
read and then update stay exact), and bumps the runner's data version once at the end.
"""

import hashlib
import secrets
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import ApiToken, Profile

SETTINGS_FIELDS = [
    "unit",
    "strength_days",
    "running_week",
    "timing",
    "leg_sessions_per_week_max",
    "time_zone",
    "bar_kg",
]


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


TOKEN_NAME = "API"
MAX_TOKENS = 20  # live tokens per runner: one per device or script is plenty
TOKEN_USE_EVERY = timedelta(minutes=1)  # last_used_at is written at most this often per token


@dataclass(frozen=True)
class IssuedToken:
    """A token just made, with its secret: the only moment the secret exists outside the client."""

    token: ApiToken
    key: str


def digest(secret):
    return hashlib.sha256(secret.encode()).hexdigest()


def password_mark(user):
    """A fingerprint of the runner's current password hash: a token made under another password is dead,
    whichever way the password changed (the pages, the admin, `manage.py changepassword`)."""
    return hashlib.sha256(user.password.encode()).hexdigest()


def issue_token(user, name=TOKEN_NAME):
    """A new token for the runner. A live token of the same name is revoked first: issuing is rotating."""
    name = (name or TOKEN_NAME).strip()[: ApiToken._meta.get_field("name").max_length] or TOKEN_NAME
    secret = "lw_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        now = timezone.now()
        others = ApiToken.objects.active().filter(user=user).exclude(name=name).select_for_update()
        if len(others) >= MAX_TOKENS:
            raise ValidationError(
                {"name": [f"You have {MAX_TOKENS} tokens; revoke one you no longer use, or reuse a name to rotate it."]}
            )
        ApiToken.objects.active().filter(user=user, name=name).update(revoked_at=now)
        token = ApiToken.objects.create(
            user=user, name=name, digest=digest(secret), prefix=secret[:8], password_mark=password_mark(user)
        )
    return IssuedToken(token, secret)


def rotate_token(user, token_id):
    """Replace one of the runner's live tokens by a new one of the same name; None if it is not theirs."""
    token = ApiToken.objects.active().filter(user=user, pk=token_id).first()
    return issue_token(user, token.name) if token else None


def revoke_token(user, token_id):
    """Revoke one of the runner's tokens; False if it is not theirs or already revoked."""
    return bool(ApiToken.objects.active().filter(user=user, pk=token_id).update(revoked_at=timezone.now()))


def revoke_tokens(user):
    """Revoke every token the runner has (their password changed or was reset)."""
    return ApiToken.objects.active().filter(user=user).update(revoked_at=timezone.now())


def live_tokens(user):
    """The runner's tokens that still work, newest first."""
    return [t for t in ApiToken.objects.active().filter(user=user).select_related("user") if token_works(t)]


def token_works(token):
    return token.revoked_at is None and token.user.is_active and token.password_mark == password_mark(token.user)


def token_for_secret(secret):
    """The live token whose secret this is (its user and profile loaded), noting its use; else None."""
    if not secret or len(secret) > 100:
        return None
    token = ApiToken.objects.select_related("user__profile").filter(digest=digest(secret)).first()
    if token is None or not token_works(token):
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= TOKEN_USE_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def password_reset_allowed(email, client):
    """Count a password-reset request; False once this address or this client has asked
    LEGWORK_PASSWORD_RESET_LIMIT times this hour (then no mail is sent, and the page says the same)."""
    limit = settings.LEGWORK_PASSWORD_RESET_LIMIT
    keys = [f"pwreset:email:{digest(email.strip().lower())}", f"pwreset:client:{digest(client or '-')}"]
    allowed = True
    for key in keys:
        cache.add(key, 0, timeout=60 * 60)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=60 * 60)
            count = 1
        allowed = allowed and count <= limit
    return allowed


def delete_account(user):
    """Delete the account and everything it logged and planned."""
    with transaction.atomic():
        get_user_model().objects.filter(pk=user.pk).delete()
