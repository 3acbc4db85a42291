"""Any change to library or program content (admin edits, a content reload) invalidates cached pages."""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from config.cache import bump


def content_changed(**kwargs):
    transaction.on_commit(lambda: bump("content"))


def connect():
    from exercises.models import Equipment, Exercise, Muscle, Source
    from programs.models import Prescription, Program, ProgramWeek, Workout

    for model in (Muscle, Equipment, Source, Exercise, Program, ProgramWeek, Workout, Prescription):
        post_save.connect(content_changed, sender=model, dispatch_uid=f"content-save-{model.__name__}")
        post_delete.connect(content_changed, sender=model, dispatch_uid=f"content-delete-{model.__name__}")
    for through in (
        Exercise.primary_muscles.through,
        Exercise.secondary_muscles.through,
        Exercise.equipment.through,
        Exercise.harder.through,
        Exercise.sources.through,
        Program.equipment.through,
        Program.sources.through,
    ):
        m2m_changed.connect(content_changed, sender=through, dispatch_uid=f"content-m2m-{through.__name__}")
