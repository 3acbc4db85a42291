from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from logbook.services import rebuild_figures


class Command(BaseCommand):
    help = "Recompute every runner's per-exercise progress figures and record flags (safe to run any time)."

    def add_arguments(self, parser):
        parser.add_argument("usernames", nargs="*", help="Only these runners (default: everyone).")

    def handle(self, *args, usernames, **options):
        users = get_user_model().objects.all()
        if usernames:
            users = users.filter(username__in=usernames)
        count = 0
        for user_id in users.values_list("pk", flat=True).iterator():
            rebuild_figures(user_id)
            count += 1
        self.stdout.write(self.style.SUCCESS(f"Refreshed progress figures for {count} runner(s)."))
