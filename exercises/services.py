"""Writes to the library's bookkeeping."""

from django.db.models import F

from .models import ContentVersion


def bump_content_version():
    """Mark library or program content as changed: cached pages keyed by the old number are no longer used.

    Called once by `load_content` and by every admin save or delete of content, inside their transaction,
    so the new number is seen by every web process with the commit.
    """
    if not ContentVersion.objects.filter(pk=1).update(number=F("number") + 1):
        ContentVersion.objects.get_or_create(pk=1, defaults={"number": 2})
