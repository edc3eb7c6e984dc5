"""Writes of the Open Badges part: the organization's issuer profile and its signing keys.

Both are made on first use. The badge.awarded subscriber (subscribers.py) makes them when the first badge is
awarded, so the public documents, which are read-only, normally find them; a document asked for before that
(a badge page opened before any award) makes them then, once (an advisory lock per schema)."""

from django.db import connection, transaction

from tenants.identity import current_organization

from ..models import IssuerProfile
from .keys import signing_key_current, signing_key_rotate

__all__ = ["issuer_ensure", "openbadges_prepare", "signing_key_current", "signing_key_rotate"]


def _issuer_defaults() -> dict:
    organization = current_organization()
    if organization is None:
        raise LookupError(f"No organization owns the schema {connection.schema_name!r}.")
    settings_row = getattr(organization, "settings", None)
    name = (getattr(settings_row, "display_name", "") or organization.name)[:200]
    base_url = organization.base_url
    return {
        "name": name,
        "url": base_url + "/",
        "email": organization.admin_email,
        "origin": base_url,
    }


def issuer_ensure() -> IssuerProfile:
    """The organization's issuer profile, made on first use from its name (the display name when set), its
    base URL (which becomes the issuer's `origin`: public ids stay on it) and its admin's email."""
    issuer = IssuerProfile.objects.order_by("pk").first()
    if issuer is not None:
        return issuer
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(hashtext(%s))", [f"{connection.schema_name}:ob-issuer"]
            )
        issuer = IssuerProfile.objects.order_by("pk").first()
        if issuer is None:
            issuer = IssuerProfile(**_issuer_defaults())
            issuer.full_clean()
            issuer.save()
    return issuer


def openbadges_prepare() -> None:
    """Make the issuer profile and the signing key if they do not exist yet (the first award does)."""
    issuer_ensure()
    signing_key_current()
