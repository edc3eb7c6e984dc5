"""Every organization endpoint, page and form action, for the cross-tenant, cross-role and API-key matrices,
collected from the apps' own lists.

Each app keeps its rows next to its tests, in tests/<app>/isolation.py, exporting any of

    API_ENDPOINTS            Endpoint rows of /api/v1/ (roles allowed, API-key scope)
    PAGES, PAGE_ACTIONS      pages of the org's host and their form POSTs
    ANONYMOUS_API_ENDPOINTS  endpoints anyone may call without credentials (tests/accounts/
                             test_auth_isolation.py)
    targets(organization)    values for its placeholders, called inside the organization's schema

and this module finds every such file (a new app's is picked up without editing anything here). The rows
are checked in tests/isolation/test_cross_tenant.py and test_api_keys.py; test_route_coverage.py fails for a
route that no row reaches.
"""

from importlib import import_module
from pathlib import Path

from django_tenants.utils import schema_context

TESTS = Path(__file__).resolve().parent.parent


def _app_modules() -> list:
    """tests/<app>/isolation.py for every app, in name order."""
    return [
        import_module(f"tests.{path.parent.name}.isolation") for path in sorted(TESTS.glob("*/isolation.py"))
    ]


APP_MODULES = _app_modules()


def _collected(name: str) -> list:
    return [row for module in APP_MODULES for row in getattr(module, name, [])]


API_ENDPOINTS = _collected("API_ENDPOINTS")
PAGES = _collected("PAGES")
PAGE_ACTIONS = _collected("PAGE_ACTIONS")
ANONYMOUS_API_ENDPOINTS = _collected("ANONYMOUS_API_ENDPOINTS")


def targets(organization) -> dict[str, str]:
    """Ids of real objects inside `organization`, for every app's placeholders. Two apps may not fill the
    same placeholder differently."""
    values: dict[str, str] = {}
    with schema_context(organization.schema_name):
        for module in APP_MODULES:
            if not hasattr(module, "targets"):
                continue
            for key, value in module.targets(organization).items():
                assert values.get(key, value) == value, f"{module.__name__} fills {{{key}}} differently"
                values[key] = value
    return values


def fill(path: str, values: dict[str, str]) -> str:
    return path.format(**values)
