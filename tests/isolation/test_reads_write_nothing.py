"""A GET writes nothing: every GET endpoint and page of the matrix, opened by an Org Admin and by a student
(and each public page by a visitor), runs no INSERT, UPDATE or DELETE (nor a row lock, which only a write
needs).

What a read may still write is listed in READ_WRITES, table by table, with the reason. The sign-in itself
(session row, last_login, django-axes) happens before the request under test, and the rate-limit counters
live in the cache, not in SQL."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import browser_for, client_for, jwt_for

from .registry import API_ENDPOINTS, PAGES, fill, targets

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|MERGE|TRUNCATE)\b|\bFOR (NO KEY )?UPDATE\b", re.IGNORECASE)
TABLE = re.compile(r'^\s*(?:INSERT INTO|UPDATE|DELETE FROM)\s+"([^"]+)"', re.IGNORECASE)

# Path (with placeholders) -> the tables a GET of it may write to, and why. Anything else is a bug.
READ_WRITES: dict[str, tuple[set[str], str]] = {
    "/accounts/password/reset/key/{reset_uid}-{reset_key}/": (
        {"django_session"},
        "allauth moves the emailed key into the session (keeping it out of the next page's Referer) and "
        "signs out anyone signed in as someone else: the session row only, no data of the product",
    ),
    **{
        path: (
            {"certificates_verification", "events_event"},
            "every public verification of a certificate is logged (found or not) and a found one raises "
            "certificate.verified, as issue 13 asks",
        )
        for path in (
            "/verify/{cert_code}",
            "/verify/{cert_verify_uuid}",
            "/api/v1/certificates/{cert_verify_uuid}/verify",
        )
    },
}


def writes_of(queries, path: str = "") -> list[str]:
    allowed = READ_WRITES.get(path, (set(), ""))[0]
    writes = []
    for query in queries:
        sql = query["sql"]
        table = TABLE.match(sql)
        if WRITE.search(sql) and not (table and table.group(1) in allowed):
            writes.append(sql[:200])
    return writes


GET_ENDPOINTS = [e for e in API_ENDPOINTS if e.method == "GET"]


@pytest.fixture
def people(acme_admin, acme_student):
    return {"org_admin": acme_admin, "student": acme_student}


@pytest.mark.parametrize("role", ["org_admin", "student"])
@pytest.mark.parametrize("endpoint", GET_ENDPOINTS, ids=lambda e: e.id)
def test_a_get_of_the_api_writes_nothing(endpoint, role, acme, people):
    values = targets(acme, endpoint.path)  # made (and written) before the request under test
    client = client_for("acme", token=jwt_for(acme, people[role]))

    with CaptureQueriesContext(connection) as queries:
        response = client.get(fill(endpoint.path, values))

    assert response.status_code < 500
    assert writes_of(queries) == []


@pytest.mark.parametrize("role", ["org_admin", "student"])
@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.id)
def test_a_page_opened_writes_nothing(page, role, acme, people):
    values = targets(acme, page.path)
    browser = browser_for(acme, people[role])  # the sign-in writes its session row here, before

    with CaptureQueriesContext(connection) as queries:
        response = browser.get(fill(page.path, values))

    assert response.status_code < 500
    assert writes_of(queries, page.path) == []


@pytest.mark.parametrize("page", [p for p in PAGES if p.public], ids=lambda p: p.id)
def test_a_public_page_opened_by_a_visitor_writes_nothing(page, acme):
    values = targets(acme, page.path)

    with CaptureQueriesContext(connection) as queries:
        response = client_for("acme").get(fill(page.path, values))

    assert response.status_code < 500
    assert writes_of(queries, page.path) == []


def test_the_check_sees_a_write(acme, acme_admin):
    """The detector itself: a request that writes is caught (a POST that renames a branch)."""
    values = targets(acme)
    client = client_for("acme", token=jwt_for(acme, acme_admin))

    with CaptureQueriesContext(connection) as queries:
        response = client.put(
            fill("/api/v1/organizations/{org_id}/branches/{home_branch_id}", values),
            {"name": "Renamed Campus"},
            format="json",
        )

    assert response.status_code == 200
    assert writes_of(queries) != []
