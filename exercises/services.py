"""Writes to the library's bookkeeping, and to runners' own exercises."""

import secrets

from django.db.models import F
from django.utils.text import slugify

from accounts.services import runner_write

from .models import ContentVersion, Exercise


def bump_content_version():
    """Mark library or program content as changed: cached pages keyed by the old number are no longer used.

    Called once by `load_content` and by every admin save or delete of content, inside their transaction,
    so the new number is seen by every web process with the commit.
    """
    if not ContentVersion.objects.filter(pk=1).update(number=F("number") + 1):
        ContentVersion.objects.get_or_create(pk=1, defaults={"number": 2})


# ---------------------------------------------------------------- a runner's own exercises

OWN_FIELDS = {"name", "pattern", "unilateral", "aliases"}


def own_slug(name):
    """A slug for an own exercise: its name and a random suffix, so it never meets another exercise's."""
    base = slugify(name)[:40].strip("-") or "exercise"
    return f"{base}-{secrets.token_hex(4)}"


def build_own_exercise(user, name, *, pattern=Exercise.Pattern.OTHER, unilateral=False):
    """An unsaved own exercise of `user` (importers create many at once with bulk_create)."""
    return Exercise(
        owner=user,
        slug=own_slug(name),
        name=name[: Exercise._meta.get_field("name").max_length].strip(),
        pattern=pattern,
        unilateral=unilateral,
        summary="",
        dosing="",
        ground_contacts_per_rep=1 if pattern == Exercise.Pattern.PLYOMETRIC else None,
    )


def create_own_exercise(user, *, name, primary_muscles=(), equipment=(), **fields):
    """Create `user`'s own exercise; only they see and log it."""
    if unknown := set(fields) - OWN_FIELDS:
        raise TypeError(f"not own exercise fields: {sorted(unknown)}")
    with runner_write(user.pk):
        exercise = build_own_exercise(user, name, pattern=fields.pop("pattern", Exercise.Pattern.OTHER))
        for key, value in fields.items():
            setattr(exercise, key, value)
        exercise.save()
        exercise.primary_muscles.set(primary_muscles)
        exercise.equipment.set(equipment)
    return exercise


def update_own_exercise(exercise, *, primary_muscles=None, equipment=None, **fields):
    """Rename or change an own exercise; its logged sets follow (they point at it)."""
    if exercise.owner_id is None:
        raise ValueError("Library exercises are changed through the content files.")
    if unknown := set(fields) - OWN_FIELDS:
        raise TypeError(f"not own exercise fields: {sorted(unknown)}")
    with runner_write(exercise.owner_id):
        for key, value in fields.items():
            setattr(exercise, key, value)
        exercise.ground_contacts_per_rep = 1 if exercise.pattern == Exercise.Pattern.PLYOMETRIC else None
        exercise.save()
        if primary_muscles is not None:
            exercise.primary_muscles.set(primary_muscles)
        if equipment is not None:
            exercise.equipment.set(equipment)
    return exercise
