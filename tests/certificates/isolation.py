"""Isolation and role rows of certificates (apps/certificates), one file per part: isolation_templating.py
and isolation_issuing.py, joined by tests/isolation/parts.py."""

from tests.isolation.parts import joined

API_ENDPOINTS, PAGES, PAGE_ACTIONS, ANONYMOUS_API_ENDPOINTS, TARGET_GROUPS = joined(
    "tests.certificates", {"templating": "tpl_", "issuing": "cert_"}
)
