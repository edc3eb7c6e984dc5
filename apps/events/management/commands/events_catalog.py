"""Print the event catalog as Markdown, or write it to a file (the committed docs/events.md):

python manage.py events_catalog                        # to stdout
python manage.py events_catalog --write docs/events.md
python manage.py events_catalog --check docs/events.md # exit 1 if the file is stale
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Render the event catalog (every declared event with its payload) as Markdown."

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--write", metavar="PATH", help="write the page to PATH")
        group.add_argument("--check", metavar="PATH", help="fail if PATH differs from the generated page")

    def handle(self, *args, **options):
        from apps.events.docs import render

        page = render()
        if options["write"]:
            Path(options["write"]).write_text(page, encoding="utf-8")
            self.stdout.write(f"Wrote {options['write']}.")
        elif options["check"]:
            path = Path(options["check"])
            if not path.exists() or path.read_text(encoding="utf-8") != page:
                raise CommandError(f"{path} is stale: run `python manage.py events_catalog --write {path}`.")
            self.stdout.write(f"{path} is up to date.")
        else:
            self.stdout.write(page, ending="")
