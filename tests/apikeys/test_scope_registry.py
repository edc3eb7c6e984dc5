"""The scope registry (apps.core.api.scopes): each app registers the objects its API serves; a scope
registered here, in the test, is offered on the page and the API, can be granted, and opens exactly the
endpoint that declares it, with no migration. A stored scope whose registration is gone grants nothing and
is shown as retired."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.urls import include, path
from django_tenants.utils import schema_context
from rest_framework.response import Response

from apps.accounts.permissions import IsOrgMember
from apps.apikeys.models import ApiKey
from apps.core.api.scopes import register_scope, registered_scopes, scope_codes, unregister_scope
from apps.core.api.views import ApiView
from tests.api.helpers import assert_error, assert_ok
from tests.api.test_openapi import schema_of
from tests.conftest import browser_for

from .conftest import API_KEYS, issue, key_client, org_path

WIDGETS = "/api/v1/widgets"
SCOPES = f"{API_KEYS}/scopes"


class WidgetView(ApiView):
    """A throwaway endpoint of a throwaway app, open to API keys holding a `widgets` scope."""

    permission_classes = [IsOrgMember]
    api_key_scope = "widgets"

    def get(self, request):
        return Response({"widgets": []})

    def post(self, request):
        return Response({"made": True}, status=201)


# This module is the tenant URLconf while `widgets` is registered: the throwaway route, then every real one.
urlpatterns = [path("api/v1/widgets", WidgetView.as_view()), path("", include("config.urls_tenant"))]


@pytest.fixture
def widgets(settings):
    settings.ROOT_URLCONF = __name__
    scope = register_scope(
        "widgets",
        label="Widgets",
        description="The widgets of a module that does not exist yet.",
        app="widgets",
    )
    yield scope
    unregister_scope("widgets")


TODAYS_SCOPES = [
    ("organization", "tenants"),
    ("branches", "hierarchy"),
    ("classes", "hierarchy"),
    ("users", "accounts"),
    ("audit", "audit"),
    ("imports", "imports"),
    ("courses", "courses"),
    ("enrollments", "courses"),
]


def test_the_apps_register_the_scopes_they_serve_in_a_stable_order():
    registered = [(scope.object, scope.app) for scope in registered_scopes()]

    assert [
        entry for entry in registered if entry in TODAYS_SCOPES
    ] == TODAYS_SCOPES  # the next apps add theirs
    assert scope_codes()[:2] == ["organization:read", "organization:write"]
    assert {code.rpartition(":")[2] for code in scope_codes()} == {"read", "write"}


def test_a_registered_scope_is_offered_on_the_page_grouped_by_its_app(acme, acme_admin, widgets):
    body = browser_for(acme, acme_admin).get("/manage/api-keys/").content.decode()

    assert 'name="scope_widgets"' in body
    assert "The widgets of a module that does not exist yet." in body
    assert '<th scope="colgroup" colspan="4">widgets</th>' in body
    assert '<th scope="colgroup" colspan="4">Branches and classes</th>' in body
    assert body.index('name="scope_classes"') < body.index('name="scope_widgets"')


def test_a_registered_scope_is_listed_by_the_api(acme, acme_admin_client, widgets):
    listed = assert_ok(acme_admin_client.get(SCOPES, {"per_page": 100}))

    assert [row["code"] for row in listed] == scope_codes()
    assert listed[-2:] == [
        {
            "code": f"widgets:{access}",
            "object": "widgets",
            "access": access,
            "label": "Widgets",
            "description": "The widgets of a module that does not exist yet.",
            "app": "widgets",
            "app_name": "widgets",
        }
        for access in ("read", "write")
    ]
    assert {row["app_name"] for row in listed if row["object"] == "courses"} == {"Courses and learning"}


def test_only_org_admins_people_read_the_scope_list(acme, acme_admin):
    _, raw = issue(acme, acme_admin, scopes=scope_codes())

    error = assert_error(key_client("acme", raw).get(SCOPES), 403, "PERMISSION_DENIED")

    assert error["message"] == "API keys cannot manage API keys; sign in as an Org Admin to do this."


def test_a_registered_scope_can_be_granted_on_the_page_and_the_api(
    acme, acme_admin, acme_admin_client, widgets
):
    browser_for(acme, acme_admin).post("/manage/api-keys/", {"name": "Widget sync", "scope_widgets": "write"})
    created = assert_ok(
        acme_admin_client.post(
            API_KEYS, {"name": "Widget reader", "scopes": ["widgets:read"]}, format="json"
        ),
        201,
    )

    assert created["scopes"] == ["widgets:read"]
    assert created["retired_scopes"] == []
    with schema_context("acme"):
        assert ApiKey.objects.get(name="Widget sync").scopes == ["widgets:write"]


def test_the_scope_opens_exactly_the_endpoint_that_declares_it(acme, acme_admin, widgets):
    _, writer = issue(acme, acme_admin, scopes=["widgets:write"], name="Writer")
    _, reader = issue(acme, acme_admin, scopes=["widgets:read"], name="Reader")
    _, other = issue(acme, acme_admin, scopes=["users:write"], name="Other")

    assert assert_ok(key_client("acme", writer).get(WIDGETS)) == {"widgets": []}
    assert assert_ok(key_client("acme", writer).post(WIDGETS, {}, format="json"), 201) == {"made": True}
    assert assert_ok(key_client("acme", reader).get(WIDGETS)) == {"widgets": []}
    refused = {
        "reader posts": (key_client("acme", reader).post(WIDGETS, {}, format="json"), "widgets:write"),
        "writer lists people": (key_client("acme", writer).get("/api/v1/users"), "users:read"),
        "writer reads the organization": (
            key_client("acme", writer).get(org_path(acme)),
            "organization:read",
        ),
        "another scope lists widgets": (key_client("acme", other).get(WIDGETS), "widgets:read"),
    }
    for response, needed in refused.values():
        error = assert_error(response, 403, "PERMISSION_DENIED")
        assert error["message"] == f"This API key lacks the `{needed}` scope."
        assert error["details"]["required_scope"] == needed
    closed = assert_error(key_client("acme", writer).get("/api/v1/onboarding"), 403, "PERMISSION_DENIED")
    assert closed["details"] == {"required_scope": None}


def test_adding_a_scope_needs_no_migration(db, widgets):
    assert ApiKey._meta.get_field("scopes").base_field.choices is None

    call_command("makemigrations", "apikeys", check=True, dry_run=True, verbosity=0)  # SystemExit if not


def test_a_scope_no_longer_registered_grants_nothing_and_shows_as_retired(
    acme, acme_admin, acme_admin_client, widgets
):
    api_key, raw = issue(acme, acme_admin, scopes=["widgets:write", "users:read"], name="Widget sync")
    unregister_scope("widgets")  # its app is gone; the route is still there, the key still holds the code

    refused = assert_error(key_client("acme", raw).get(WIDGETS), 403, "PERMISSION_DENIED")
    listed = assert_ok(key_client("acme", raw).get("/api/v1/users"))
    detail = assert_ok(acme_admin_client.get(f"{API_KEYS}/{api_key.pk}"))
    page = browser_for(acme, acme_admin).get("/manage/api-keys/").content.decode()
    regrant = acme_admin_client.post(API_KEYS, {"name": "Again", "scopes": ["widgets:read"]}, format="json")

    assert refused["details"]["required_scope"] == "widgets:read"
    assert listed  # its registered scope still works
    assert (detail["scopes"], detail["retired_scopes"]) == (
        ["users:read", "widgets:write"],
        ["widgets:write"],
    )
    assert 'widgets:write <span class="small">(retired)</span>' in page
    assert '<span class="badge">users:read</span>' in page
    assert 'name="scope_widgets"' not in page
    assert assert_error(regrant, 400, "VALIDATION_ERROR")["details"]["scopes"] == [
        "Unknown scope: widgets:read. Scopes look like `users:read` or `users:write`."
    ]


def test_a_scope_is_registered_once_and_named_plainly():
    courses = next(scope for scope in registered_scopes() if scope.object == "courses")

    assert (
        register_scope("courses", label=courses.label, description=courses.description, app="courses")
        == courses
    )
    with pytest.raises(ImproperlyConfigured, match="already registered by courses"):
        register_scope("courses", label="Courses", description="Someone else's courses.", app="widgets")
    for bad in ("Courses", "courses:read", "", "x" * 40):
        with pytest.raises(ImproperlyConfigured):
            register_scope(bad, label="Bad", description="Bad.", app="widgets")
    assert [scope.object for scope in registered_scopes()].count("courses") == 1


def _scoped_view_classes(patterns):
    for pattern in patterns:
        if hasattr(pattern, "url_patterns"):
            yield from _scoped_view_classes(pattern.url_patterns)
        else:
            view = getattr(pattern.callback, "view_class", None) or getattr(pattern.callback, "cls", None)
            if getattr(view, "api_key_scope", None):
                yield view


@pytest.mark.parametrize("urlconf", ["config.urls_tenant", "config.urls_public"])
def test_every_scope_an_endpoint_declares_is_registered(urlconf):
    from django.urls import get_resolver

    registered = {scope.object for scope in registered_scopes()}

    unregistered = {
        f"{view.__module__}.{view.__qualname__}: {view.api_key_scope}"
        for view in _scoped_view_classes(get_resolver(urlconf).url_patterns)
        if view.api_key_scope not in registered
    }

    assert unregistered == set()


def test_the_openapi_description_names_the_scope_an_api_key_needs(acme):
    paths = schema_of("acme")["paths"]

    assert paths["/api/v1/users"]["get"]["description"].endswith("API keys need the `users:read` scope.")
    assert paths["/api/v1/users"]["get"]["x-api-key-scope"] == "users:read"
    assert paths["/api/v1/imports"]["post"]["x-api-key-scope"] == "imports:write"
    assert paths["/api/v1/api-keys"]["post"]["description"].endswith(
        "Not open to API keys: sign in as a person."
    )
    assert paths["/api/v1/api-keys"]["post"]["x-api-key-scope"] is None
