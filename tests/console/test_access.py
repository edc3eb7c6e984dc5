"""Who may use the console: every page and action for an operator, a signed-in non-operator and a visitor."""

from urllib.parse import quote

import pytest

from tenants.models import Organization, OrganizationEvent, Subscription
from tests.console.helpers import console_url

REQUESTS = [
    "list",
    "search",
    "create-form",
    "create",
    "detail",
    "change-plan",
    "suspend",
    "add-domain",
    "make-primary",
    "remove-domain",
]


def _own_domain_pk(organization) -> int:
    """The pk of the organization's own domain (1 for the stand-in of the route-coverage test)."""
    domains = getattr(organization, "domains", None)
    return domains.get(domain=organization.host).pk if domains is not None else 1


def _request(name, acme, plans):
    """(method, url, data) for every console page and action, aimed at acme where an org is needed."""
    return {
        "list": ("get", console_url("organizations"), None),
        "search": ("get", console_url("organizations") + "?q=acme&status=active&plan=growth", None),
        "create-form": ("get", console_url("organization_create"), None),
        "create": (
            "post",
            console_url("organization_create"),
            {
                "name": "Initech",
                "slug": "initech",
                "plan": plans["starter"].pk,
                "admin_email": "boss@initech.example.com",
                "trial_days": 14,
            },
        ),
        "detail": ("get", console_url("organization", acme.pk), None),
        "change-plan": ("post", console_url("organization_plan", acme.pk), {"plan": plans["enterprise"].pk}),
        "suspend": (
            "post",
            console_url("organization_lifecycle", acme.pk),
            {"action": "suspend", "reason": "x", "confirm": "on"},
        ),
        "add-domain": (
            "post",
            console_url("organization_domain_add", acme.pk),
            {"domain": "learn.acme.example"},
        ),
        "make-primary": (
            "post",
            console_url("organization_domain_primary", acme.pk, _own_domain_pk(acme)),
            None,
        ),
        "remove-domain": (
            "post",
            console_url("organization_domain_remove", acme.pk, _own_domain_pk(acme)),
            None,
        ),
    }[name]


def _assert_nothing_changed(acme):
    acme.refresh_from_db()
    acme.subscription.refresh_from_db()
    assert acme.status == Organization.Status.ACTIVE
    assert acme.subscription.plan.code == "growth"
    assert not Organization.objects.filter(slug="initech").exists()
    assert not OrganizationEvent.objects.filter(
        action__in=["suspended", "plan_changed", "domain_added", "domain_removed", "primary_domain_changed"]
    ).exists()
    assert list(acme.domains.values_list("domain", "is_primary")) == [("acme.learnstack.test", True)]


@pytest.mark.parametrize("name", REQUESTS)
def test_anonymous_visitor_is_sent_to_the_console_sign_in(anonymous_console, acme, plans, name):
    method, url, data = _request(name, acme, plans)

    response = getattr(anonymous_console, method)(url, data or {})

    assert response.status_code == 302
    assert response["Location"] == console_url("login") + "?next=" + quote(url, safe="/")
    _assert_nothing_changed(acme)


@pytest.mark.parametrize("name", REQUESTS)
def test_signed_in_non_operator_is_refused_with_an_explanation(staff_console, acme, plans, name):
    method, url, data = _request(name, acme, plans)

    response = getattr(staff_console, method)(url, data or {})

    assert response.status_code == 403
    body = response.content.decode()
    assert "staff@example.com" in body
    assert "which is not a platform operator account" in body
    assert "Acme Academy" not in body  # no organization data leaks onto the refusal page
    _assert_nothing_changed(acme)


@pytest.mark.parametrize("name", REQUESTS)
def test_operator_may_use_every_page_and_action(console, acme, plans, name):
    Subscription.objects.filter(organization=acme).update(
        plan=plans["enterprise"]
    )  # every feature, e.g. domains
    method, url, data = _request(name, acme, plans)

    response = getattr(console, method)(url, data or {})

    if method == "get":
        assert response.status_code == 200
    else:
        assert response.status_code == 302
        assert response["Location"].startswith("/console/organizations/")


@pytest.mark.parametrize("name", ["organization_plan", "organization_lifecycle", "organization_domain_add"])
def test_actions_refuse_get(console, acme, name):
    assert console.get(console_url(name, acme.pk)).status_code == 405


@pytest.mark.parametrize("name", ["organization_domain_primary", "organization_domain_remove"])
def test_domain_actions_refuse_get(console, acme, name):
    assert console.get(console_url(name, acme.pk, _own_domain_pk(acme))).status_code == 405


@pytest.mark.parametrize("pk", ["999999", "public"])
def test_unknown_or_platform_organization_is_a_404(console, pk):
    from django.conf import settings

    if pk == "public":
        pk = Organization.objects.get(schema_name=settings.PUBLIC_SCHEMA_NAME).pk
    assert console.get(console_url("organization", pk)).status_code == 404
    response = console.post(console_url("organization_lifecycle", pk), {"action": "suspend"})
    assert response.status_code == 404


def test_console_pages_are_not_cached(console, acme):
    response = console.get(console_url("organization", acme.pk))

    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_console_is_not_served_on_org_hosts(acme, acme_admin):
    from tests.conftest import browser_for

    assert browser_for(acme, acme_admin).get("/console/").status_code == 404
