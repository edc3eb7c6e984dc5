"""Filters and sorts on an organization's own lists, by field kind: booleans, related fields (by id and
through a dot path), `like` patterns anchored by their wildcards, and each list's default sort.

acme's classes here: Algebra 1 and Zoology (North Campus), Art and Biology 1 (South Campus), and Latin
(North Campus, no longer active)."""

import pytest

from tests.conftest import in_org

from .helpers import assert_error, assert_ok

CLASSES = "/api/v1/classes"


@pytest.fixture
def classes(acme):
    from apps.hierarchy.models import Branch, SchoolClass

    with in_org(acme):
        north, south = Branch.objects.get(code="north"), Branch.objects.get(code="south")
        SchoolClass.objects.create(branch=north, name="Zoology", term="2026")
        SchoolClass.objects.create(branch=south, name="Art", term="2026")
        SchoolClass.objects.create(branch=north, name="Latin", term="2025", is_active=False)
        return {c.name: c for c in SchoolClass.objects.all()}


def names(client, **params) -> list[str]:
    return [item["name"] for item in assert_ok(client.get(CLASSES, params))]


def test_a_list_without_sort_uses_its_default_sort(acme_admin_client, classes):
    # Classes sort by branch name, then by name.
    assert names(acme_admin_client) == ["Algebra 1", "Latin", "Zoology", "Art", "Biology 1"]


def test_a_sort_replaces_the_default(acme_admin_client, classes):
    assert names(acme_admin_client, sort="-name") == ["Zoology", "Latin", "Biology 1", "Art", "Algebra 1"]
    assert names(acme_admin_client, sort=" branch.name , -name") == [
        "Zoology",
        "Latin",
        "Algebra 1",
        "Biology 1",
        "Art",
    ]


def test_equal_sort_keys_keep_the_order_they_were_made_in(acme_admin_client, classes):
    made = [c.name for c in sorted(classes.values(), key=lambda c: c.pk) if c.term == "2026"]

    assert names(acme_admin_client, sort="term", **{"filter[term]": "2026"}) == made
    assert names(acme_admin_client, sort="-term", **{"filter[term]": "2026"}) == made


@pytest.mark.parametrize(
    ("value", "selected"),
    [
        ("true", ["Algebra 1", "Zoology", "Art", "Biology 1"]),
        ("TRUE", ["Algebra 1", "Zoology", "Art", "Biology 1"]),
        ("1", ["Algebra 1", "Zoology", "Art", "Biology 1"]),
        ("false", ["Latin"]),
        ("False", ["Latin"]),
        ("0", ["Latin"]),
    ],
)
def test_a_boolean_filter_reads_true_and_false_in_any_case_and_as_1_and_0(
    acme_admin_client, classes, value, selected
):
    assert names(acme_admin_client, **{"filter[is_active]": value}) == selected


@pytest.mark.parametrize("value", ["yes", "", "2", "truely"])
def test_a_boolean_filter_refuses_anything_else(acme_admin_client, classes, value):
    response = acme_admin_client.get(CLASSES, {"filter[is_active]": value})

    error = assert_error(response, 400, "INVALID_FILTER")
    assert error["message"] == f"`{value}` is not a valid value for `is_active`."
    assert error["details"] == {"is_active": ["not a boolean"]}


def test_a_related_field_filters_by_the_related_id(acme_admin_client, classes):
    north = classes["Algebra 1"].branch_id
    south = classes["Art"].branch_id

    assert names(acme_admin_client, **{"filter[branch]": str(north)}) == ["Algebra 1", "Latin", "Zoology"]
    assert names(acme_admin_client, **{"filter[branch][in]": f"{south}, {north}"}) == [
        "Algebra 1",
        "Latin",
        "Zoology",
        "Art",
        "Biology 1",
    ]


def test_a_related_field_filters_through_a_dot_path(acme_admin_client, classes):
    assert names(acme_admin_client, **{"filter[branch.code]": "south"}) == ["Art", "Biology 1"]
    assert names(acme_admin_client, **{"filter[branch.code][in]": "south,nowhere"}) == ["Art", "Biology 1"]


@pytest.mark.parametrize(
    ("key", "value", "refused"),
    [("filter[branch]", "north", "north"), ("filter[branch][in]", "1,abc", "abc")],
)
def test_a_bad_value_on_a_related_field_filter_is_400(acme_admin_client, classes, key, value, refused):
    response = acme_admin_client.get(CLASSES, {key: value})

    error = assert_error(response, 400, "INVALID_FILTER")
    assert error["message"] == f"`{refused}` is not a valid value for `branch`."
    assert list(error["details"]) == ["branch"]


@pytest.mark.parametrize(
    ("pattern", "selected"),
    [
        ("ology", ["Zoology", "Biology 1"]),  # no wildcard: contains
        ("ology%", []),  # a wildcard anchors the pattern: starts with "ology"
        ("%ology", ["Zoology"]),  # ends with "ology"
        ("lgebra_1", []),  # `_` anchors too: one character in the middle, nothing around
        ("Algebra_1", ["Algebra 1"]),
        ("_rt", ["Art"]),
        ("Art_", []),
    ],
)
def test_like_is_anchored_as_soon_as_a_pattern_has_one_wildcard(
    acme_admin_client, classes, pattern, selected
):
    assert names(acme_admin_client, **{"filter[name][like]": pattern}) == selected


def test_ilike_ignores_case_and_like_does_not(acme_admin_client, classes):
    assert names(acme_admin_client, **{"filter[name][ilike]": "ZOO"}) == ["Zoology"]
    assert names(acme_admin_client, **{"filter[name][like]": "ZOO"}) == []


def test_every_filter_key_needs_a_whitelisted_field_even_on_its_own_list(acme_admin_client, classes):
    response = acme_admin_client.get(CLASSES, {"filter[branch.name]": "North Campus"})

    error = assert_error(response, 400, "INVALID_FILTER")
    assert error["details"]["filter[branch.name]"] == [
        "Filtering on `branch.name` is not supported. "
        "Filterable fields: branch, branch.code, created_at, is_active, name, term."
    ]


def test_the_filters_and_sorts_are_documented_in_the_schema(acme_admin_client):
    from apps.core.api.filtering import WhitelistFilterBackend, WhitelistSortBackend
    from apps.hierarchy.api.classes import ClassListView

    view = ClassListView()
    filters = WhitelistFilterBackend().get_schema_operation_parameters(view)
    [sort] = WhitelistSortBackend().get_schema_operation_parameters(view)

    by_name = {p["name"]: p for p in filters}
    assert {
        "filter[name]",
        "filter[term]",
        "filter[branch]",
        "filter[branch.code]",
        "filter[is_active]",
        "filter[created_at]",
    } <= set(by_name)
    assert by_name["filter[term]"]["in"] == "query"
    assert by_name["filter[term]"]["required"] is False
    assert "eq, ne, in" in by_name["filter[term]"]["description"]
    assert by_name["filter[term]"]["schema"]["type"] == "string"
    assert (sort["name"], sort["in"], sort["required"]) == ("sort", "query", False)
    assert sort["schema"]["type"] == "string"
    assert "name, term, created_at, branch.name" in sort["description"]


def test_a_filter_on_a_computed_column_compares_the_value_as_given(acme):
    from django.db.models import Count
    from django.test import RequestFactory
    from rest_framework.request import Request

    from apps.core.api.filtering import WhitelistFilterBackend
    from apps.hierarchy.models import Branch, SchoolClass

    view = type("View", (), {"filter_fields": {"class_count": ["gte"]}})()
    request = Request(RequestFactory().get("/", {"filter[class_count][gte]": "2"}))
    with in_org(acme):
        SchoolClass.objects.create(branch=Branch.objects.get(code="south"), name="Art", term="2026")
        branches = Branch.objects.annotate(class_count=Count("classes"))

        found = WhitelistFilterBackend().filter_queryset(request, branches, view)

        assert [b.code for b in found] == ["south"]


@pytest.mark.parametrize(
    ("pattern", "selected"),
    [
        ("Top\\_10", ["Top_10"]),  # an escaped `_` is itself, wherever it stands
        ("To\\_10", []),
        ("p\\_1", ["Top_10"]),
        ("\\%", ["50% off"]),
        ("0\\% o", ["50% off"]),
        ("Top_10", ["Top-10", "Top_10"]),  # unescaped: any one character, anchored
    ],
)
def test_an_escaped_wildcard_matches_itself_at_any_position(acme, acme_admin_client, pattern, selected):
    from apps.hierarchy.models import Branch, SchoolClass

    with in_org(acme):
        north = Branch.objects.get(code="north")
        for name in ("Top_10", "Top-10", "50% off"):
            SchoolClass.objects.create(branch=north, name=name, term="2026")

    found = names(acme_admin_client, sort="name", **{"filter[name][like]": pattern})

    assert found == selected


def test_a_list_without_sort_fields_documents_no_sort():
    from apps.core.api.filtering import WhitelistSortBackend

    assert WhitelistSortBackend().get_schema_operation_parameters(type("View", (), {})()) == []
