"""`page` / `per_page` (default 10, max 100) with totals and links in `meta`."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .helpers import assert_error, assert_ok, provision_many

ORGANIZATIONS = "/api/v1/organizations"
BASE = "http://learnstack.test/api/v1/organizations"


@pytest.fixture
def fourteen_orgs(acme, globex):
    """acme, globex and "Org 01".."Org 12": by name, acme and globex come first. Provisioning is real (a
    schema each), so only the default page size needs this many; other tests page through seven."""
    return provision_many(12)


@pytest.fixture
def seven_orgs(acme, globex):
    """acme, globex and "Org 01".."Org 05"."""
    return provision_many(5)


def test_first_page_has_ten_items_by_default(operator_client, fourteen_orgs):
    response = operator_client.get(ORGANIZATIONS)

    data = assert_ok(response)
    assert [org["slug"] for org in data] == ["acme", "globex", *[f"org-{i:02d}" for i in range(1, 9)]]
    assert response.json()["meta"] == {
        "page": 1,
        "per_page": 10,
        "total": 14,
        "total_pages": 2,
        "links": {
            "self": f"{BASE}?page=1&per_page=10",
            "first": f"{BASE}?page=1&per_page=10",
            "last": f"{BASE}?page=2&per_page=10",
            "next": f"{BASE}?page=2&per_page=10",
            "prev": None,
        },
    }


def test_last_page_holds_the_rest(operator_client, seven_orgs):
    response = operator_client.get(ORGANIZATIONS, {"page": 3, "per_page": 3})

    data = assert_ok(response)
    assert [org["slug"] for org in data] == ["org-05"]
    meta = response.json()["meta"]
    assert (meta["page"], meta["per_page"], meta["total"], meta["total_pages"]) == (3, 3, 7, 3)
    assert meta["links"]["next"] is None
    assert meta["links"]["prev"] == f"{BASE}?page=2&per_page=3"


def test_per_page_picks_the_page_size(operator_client, seven_orgs):
    response = operator_client.get(ORGANIZATIONS, {"per_page": 3, "page": 2})

    data = assert_ok(response)
    assert [org["slug"] for org in data] == ["org-02", "org-03", "org-04"]
    meta = response.json()["meta"]
    assert (meta["page"], meta["per_page"], meta["total"], meta["total_pages"]) == (2, 3, 7, 3)
    assert meta["links"] == {
        "self": f"{BASE}?page=2&per_page=3",
        "first": f"{BASE}?page=1&per_page=3",
        "last": f"{BASE}?page=3&per_page=3",
        "next": f"{BASE}?page=3&per_page=3",
        "prev": f"{BASE}?page=1&per_page=3",
    }


def test_per_page_above_100_is_clamped_to_100(operator_client, seven_orgs):
    response = operator_client.get(ORGANIZATIONS, {"per_page": 500})

    data = assert_ok(response)
    assert len(data) == 7
    meta = response.json()["meta"]
    assert (meta["page"], meta["per_page"], meta["total"], meta["total_pages"]) == (1, 100, 7, 1)
    assert meta["links"]["self"] == f"{BASE}?page=1&per_page=100"


def test_page_past_the_end_is_empty_with_correct_totals(operator_client, seven_orgs):
    response = operator_client.get(ORGANIZATIONS, {"page": 9, "per_page": 3})

    assert assert_ok(response) == []
    meta = response.json()["meta"]
    assert (meta["page"], meta["per_page"], meta["total"], meta["total_pages"]) == (9, 3, 7, 3)
    assert meta["links"]["next"] is None
    assert meta["links"]["prev"] == f"{BASE}?page=3&per_page=3"
    assert meta["links"]["last"] == f"{BASE}?page=3&per_page=3"


def test_empty_result_has_one_empty_page(operator_client, acme):
    response = operator_client.get(ORGANIZATIONS, {"filter[slug]": "nosuchorg"})

    assert assert_ok(response) == []
    meta = response.json()["meta"]
    assert (meta["page"], meta["per_page"], meta["total"], meta["total_pages"]) == (1, 10, 0, 1)
    assert meta["links"]["next"] is None
    assert meta["links"]["prev"] is None


def test_links_keep_filters_sort_and_fields(operator_client, seven_orgs):
    params = {"filter[slug][like]": "org-", "sort": "-slug", "fields": "id,slug", "per_page": 3}

    response = operator_client.get(ORGANIZATIONS, params)

    data = assert_ok(response)
    assert [org["slug"] for org in data] == ["org-05", "org-04", "org-03"]
    next_link = response.json()["meta"]["links"]["next"]
    assert next_link.startswith(f"{BASE}?")
    assert parse_qs(urlsplit(next_link).query) == {
        "filter[slug][like]": ["org-"],
        "sort": ["-slug"],
        "fields": ["id,slug"],
        "per_page": ["3"],
        "page": ["2"],
    }
    follow = operator_client.get(next_link)
    assert [org["slug"] for org in assert_ok(follow)] == ["org-02", "org-01"]
    assert set(assert_ok(follow)[0]) == {"id", "slug"}


@pytest.mark.parametrize("param", ["page", "per_page"])
@pytest.mark.parametrize("value", ["0", "-1", "abc", "1.5", " "])
def test_page_parameters_that_are_not_positive_integers_are_400(operator_client, param, value):
    response = operator_client.get(ORGANIZATIONS, {param: value})

    error = assert_error(response, 400, "INVALID_PAGINATION")
    assert error["message"] == f"`{param}` must be a positive whole number."
    assert error["details"] == {param: [f"Expected a positive integer, got {value!r}."]}


def test_page_size_does_not_change_the_number_of_queries(operator_client, seven_orgs):
    operator_client.get(ORGANIZATIONS, {"per_page": 1})  # warm the host cache

    with CaptureQueriesContext(connection) as one:
        assert len(assert_ok(operator_client.get(ORGANIZATIONS, {"per_page": 1}))) == 1
    with CaptureQueriesContext(connection) as seven:
        assert len(assert_ok(operator_client.get(ORGANIZATIONS, {"per_page": 7}))) == 7

    assert len(seven.captured_queries) == len(one.captured_queries)
