from django.core.management.base import BaseCommand

from exercises import content as exercise_content
from programs import content as program_content


class Command(BaseCommand):
    help = "Load (insert or update by slug) the exercise library and the program templates."

    def handle(self, *args, **options):
        exercises = exercise_content.load()
        programs = program_content.load()
        self.stdout.write(self.style.SUCCESS(f"Loaded {exercises} exercises and {programs} programs."))
