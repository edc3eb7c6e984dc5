"""Background work of the tenants app. Thin: each task calls into tenants/template.py."""

from celery import shared_task


@shared_task(ignore_result=True)
def refill_spare_schemas() -> dict:
    """Keep settings.TENANT_SPARE_SCHEMAS spare schemas of the current migration state ready (queued after
    each provisioning that used one; also safe to run from beat or after migrate_schemas)."""
    from .template import refill_spare_schemas as refill

    return refill(budget_seconds=60)
