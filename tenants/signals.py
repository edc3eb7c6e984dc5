"""Drop cached host resolutions after any change to an organization or its domains commits."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Domain, Organization, OrganizationSettings, Subscription
from .resolution import forget_hosts


def _forget_org(organization_id: int, extra_hosts: tuple[str, ...] = ()) -> None:
    hosts = list(Domain.objects.filter(tenant_id=organization_id).values_list("domain", flat=True))
    forget_hosts([*hosts, *extra_hosts])


@receiver(post_save, sender=Organization)
@receiver(post_delete, sender=Organization)
def organization_changed(sender, instance: Organization, **kwargs) -> None:
    hosts = tuple(Domain.objects.filter(tenant_id=instance.pk).values_list("domain", flat=True))
    transaction.on_commit(lambda: forget_hosts([*hosts, instance.host]))


@receiver(post_save, sender=Domain)
@receiver(post_delete, sender=Domain)
def domain_changed(sender, instance: Domain, **kwargs) -> None:
    # Every host of the organization: a cached resolution carries its domains (the primary one is the host of
    # its emailed links), and making one primary flips the others' flag with an UPDATE that sends no signal.
    transaction.on_commit(lambda: _forget_org(instance.tenant_id, (instance.domain,)))


@receiver(post_save, sender=OrganizationSettings)
@receiver(post_save, sender=Subscription)
def organization_detail_changed(sender, instance, **kwargs) -> None:
    # The cached organization carries its settings and plan for page rendering.
    org_id = instance.organization_id
    transaction.on_commit(lambda: _forget_org(org_id))
