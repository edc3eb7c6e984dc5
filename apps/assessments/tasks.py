"""The assessments app's Celery tasks, found by the worker's autodiscovery (which imports `<app>.tasks`):
each part keeps its own tasks next to its services."""

from .analytics.tasks import recompute_statistics
from .attempts.tasks import process_overdue_attempts, process_overdue_attempts_everywhere
from .transfer.tasks import run_transfer

__all__ = [
    "process_overdue_attempts",
    "process_overdue_attempts_everywhere",
    "recompute_statistics",
    "run_transfer",
]
