"""A Celery worker finds every assessments task by autodiscovery (it imports `<app>.tasks` only), so the
beat schedule's overdue sweep, the import jobs and the statistics recompute run outside eager mode too.
Checked in a fresh interpreter, as a worker starts: this test process has imported the tasks already."""

import json
import subprocess
import sys

from django.conf import settings

WORKER = """
import json, django
django.setup()
from config.celery import app
app.loader.import_default_modules()
print(json.dumps(sorted(name for name in app.tasks if name.startswith("apps.assessments."))))
"""


def test_the_worker_finds_every_assessments_task_and_the_beat_schedule_names_a_real_one():
    run = subprocess.run(
        [sys.executable, "-c", WORKER], capture_output=True, text=True, timeout=120, check=True
    )
    found = set(json.loads(run.stdout.strip().splitlines()[-1]))

    assert {
        "apps.assessments.analytics.tasks.recompute_statistics",
        "apps.assessments.attempts.tasks.process_overdue_attempts",
        "apps.assessments.attempts.tasks.process_overdue_attempts_everywhere",
        "apps.assessments.transfer.tasks.run_transfer",
    } <= found
    assert settings.CELERY_BEAT_SCHEDULE["process-overdue-attempts"]["task"] in found
