"""`sort=a,-b` on whitelisted fields, with the primary key as the last tie-breaker so pages are stable."""

import pytest

from .helpers import assert_error, assert_ok, ids, provision_many

ORGANIZATIONS = "/api/v1/organizations"

SORT_CASES = [
    ("slug", ["acme", "globex", "hooli", "initech", "umbrella"]),
    ("-slug", ["umbrella", "initech", "hooli", "globex", "acme"]),
    ("-created_at", ["globex", "acme", "hooli", "umbrella", "initech"]),
    ("created_at", ["initech", "umbrella", "hooli", "acme", "globex"]),
    # Several keys, each with its own direction; `plan` sorts on the related plan's code.
    ("plan,slug", ["initech", "acme", "hooli", "globex", "umbrella"]),
    ("plan,-slug", ["initech", "hooli", "acme", "umbrella", "globex"]),
    ("-plan,slug", ["globex", "umbrella", "acme", "hooli", "initech"]),
    ("status,-slug", ["globex", "acme", "hooli", "umbrella", "initech"]),
    (" -status , slug ", ["initech", "umbrella", "hooli", "acme", "globex"]),
]


def test_sort_orders_by_each_key_in_turn(operator_client, catalog):
    results = {}
    for sort, _ in SORT_CASES:
        response = operator_client.get(ORGANIZATIONS, {"sort": sort})
        results[sort] = [org["slug"] for org in assert_ok(response)]

    assert results == dict(SORT_CASES)


def test_default_sort_is_by_name(operator_client, acme, globex):
    response = operator_client.get(ORGANIZATIONS)

    assert [org["slug"] for org in assert_ok(response)] == ["acme", "globex"]


def test_ties_are_broken_by_id_so_pages_never_repeat_or_skip(operator_client, acme, globex):
    from tenants.models import Organization, OrganizationSettings, Subscription

    twin_ids = sorted(org.pk for org in provision_many(3, prefix="Twin", name="Twin School"))
    # Rewrite the oldest twin's rows so that PostgreSQL stores the twins out of id order: without the
    # tie-breaker, their order would follow the storage order.
    Organization.objects.filter(pk=twin_ids[0]).update(status_reason="")
    Subscription.objects.filter(organization_id=twin_ids[0]).update(seats=None)
    OrganizationSettings.objects.filter(organization_id=twin_ids[0]).update(welcome_text="")

    by_name = assert_ok(operator_client.get(ORGANIZATIONS, {"sort": "name"}))
    by_name_desc = assert_ok(operator_client.get(ORGANIZATIONS, {"sort": "-name"}))
    paged = [
        ids(assert_ok(operator_client.get(ORGANIZATIONS, {"sort": "name", "per_page": 1, "page": page})))
        for page in (3, 4, 5)
    ]

    assert ids(by_name) == [acme.pk, globex.pk, *twin_ids]
    assert ids(by_name_desc) == [*twin_ids, globex.pk, acme.pk]
    assert paged == [[twin_ids[0]], [twin_ids[1]], [twin_ids[2]]]


@pytest.mark.parametrize(
    ("sort", "refused"),
    [
        ("bogus", ["bogus"]),
        ("name,-bogus", ["-bogus"]),
        ("admin_email", ["admin_email"]),  # filterable, but not sortable
        ("schema_name", ["schema_name"]),
        ("--name", ["--name"]),
        ("name,", [""]),
        ("+name", ["+name"]),
        ("subscription__plan__code", ["subscription__plan__code"]),  # ORM paths are not public names
        ("bogus,-nope", ["bogus", "-nope"]),
    ],
)
def test_a_sort_on_a_field_that_is_not_whitelisted_is_400(operator_client, acme, sort, refused):
    response = operator_client.get(ORGANIZATIONS, {"sort": sort})

    error = assert_error(response, 400, "INVALID_SORT")
    assert error["message"] == "The sort is not valid."
    sortable = "name, slug, status, created_at, plan"
    expected = [f"Cannot sort on `{item}`. Sortable fields: {sortable}." for item in refused]
    assert error["details"] == {"sort": expected}
