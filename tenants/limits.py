"""Plan limits, enforced where the limited thing is created, with PLAN_LIMIT_REACHED."""

from django.conf import settings
from django.db import connection

from apps.core.errors import PlanLimitReached

from .models import Organization, Subscription

LIMIT_LABELS = {
    "max_active_users": "active users",
    "max_courses": "courses",
    "max_storage_mb": "MB of storage",
}


def current_subscription() -> Subscription | None:
    """The subscription of the organization whose schema is active (None on the platform)."""
    schema = connection.schema_name
    if schema == settings.PUBLIC_SCHEMA_NAME:
        return None
    return Subscription.objects.select_related("plan").filter(organization__schema_name=schema).first()


def effective_limit(subscription: Subscription, limit: str) -> int | None:
    if limit == "max_active_users" and subscription.seats:
        return subscription.seats
    return getattr(subscription.plan, limit)


def enforce_limit(*, limit: str, current: int, adding: int = 1) -> None:
    subscription = current_subscription()
    if subscription is None:
        return
    maximum = effective_limit(subscription, limit)
    if maximum is not None and current + adding > maximum:
        label = LIMIT_LABELS.get(limit, limit)
        raise PlanLimitReached(
            f"The {subscription.plan.name} plan allows {maximum} {label}; this would make {current + adding}. "
            "Upgrade the plan or free some up.",
            details={"limit": limit, "maximum": maximum, "current": current, "plan": subscription.plan.code},
        )


def organization_for_schema(schema_name: str) -> Organization | None:
    return Organization.objects.filter(schema_name=schema_name).first()
