from django.core.management.base import BaseCommand
from django.db import transaction

from exercises import content as exercise_content
from exercises.services import bump_content_version
from programs import content as program_content


class Command(BaseCommand):
    help = "Load (insert or update by slug) the exercise library and the program templates."

    def handle(self, *args, **options):
        with transaction.atomic():
            exercises = exercise_content.load()
            programs = program_content.load()
            bump_content_version()
        self.stdout.write(self.style.SUCCESS(f"Loaded {exercises} exercises and {programs} programs."))
