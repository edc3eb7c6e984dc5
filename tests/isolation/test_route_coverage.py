"""Every route of both URLconfs is in an isolation matrix or exempt with a written reason.

A new endpoint or page cannot skip the cross-tenant and cross-role checks: adding it to a URLconf without a
row in its app's tests/<app>/isolation.py (organization hosts) or in tests/console/test_access.py (the
platform host) fails here, naming the route. Coverage is decided by Django's own resolver: each matrix path, with its
placeholders filled, is resolved against the URLconf, and the route it lands on counts as covered.
"""

import re
import sys
import types

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.urls import Resolver404, path, resolve

from tests.urls import routes

from .registry import ANONYMOUS_API_ENDPOINTS, API_ENDPOINTS, PAGE_ACTIONS, PAGES

TENANT_URLCONF = settings.ROOT_URLCONF
PUBLIC_URLCONF = settings.PUBLIC_SCHEMA_URLCONF

# Routes of organization hosts outside the matrix, each with the reason and where it is tested instead.
TENANT_EXEMPT = {
    "healthz": "liveness probe: no session, no tenant data (tests/tenants/test_routing.py)",
    "api/v1/schema/": "the OpenAPI document: the same for every organization, no data (tests/api/test_openapi.py)",
    "api/v1/docs/": "Swagger UI shell for the schema, no data (tests/browser/test_security_policy.py)",
    "api/v1/redoc/": "ReDoc shell for the schema, no data (tests/browser/test_security_policy.py)",
    "api/v1/auth/logout": "ends the caller's own session or token only (tests/api/test_auth_tokens.py)",
    "^api/": "the JSON 404 for unknown /api/ paths: answers the same for every path (tests/api/test_envelope.py)",
}

# Routes of the platform host outside tests/console/test_access.py.
PUBLIC_EXEMPT_PREFIXES = {
    "admin/": "Django's admin, for platform staff only (is_staff on the public schema); never on org hosts",
    "api/v1/": "the platform API: operators' tokens only, refused on org hosts (tests/tenants/test_org_api.py, "
    "tests/isolation/test_cross_tenant.py::test_platform_token_is_refused_on_org_hosts)",
    "^api/": "the JSON 404 for unknown /api/ paths",
    "healthz": "liveness probe: no session, no data",
    "console/login/": "the console's sign-in form (tests/console/test_login.py)",
    "console/logout/": "signs the operator out (tests/console/test_login.py)",
}
PUBLIC_EXEMPT_EXACT = {
    "": "the platform's landing page: public, names no organization (tests/console/test_access.py)",
}


def _normal(route: str) -> str:
    """A route as Django's resolver joins it: a regex include's leading `^` dropped."""
    return route.replace("/^", "/")


def _route_key(url: str, urlconf: str) -> str | None:
    """The route that `url` resolves to, or None."""
    try:
        match = resolve(url, urlconf=urlconf)
    except Resolver404:
        return None
    return _normal(match.route)


def _concrete(template: str) -> str:
    """A matrix path with its placeholders filled by a value every converter accepts."""
    template = re.sub(r"\{[a-z_]+_uid\}", "00000000-0000-4000-8000-000000000001", template)  # <uuid:...>
    return re.sub(r"\{[a-z_]+\}", "1", template).split("?", 1)[0]


def covered_routes(paths, urlconf: str) -> set[str]:
    return {key for key in (_route_key(_concrete(p), urlconf) for p in paths) if key is not None}


def uncovered(urlconf: str, paths, exempt=None, exempt_prefixes=None) -> list[str]:
    """Routes of `urlconf` that no path of `paths` resolves to and that no exemption names."""
    exempt = exempt or {}
    exempt_prefixes = exempt_prefixes or {}
    covered = covered_routes(paths, urlconf)
    missing = []
    for route, _ in routes(urlconf):
        route = _normal(route)
        if route in covered or route in exempt or any(route.startswith(p) for p in exempt_prefixes):
            continue
        missing.append(route)
    return sorted(set(missing))


def tenant_matrix_paths() -> list[str]:
    return [e.path for e in API_ENDPOINTS + ANONYMOUS_API_ENDPOINTS] + [p.path for p in PAGES + PAGE_ACTIONS]


def console_matrix_paths() -> list[str]:
    from tests.console.test_access import REQUESTS, _request

    class _Fake:
        pk = 1

    plans = {code: _Fake() for code in ("starter", "growth", "enterprise")}
    return [_request(name, _Fake(), plans)[1] for name in REQUESTS]


def test_every_organization_route_is_in_the_matrix_or_exempt_with_a_reason():
    missing = uncovered(TENANT_URLCONF, tenant_matrix_paths(), exempt=TENANT_EXEMPT)

    assert not missing, (
        "routes on organization hosts with no isolation-matrix row (add an Endpoint/Page/PageAction in "
        f"tests/<app>/isolation.py, or an exemption with a reason): {missing}"
    )


def test_every_platform_route_is_in_the_console_matrix_or_exempt_with_a_reason():
    missing = uncovered(
        PUBLIC_URLCONF,
        console_matrix_paths(),
        exempt=PUBLIC_EXEMPT_EXACT,
        exempt_prefixes=PUBLIC_EXEMPT_PREFIXES,
    )

    assert not missing, f"platform routes outside tests/console/test_access.py and the exemptions: {missing}"


def test_exemptions_name_real_routes_and_say_why():
    tenant_routes = {_normal(route) for route, _ in routes(TENANT_URLCONF)}
    public_routes = {_normal(route) for route, _ in routes(PUBLIC_URLCONF)}

    assert set(TENANT_EXEMPT) <= tenant_routes, set(TENANT_EXEMPT) - tenant_routes
    assert set(PUBLIC_EXEMPT_EXACT) <= public_routes
    for prefix in PUBLIC_EXEMPT_PREFIXES:
        assert any(r.startswith(prefix) for r in public_routes), prefix
    for reason in [*TENANT_EXEMPT.values(), *PUBLIC_EXEMPT_PREFIXES.values(), *PUBLIC_EXEMPT_EXACT.values()]:
        assert len(reason) > 20


def test_exempt_routes_are_not_also_in_the_matrix():
    covered = covered_routes(tenant_matrix_paths(), TENANT_URLCONF)

    assert not covered & set(TENANT_EXEMPT), "drop these exemptions: the matrix covers them"


@pytest.fixture
def urlconf_with_a_throwaway_route():
    """The organization URLconf plus one new page, as a module of its own."""
    from importlib import import_module

    base = import_module(TENANT_URLCONF)
    module = types.ModuleType("tests.isolation._throwaway_urls")
    module.urlpatterns = [
        path("manage/throwaway/<int:pk>/", lambda request, pk: HttpResponse()),
        *base.urlpatterns,
    ]
    sys.modules[module.__name__] = module
    yield module.__name__
    del sys.modules[module.__name__]


def test_a_route_added_without_a_matrix_row_is_reported(urlconf_with_a_throwaway_route):
    missing = uncovered(urlconf_with_a_throwaway_route, tenant_matrix_paths(), exempt=TENANT_EXEMPT)

    assert missing == ["manage/throwaway/<int:pk>/"]


def test_a_matrix_row_for_the_route_covers_it(urlconf_with_a_throwaway_route):
    paths = [*tenant_matrix_paths(), "/manage/throwaway/{user_id}/"]

    assert uncovered(urlconf_with_a_throwaway_route, paths, exempt=TENANT_EXEMPT) == []
