"""Sets imported before own exercises existed (no exercise, only a Strong name) become sets of an own
exercise of that name, so they count in progress, records and charts. Their name stays on the set.
Run `manage.py refresh_progress` afterwards to compute their figures."""

import secrets

from django.db import migrations
from django.utils.text import slugify


def forwards(apps, schema_editor):
    Exercise = apps.get_model("exercises", "Exercise")
    LoggedSet = apps.get_model("logbook", "LoggedSet")
    pairs = (
        LoggedSet.objects.filter(exercise__isnull=True)
        .values_list("session__user_id", "exercise_name")
        .distinct()
        .order_by()
    )
    for user_id, name in list(pairs):
        exercise = Exercise.objects.create(
            owner_id=user_id,
            slug=f"{slugify(name)[:40].strip('-') or 'exercise'}-{secrets.token_hex(4)}",
            name=name[:120],
            pattern="other",
            summary="",
            dosing="",
        )
        LoggedSet.objects.filter(exercise__isnull=True, exercise_name=name, session__user_id=user_id).update(
            exercise=exercise
        )


class Migration(migrations.Migration):
    dependencies = [
        ("logbook", "0005_import_batches_own_names_missed_sets"),
        ("exercises", "0004_own_exercises"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
