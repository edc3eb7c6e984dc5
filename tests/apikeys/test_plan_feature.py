"""API access is a plan feature (`api_access`): acme's Growth plan has it, globex's Starter does not. Without
it no key can be created, and existing keys are refused as soon as the plan loses it."""

from django_tenants.utils import schema_context

from apps.apikeys.models import ApiKey
from apps.audit.models import AuditEntry
from tenants.models import Plan, PlanFeature, Subscription
from tests.api.helpers import assert_error
from tests.conftest import browser_for

from .conftest import API_KEYS, key_client, org_path, store

REFUSAL = "The Starter plan does not include API access. Upgrade the plan to use API keys."


def test_creating_a_key_on_a_plan_without_api_access_is_refused(globex, globex_admin_client):
    response = globex_admin_client.post(API_KEYS, {"name": "Sync", "scopes": ["users:read"]}, format="json")

    error = assert_error(response, 403, "PLAN_LIMIT_REACHED")
    assert error["message"] == REFUSAL
    assert error["details"] == {"feature": "api_access", "plan": "Starter"}
    with schema_context("globex"):
        assert ApiKey.objects.count() == 0
        assert AuditEntry.objects.filter(action__startswith="api_key.").count() == 0


def test_existing_keys_stop_when_the_org_moves_to_a_plan_without_api_access(acme, acme_key):
    client = key_client("acme", acme_key.raw)
    assert client.get(org_path(acme)).status_code == 200

    Subscription.objects.filter(organization=acme).update(plan=Plan.objects.get(code="starter"))
    refused = client.get(org_path(acme))
    Subscription.objects.filter(organization=acme).update(plan=Plan.objects.get(code="growth"))
    restored = client.get(org_path(acme))

    assert assert_error(refused, 403, "PLAN_LIMIT_REACHED")["message"] == REFUSAL
    assert restored.status_code == 200


def test_existing_keys_stop_when_the_plan_itself_loses_api_access(acme, acme_key):
    growth = Plan.objects.get(code="growth")
    Plan.objects.filter(pk=growth.pk).update(
        features=[f for f in growth.features if f != PlanFeature.API_ACCESS]
    )

    response = key_client("acme", acme_key.raw).get(org_path(acme))

    assert_error(response, 403, "PLAN_LIMIT_REACHED")


def test_a_globex_key_is_refused_while_its_plan_lacks_api_access(globex, globex_admin):
    _, raw = store(globex, globex_admin)

    response = key_client("globex", raw).get(org_path(globex))

    assert_error(response, 403, "PLAN_LIMIT_REACHED")


def test_the_page_explains_the_plan_and_offers_no_form(globex, globex_admin):
    browser = browser_for(globex, globex_admin)

    page = browser.get("/manage/api-keys/")
    posted = browser.post("/manage/api-keys/", {"name": "Sync", "scope_users": "read"})

    assert page.status_code == 200
    body = page.content.decode()
    assert "The Starter plan does not include API access" in body
    assert 'name="scope_users"' not in body
    assert posted.status_code == 200
    assert REFUSAL in posted.content.decode()
    with schema_context("globex"):
        assert ApiKey.objects.count() == 0
