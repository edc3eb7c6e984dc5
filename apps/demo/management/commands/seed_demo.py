"""Demo data for `make run`, created only when missing (apps/demo/seed.py), then the logins."""

from django.core.management.base import BaseCommand

from apps.demo.organizations import banner
from apps.demo.seed import seed_demo


class Command(BaseCommand):
    help = "Create the demo super-admin and organizations if they are missing, and print the logins."

    def handle(self, *args, **options):
        for line in seed_demo():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(banner()))
