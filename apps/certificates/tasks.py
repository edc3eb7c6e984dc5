"""The certificates app's Celery tasks, found by the worker's autodiscovery (which imports `<app>.tasks`):
each part keeps its own tasks next to its services."""

from .issuing.tasks import render_certificate, run_bulk_job

__all__ = ["render_certificate", "run_bulk_job"]
