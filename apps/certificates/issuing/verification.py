"""Public verification, shared by the page and the JSON API: anyone, no sign-in, on the organization's host.

Each IP gets CERTIFICATE_VERIFY_RATE lookups a minute per organization (the project's fixed-window counter
in the `platform` cache, apps.core.api.throttling); above it the lookup is refused (429) before the database
is read. Every lookup under the limit is logged (services.verification_record), found or not. An unknown key
answers exactly as a key of another organization, or a malformed one: not found, nothing more."""

import ipaddress
from dataclasses import dataclass

from django.conf import settings
from django.db import connection

from apps.core.api.throttling import RateLimitState, client_ip, hit

from ..models import Certificate
from . import selectors, services

RATE_PER_MINUTE = getattr(settings, "CERTIFICATE_VERIFY_RATE", 30)
WINDOW = 60


@dataclass
class Lookup:
    certificate: Certificate | None
    state: RateLimitState

    @property
    def limited(self) -> RateLimitState | None:
        return self.state if self.state.exceeded else None


def _limit(request) -> RateLimitState:
    return hit(f"{connection.schema_name}:verify:ip:{client_ip(request)}", RATE_PER_MINUTE, WINDOW)


def verify(request, key: str, *, channel: str, uuid_only: bool = False) -> Lookup:
    """Look `key` up (a code or a verify uuid; only a uuid with `uuid_only`) for `request`, rate-limited and
    logged."""
    state = _limit(request)
    if state.exceeded:
        return Lookup(None, state)
    key = str(key or "").strip()[:64]
    if uuid_only or len(key) >= 32:
        certificate = selectors.certificate_by_uuid(key) if len(key) >= 32 else None
    else:
        certificate = selectors.certificate_by_code(key)
    try:
        remote = str(ipaddress.ip_address(client_ip(request)))
    except ValueError:
        remote = None
    services.verification_record(
        certificate=certificate,
        looked_up=key,
        channel=channel,
        ip=remote,
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
    )
    return Lookup(certificate, state)
