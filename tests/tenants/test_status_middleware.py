"""What a suspended or archived organization still answers: an archived org reads (GET, HEAD, OPTIONS)
and lets its members sign in and out, and refuses every other write; a suspended org answers nothing
but its "suspended" page (403 TENANT_SUSPENDED on the API)."""

import pytest

from tenants import services
from tests.conftest import PASSWORD, browser_for, client_for, jwt_for


@pytest.fixture
def archived(acme, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.organization_archive(organization=acme)
    return acme


@pytest.fixture
def suspended(acme, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.organization_suspend(organization=acme)
    return acme


def test_signing_out_of_an_archived_org_works(archived, acme_admin):
    client = browser_for(archived, acme_admin)
    assert client.get("/manage/people/").status_code == 200

    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    after = client.get("/manage/people/")
    assert after.status_code == 302
    assert after["Location"].startswith("/accounts/login/")


def test_signing_out_of_the_api_of_an_archived_org_works(archived, acme_admin):
    login = client_for("acme").post(
        "/api/v1/auth/login", {"email": acme_admin.email, "password": PASSWORD}, format="json"
    )
    tokens = login.json()["data"]
    client = client_for("acme", token=tokens["access"])

    response = client.post("/api/v1/auth/logout", {"refresh": tokens["refresh"]}, format="json")

    assert response.status_code in (200, 204), response.content


def test_the_second_sign_in_step_is_not_refused_in_an_archived_org(archived):
    response = browser_for(archived).post("/accounts/2fa/authenticate/", {"code": "123456"})

    assert response.status_code != 403
    assert "read-only" not in response.content.decode()


@pytest.mark.parametrize("method", ["get", "head", "options"])
def test_an_archived_org_still_answers_reads(archived, acme_admin, method):
    client = client_for("acme", token=jwt_for(archived, acme_admin))

    response = getattr(client, method)(f"/api/v1/organizations/{archived.pk}")

    assert response.status_code == 200


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_an_archived_org_refuses_every_other_method_on_the_api(archived, acme_admin, method):
    client = client_for("acme", token=jwt_for(archived, acme_admin))

    response = getattr(client, method)(f"/api/v1/organizations/{archived.pk}/branches", {}, format="json")

    assert response.status_code == 403
    assert response.json()["error"] == {
        "code": "TENANT_ARCHIVED",
        "message": "This organization is archived and read-only.",
        "details": {},
    }


def test_an_archived_orgs_pages_refuse_writes_with_the_archived_page(archived, acme_admin):
    response = browser_for(archived, acme_admin).post("/manage/branches/new/", {"name": "East"})

    assert response.status_code == 403
    assert "read-only" in response.content.decode()
    assert "Acme Academy is archived" in response.content.decode()


def test_a_suspended_org_refuses_signing_in(suspended, acme_admin):
    page = browser_for(suspended).post("/accounts/login/", {"login": acme_admin.email, "password": PASSWORD})
    api = client_for("acme").post(
        "/api/v1/auth/login", {"email": acme_admin.email, "password": PASSWORD}, format="json"
    )

    assert page.status_code == 403
    assert "Acme Academy is suspended" in page.content.decode()
    assert api.status_code == 403
    assert api.json()["error"]["code"] == "TENANT_SUSPENDED"


def test_a_suspended_org_refuses_reads_too(suspended, acme_admin):
    response = client_for("acme", token=jwt_for(suspended, acme_admin)).get(
        f"/api/v1/organizations/{suspended.pk}"
    )

    assert response.status_code == 403
    assert response.json()["error"] == {
        "code": "TENANT_SUSPENDED",
        "message": "This organization is suspended. Its data is kept; contact the platform operator.",
        "details": {},
    }


def test_the_platform_is_served_whatever_an_org_is_doing(suspended, operator_client):
    response = operator_client.get(f"/api/v1/organizations/{suspended.pk}")

    assert response.status_code == 200
    assert response.json()["data"]["status"] == "suspended"


def test_an_unknown_hosts_page_names_the_host(db):
    response = client_for("nosuchorg").get("/courses/")

    assert response.status_code == 404
    assert "nosuchorg.learnstack.test" in response.content.decode()
    assert response["Content-Type"].startswith("text/html")


def test_an_unknown_hosts_api_answer_is_an_enveloped_404(db):
    response = client_for("nosuchorg").post("/api/v1/auth/login", {}, format="json")

    assert response.status_code == 404
    assert response.json()["error"] == {
        "code": "NOT_FOUND",
        "message": "No organization is served at this address.",
        "details": {},
    }


def test_members_of_an_archived_org_sign_in_on_the_page(archived, acme_admin):
    response = browser_for(archived).post(
        "/accounts/login/", {"login": acme_admin.email, "password": PASSWORD}
    )

    assert response.status_code == 302
    assert not response["Location"].startswith("/accounts/login/")


def test_an_active_org_takes_writes_on_the_api_and_the_pages(acme, acme_admin, acme_admin_client):
    api = acme_admin_client.post(
        f"/api/v1/organizations/{acme.pk}/branches", {"code": "east", "name": "East Campus"}, format="json"
    )
    page = browser_for(acme, acme_admin).post(
        "/manage/branches/new/", {"code": "west", "name": "West Campus"}
    )

    assert api.status_code == 201, api.content
    assert page.status_code == 302


def test_the_status_check_leaves_a_request_without_an_organization_alone(db):
    from django.http import HttpResponse
    from django.test import RequestFactory

    from tenants.middleware import TenantStatusMiddleware

    middleware = TenantStatusMiddleware(lambda request: HttpResponse("served"))

    response = middleware(RequestFactory().post("/api/v1/branches"))

    assert (response.status_code, response.content) == (200, b"served")
