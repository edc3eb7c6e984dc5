"""Reads on API keys. Only Org Admins see an organization's keys; anyone else sees none."""

from django.db.models import Case, CharField, Q, QuerySet, Value, When
from django.db.models.functions import Now

from apps.accounts.permissions import scope_of
from tenants.limits import current_subscription
from tenants.models import PlanFeature

from .models import ApiKey


def api_key_list(*, viewer) -> QuerySet[ApiKey]:
    """Every key of the organization with who made and revoked it, and `status` (active, expired,
    revoked) annotated for filtering and sorting."""
    if not scope_of(viewer).is_org_admin:
        return ApiKey.objects.none()
    return ApiKey.objects.select_related("created_by", "revoked_by").annotate(
        status=Case(
            When(revoked_at__isnull=False, then=Value(ApiKey.Status.REVOKED)),
            When(Q(expires_at__isnull=False) & Q(expires_at__lte=Now()), then=Value(ApiKey.Status.EXPIRED)),
            default=Value(ApiKey.Status.ACTIVE),
            output_field=CharField(),
        )
    )


def api_key_get(*, viewer, pk) -> ApiKey | None:
    return api_key_list(viewer=viewer).filter(pk=pk).first() if str(pk).isdigit() else None


def api_access_plan() -> tuple[bool, str]:
    """Whether the active organization's plan includes API access, and the plan's name. Read fresh (one
    query), so a plan that loses the feature stops its keys on the very next request."""
    subscription = current_subscription()
    if subscription is None:
        return False, ""
    return subscription.plan.has_feature(PlanFeature.API_ACCESS), subscription.plan.name
