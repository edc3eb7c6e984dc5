"""The cost table (benchmarks/cost_table.py) names every GET route of organization hosts.

`make bench BENCH_ARGS=cost` times each row next to the framework floors; a new module's list or detail
endpoint, or a new read page, without a row (or an exemption with its reason) fails here, naming the route,
as a route missing from the isolation matrix fails tests/isolation/test_route_coverage.py.
"""

import re
import sys
import types

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.urls import path
from rest_framework.views import APIView

from benchmarks import cost_table
from tests.urls import routes


def test_every_get_route_of_organization_hosts_has_a_cost_row_or_an_exemption():
    assert cost_table.uncovered() == []


def test_every_row_reaches_a_route():
    assert cost_table.dead_rows() == []


def test_rows_have_unique_names_and_known_kinds():
    names = [row.name for row in cost_table.ROWS]
    assert len(names) == len(set(names))
    assert {row.kind for row in cost_table.ROWS} <= {"list", "detail", "page"}


def test_every_list_row_has_a_query_cap():
    for row in cost_table.list_rows():
        assert isinstance(row.max_queries, int), row.name
        assert row.max_queries > 0, row.name


def test_the_main_pages_are_in_the_table():
    names = {row.name for row in cost_table.ROWS}
    assert {"catalog_page", "course_page", "lesson_page", "my_learning_page"} <= names


def test_every_exemption_names_a_route_that_exists():
    existing = {cost_table._normal(route) for route, _ in routes(settings.ROOT_URLCONF)}
    assert set(cost_table.EXEMPT) - existing == set()
    for pattern in cost_table.EXEMPT_PATTERNS:
        assert any(re.search(pattern, route) for route in existing), pattern


def _view(request, **kwargs):
    return HttpResponse("")


@pytest.mark.parametrize(
    "route",
    ["api/v1/widgets", "api/v1/widgets/<int:pk>", "widgets/", "widgets/<int:pk>/"],
)
def test_a_new_read_route_without_a_row_is_named(route, monkeypatch):
    """A URLconf with one more GET route (an API view class with `get`, or a page) is reported."""

    class WidgetView(APIView):
        def get(self, request, **kwargs):
            return HttpResponse("")

    view = WidgetView.as_view() if route.startswith("api/") else _view
    tenant = __import__(settings.ROOT_URLCONF, fromlist=["urlpatterns"])
    name = "cost_table_probe_" + re.sub(r"\W", "_", route)  # the resolver is cached per URLconf name
    module = types.ModuleType(name)
    module.urlpatterns = [path(route, view), *tenant.urlpatterns]
    monkeypatch.setitem(sys.modules, name, module)

    assert cost_table.uncovered(name) == [route]


def test_a_write_only_api_route_needs_no_row(monkeypatch):
    import sys

    class WidgetActionView(APIView):
        def post(self, request, **kwargs):
            return HttpResponse("")

    tenant = __import__(settings.ROOT_URLCONF, fromlist=["urlpatterns"])
    module = types.ModuleType("cost_table_probe_urls_post")
    module.urlpatterns = [
        path("api/v1/widgets/<int:pk>/act", WidgetActionView.as_view()),
        *tenant.urlpatterns,
    ]
    monkeypatch.setitem(sys.modules, "cost_table_probe_urls_post", module)

    assert cost_table.uncovered("cost_table_probe_urls_post") == []
