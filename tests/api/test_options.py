"""`OPTIONS` on every API route of both hosts answers without running the view: 200 with what it allows,
renders and parses for whoever may use it, a 4xx in the envelope for whoever may not, never a 500. The
routes are read from the URLconfs, so a new endpoint is covered the day it is added."""

import re

import pytest

from tests.conftest import client_for, jwt_for, person
from tests.urls import routes

from .helpers import assert_ok

PARAMETER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
SAMPLE = {"int": "1", "str": "x", "slug": "x", "path": "x", "uuid": "00000000-0000-0000-0000-000000000000"}


def api_routes(urlconf: str) -> list[str]:
    """Every `api/v1/...` route of `urlconf` with its parameters filled in (ids 1)."""
    found: set[str] = set()
    for route, _ in routes(urlconf):
        if route.startswith("api/v1/"):
            filled = PARAMETER.sub(lambda m: SAMPLE[m["converter"] or "str"], route)
            if "^" not in filled and "(" not in filled:  # the catch-all regex 404
                found.add("/" + filled)
    return sorted(found)


DOCUMENTATION = {"/api/v1/docs/", "/api/v1/redoc/"}  # HTML pages: OPTIONS answers 405 there
PLATFORM_ROUTES = api_routes("config.urls_public")
ORG_ROUTES = api_routes("config.urls_tenant")


def test_the_walk_finds_the_detail_routes():
    assert "/api/v1/organizations/1" in PLATFORM_ROUTES
    assert {"/api/v1/users/1", "/api/v1/courses/1", "/api/v1/content/1/versions/1"} <= set(ORG_ROUTES)
    assert len(ORG_ROUTES) > 50


@pytest.mark.parametrize("path", PLATFORM_ROUTES)
def test_options_on_every_platform_route_answers_the_operator(operator_client, path):
    response = operator_client.options(path)

    assert response.status_code < 500, response.content
    if response.status_code == 200 and response["Content-Type"] == "application/json":
        data = assert_ok(response)
        if isinstance(data, dict) and "methods" in data:
            assert "OPTIONS" in data["methods"]
            assert response["Allow"]


@pytest.mark.parametrize("path", ORG_ROUTES)
def test_options_on_every_org_route_answers_each_role(acme, acme_admin, path):
    callers = {"anonymous": client_for("acme")}
    callers["org_admin"] = client_for("acme", token=jwt_for(acme, acme_admin))
    for local in ("manager", "teacher", "student"):
        callers[local] = client_for("acme", token=jwt_for(acme, person(acme, local)))

    answers = {role: client.options(path) for role, client in callers.items()}

    assert {role: r.status_code for role, r in answers.items() if r.status_code >= 500} == {}
    admin = answers["org_admin"]
    assert admin.status_code in (200, 404) or path in DOCUMENTATION, admin.content
    for response in answers.values():
        if response["Content-Type"] == "application/json":  # the envelope, except on the docs and schema
            assert response.json()["success"] is (response.status_code == 200)


def test_options_on_a_detail_route_says_what_it_allows(acme, acme_admin_client, acme_admin):
    response = acme_admin_client.options(f"/api/v1/users/{acme_admin.pk}")

    data = assert_ok(response)
    assert data["methods"] == sorted(data["methods"])
    assert {"GET", "PATCH", "OPTIONS"} <= set(data["methods"])
    assert data["renders"] == ["application/json"]
    assert data["schema"] == "/api/v1/schema/"
    assert "actions" not in data


def test_options_on_a_platform_detail_route(operator_client, acme):
    data = assert_ok(operator_client.options(f"/api/v1/organizations/{acme.pk}"))

    assert {"GET", "PUT", "PATCH", "DELETE"} <= set(data["methods"])
