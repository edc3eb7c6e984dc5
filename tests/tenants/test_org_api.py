"""The organization's own view of itself on its host."""

from tenants.models import OrganizationEvent


def test_an_org_lists_only_itself(acme, acme_admin_client, globex):
    response = acme_admin_client.get("/api/v1/organizations")

    assert response.status_code == 200
    assert [org["slug"] for org in response.json()["data"]] == ["acme"]
    assert response.json()["meta"]["total"] == 1


def test_org_detail_has_plan_domains_and_settings(acme, acme_admin_client):
    data = acme_admin_client.get(f"/api/v1/organizations/{acme.pk}").json()["data"]

    assert data["subscription"]["plan"]["code"] == "growth"
    assert data["domains"] == [{"domain": "acme.learnstack.test", "is_primary": True}]
    assert data["settings"]["display_name"] == "Acme Academy"
    assert "schema_name" not in data
    assert "admin_email" not in data


def test_org_admin_renames_the_org_and_it_is_recorded(acme, acme_admin_client):
    response = acme_admin_client.put(
        f"/api/v1/organizations/{acme.pk}", {"name": "Acme Learning"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["data"]["name"] == "Acme Learning"
    event = OrganizationEvent.objects.get(organization=acme, action="updated")
    assert (event.actor_email, event.details["actor_org"]) == ("orgadmin@acme.example.com", "acme")


def test_org_admin_updates_branding_and_pages_show_it(
    acme, acme_admin_client, django_capture_on_commit_callbacks
):
    acme_admin_client.get("/")  # the organization is now cached with its old branding
    with django_capture_on_commit_callbacks(execute=True):
        response = acme_admin_client.patch(
            f"/api/v1/organizations/{acme.pk}/settings",
            {"display_name": "Acme", "primary_color": "#112233", "welcome_text": "Hello learners"},
            format="json",
        )
    page = acme_admin_client.get("/")

    assert response.status_code == 200
    assert response.json()["data"]["primary_color"] == "#112233"
    assert "--brand: #112233" in page.content.decode()
    assert "Hello learners" in page.content.decode()


def test_blank_name_is_a_field_error(acme, acme_admin_client):
    response = acme_admin_client.put(f"/api/v1/organizations/{acme.pk}", {"name": "  "}, format="json")

    assert response.status_code == 400
    assert list(response.json()["error"]["details"]) == ["name"]


def test_settings_changed_through_the_api_appear_in_the_orgs_audit_log(acme, acme_admin_client):
    from django_tenants.utils import schema_context

    from apps.audit.models import AuditEntry

    response = acme_admin_client.patch(
        f"/api/v1/organizations/{acme.pk}/settings",
        {"welcome_text": "Hi", "primary_color": "#123456"},
        format="json",
    )

    assert response.status_code == 200
    with schema_context("acme"):
        entry = AuditEntry.objects.get(action="organization.settings_updated")
    assert (entry.actor_email, entry.changes) == (
        "orgadmin@acme.example.com",
        {"fields": ["primary_color", "welcome_text"]},
    )
    assert entry.ip_address == "127.0.0.1"
