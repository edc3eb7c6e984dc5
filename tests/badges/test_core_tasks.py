"""A Celery worker finds the badges' activation backfill by autodiscovery (it imports `<app>.tasks` only).
Checked in a fresh interpreter, as a worker starts: this test process has imported the tasks already."""

import json
import subprocess
import sys

WORKER = """
import json, django
django.setup()
from config.celery import app
app.loader.import_default_modules()
print(json.dumps(sorted(name for name in app.tasks if name.startswith("apps.badges."))))
"""


def test_the_worker_finds_the_badges_backfill_task():
    run = subprocess.run(
        [sys.executable, "-c", WORKER], capture_output=True, text=True, timeout=120, check=True
    )
    found = set(json.loads(run.stdout.strip().splitlines()[-1]))
    assert "apps.badges.core.tasks.badge_backfill" in found
