"""The organizations list: search, filters, plan, usage counted in one query, pagination, recent events."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tenants.models import Domain, OrganizationEvent
from tests.conftest import in_org
from tests.console.helpers import accessibility_problems, console_url

LIST = console_url("organizations")


def _names(response) -> list[str]:
    return [row.organization.name for row in response.context["rows"]]


def _people_counted(organization) -> int:
    from django.contrib.auth import get_user_model

    with in_org(organization):
        return get_user_model().objects.exclude(status="deactivated").count()


def test_lists_organizations_with_status_plan_and_user_count(console, acme, globex):
    from django.contrib.auth import get_user_model

    acme_before, globex_before = _people_counted(acme), _people_counted(globex)
    with in_org(acme):
        get_user_model().objects.create_user("learner@acme.example.com", "pw-123456789")
        get_user_model().objects.create_user("gone@acme.example.com", "pw-123456789", status="deactivated")

    response = console.get(LIST)

    assert response.status_code == 200
    assert _names(response) == ["Acme Academy", "Globex Institute"]
    counts = {row.organization.slug: row.counts["users"] for row in response.context["rows"]}
    # The new learner counts, the deactivated person does not.
    assert counts == {"acme": acme_before + 1, "globex": globex_before}
    body = response.content.decode()
    assert f'<td class="num" data-label="Users">{acme_before + 1}</td>' in body
    assert f'<td class="num" data-label="Users">{globex_before}</td>' in body
    assert '<span class="status status-active">Active</span>' in body
    assert '<td data-label="Plan">Growth</td>' in body
    assert '<td data-label="Plan">Starter</td>' in body
    assert "acme.learnstack.test" in body
    assert "2 organizations." in body


def test_platform_itself_is_not_listed(console):
    response = console.get(LIST)

    assert "LearnStack platform" not in _names(response)


@pytest.mark.parametrize("query", ["Acme Acad", "ACM", "orgadmin@acme", "learn.acme-corp.example"])
def test_search_matches_name_slug_email_and_domain(console, acme, query):
    Domain.objects.create(tenant=acme, domain="learn.acme-corp.example", is_primary=False)

    response = console.get(LIST, {"q": query})

    assert _names(response) == ["Acme Academy"]
    assert "1 organization matches the filters" in response.content.decode()


def test_search_with_several_matching_domains_lists_the_organization_once(console, acme):
    Domain.objects.create(tenant=acme, domain="one.acme.example", is_primary=False)
    Domain.objects.create(tenant=acme, domain="two.acme.example", is_primary=False)

    assert _names(console.get(LIST, {"q": "acme"})) == ["Acme Academy"]


def test_status_filter(console, globex):
    from tenants.services import organization_suspend

    organization_suspend(organization=globex, reason="unpaid")

    assert _names(console.get(LIST, {"status": "suspended"})) == ["Globex Institute"]
    assert _names(console.get(LIST, {"status": "active"})) == ["Acme Academy"]


def test_plan_filter(console):
    assert _names(console.get(LIST, {"plan": "starter"})) == ["Globex Institute"]
    assert _names(console.get(LIST, {"plan": "growth"})) == ["Acme Academy"]
    assert _names(console.get(LIST, {"plan": "enterprise"})) == []


def test_filters_combine_and_invalid_values_are_ignored(console):
    assert _names(console.get(LIST, {"q": "acme", "plan": "starter"})) == []
    assert _names(console.get(LIST, {"q": "globex", "status": "no-such-status", "plan": "nope"})) == [
        "Globex Institute"
    ]


def test_no_match_says_so_and_offers_to_clear_the_filters(console):
    response = console.get(LIST, {"q": "zzz-nothing"})

    body = response.content.decode()
    assert "No organizations match these filters." in body
    assert f'<a href="{LIST}" class="button">Clear</a>' in body


def test_pagination_keeps_the_filters(console, monkeypatch):
    monkeypatch.setattr("tenants.console.views.PER_PAGE", 1)

    first = console.get(LIST, {"status": "active"})
    second = console.get(LIST, {"status": "active", "page": 2})

    assert _names(first) == ["Acme Academy"]
    assert 'href="?status=active&amp;page=2" rel="next"' in first.content.decode()
    assert "Page 1 of 2" in first.content.decode()
    assert _names(second) == ["Globex Institute"]
    assert 'href="?status=active&amp;page=1" rel="prev"' in second.content.decode()
    assert _names(console.get(LIST, {"status": "active", "page": 99})) == ["Globex Institute"]  # last page


def test_list_page_query_count_does_not_grow_with_the_number_of_organizations(console, provision):
    def list_queries():
        console.get(LIST)  # warm: host cache, plans
        with CaptureQueriesContext(connection) as captured:
            response = console.get(LIST)
        assert response.status_code == 200
        return response, [q["sql"] for q in captured.captured_queries]

    provision("initech")
    response, three = list_queries()
    assert len(response.context["rows"]) == 3
    for n in range(7):
        provision(f"extra-{n}", plan="growth")
    response, ten = list_queries()
    assert len(response.context["rows"]) == 10

    assert len(ten) == len(three)
    usage_queries = [sql for sql in ten if '"accounts_user" WHERE status' in sql]
    assert len(usage_queries) == 1  # one UNION ALL over every organization on the page
    assert all(f'"{schema}"."accounts_user"' in usage_queries[0] for schema in ("acme", "initech", "extra_6"))


def test_a_failing_usage_count_does_not_take_the_page_down(console, monkeypatch):
    from tenants import selectors

    monkeypatch.setitem(
        selectors.USAGE_COUNTERS, "courses", 'SELECT count(*) FROM "{schema}"."no_such_table"'
    )

    response = console.get(LIST)

    assert response.status_code == 200
    body = response.content.decode()
    assert _names(response) == ["Acme Academy", "Globex Institute"]
    assert "Usage could not be counted just now" in body
    assert '<td class="num" data-label="Courses"><span aria-hidden="true">—</span>' in body


def test_recent_provisioning_and_failures_are_listed(console, plans, monkeypatch):
    from tenants import services

    response = console.post(
        console_url("organization_create"),
        {
            "name": "Initech",
            "slug": "initech",
            "plan": plans["starter"].pk,
            "admin_email": "boss@initech.example.com",
            "trial_days": 14,
        },
    )
    assert response.status_code == 302

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "_create_schema", broken)
    with pytest.raises(RuntimeError):
        services.organization_provision(
            name="Hooli", slug="hooli", plan=plans["starter"], admin_email="gavin@hooli.example.com"
        )
    connection.set_schema_to_public()

    response = console.get(LIST)

    recent = [event.org_slug for event in response.context["recent"]]
    assert recent[0] == "initech"
    assert {"acme", "globex"} <= set(recent)
    failures = response.context["failures"]
    assert [(e.org_slug, e.details["error"]) for e in failures] == [("hooli", "RuntimeError: disk full")]
    body = response.content.decode()
    assert "by admin@example.com" in body
    assert "<strong>hooli</strong> failed" in body
    assert "RuntimeError: disk full" in body
    assert OrganizationEvent.objects.filter(org_slug="hooli", action="provision_failed").count() == 1


def test_list_page_is_accessible(console):
    response = console.get(LIST, {"q": "a"})

    body = response.content.decode()
    assert accessibility_problems(body) == []
    assert '<nav class="pager"' not in body  # one page only
    assert 'aria-current="page">Organizations</a>' in body
