"""Every list endpoint of the organization API runs as many queries for 50 rows as for 5 (no query per row),
and no more than the cap its row of benchmarks/cost_table.py records (issue 11: the goal is ≤ 5).

The rows and caps come from the cost table, so a new list endpoint is checked as soon as it has its row
(and tests/benchmarks/test_cost_table.py makes sure it has one); the data from benchmarks/cost_fill.py, the
same filler `make bench BENCH_ARGS=cost` uses, in acme. Each list is read as the Org Admin and, where the
table says so, as the filler's student, with per_page=100 so that every row is on the page.
"""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from benchmarks import cost_fill, cost_table
from tests.api.helpers import assert_ok
from tests.conftest import _org_admin, client_for, in_org, jwt_for, rolled_back

PER_PAGE = 100
pytestmark = pytest.mark.django_db  # the measurements read the test database (made once, in `measured`)


def _cases(rows):
    return [
        pytest.param(row, role, id=f"{row.name}-{role}")
        for row in rows
        for role in (("admin", "student") if row.student else ("admin",))
    ]


GROWING = [row for row in cost_table.list_rows() if row.grows]
FIXED = [row for row in cost_table.list_rows() if not row.grows]


def _client(acme, acme_admin, targets, role):
    user = acme_admin if role == "admin" else get_user_model().objects.get(pk=targets["student_id"])
    return client_for("acme", token=jwt_for(acme, user))


def _queries(client, url) -> tuple[int, int]:
    """(queries, rows listed) of one request, after a warm-up that caches the host and the throttle."""
    for alias in settings.CACHES:  # no rate-limit counter from the lists measured before this one
        caches[alias].clear()
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    return len(captured), len(assert_ok(response))


@pytest.fixture(scope="module")
def measured(django_db_setup, django_db_blocker):
    """Every list of the table read once with the filler's 5 rows and once more after 45 more, as
    {case id: (queries, rows listed)} for each fill: filling is the costly part (every app's objects, made
    through their services), so it is done once for all the rows, inside a transaction undone afterwards."""
    from tenants.models import Organization

    with rolled_back(django_db_blocker):
        acme = Organization.objects.select_related("subscription__plan", "settings").get(slug="acme")
        admin = _org_admin(acme)
        with in_org(acme):
            targets = cost_fill.fill(5, "five", admin=admin)
            clients = {role: _client(acme, admin, targets, role) for role in ("admin", "student")}
        cases = [(case.id, *case.values) for case in (*_cases(GROWING), *_cases(FIXED))]
        five = {case_id: _queries(clients[role], row.url(targets, PER_PAGE)) for case_id, row, role in cases}
        with in_org(acme):
            cost_fill.fill(45, "fifty", admin=admin)
        fifty = {
            case_id: _queries(clients[role], row.url(targets, PER_PAGE))
            for case_id, row, role in cases
            if row.grows
        }
        yield five, fifty


@pytest.mark.parametrize(("row", "role"), _cases(GROWING))
def test_list_queries_are_the_same_for_5_and_50_rows_and_within_the_cap(measured, request, row, role):
    case_id = request.node.callspec.id
    (five, listed_five), (fifty, listed_fifty) = measured[0][case_id], measured[1][case_id]

    assert listed_fifty >= listed_five + 45, "the filler's rows are not in this list"
    assert fifty == five, f"{row.name}: {five} queries for 5 rows, {fifty} for 50"
    assert fifty <= row.max_queries, f"{row.name}: {fifty} queries, the cost table allows {row.max_queries}"


@pytest.mark.parametrize(("row", "role"), _cases(FIXED))
def test_fixed_lists_stay_within_their_cap(measured, request, row, role):
    queries, listed = measured[0][request.node.callspec.id]

    assert listed > 0
    assert queries <= row.max_queries, (
        f"{row.name}: {queries} queries, the cost table allows {row.max_queries}"
    )
