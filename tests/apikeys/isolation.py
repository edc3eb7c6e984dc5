"""Isolation and role rows of API keys (apps/apikeys): managing keys is for Org Admins, and closed to API
keys themselves. Placeholders: {api_key_id}, filled inside the organization's schema (tests/isolation/
registry.py collects every app's targets)."""

from tests.isolation.entries import Endpoint, Page

API_ENDPOINTS = [
    Endpoint("GET", "/api/v1/api-keys", allowed_roles=("org_admin",)),
    Endpoint(
        "POST",
        "/api/v1/api-keys",
        {"name": "Intruder key", "scopes": ["users:write"]},
        allowed_roles=("org_admin",),
    ),
    Endpoint("GET", "/api/v1/api-keys/scopes", allowed_roles=("org_admin",)),
    Endpoint("GET", "/api/v1/api-keys/{api_key_id}", allowed_roles=("org_admin",), has_object=True),
    Endpoint("DELETE", "/api/v1/api-keys/{api_key_id}", allowed_roles=("org_admin",), has_object=True),
]

PAGES = [
    Page("/manage/api-keys/"),
    Page("/manage/api-keys/{api_key_id}/revoke/", has_object=True),
]


def targets(organization) -> dict[str, str]:
    return {"api_key_id": api_key_id(organization)}


def api_key_id(organization) -> str:
    """An API key of the active schema's organization with an id no other organization uses (see
    tests/hierarchy/isolation.py: hierarchy_ids), made once; written directly, as globex's plan has no API
    access."""
    from apps.accounts.models import RoleAssignment
    from apps.apikeys import keys
    from apps.apikeys.models import ApiKey

    pk = 1_000_000 + organization.pk
    if not ApiKey.objects.filter(pk=pk).exists():
        admin = RoleAssignment.objects.filter(role="org_admin").select_related("user").first().user
        prefix, secret = keys.generate_prefix(), keys.generate_secret()
        ApiKey.objects.create(
            pk=pk,
            name="Isolation key",
            prefix=prefix,
            last_four=secret[-4:],
            scopes=["organization:read"],
            key_hash=keys.hash_key(keys.format_key(prefix, secret)),
            created_by=admin,
        )
    return str(pk)
