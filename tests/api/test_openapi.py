"""The OpenAPI document on each host describes that host's API, in the envelope; the docs pages load
only assets the app serves itself (no CDN)."""

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import URLPattern, URLResolver, get_resolver

from tests.conftest import client_for

SCHEMA = "/api/v1/schema/"
ENVELOPE_KEYS = ["success", "data", "meta", "error"]
ERROR_REF = {"$ref": "#/components/schemas/ErrorEnvelope"}
DOC_PATHS = {"/api/v1/schema/", "/api/v1/docs/", "/api/v1/redoc/"}


def schema_of(host):
    response = client_for(host).get(SCHEMA, {"format": "json"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi+json")
    return response.json()


def routed_api_paths(urlconf: str) -> set[str]:
    """`/api/...` routes of a URLconf, with path converters written as `{}`; the catch-all left out."""
    found = set()

    def walk(patterns, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                if route.startswith("api/") and not route.startswith("^"):
                    found.add("/" + re.sub(r"<[^>]+>", "{}", route))

    walk(get_resolver(urlconf).url_patterns, "")
    return found - DOC_PATHS


def documented(schema) -> set[str]:
    return {re.sub(r"\{[^}]+\}", "{}", path) for path in schema["paths"]}


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if isinstance(operation, dict) and "responses" in operation:
                yield f"{method.upper()} {path}", operation


@pytest.mark.parametrize(("host", "urlconf"), [(None, "config.urls_public"), ("acme", "config.urls_tenant")])
def test_each_host_documents_exactly_the_api_it_routes(acme, host, urlconf):
    schema = schema_of(host)

    assert schema["openapi"].startswith("3.")
    assert documented(schema) == routed_api_paths(urlconf)


def test_platform_management_is_documented_only_on_the_platform_host(acme):
    platform, org = schema_of(None), schema_of("acme")

    assert "post" in platform["paths"]["/api/v1/organizations"]
    assert "post" not in org["paths"].get("/api/v1/organizations", {})
    assert "OrganizationCreateRequest" in platform["components"]["schemas"]
    assert "OrganizationCreateRequest" not in org["components"]["schemas"]


def test_auth_endpoints_are_documented_on_both_hosts(acme):
    auth = {"/api/v1/auth/login", "/api/v1/auth/refresh-token", "/api/v1/auth/logout", "/api/v1/auth/me"}

    assert auth <= set(schema_of(None)["paths"])
    assert auth <= set(schema_of("acme")["paths"])


@pytest.mark.parametrize("host", [None, "acme"])
def test_every_success_response_is_documented_inside_the_envelope(acme, host):
    schema = schema_of(host)
    unwrapped = []
    wrapped = 0

    for name, operation in operations(schema):
        for status, response in operation["responses"].items():
            if not status.startswith("2"):
                continue
            for media in response.get("content", {}).values():
                body = media["schema"]
                if (
                    body.get("required") != ENVELOPE_KEYS
                    or body["properties"]["success"]
                    != {
                        "type": "boolean",
                        "enum": [True],
                    }
                    or body["properties"]["meta"] != {"$ref": "#/components/schemas/Meta"}
                ):
                    unwrapped.append(f"{name} {status}")
                wrapped += 1

    assert unwrapped == []
    assert wrapped >= 5


@pytest.mark.parametrize("host", [None, "acme"])
def test_every_operation_documents_its_errors_with_the_error_envelope(acme, host):
    schema = schema_of(host)

    missing = [
        f"{name} {status}"
        for name, operation in operations(schema)
        for status in ("400", "401", "403", "404", "429", "500")
        if operation["responses"].get(status, {}).get("content", {}).get("application/json", {}).get("schema")
        != ERROR_REF
    ]

    assert missing == []


@pytest.mark.parametrize("host", [None, "acme"])
def test_error_envelope_component_matches_what_the_api_answers(acme, host):
    components = schema_of(host)["components"]["schemas"]

    envelope = components["ErrorEnvelope"]
    assert envelope["required"] == ENVELOPE_KEYS
    assert envelope["properties"]["success"] == {"type": "boolean", "enum": [False]}
    assert envelope["properties"]["error"]["required"] == ["code", "message", "details"]
    assert set(components["Meta"]["properties"]) == {"page", "per_page", "total", "total_pages", "links"}


@pytest.mark.parametrize("host", [None, "acme"])
def test_bearer_jwt_is_documented_and_required_where_it_applies(acme, host):
    schema = schema_of(host)

    assert schema["components"]["securitySchemes"]["jwtAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
    }
    assert {"jwtAuth": []} in schema["paths"]["/api/v1/auth/me"]["get"]["security"]
    assert schema["paths"]["/api/v1/auth/login"]["post"].get("security", [{}]) in ([{}], [])


def test_list_endpoints_document_pagination_filter_and_sort_parameters(acme):
    operation = schema_of(None)["paths"]["/api/v1/organizations"]["get"]

    names = {parameter["name"] for parameter in operation["parameters"]}
    assert {"page", "per_page", "sort", "filter[status]", "filter[created_at]", "filter[plan]"} <= names


def local_assets(html: str) -> list[str]:
    return re.findall(r'(?:src|href)="(/static/[^"]+)"', html)


@pytest.mark.parametrize("host", [None, "acme"])
@pytest.mark.parametrize(
    "page",
    [
        "/api/v1/docs/",
        "/api/v1/redoc/",
    ],
)
def test_docs_pages_reference_no_external_urls(acme, host, page):
    response = client_for(host).get(page)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert re.findall(r"https?://[^\s\"'<>]+", html) == []
    assert local_assets(html) != []


@pytest.mark.parametrize("host", [None, "acme"])
@pytest.mark.parametrize("page", ["/api/v1/docs/", "/api/v1/redoc/"])
def test_the_static_assets_of_the_docs_pages_are_served(acme, host, page):
    client = client_for(host)
    html = client.get(page).content.decode()
    assets = local_assets(html)

    served = {}
    for asset in assets:
        response = client.get(asset)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        served[asset] = (response.status_code, body)

    on_disk = {asset: Path(finders.find(asset.removeprefix("/static/"))).read_bytes() for asset in assets}
    assert served == {asset: (200, content) for asset, content in on_disk.items()}
    assert any(asset.endswith(".js") for asset in assets)


def test_docs_pages_point_at_this_hosts_schema(acme):
    html = client_for("acme").get("/api/v1/docs/").content.decode()

    assert '"/api/v1/schema/"' in html
