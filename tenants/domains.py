"""Writes on an organization's domains. The console and the platform API both call these.

Every organization keeps its own `{slug}.BASE_DOMAIN` (badge and certificate URLs issued on it must keep
resolving) and has exactly one primary domain, the host its emailed links use. Each change takes the
organization's row lock, so concurrent changes to one organization's domains run one after the other, and is
recorded in its event log. Saving or deleting a Domain drops the cached lookups of all the organization's
hosts after commit (signals.py).
"""

from django.conf import settings
from django.db import IntegrityError, transaction

from apps.core.errors import InvalidState, NotFound, PlanLimitReached, ValidationFailed

from .models import Domain, Organization, OrganizationEvent, PlanFeature, Subscription
from .services import SYSTEM, Actor, _record
from .validators import host_problems


def _lock(organization: Organization) -> Organization:
    if organization.is_public:
        raise InvalidState("The platform's own domains are not managed here.")
    return Organization.objects.select_for_update().get(pk=organization.pk)


def _locked_domain(domain: Domain) -> tuple[Organization, Domain]:
    organization = _lock(domain.tenant)
    locked = Domain.objects.select_for_update().filter(pk=domain.pk, tenant=organization).first()
    if locked is None:
        raise NotFound("This domain is not one of the organization's.")
    return organization, locked


def _require_custom_domains(organization: Organization) -> None:
    subscription = Subscription.objects.select_related("plan").filter(organization=organization).first()
    if subscription is None or not subscription.plan.has_feature(PlanFeature.CUSTOM_DOMAINS):
        plan = subscription.plan if subscription else None
        raise PlanLimitReached(
            f"The {plan.name if plan else 'current'} plan does not include custom domains. "
            "Upgrade the plan to add one.",
            details={"feature": PlanFeature.CUSTOM_DOMAINS.value, "plan": plan.code if plan else None},
        )


def domain_add(*, organization: Organization, domain: str, actor: Actor = SYSTEM) -> Domain:
    """Register `domain` (a host name, as typed) as a non-primary domain of `organization`."""
    host = domain.strip().lower()
    own = host == organization.host
    if problems := ([] if own else host_problems(host, base_host=settings.BASE_HOST)):
        raise ValidationFailed({"domain": problems})
    with transaction.atomic():
        organization = _lock(organization)
        if not own:
            _require_custom_domains(organization)
        taken = Domain.objects.filter(domain__iexact=host).values_list("tenant_id", flat=True).first()
        if taken is not None:
            raise ValidationFailed({"domain": [_taken_message(taken == organization.pk)]})
        try:
            with transaction.atomic():  # a savepoint: a lost race must not break the caller's transaction
                created = Domain.objects.create(tenant=organization, domain=host, is_primary=False)
        except IntegrityError as exc:  # registered by a concurrent request since the check above
            raise ValidationFailed({"domain": [_taken_message(False)]}) from exc
        _record(organization, organization.slug, OrganizationEvent.Action.DOMAIN_ADDED, actor, domain=host)
    return created


def _taken_message(own: bool) -> str:
    if own:
        return "The organization already has this domain."
    return "This domain belongs to another organization."


def domain_remove(*, domain: Domain, actor: Actor = SYSTEM) -> None:
    """Remove a domain. Never the organization's own `{slug}.BASE_DOMAIN`, nor its primary domain."""
    with transaction.atomic():
        organization, locked = _locked_domain(domain)
        if locked.domain == organization.host:
            raise InvalidState(
                f"{locked.domain} is the organization's own address: badges and certificates issued on it "
                "must keep resolving, so it cannot be removed."
            )
        if locked.is_primary:
            raise InvalidState(f"{locked.domain} is the primary domain: make another domain primary first.")
        locked.delete()
        _record(
            organization,
            organization.slug,
            OrganizationEvent.Action.DOMAIN_REMOVED,
            actor,
            domain=locked.domain,
        )


def domain_make_primary(*, domain: Domain, actor: Actor = SYSTEM) -> Domain:
    """Make `domain` its organization's primary domain (the host of every link the platform sends out)."""
    with transaction.atomic():
        organization, locked = _locked_domain(domain)
        if locked.is_primary:
            return locked
        previous = list(
            Domain.objects.select_for_update()
            .filter(tenant=organization, is_primary=True)
            .values_list("domain", flat=True)
        )
        locked.is_primary = True
        locked.save(update_fields=["is_primary"])  # DomainMixin.save clears the others' flag with an UPDATE
        _record(
            organization,
            organization.slug,
            OrganizationEvent.Action.PRIMARY_DOMAIN_CHANGED,
            actor,
            domain=locked.domain,
            previous=previous[0] if previous else None,
        )
    return locked
