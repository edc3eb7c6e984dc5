"""Every list endpoint of the organization API runs as many queries for 50 rows as for 5 (no query per row),
and no more than the cap its row of benchmarks/cost_table.py records (issue 11: the goal is ≤ 5).

The rows and caps come from the cost table, so a new list endpoint is checked as soon as it has its row
(and tests/benchmarks/test_cost_table.py makes sure it has one); the data from benchmarks/cost_fill.py, the
same filler `make bench BENCH_ARGS=cost` uses, in acme. Each list is read as the Org Admin and, where the
table says so, as the filler's student, with per_page=100 so that every row is on the page.
"""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from benchmarks import cost_fill, cost_table
from tests.api.helpers import assert_ok
from tests.conftest import client_for, in_org, jwt_for

PER_PAGE = 100


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
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    return len(captured), len(assert_ok(response))


@pytest.mark.parametrize(("row", "role"), _cases(GROWING))
def test_list_queries_are_the_same_for_5_and_50_rows_and_within_the_cap(acme, acme_admin, row, role):
    with in_org(acme):
        targets = cost_fill.fill(5, "five", admin=acme_admin)
        client = _client(acme, acme_admin, targets, role)
    url = row.url(targets, PER_PAGE)
    five, listed_five = _queries(client, url)
    with in_org(acme):
        cost_fill.fill(45, "fifty", admin=acme_admin)
    fifty, listed_fifty = _queries(client, url)

    assert listed_fifty >= listed_five + 45, "the filler's rows are not in this list"
    assert fifty == five, f"{row.name}: {five} queries for 5 rows, {fifty} for 50"
    assert fifty <= row.max_queries, f"{row.name}: {fifty} queries, the cost table allows {row.max_queries}"


@pytest.mark.parametrize(("row", "role"), _cases(FIXED))
def test_fixed_lists_stay_within_their_cap(acme, acme_admin, row, role):
    with in_org(acme):
        targets = cost_fill.fill(5, "five", admin=acme_admin)
        client = _client(acme, acme_admin, targets, role)
    queries, listed = _queries(client, row.url(targets, PER_PAGE))

    assert listed > 0
    assert queries <= row.max_queries, (
        f"{row.name}: {queries} queries, the cost table allows {row.max_queries}"
    )
