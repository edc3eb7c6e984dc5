"""Isolation and role rows of badges (apps/badges), one file per part: isolation_core.py (definitions, awards,
progress, "My achievements") and isolation_openbadges.py (the public Open Badges documents), joined by
tests/isolation/parts.py."""

from tests.isolation.parts import joined

API_ENDPOINTS, PAGES, PAGE_ACTIONS, ANONYMOUS_API_ENDPOINTS, TARGET_GROUPS = joined(
    "tests.badges", {"core": "bcore_", "openbadges": "ob_"}
)
