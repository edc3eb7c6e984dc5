"""The OpenAPI document on each host describes that host's API, in the envelope; the docs pages load
only assets the app serves itself (no CDN)."""

import inspect
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from tests.conftest import client_for
from tests.urls import routes, view_classes

SCHEMA = "/api/v1/schema/"
ENVELOPE_KEYS = ["success", "data", "meta", "error"]
ERROR_REF = {"$ref": "#/components/schemas/ErrorEnvelope"}
META_REF = {"$ref": "#/components/schemas/Meta"}
NULL = {"type": "object", "nullable": True, "enum": [None]}
RATE_LIMIT_HEADERS = {"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"}
DOC_PATHS = {"/api/v1/schema/", "/api/v1/docs/", "/api/v1/redoc/"}


def schema_of(host):
    response = client_for(host).get(SCHEMA, {"format": "json"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi+json")
    return response.json()


def routed_api_paths(urlconf: str) -> set[str]:
    """`/api/...` routes of a URLconf, with path converters written as `{}`; the catch-all left out."""
    found = {
        "/" + re.sub(r"<[^>]+>", "{}", route)
        for route, _ in routes(urlconf)
        if route.startswith("api/") and not route.startswith("^")
    }
    return found - DOC_PATHS


def documented(schema) -> set[str]:
    return {re.sub(r"\{[^}]+\}", "{}", path) for path in schema["paths"]}


def resolved(schema, node: dict) -> dict:
    """`node`, or what its `$ref` points at."""
    if "$ref" not in node:
        return node
    target = schema
    for part in node["$ref"].removeprefix("#/").split("/"):
        target = target[part]
    return target


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
            for media_type, media in response.get("content", {}).items():
                if media_type != "application/json":
                    continue
                body = media["schema"]
                paginated = any(p["name"] == "page" for p in operation.get("parameters", []))
                if (
                    body.get("required") != ENVELOPE_KEYS
                    or body["properties"]["success"] != {"type": "boolean", "enum": [True]}
                    or body["properties"]["meta"] != (META_REF if paginated else NULL)
                    or body["properties"]["error"] != NULL
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
        for status in ("400", "401", "403", "404", "405", "429", "500")
        + (("415",) if "requestBody" in operation else ())
        if resolved(schema, operation["responses"].get(status, {}))
        .get("content", {})
        .get("application/json", {})
        .get("schema")
        != ERROR_REF
    ]

    assert missing == []


@pytest.mark.parametrize("host", [None, "acme"])
def test_error_envelope_component_matches_what_the_api_answers(acme, host):
    components = schema_of(host)["components"]["schemas"]

    envelope = components["ErrorEnvelope"]
    assert envelope["required"] == ENVELOPE_KEYS
    assert envelope["properties"]["success"] == {"type": "boolean", "enum": [False]}
    assert envelope["properties"]["error"] == {"$ref": "#/components/schemas/ErrorDetail"}
    assert components["ErrorDetail"]["required"] == ["code", "message", "details"]
    assert components["Meta"]["required"] == ["page", "per_page", "total", "total_pages", "links"]
    assert components["Meta"]["properties"]["links"] == {"$ref": "#/components/schemas/PageLinks"}
    assert "nullable" not in components["Meta"]
    assert components["PageLinks"]["required"] == ["self", "first", "last", "next", "prev"]


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
    client = client_for("acme")
    # Swagger UI's start-up script is served apart from the page (the Content-Security-Policy allows no
    # inline script): `?script` on the same path.
    script = client.get("/api/v1/docs/", {"script": ""}).content.decode()
    redoc = client.get("/api/v1/redoc/").content.decode()

    assert '"/api/v1/schema/"' in script
    assert 'data-spec-url="/api/v1/schema/"' in redoc


# --- what a generated client needs (see tests/api/test_generated_client.py) --------------------------------


def base_class_docstrings() -> set[str]:
    """Docstrings of the API's base classes (never routed themselves): notes for developers."""
    from apps.core.api.views import ApiMixin

    routed = view_classes("config.urls_tenant") | view_classes("config.urls_public")
    docs, stack = set(), [ApiMixin]
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls not in routed and cls.__dict__.get("__doc__"):
            docs.add(inspect.cleandoc(cls.__doc__))
    return docs


@pytest.mark.parametrize("host", [None, "acme"])
def test_every_operation_has_a_summary_and_describes_itself_not_its_base_class(acme, host):
    schema = schema_of(host)
    notes = base_class_docstrings()

    without_summary = [name for name, operation in operations(schema) if not operation.get("summary")]
    # The last paragraph of every description says which API-key scope the operation needs: not the doc.
    internal = [
        name
        for name, operation in operations(schema)
        if operation.get("description", "").rsplit("\n\n", 1)[0] in notes
    ]

    assert without_summary == []
    assert internal == []
    assert notes  # the rule has something to check


def test_summaries_read_like_the_product(acme):
    paths = schema_of("acme")["paths"]

    assert paths["/api/v1/auth/login"]["post"]["summary"] == "Sign in"
    assert paths["/api/v1/courses"]["get"]["summary"] == "List courses"
    assert paths["/api/v1/courses/{id}"]["put"]["summary"] == "Update a course"
    assert paths["/api/v1/courses/{id}"]["patch"]["summary"] == "Update some fields of a course"
    assert paths["/api/v1/courses/{id}/modules"]["post"]["summary"] == "Create a module in a course"
    assert paths["/api/v1/courses/{id}/publish"]["post"]["summary"] == "Publish a course"
    assert paths["/api/v1/media/{id}/download"]["get"]["summary"] == "Download a file"


def has_file_field(schema, media) -> bool:
    properties = resolved(schema, media["schema"]).get("properties", {})
    return any(prop.get("format") == "binary" for prop in properties.values())


@pytest.mark.parametrize("host", [None, "acme"])
def test_every_request_body_takes_one_media_type_multipart_only_for_uploads(acme, host):
    schema = schema_of(host)

    offered = {
        name: [
            (media_type, has_file_field(schema, media))
            for media_type, media in operation["requestBody"]["content"].items()
        ]
        for name, operation in operations(schema)
        if "requestBody" in operation
    }

    wrong = {
        name: media
        for name, media in offered.items()
        if media not in ([("application/json", False)], [("multipart/form-data", True)])
    }
    assert wrong == {}
    uploads = sorted(name for name, media in offered.items() if media[0][0] == "multipart/form-data")
    expected = (
        []
        if host is None
        else [
            "POST /api/v1/content/{id}/media",
            "POST /api/v1/courses/{id}/media",
            "POST /api/v1/imports",
            "POST /api/v1/question-imports",
            "PUT /api/v1/certificate-templates/{id}/logo",
            "PUT /api/v1/certificate-templates/{id}/signature",
        ]
    )
    assert uploads == expected


def test_a_file_field_in_a_json_body_can_only_be_cleared(acme):
    components = schema_of("acme")["components"]["schemas"]

    cover = components["PatchedCourseWriteRequest"]["properties"]["cover"]
    assert (cover["type"], cover["nullable"], "format" in cover) == ("string", True, False)


@pytest.mark.parametrize("host", [None, "acme"])
def test_every_answer_documents_the_rate_limit_headers_and_429_its_retry_after(acme, host):
    schema = schema_of(host)

    missing = [
        f"{name} {status}"
        for name, operation in operations(schema)
        for status, response in operation["responses"].items()
        if not set(resolved(schema, response).get("headers", {})) >= RATE_LIMIT_HEADERS
    ]

    assert missing == []
    assert "Retry-After" in schema["components"]["responses"]["RateLimited"]["headers"]
    assert schema["components"]["headers"]["Retry-After"]["schema"] == {"type": "integer"}


@pytest.mark.parametrize("host", [None, "acme"])
def test_every_success_but_204_declares_its_content_type(acme, host):
    schema = schema_of(host)

    bare = [
        f"{name} {status}"
        for name, operation in operations(schema)
        for status, response in operation["responses"].items()
        if status.startswith("2") and status != "204" and not response.get("content")
    ]

    assert bare == []


def test_file_downloads_are_documented_as_binary(acme):
    paths = schema_of("acme")["paths"]
    binary = {"type": "string", "format": "binary"}

    assert paths["/api/v1/media/{id}/download"]["get"]["responses"]["200"]["content"] == {
        "application/octet-stream": {"schema": binary}
    }
    assert paths["/api/v1/media/{id}/download"]["get"]["responses"]["206"]["content"] == {
        "application/octet-stream": {"schema": binary}
    }
    assert paths["/api/v1/courses/{id}/cover"]["get"]["responses"]["200"]["content"] == {
        "application/octet-stream": {"schema": binary}
    }
    assert paths["/api/v1/imports/{id}/report"]["get"]["responses"]["200"]["content"] == {
        "text/csv": {"schema": binary}
    }


def walk(node, path="#"):
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from walk(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from walk(value, f"{path}/{index}")


@pytest.mark.parametrize("host", [None, "acme"])
def test_every_nullable_schema_has_a_type(acme, host):
    """OpenAPI 3.0 ignores `nullable` where no `type` stands beside it, so a client would refuse the null."""
    schema = schema_of(host)

    untyped = [path for path, node in walk(schema) if node.get("nullable") is True and "type" not in node]

    assert untyped == []


def test_a_nullable_reference_is_one_of_the_object_or_null(acme):
    course = schema_of("acme")["components"]["schemas"]["Course"]

    assert course["properties"]["category"]["oneOf"] == [{"$ref": "#/components/schemas/CategoryRef"}, NULL]


STATUS_LIKE = {"status", "source", "kind", "role", "body_format", "file_format", "outcome"}


@pytest.mark.parametrize("host", [None, "acme"])
def test_status_like_fields_are_enums(acme, host):
    components = schema_of(host)["components"]["schemas"]

    plain = [
        f"{component}.{name}"
        for component, body in components.items()
        for name, prop in body.get("properties", {}).items()
        if name in STATUS_LIKE and prop.get("type") == "string" and "enum" not in prop
    ]

    assert plain == []
    if host == "acme":
        assert components["CourseStatusEnum"]["enum"] == ["draft", "published", "archived"]
        assert components["ApiKeyStatusEnum"]["enum"] == ["active", "expired", "revoked"]
    else:
        assert components["OrganizationStatusEnum"]["enum"] == ["trial", "active", "suspended", "archived"]


def test_filters_sparse_fields_and_sort_are_documented_as_typed_parameters(acme):
    operation = schema_of("acme")["paths"]["/api/v1/courses"]["get"]
    parameters = {parameter["name"]: parameter for parameter in operation["parameters"]}

    assert {
        "filter[title]",
        "filter[title][like]",
        "filter[title][ilike]",
        "filter[status]",
        "filter[status][ne]",
        "filter[status][in]",
        "filter[status][nin]",
        "filter[created_at][gt]",
        "filter[created_at][lte]",
        "fields",
        "sort",
        "page",
        "per_page",
    } <= set(parameters)
    assert "filter[created_at]" not in parameters  # `eq` is not allowed on it
    assert parameters["filter[status]"]["schema"] == {
        "type": "string",
        "enum": ["draft", "published", "archived"],
    }
    assert parameters["filter[status][in]"]["schema"] == {"type": "string"}
    assert parameters["filter[estimated_minutes][gte]"]["schema"] == {"type": "integer"}
    assert parameters["filter[created_at][gt]"]["schema"] == {"type": "string", "format": "date-time"}
    assert parameters["filter[self_enrollment]"]["schema"] == {"type": "boolean"}


def test_sparse_fields_are_documented_on_json_reads_only(acme):
    paths = schema_of("acme")["paths"]

    def names(path, method):
        return {parameter["name"] for parameter in paths[path][method].get("parameters", [])}

    assert "fields" in names("/api/v1/courses/{id}", "get")
    assert "fields" in names("/api/v1/auth/me", "get")
    assert "fields" not in names("/api/v1/media/{id}/download", "get")
    assert "fields" not in names("/api/v1/courses/{id}", "patch")


def test_a_body_in_a_media_type_the_operation_does_not_take_answers_415(acme, acme_teacher):
    from tests.api.helpers import assert_error
    from tests.conftest import jwt_for

    teacher = client_for("acme", token=jwt_for(acme, acme_teacher))

    form = teacher.post("/api/v1/courses", "title=Geometry", content_type="application/x-www-form-urlencoded")
    multipart_login = client_for("acme").post(
        "/api/v1/auth/login", {"email": "teacher@acme.example.com", "password": "x"}, format="multipart"
    )

    assert_error(form, 415, "UNSUPPORTED_MEDIA_TYPE")
    assert_error(multipart_login, 415, "UNSUPPORTED_MEDIA_TYPE")


def test_the_events_catalog_is_documented_on_org_hosts_only(acme):
    platform, org = schema_of(None), schema_of("acme")

    operation = org["paths"]["/api/v1/events"]["get"]
    assert "/api/v1/events" not in platform["paths"]
    assert operation["summary"] == "List the event catalog"
    assert operation["tags"] == ["events"]
    assert {"page", "per_page"} <= {p["name"] for p in operation.get("parameters", [])}
    data = resolved(org, operation["responses"]["200"]["content"]["application/json"]["schema"])
    item = resolved(org, resolved(org, data["properties"]["data"])["items"])
    assert set(item["properties"]) == {"name", "description", "version", "declared_in", "payload"}
