"""Celery app. Tasks carry the schema they were queued from (tenant-schemas-celery) and run there."""

import os

from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = CeleryApp("learnstack")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
