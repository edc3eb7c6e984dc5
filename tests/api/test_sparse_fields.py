"""`fields=id,name,subscription.plan.code` keeps only those paths of each object in `data`."""

import pytest

from .helpers import assert_error, assert_ok

ORGANIZATIONS = "/api/v1/organizations"


def test_list_items_keep_only_the_named_paths(operator_client, acme, globex):
    response = operator_client.get(ORGANIZATIONS, {"fields": "id,name,subscription.plan.code"})

    assert assert_ok(response) == [
        {"id": acme.pk, "name": "Acme Academy", "subscription": {"plan": {"code": "growth"}}},
        {"id": globex.pk, "name": "Globex Institute", "subscription": {"plan": {"code": "starter"}}},
    ]


def test_pagination_meta_is_untouched_by_sparse_fields(operator_client, acme, globex):
    response = operator_client.get(ORGANIZATIONS, {"fields": "id", "per_page": 1})

    meta = response.json()["meta"]
    assert assert_ok(response) == [{"id": acme.pk}]
    assert (meta["page"], meta["per_page"], meta["total"], meta["total_pages"]) == (1, 1, 2, 2)


def test_detail_keeps_only_the_named_paths(operator_client, acme):
    response = operator_client.get(f"{ORGANIZATIONS}/{acme.pk}", {"fields": "slug,subscription.plan.code,id"})

    data = assert_ok(response)
    assert data == {"id": acme.pk, "slug": "acme", "subscription": {"plan": {"code": "growth"}}}


def test_a_whole_object_and_a_path_inside_it_keep_the_whole_object(operator_client, acme):
    detail = f"{ORGANIZATIONS}/{acme.pk}"
    full = assert_ok(operator_client.get(detail))["subscription"]

    one_way = assert_ok(operator_client.get(detail, {"fields": "subscription,subscription.plan.code"}))
    other_way = assert_ok(operator_client.get(detail, {"fields": "subscription.plan.code,subscription"}))

    assert one_way == other_way == {"subscription": full}


def test_paths_through_a_list_apply_to_each_element(operator_client, acme):
    response = operator_client.get(f"{ORGANIZATIONS}/{acme.pk}", {"fields": "domains.domain"})

    assert assert_ok(response) == {"domains": [{"domain": "acme.learnstack.test"}]}


def test_spaces_and_repeats_in_fields_are_harmless(operator_client, acme):
    response = operator_client.get(f"{ORGANIZATIONS}/{acme.pk}", {"fields": " id , id,slug "})

    assert assert_ok(response) == {"id": acme.pk, "slug": "acme"}


def test_sparse_fields_apply_on_the_users_own_profile(acme_admin_client, acme_admin):
    response = acme_admin_client.get("/api/v1/auth/me", {"fields": "email,roles"})

    assert assert_ok(response) == {"email": "orgadmin@acme.example.com", "roles": ["org_admin"]}


@pytest.mark.parametrize(
    ("fields", "refused"),
    [
        ("id,bogus", ["bogus"]),
        ("subscription.plan.bogus", ["subscription.plan.bogus"]),
        ("name.first", ["name.first"]),  # a scalar has no sub-fields
        ("usage.users", ["usage.users"]),  # a computed dict is not described, so not addressable
        ("Name", ["Name"]),
        ("id,subscription.nope,nope", ["subscription.nope", "nope"]),
    ],
)
def test_an_unknown_path_is_400(operator_client, acme, fields, refused):
    response = operator_client.get(ORGANIZATIONS, {"fields": fields})

    error = assert_error(response, 400, "INVALID_FIELDS")
    assert error["message"] == "Unknown fields requested."
    assert error["details"] == {"fields": [f"`{path}` is not a field of this resource." for path in refused]}


def test_an_unknown_path_on_a_detail_is_400(operator_client, acme):
    response = operator_client.get(f"{ORGANIZATIONS}/{acme.pk}", {"fields": "bogus"})

    assert_error(response, 400, "INVALID_FIELDS")


@pytest.mark.parametrize("fields", ["", ",", " , "])
def test_empty_fields_is_400(operator_client, acme, fields):
    response = operator_client.get(ORGANIZATIONS, {"fields": fields})

    error = assert_error(response, 400, "INVALID_FIELDS")
    assert error["details"] == {"fields": ["Name at least one field."]}


def test_sparse_fields_do_not_trim_error_envelopes(operator_client):
    response = operator_client.get(f"{ORGANIZATIONS}/999999", {"fields": "id"})

    assert_error(response, 404, "NOT_FOUND")
