"""Host -> organization, cached so that a warm request costs no database query to route.

Entries live in the shared `platform` cache (Redis in production, so every process sees an invalidation)
and are dropped after commit whenever an organization or one of its domains changes (see signals.py).
"""

from django.conf import settings
from django.core.cache import caches

from .models import Domain, Organization

_MISSING = "__missing__"


def _key(hostname: str) -> str:
    return f"tenant-host:{hostname.lower()}"


def organization_for_host(hostname: str) -> Organization | None:
    cache = caches["platform"]
    cached = cache.get(_key(hostname))
    if cached == _MISSING:
        return None
    if cached is not None:
        return cached
    domain = (
        Domain.objects.select_related("tenant", "tenant__settings", "tenant__subscription__plan")
        .filter(domain__iexact=hostname)
        .first()
    )
    organization = domain.tenant if domain else None
    # Unknown hosts are cached briefly too, so a flood of bogus hosts cannot hammer the database.
    cache.set(
        _key(hostname),
        organization or _MISSING,
        timeout=settings.TENANT_CACHE_SECONDS if organization else 30,
    )
    return organization


def forget_hosts(hostnames: list[str]) -> None:
    caches["platform"].delete_many([_key(h) for h in hostnames])
