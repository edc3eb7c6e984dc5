"""Isolation rows of the organization API (tenants/api/org_views.py): the caller's own organization and its
settings; and of the settings page beside it (tenants/pages). Placeholders: {org_id}."""

from tests.isolation.entries import Endpoint, Page, scoped

API_ENDPOINTS = scoped(
    "organization",
    [
        Endpoint("GET", "/api/v1/organizations"),
        Endpoint("GET", "/api/v1/organizations/{org_id}", has_object=True),
        Endpoint(
            "PUT",
            "/api/v1/organizations/{org_id}",
            {"name": "Renamed by an intruder"},
            allowed_roles=("org_admin",),
            has_object=True,
        ),
        Endpoint("GET", "/api/v1/organizations/{org_id}/settings", has_object=True),
        Endpoint(
            "PUT",
            "/api/v1/organizations/{org_id}/settings",
            {"display_name": "Hijacked"},
            allowed_roles=("org_admin",),
            has_object=True,
        ),
    ],
)

PAGES = [
    Page("/manage/settings/"),
    Page("/manage/branding/logo", public=True),
]


def targets(organization) -> dict[str, str]:
    return {"org_id": str(organization.pk)}
