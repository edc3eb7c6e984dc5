"""Isolation and role rows of the audit log (apps/audit): Org Admins only. No placeholders."""

from tests.isolation.entries import Endpoint, Page, scoped

API_ENDPOINTS = scoped(
    "audit",
    [
        Endpoint("GET", "/api/v1/audit-log", allowed_roles=("org_admin",)),
    ],
)

PAGES = [
    Page("/manage/audit/"),
]
