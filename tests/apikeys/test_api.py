"""`/api/v1/api-keys`: Org Admins create (the key shown once, only a hash stored), list, read and revoke
keys; every create and revoke is audited. API keys themselves may not manage keys."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from apps.apikeys import keys
from apps.apikeys.models import ApiKey
from apps.audit.models import AuditEntry
from apps.core.api.scopes import scope_codes
from tests.api.helpers import assert_error, assert_ok
from tests.conftest import client_for, jwt_for, person

from .conftest import API_KEYS, in_days, issue, key_client, org_path, store

KEY_FORMAT = re.compile(r"^lsk_[a-z0-9]{8}_[A-Za-z0-9]{40}$")
LISTED_FIELDS = {
    "id",
    "name",
    "prefix",
    "last_four",
    "masked_key",
    "scopes",
    "retired_scopes",
    "status",
    "created_by",
    "created_at",
    "expires_at",
    "last_used_at",
    "revoked_at",
    "revoked_by",
}


def create(client, **body):
    payload = {"name": "Payroll sync", "scopes": ["users:read", "classes:write"], **body}
    return client.post(API_KEYS, payload, format="json")


def test_org_admin_creates_a_key_and_gets_the_whole_key_once(acme, acme_admin_client):
    response = create(acme_admin_client, expires_at="2099-01-01T00:00:00Z")

    data = assert_ok(response, 201)
    assert KEY_FORMAT.match(data["key"])
    assert response["Cache-Control"] == "no-store"
    prefix, secret = data["key"].split("_")[1:]
    assert data["prefix"] == prefix
    assert data["last_four"] == secret[-4:]
    assert data["masked_key"] == f"lsk_{prefix}_…{secret[-4:]}"
    assert data["scopes"] == ["classes:write", "users:read"]
    assert data["status"] == "active"
    assert data["expires_at"] == "2099-01-01T00:00:00Z"
    assert data["created_by"] == {
        "id": data["created_by"]["id"],
        "email": "orgadmin@acme.example.com",
        "full_name": "Acme Academy Admin",
    }
    detail = assert_ok(acme_admin_client.get(f"{API_KEYS}/{data['id']}"))
    listed = assert_ok(acme_admin_client.get(API_KEYS))
    assert set(detail) == LISTED_FIELDS
    assert [set(item) for item in listed] == [LISTED_FIELDS]
    assert secret not in acme_admin_client.get(API_KEYS).content.decode()


def test_only_a_keyed_hash_of_the_key_is_stored(acme, acme_admin_client):
    raw = assert_ok(create(acme_admin_client), 201)["key"]
    secret = raw.split("_")[2]

    with schema_context("acme"), connection.cursor() as cursor:
        cursor.execute("SELECT row_to_json(k)::text FROM apikeys_apikey k")
        rows = [row[0] for row in cursor.fetchall()]
        stored = ApiKey.objects.get()

    assert len(rows) == 1
    assert secret not in rows[0]
    assert secret[:-4] not in rows[0]
    assert stored.key_hash == keys.hash_key(raw)
    assert len(stored.key_hash) == 64
    assert stored.last_four == secret[-4:]


def test_the_new_key_works_at_once(acme, acme_admin_client):
    raw = assert_ok(create(acme_admin_client, scopes=["organization:read"]), 201)["key"]

    response = key_client("acme", raw).get(org_path(acme))

    assert assert_ok(response)["slug"] == "acme"


def test_unknown_scopes_are_refused_and_nothing_is_written(acme, acme_admin_client):
    response = create(acme_admin_client, scopes=["users:read", "users:admin", "payroll:read"])

    error = assert_error(response, 400, "VALIDATION_ERROR")
    assert list(error["details"]) == ["scopes"]
    assert "payroll:read, users:admin" in error["details"]["scopes"][0]
    with schema_context("acme"):
        assert ApiKey.objects.count() == 0
        assert AuditEntry.objects.filter(action__startswith="api_key.").count() == 0


def test_a_key_needs_a_name_a_scope_and_a_future_expiry(acme, acme_admin_client):
    no_scope = create(acme_admin_client, scopes=[])
    no_name = create(acme_admin_client, name="   ")
    past = create(acme_admin_client, expires_at="2020-01-01T00:00:00Z")

    assert assert_error(no_scope, 400, "VALIDATION_ERROR")["details"] == {
        "scopes": ["Choose at least one scope."]
    }
    assert list(assert_error(no_name, 400, "VALIDATION_ERROR")["details"]) == ["name"]
    assert assert_error(past, 400, "VALIDATION_ERROR")["details"] == {
        "expires_at": ["The expiry must be in the future."]
    }
    with schema_context("acme"):
        assert ApiKey.objects.count() == 0


def test_other_roles_may_not_list_or_create_keys(acme, acme_manager, acme_teacher, acme_student):
    for user in (acme_manager, acme_teacher, acme_student):
        client = client_for("acme", token=jwt_for(acme, user))

        assert_error(client.get(API_KEYS), 403, "PERMISSION_DENIED")
        assert_error(create(client), 403, "PERMISSION_DENIED")
    with schema_context("acme"):
        assert ApiKey.objects.count() == 0


def test_api_keys_cannot_manage_api_keys(acme, acme_admin):
    api_key, raw = issue(acme, acme_admin, scopes=[s for s in scope_codes() if s.endswith(":write")])
    client = key_client("acme", raw)

    listing = client.get(API_KEYS)
    minting = create(client)
    revoking = client.delete(f"{API_KEYS}/{api_key.pk}")

    for response in (listing, minting, revoking):
        error = assert_error(response, 403, "PERMISSION_DENIED")
        assert error["message"] == "API keys cannot manage API keys; sign in as an Org Admin to do this."
    with schema_context("acme"):
        assert list(ApiKey.objects.values_list("name", "revoked_at")) == [("Reporting service", None)]


def test_keys_are_listed_with_filters_sort_and_pagination(acme, acme_admin, acme_admin_client):
    store(acme, acme_admin, name="Alpha")
    store(acme, acme_admin, name="Beta", revoked=True)
    store(acme, acme_admin, name="Gamma", expires_at=in_days(-1))

    def names(**params):
        return [item["name"] for item in assert_ok(acme_admin_client.get(API_KEYS, params))]

    assert names() == ["Gamma", "Beta", "Alpha"]  # newest first
    assert names(**{"filter[status]": "revoked"}) == ["Beta"]
    assert names(**{"filter[status][in]": "active,expired", "sort": "name"}) == ["Alpha", "Gamma"]
    assert names(**{"filter[name][ilike]": "alp"}) == ["Alpha"]
    assert names(sort="-name") == ["Gamma", "Beta", "Alpha"]
    page = acme_admin_client.get(API_KEYS, {"sort": "name", "per_page": 2, "page": 2}).json()
    assert ([item["name"] for item in page["data"]], page["meta"]["total"], page["meta"]["total_pages"]) == (
        ["Gamma"],
        3,
        2,
    )
    assert_error(acme_admin_client.get(API_KEYS, {"filter[key_hash]": "x"}), 400, "INVALID_FILTER")
    assert_error(acme_admin_client.get(API_KEYS, {"sort": "key_hash"}), 400, "INVALID_SORT")


def test_listing_costs_the_same_queries_for_one_key_or_many(acme, acme_admin, acme_admin_client):
    store(acme, acme_admin)
    acme_admin_client.get(API_KEYS)  # the host -> organization lookup is cached from here on
    with CaptureQueriesContext(connection) as one:
        assert len(assert_ok(acme_admin_client.get(API_KEYS))) == 1
    for local in ("manager", "teacher", "student", "south-teacher", "south-student"):
        store(acme, person(acme, local), name=f"Key of {local}", revoked=True)
    with schema_context("acme"):
        ApiKey.objects.update(revoked_by=acme_admin)

    with CaptureQueriesContext(connection) as many:
        assert len(assert_ok(acme_admin_client.get(API_KEYS))) == 6

    # search_path, the user, their roles, the count and the page, creators and revokers joined in (5 today)
    assert len(many.captured_queries) == len(one.captured_queries)


def test_revoking_a_key_refuses_it_from_the_next_request_and_is_audited(acme, acme_admin_client, acme_key):
    assert key_client("acme", acme_key.raw).get(org_path(acme)).status_code == 200

    response = acme_admin_client.delete(f"{API_KEYS}/{acme_key.api_key.pk}")
    again = acme_admin_client.delete(f"{API_KEYS}/{acme_key.api_key.pk}")

    assert response.status_code == 204
    assert again.status_code == 204
    detail = assert_ok(acme_admin_client.get(f"{API_KEYS}/{acme_key.api_key.pk}"))
    assert (detail["status"], detail["revoked_by"]["email"]) == ("revoked", "orgadmin@acme.example.com")
    assert detail["revoked_at"] is not None
    assert_error(key_client("acme", acme_key.raw).get(org_path(acme)), 401, "API_KEY_REVOKED")
    with schema_context("acme"):
        revocations = list(
            AuditEntry.objects.filter(action="api_key.revoked").values(
                "actor_email", "target_type", "target_id", "changes"
            )
        )
    assert revocations == [
        {
            "actor_email": "orgadmin@acme.example.com",
            "target_type": "apikeys.apikey",
            "target_id": str(acme_key.api_key.pk),
            "changes": {"name": "Reporting service", "prefix": acme_key.api_key.prefix},
        }
    ]


def test_creating_a_key_is_audited_without_the_secret(acme, acme_admin_client):
    data = assert_ok(create(acme_admin_client, expires_at="2099-01-01T00:00:00Z"), 201)

    with schema_context("acme"):
        entry = AuditEntry.objects.get(action="api_key.created")

    assert (entry.actor_email, entry.target_type, entry.target_id) == (
        "orgadmin@acme.example.com",
        "apikeys.apikey",
        str(data["id"]),
    )
    assert entry.changes == {
        "name": "Payroll sync",
        "prefix": data["prefix"],
        "scopes": ["classes:write", "users:read"],
        "expires_at": "2099-01-01T00:00:00+00:00",
    }
    assert entry.ip_address == "127.0.0.1"
    assert data["key"].split("_")[2] not in str(entry.changes) + entry.target_repr


def test_an_unknown_key_id_answers_404(acme, acme_admin_client):
    assert_error(acme_admin_client.get(f"{API_KEYS}/999999"), 404, "NOT_FOUND")
    assert_error(acme_admin_client.delete(f"{API_KEYS}/999999"), 404, "NOT_FOUND")


def test_the_openapi_document_describes_api_keys(acme):
    schema = client_for("acme").get("/api/v1/schema/", {"format": "json"}).json()

    assert schema["components"]["securitySchemes"]["apiKeyAuth"] == {
        "type": "apiKey",
        "in": "header",
        "name": "X-API-Key",
        "description": schema["components"]["securitySchemes"]["apiKeyAuth"]["description"],
    }
    assert set(schema["paths"]["/api/v1/api-keys"]) == {"get", "post"}
    assert set(schema["paths"]["/api/v1/api-keys/{id}"]) == {"get", "delete"}
