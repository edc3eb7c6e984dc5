"""Platform API on BASE_DOMAIN: organization management for super-admins, same services as the console."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_exists

from tenants.models import Organization, OrganizationEvent, OrganizationSettings
from tests.conftest import client_for, jwt_for

NEW_ORG = {
    "name": "Initech University",
    "slug": "initech",
    "plan": "starter",
    "admin_email": "boss@initech.example.com",
}


def test_operator_creates_an_organization(operator_client):
    response = operator_client.post("/api/v1/organizations", NEW_ORG, format="json")

    assert response.status_code == 201
    data = response.json()["data"]
    assert data["organization"]["slug"] == "initech"
    assert data["organization"]["status"] == "trial"
    assert data["organization"]["subscription"]["plan"]["code"] == "starter"
    assert data["organization"]["usage"] == {"users": 1, "courses": 0, "storage_mb": 0}
    assert data["invitation_url"].startswith("http://initech.learnstack.test/invite/")
    assert schema_exists("initech")
    event = OrganizationEvent.objects.get(org_slug="initech")
    assert (event.action, event.actor_email, event.ip_address) == (
        "provisioned",
        "admin@example.com",
        "127.0.0.1",
    )


def test_creating_the_same_organization_twice_returns_it_with_200(operator_client):
    first = operator_client.post("/api/v1/organizations", NEW_ORG, format="json")
    second = operator_client.post("/api/v1/organizations", NEW_ORG, format="json")

    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json()["data"]["organization"]["id"] == first.json()["data"]["organization"]["id"]
    assert second.json()["data"]["invitation_url"] is None


def test_create_with_bad_input_gives_field_errors_and_creates_nothing(operator_client):
    response = operator_client.post(
        "/api/v1/organizations",
        {**NEW_ORG, "slug": "www", "plan": "platinum", "admin_email": "x"},
        format="json",
    )

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert set(error["details"]) == {"plan", "admin_email"}
    assert not Organization.objects.filter(name="Initech University").exists()


def test_create_with_a_reserved_slug_gives_a_slug_error(operator_client):
    response = operator_client.post("/api/v1/organizations", {**NEW_ORG, "slug": "www"}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["details"] == {"slug": ["'www' is reserved."]}


def test_list_shows_organizations_but_not_the_platform_itself(operator_client, acme, globex):
    response = operator_client.get("/api/v1/organizations")

    slugs = [org["slug"] for org in response.json()["data"]]
    assert slugs == ["acme", "globex"]
    assert response.json()["meta"]["total"] == 2


def test_search_matches_name_slug_email_and_domain(operator_client, acme, globex):
    for term in ("Globex Inst", "globex", "orgadmin@globex", "globex.learnstack.test"):
        response = operator_client.get("/api/v1/organizations", {"search": term})
        assert [org["slug"] for org in response.json()["data"]] == ["globex"], term


def test_update_changes_name_plan_and_status_together(operator_client, acme):
    response = operator_client.put(
        f"/api/v1/organizations/{acme.pk}",
        {"name": "Acme Academy Intl", "plan": "enterprise", "status": "suspended", "status_reason": "audit"},
        format="json",
    )

    assert response.status_code == 200
    data = response.json()["data"]
    assert (data["name"], data["status"], data["status_reason"]) == (
        "Acme Academy Intl",
        "suspended",
        "audit",
    )
    assert data["subscription"]["plan"]["code"] == "enterprise"


def test_a_refused_transition_rolls_back_the_whole_update(operator_client, acme):
    Organization.objects.filter(pk=acme.pk).update(status="archived", archived_at=timezone.now())

    response = operator_client.put(
        f"/api/v1/organizations/{acme.pk}", {"name": "Should not stick", "status": "suspended"}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "INVALID_STATE"
    acme.refresh_from_db()
    assert acme.name == "Acme Academy"


def test_delete_refuses_an_active_org_with_409(operator_client, acme):
    response = operator_client.delete(f"/api/v1/organizations/{acme.pk}")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "INVALID_STATE"
    assert schema_exists("acme")


def test_delete_drops_an_org_archived_past_its_grace_period(operator_client, acme):
    Organization.objects.filter(pk=acme.pk).update(
        status="archived", archived_at=timezone.now() - timedelta(days=40)
    )

    response = operator_client.delete(f"/api/v1/organizations/{acme.pk}")

    assert response.status_code == 204
    assert response.content == b""
    assert not schema_exists("acme")
    assert operator_client.get(f"/api/v1/organizations/{acme.pk}").status_code == 404


def test_settings_round_trip_and_validation(operator_client, acme):
    url = f"/api/v1/organizations/{acme.pk}/settings"

    bad = operator_client.put(
        url,
        {
            "primary_color": "red",
            "default_timezone": "Mars/Olympus",
            "allowed_email_domains": ["acme.example.com", "not a domain"],
        },
        format="json",
    )
    good = operator_client.patch(
        url,
        {
            "primary_color": "#aa3300",
            "default_timezone": "Europe/Paris",
            "allowed_email_domains": ["ACME.example.com", "@acme.org"],
        },
        format="json",
    )

    assert bad.status_code == 400
    assert set(bad.json()["error"]["details"]) == {
        "primary_color",
        "default_timezone",
        "allowed_email_domains",
    }
    assert good.status_code == 200
    assert good.json()["data"]["allowed_email_domains"] == ["acme.example.com", "acme.org"]
    assert operator_client.get(url).json()["data"]["default_timezone"] == "Europe/Paris"


def test_reading_the_settings_of_an_organization_without_them_writes_nothing(operator_client, acme):
    """An organization provisioned before settings existed has no row: a read shows the defaults and
    stores nothing; the first change stores the row."""
    OrganizationSettings.objects.filter(organization=acme).delete()
    url = f"/api/v1/organizations/{acme.pk}/settings"

    with CaptureQueriesContext(connection) as queries:
        read = operator_client.get(url)

    assert read.status_code == 200
    assert read.json()["data"]["display_name"] == acme.name
    assert [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))] == []
    assert not OrganizationSettings.objects.filter(organization=acme).exists()

    changed = operator_client.patch(url, {"default_timezone": "Europe/Paris"}, format="json")

    assert changed.status_code == 200
    stored = OrganizationSettings.objects.get(organization=acme)
    assert (stored.display_name, stored.default_timezone) == (acme.name, "Europe/Paris")


def test_unknown_organization_is_404(operator_client):
    for path in ("/api/v1/organizations/999999", "/api/v1/organizations/999999/settings"):
        response = operator_client.get(path)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "NOT_FOUND"


def test_platform_id_is_not_an_organization(operator_client):
    public = Organization.objects.get(schema_name="public")

    assert operator_client.get(f"/api/v1/organizations/{public.pk}").status_code == 404


def test_non_operators_are_refused(db):
    from django.contrib.auth import get_user_model

    staff = get_user_model().objects.create_user("support@example.com", "pw-123456789")
    client = client_for(None, token=jwt_for(None, staff))

    response = client.get("/api/v1/organizations")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "PERMISSION_DENIED"


def test_list_query_count_does_not_grow_with_organizations(operator_client, plans):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tenants.services import organization_provision

    def count_queries():
        with CaptureQueriesContext(connection) as ctx:
            assert operator_client.get("/api/v1/organizations", {"per_page": 100}).status_code == 200
        return len(ctx.captured_queries)

    count_queries()  # warm the host and content-type caches
    few = count_queries()
    for n in range(6):
        organization_provision(
            name=f"Org {n}", slug=f"org-{n}", plan=plans["starter"], admin_email=f"a{n}@example.com"
        )
    count_queries()
    many = count_queries()

    # user, page (its total counted in the same query), domains (prefetch), usage (one UNION ALL for every
    # org); the session's search_path is still the public schema's (apps/core/db)
    assert few == many == 4
