"""The badges app's Celery tasks, found by the worker's autodiscovery (which imports `<app>.tasks`): each part
keeps its own tasks next to its services."""

from .core.tasks import badge_backfill

__all__ = ["badge_backfill"]
