"""Carry DRF's plain-text tokens (rest_framework.authtoken, no longer installed) over as hashed ApiTokens.

Each old key keeps working: it is stored as its SHA-256, and the plain-text row is deleted. The old table
is left empty, not dropped (its app is gone, so no migration of ours owns it). See docs/decisions.md.
"""

import hashlib

from django.db import migrations


def move_tokens(apps, schema_editor):
    connection = schema_editor.connection
    if "authtoken_token" not in connection.introspection.table_names():
        return
    ApiToken = apps.get_model("accounts", "ApiToken")
    User = apps.get_model("auth", "User")
    with connection.cursor() as cursor:
        cursor.execute("SELECT key, user_id, created FROM authtoken_token")
        rows = cursor.fetchall()
    passwords = dict(User.objects.filter(pk__in=[row[1] for row in rows]).values_list("pk", "password"))
    for key, user_id, created in rows:
        token = ApiToken.objects.create(
            user_id=user_id,
            name="API",
            digest=hashlib.sha256(key.encode()).hexdigest(),
            prefix=key[:8],
            password_mark=hashlib.sha256(passwords[user_id].encode()).hexdigest(),
        )
        ApiToken.objects.filter(pk=token.pk).update(created_at=created)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM authtoken_token")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_api_tokens_hashed"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(move_tokens, migrations.RunPython.noop)]
