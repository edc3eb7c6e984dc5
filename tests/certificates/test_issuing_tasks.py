"""A Celery worker finds the issuing tasks by autodiscovery (it imports `apps.certificates.tasks` only), so
rendering and bulk jobs run outside eager mode too. Checked in a fresh interpreter, as a worker starts."""

import json
import subprocess
import sys

WORKER = """
import json, django
django.setup()
from config.celery import app
app.loader.import_default_modules()
print(json.dumps(sorted(name for name in app.tasks if name.startswith("apps.certificates."))))
"""


def test_the_worker_finds_the_render_and_bulk_tasks():
    run = subprocess.run(
        [sys.executable, "-c", WORKER], capture_output=True, text=True, timeout=120, check=True
    )

    found = set(json.loads(run.stdout.strip().splitlines()[-1]))

    assert {
        "apps.certificates.issuing.tasks.render_certificate",
        "apps.certificates.issuing.tasks.run_bulk_job",
    } <= found
