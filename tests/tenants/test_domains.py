"""Custom domains of an organization: the services (tenants/domains.py), the console's Domains section and
the platform API's /api/v1/organizations/{id}/domains, all over the same rules."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from apps.core.errors import ErrorCode, InvalidState, PlanLimitReached, ValidationFailed
from tenants import selectors
from tenants.domains import domain_add, domain_make_primary, domain_remove
from tenants.models import Domain, Organization, OrganizationEvent, Subscription
from tenants.resolution import organization_for_host
from tenants.services import Actor
from tests.conftest import PASSWORD, browser_for, client_for, host_of, jwt_for
from tests.console.helpers import accessibility_problems, console_url

CUSTOM = "learn.acme.example"
OPERATOR_IP = "203.0.113.9"
DOMAIN_ACTIONS = ["domain_added", "domain_removed", "primary_domain_changed"]


@pytest.fixture
def enterprise(plans):
    """Put an organization on the Enterprise plan, the one with custom domains."""

    def _upgrade(organization):
        Subscription.objects.filter(organization=organization).update(plan=plans["enterprise"])
        return organization

    return _upgrade


@pytest.fixture
def actor(operator):
    return Actor(user=operator, ip_address=OPERATOR_IP)


@pytest.fixture
def console(operator):
    client = browser_for(None, operator)
    client.defaults["REMOTE_ADDR"] = OPERATOR_IP
    return client


@pytest.fixture
def support(db):
    """A public-schema account that is no superuser: not a platform operator."""
    connection.set_schema_to_public()
    return get_user_model().objects.create_user("support@example.com", PASSWORD, is_staff=True)


def own(organization) -> Domain:
    return Domain.objects.get(tenant=organization, domain=organization.host)


def primaries(organization) -> list[str]:
    return list(Domain.objects.filter(tenant=organization, is_primary=True).values_list("domain", flat=True))


def domain_events(organization) -> list[tuple[str, dict]]:
    events = OrganizationEvent.objects.filter(organization=organization, action__in=DOMAIN_ACTIONS)
    return [(event.action, event.details) for event in events.order_by("pk")]


def host_lookups(hostname: str) -> int:
    """How many queries resolving `hostname` costs (0: answered from the cache)."""
    with CaptureQueriesContext(connection) as queries:
        organization_for_host(hostname)
    return len(queries.captured_queries)


# --- services ------------------------------------------------------------------------------------------------


def test_adding_a_domain_registers_it_as_non_primary_and_records_who(acme, enterprise, actor):
    created = domain_add(organization=enterprise(acme), domain="  Learn.ACME.example ", actor=actor)

    assert (created.domain, created.is_primary, created.tenant_id) == (CUSTOM, False, acme.pk)
    assert primaries(acme) == ["acme.learnstack.test"]
    event = OrganizationEvent.objects.get(organization=acme, action="domain_added")
    assert (event.actor_email, event.ip_address, event.details) == (
        "admin@example.com",
        OPERATOR_IP,
        {"domain": CUSTOM},
    )


def test_a_plan_without_custom_domains_is_refused(acme, actor):
    assert not acme.subscription.plan.has_feature("custom_domains")  # Growth

    with pytest.raises(PlanLimitReached) as refused:
        domain_add(organization=acme, domain=CUSTOM, actor=actor)

    assert refused.value.code == ErrorCode.PLAN_LIMIT_REACHED
    assert refused.value.details == {"feature": "custom_domains", "plan": "growth"}
    assert not Domain.objects.filter(domain=CUSTOM).exists()
    assert domain_events(acme) == []


def test_the_organizations_own_address_needs_no_plan_feature(globex, actor):
    Domain.objects.filter(tenant=globex).delete()  # an organization that lost its own address

    restored = domain_add(organization=globex, domain="globex.learnstack.test", actor=actor)

    assert restored.domain == "globex.learnstack.test"
    assert restored.is_primary  # the only domain is the primary one


@pytest.mark.parametrize(
    ("host", "message"),
    [
        ("", "Enter a domain name."),
        ("https://learn.example.com", "without http:// or https://"),
        ("learn.example.com/courses", "without a path"),
        ("learn.example.com:8443", "without a port"),
        ("*.example.com", "Wildcard domains are not supported"),
        ("192.0.2.10", "not an IP address"),
        ("2001:db8::1", "not an IP address"),
        ("[2001:db8::1]", "not an IP address"),
        ("localhost", "dot-separated parts"),
        ("-learn.example.com", "dot-separated parts"),
        ("learn..example.com", "dot-separated parts"),
        ("learn_site.example.com", "dot-separated parts"),
        ("learn example.com", "dot-separated parts"),
        ("learn.example.com.", "dot-separated parts"),
        ("x" * 64 + ".example.com", "dot-separated parts"),
        (".".join(["a" * 50] * 5) + ".example", "at most 253 characters"),
        ("10.0.0.300", "cannot be a number"),
        ("bücher.example", "ASCII form"),
        ("learnstack.test", "are the platform's own"),
        ("globex.learnstack.test", "are the platform's own"),
        ("www.acme.learnstack.test", "are the platform's own"),
    ],
)
def test_a_malformed_or_platform_host_is_a_field_error(acme, enterprise, actor, host, message):
    with pytest.raises(ValidationFailed) as refused:
        domain_add(organization=enterprise(acme), domain=host, actor=actor)

    assert list(refused.value.field_errors) == ["domain"]
    assert message in refused.value.field_errors["domain"][0]
    assert domain_events(acme) == []


def test_the_longest_valid_host_is_accepted(acme, enterprise, actor):
    host = ".".join(["a" * 63] * 3) + "." + "b" * 61  # 253 characters, every label at most 63

    assert domain_add(organization=enterprise(acme), domain=host, actor=actor).domain == host


def test_a_domain_is_unique_across_organizations(acme, globex, enterprise, actor):
    domain_add(organization=enterprise(acme), domain=CUSTOM, actor=actor)

    with pytest.raises(ValidationFailed) as elsewhere:
        domain_add(organization=enterprise(globex), domain=CUSTOM.upper(), actor=actor)
    with pytest.raises(ValidationFailed) as again:
        domain_add(organization=acme, domain=CUSTOM, actor=actor)

    assert elsewhere.value.field_errors == {"domain": ["This domain belongs to another organization."]}
    assert again.value.field_errors == {"domain": ["The organization already has this domain."]}
    assert Domain.objects.get(domain=CUSTOM).tenant_id == acme.pk


def test_a_lost_race_for_a_domain_is_a_field_error_not_an_integrity_error(acme, globex, enterprise, actor):
    from django.db import IntegrityError

    def create_after_a_concurrent_request(**kwargs):
        raise IntegrityError('duplicate key value violates unique constraint "tenants_domain_domain_key"')

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Domain.objects, "create", create_after_a_concurrent_request)
        with pytest.raises(ValidationFailed) as refused:
            domain_add(organization=enterprise(globex), domain=CUSTOM, actor=actor)

    assert refused.value.field_errors == {"domain": ["This domain belongs to another organization."]}
    assert domain_events(globex) == []


def test_another_organizations_own_address_cannot_be_taken(acme, globex, enterprise, actor):
    with pytest.raises(ValidationFailed):
        domain_add(organization=enterprise(globex), domain="acme.learnstack.test", actor=actor)

    assert own(acme).tenant_id == acme.pk


def test_making_a_domain_primary_switches_the_primary_in_one_step(acme, enterprise, actor):
    custom = domain_add(organization=enterprise(acme), domain=CUSTOM, actor=actor)

    domain_make_primary(domain=custom, actor=actor)

    assert primaries(acme) == [CUSTOM]
    assert Organization.objects.get(pk=acme.pk).base_url == f"http://{CUSTOM}"
    assert domain_events(acme)[-1] == (
        "primary_domain_changed",
        {"domain": CUSTOM, "previous": "acme.learnstack.test"},
    )

    domain_make_primary(domain=own(acme), actor=actor)

    assert primaries(acme) == ["acme.learnstack.test"]


def test_making_the_primary_domain_primary_again_changes_nothing(acme, actor):
    domain_make_primary(domain=own(acme), actor=actor)

    assert primaries(acme) == ["acme.learnstack.test"]
    assert domain_events(acme) == []


def test_removing_a_domain_deletes_it_and_records_who(acme, enterprise, actor):
    custom = domain_add(organization=enterprise(acme), domain=CUSTOM, actor=actor)

    domain_remove(domain=custom, actor=actor)

    assert not Domain.objects.filter(domain=CUSTOM).exists()
    event = OrganizationEvent.objects.get(organization=acme, action="domain_removed")
    assert (event.actor_email, event.ip_address, event.details) == (
        "admin@example.com",
        OPERATOR_IP,
        {"domain": CUSTOM},
    )


def test_the_own_address_can_never_be_removed_even_when_not_primary(acme, enterprise, actor):
    custom = domain_add(organization=enterprise(acme), domain=CUSTOM, actor=actor)
    domain_make_primary(domain=custom, actor=actor)

    with pytest.raises(InvalidState, match="badges and certificates"):
        domain_remove(domain=own(acme), actor=actor)

    assert Domain.objects.filter(domain="acme.learnstack.test").exists()


def test_the_primary_domain_cannot_be_removed(acme, enterprise, actor):
    custom = domain_add(organization=enterprise(acme), domain=CUSTOM, actor=actor)
    domain_make_primary(domain=custom, actor=actor)

    with pytest.raises(InvalidState, match="make another domain primary first"):
        domain_remove(domain=Domain.objects.get(domain=CUSTOM), actor=actor)

    assert primaries(acme) == [CUSTOM]


def test_the_platforms_own_domains_are_not_managed_here(actor):
    platform = Organization.objects.get(schema_name="public")

    with pytest.raises(InvalidState):
        domain_add(organization=platform, domain="learn.example.com", actor=actor)


def test_a_domain_is_looked_up_only_among_its_organizations(acme, globex):
    assert selectors.organization_domain_get(organization=acme, pk=own(globex).pk) is None
    assert selectors.organization_domain_get(organization=acme, pk="x") is None
    assert selectors.organization_domain_get(organization=acme, pk=own(acme).pk) == own(acme)


# --- the host cache ------------------------------------------------------------------------------------------


@override_settings(ALLOWED_HOSTS=[".learnstack.test", CUSTOM])
def test_an_added_domain_routes_to_the_organization_at_once(
    acme, enterprise, actor, django_capture_on_commit_callbacks
):
    visitor = Client(HTTP_HOST=CUSTOM)
    assert visitor.get("/").status_code == 404  # remembered as unknown (for 30 s)

    with django_capture_on_commit_callbacks(execute=True):
        domain_add(organization=enterprise(acme), domain=CUSTOM, actor=actor)

    response = visitor.get("/")
    assert response.status_code == 200
    assert response.wsgi_request.tenant.slug == "acme"


@override_settings(ALLOWED_HOSTS=[".learnstack.test", CUSTOM])
def test_a_removed_domain_answers_404_at_once(acme, enterprise, actor, django_capture_on_commit_callbacks):
    custom = domain_add(organization=enterprise(acme), domain=CUSTOM, actor=actor)
    visitor = Client(HTTP_HOST=CUSTOM)
    assert visitor.get("/").status_code == 200  # remembered as acme's

    with django_capture_on_commit_callbacks(execute=True):
        domain_remove(domain=custom, actor=actor)

    assert visitor.get("/").status_code == 404
    assert client_for(None).get("/api/v1/x", HTTP_HOST=CUSTOM).json()["error"]["code"] == "NOT_FOUND"


def test_a_primary_switch_forgets_the_old_and_the_new_primary_host(
    acme, enterprise, actor, django_capture_on_commit_callbacks
):
    custom = domain_add(organization=enterprise(acme), domain=CUSTOM, actor=actor)
    domain_add(organization=acme, domain="other.acme-learning.example", actor=actor)
    hosts = (CUSTOM, acme.host, "other.acme-learning.example")
    for host in hosts:
        organization_for_host(host)
        assert host_lookups(host) == 0  # cached

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        domain_make_primary(domain=custom, actor=actor)

    assert callbacks
    # every host of the organization: a cached resolution carries its domains, the primary among them
    assert [host_lookups(host) for host in hosts] == [1, 1, 1]


# --- console -------------------------------------------------------------------------------------------------


def test_the_organization_page_lists_domains_with_their_actions(console, acme, enterprise, actor):
    custom = domain_add(organization=enterprise(acme), domain=CUSTOM, actor=actor)

    body = console.get(console_url("organization", acme.pk)).content.decode()

    assert '<h2 id="domains-title">Domains</h2>' in body
    assert '<code>acme.learnstack.test</code> <span class="badge">primary</span>' in body
    assert console_url("organization_domain_primary", acme.pk, custom.pk) in body
    assert console_url("organization_domain_remove", acme.pk, custom.pk) in body
    # The own, primary address offers neither action.
    assert console_url("organization_domain_remove", acme.pk, own(acme).pk) not in body
    assert console_url("organization_domain_primary", acme.pk, own(acme).pk) not in body
    assert re.search(r"<strong>Domain added</strong>\s+— " + re.escape(CUSTOM), body)
    assert accessibility_problems(body) == []


def test_operator_adds_a_domain_from_the_console(console, acme, enterprise):
    enterprise(acme)

    response = console.post(console_url("organization_domain_add", acme.pk), {"domain": "Learn.Acme.Example"})

    assert response.status_code == 302
    assert response["Location"] == console_url("organization", acme.pk)
    assert Domain.objects.get(domain=CUSTOM).tenant_id == acme.pk
    event = OrganizationEvent.objects.get(organization=acme, action="domain_added")
    assert (event.actor_email, event.ip_address) == ("admin@example.com", OPERATOR_IP)
    assert f"{CUSTOM} now serves Acme Academy" in console.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    ("domain", "error"),
    [
        ("https://learn.acme.example/", "Enter the host name only, without http:// or https://."),
        ("globex.learnstack.test", "Names on learnstack.test are the platform&#x27;s own"),
        ("", "This field is required."),
    ],
)
def test_a_refused_domain_is_shown_on_the_form(console, acme, enterprise, domain, error):
    enterprise(acme)

    response = console.post(console_url("organization_domain_add", acme.pk), {"domain": domain})

    assert response.status_code == 200
    body = response.content.decode()
    assert re.search(r'<div class="error" id="domain_domain_error"><p>.*?' + re.escape(error), body)
    assert f'value="{domain}"' in body or not domain  # what was typed is kept
    assert domain_events(acme) == []
    assert accessibility_problems(body) == []


def test_the_plan_refusal_is_shown_on_the_form(console, acme):
    response = console.post(console_url("organization_domain_add", acme.pk), {"domain": CUSTOM})

    assert response.status_code == 200
    assert "The Growth plan does not include custom domains." in response.content.decode()
    assert not Domain.objects.filter(domain=CUSTOM).exists()


def test_operator_makes_a_domain_primary_and_removes_the_old_one(console, acme, enterprise, actor):
    custom = domain_add(organization=enterprise(acme), domain=CUSTOM, actor=actor)
    domain_add(organization=acme, domain="old.acme.example", actor=actor)
    old = Domain.objects.get(domain="old.acme.example")

    made = console.post(console_url("organization_domain_primary", acme.pk, custom.pk))
    removed = console.post(console_url("organization_domain_remove", acme.pk, old.pk))

    assert (made.status_code, removed.status_code) == (302, 302)
    assert primaries(acme) == [CUSTOM]
    assert not Domain.objects.filter(domain="old.acme.example").exists()
    body = console.get(console_url("organization", acme.pk)).content.decode()
    assert "old.acme.example was removed from Acme Academy." in body
    assert f'<code>{CUSTOM}</code> <span class="badge">primary</span>' in body


def test_removing_the_own_or_primary_domain_is_refused_with_a_message(console, acme):
    response = console.post(console_url("organization_domain_remove", acme.pk, own(acme).pk), follow=True)

    assert "it cannot be removed" in response.content.decode()
    assert own(acme).is_primary


def test_another_organizations_domain_is_a_404_in_the_console(console, acme, globex):
    for name in ("organization_domain_primary", "organization_domain_remove"):
        assert console.post(console_url(name, acme.pk, own(globex).pk)).status_code == 404
    assert console.post(console_url("organization_domain_add", 999999), {"domain": CUSTOM}).status_code == 404
    assert own(globex).is_primary


def test_a_non_operator_cannot_use_the_domain_actions(support, acme, enterprise):
    enterprise(acme)
    client = browser_for(None, support)

    requests = [
        (console_url("organization_domain_add", acme.pk), {"domain": CUSTOM}),
        (console_url("organization_domain_primary", acme.pk, own(acme).pk), {}),
        (console_url("organization_domain_remove", acme.pk, own(acme).pk), {}),
    ]

    assert [client.post(url, data).status_code for url, data in requests] == [403, 403, 403]
    assert list(Domain.objects.filter(tenant=acme).values_list("domain", flat=True)) == [acme.host]


def test_domain_actions_need_the_csrf_token(operator, acme, enterprise):
    enterprise(acme)
    client = Client(enforce_csrf_checks=True, HTTP_HOST=host_of(None))
    with schema_context("public"):
        client.force_login(operator)
    url = console_url("organization_domain_add", acme.pk)

    refused = client.post(url, {"domain": CUSTOM})
    page = client.get(console_url("organization", acme.pk)).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    accepted = client.post(url, {"domain": CUSTOM, "csrfmiddlewaretoken": token})

    assert (refused.status_code, accepted.status_code) == (403, 302)
    assert Domain.objects.filter(domain=CUSTOM).count() == 1


# --- platform API --------------------------------------------------------------------------------------------


def api_url(organization_id, domain_id=None, suffix="") -> str:
    url = f"/api/v1/organizations/{organization_id}/domains"
    return url + (f"/{domain_id}" if domain_id is not None else "") + suffix


def test_api_lists_the_domains_primary_first(operator_client, acme, enterprise, actor):
    custom = domain_add(organization=enterprise(acme), domain=CUSTOM, actor=actor)

    response = operator_client.get(api_url(acme.pk))

    assert response.status_code == 200
    body = response.json()
    assert body["success"] is True
    assert [(d["id"], d["domain"], d["is_primary"], d["is_own_address"]) for d in body["data"]] == [
        (own(acme).pk, "acme.learnstack.test", True, True),
        (custom.pk, CUSTOM, False, False),
    ]


def test_api_adds_a_domain(operator_client, acme, enterprise):
    enterprise(acme)

    response = operator_client.post(api_url(acme.pk), {"domain": "LEARN.acme.example"}, format="json")

    assert response.status_code == 201
    data = response.json()["data"]
    assert (data["domain"], data["is_primary"], data["is_own_address"]) == (CUSTOM, False, False)
    assert Domain.objects.get(pk=data["id"]).tenant_id == acme.pk
    event = OrganizationEvent.objects.get(organization=acme, action="domain_added")
    assert (event.actor_email, event.ip_address) == ("admin@example.com", "127.0.0.1")


@pytest.mark.parametrize(
    ("body", "details"),
    [
        ({"domain": "learn.acme.example:443"}, {"domain": ["Enter the host name only, without a port."]}),
        ({"domain": "globex.learnstack.test"}, None),
        ({}, {"domain": ["This field is required."]}),
    ],
)
def test_api_refuses_a_bad_domain_with_field_details(operator_client, acme, enterprise, body, details):
    enterprise(acme)

    response = operator_client.post(api_url(acme.pk), body, format="json")

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert list(error["details"]) == ["domain"]
    if details:
        assert error["details"] == details
    assert domain_events(acme) == []


def test_api_refuses_a_domain_of_another_organization(operator_client, acme, globex, enterprise, actor):
    domain_add(organization=enterprise(acme), domain=CUSTOM, actor=actor)
    enterprise(globex)

    response = operator_client.post(api_url(globex.pk), {"domain": CUSTOM}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["details"] == {"domain": ["This domain belongs to another organization."]}


def test_api_refuses_a_custom_domain_on_a_plan_without_them(operator_client, acme):
    response = operator_client.post(api_url(acme.pk), {"domain": CUSTOM}, format="json")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "PLAN_LIMIT_REACHED"
    assert response.json()["error"]["details"] == {"feature": "custom_domains", "plan": "growth"}


def test_api_makes_a_domain_primary(operator_client, acme, enterprise, actor):
    custom = domain_add(organization=enterprise(acme), domain=CUSTOM, actor=actor)

    response = operator_client.post(api_url(acme.pk, custom.pk, "/primary"))

    assert response.status_code == 200
    assert response.json()["data"]["is_primary"] is True
    assert primaries(acme) == [CUSTOM]
    assert operator_client.get(f"/api/v1/organizations/{acme.pk}").json()["data"]["url"] == f"http://{CUSTOM}"


def test_api_removes_a_domain(operator_client, acme, enterprise, actor):
    custom = domain_add(organization=enterprise(acme), domain=CUSTOM, actor=actor)

    response = operator_client.delete(api_url(acme.pk, custom.pk))

    assert response.status_code == 204
    assert not Domain.objects.filter(pk=custom.pk).exists()


def test_api_refuses_to_remove_the_own_or_primary_domain(operator_client, acme):
    response = operator_client.delete(api_url(acme.pk, own(acme).pk))

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "INVALID_STATE"
    assert own(acme).is_primary


def test_api_unknown_organization_or_domain_is_404(operator_client, acme, globex):
    platform = Organization.objects.get(schema_name="public")
    requests = [
        ("get", api_url(999999)),
        ("get", api_url(platform.pk)),
        ("post", api_url(999999)),
        ("delete", api_url(acme.pk, 999999)),
        ("delete", api_url(acme.pk, own(globex).pk)),  # another organization's domain
        ("post", api_url(acme.pk, own(globex).pk, "/primary")),
    ]

    for method, url in requests:
        response = getattr(operator_client, method)(url, {"domain": CUSTOM}, format="json")
        assert (url, response.status_code, response.json()["error"]["code"]) == (url, 404, "NOT_FOUND")
    assert own(globex).is_primary


def test_api_refuses_non_operators(support, acme):
    client = client_for(None, token=jwt_for(None, support))
    requests = [
        ("get", api_url(acme.pk)),
        ("post", api_url(acme.pk)),
        ("delete", api_url(acme.pk, own(acme).pk)),
        ("post", api_url(acme.pk, own(acme).pk, "/primary")),
    ]

    for method, url in requests:
        response = getattr(client, method)(url, {"domain": CUSTOM}, format="json")
        assert (response.status_code, response.json()["error"]["code"]) == (403, "PERMISSION_DENIED")
    assert client_for(None).get(api_url(acme.pk)).status_code == 401
    assert domain_events(acme) == []


def test_api_domains_are_not_served_on_organization_hosts(acme, acme_admin):
    client = client_for("acme", token=jwt_for(acme, acme_admin))

    assert client.get(api_url(acme.pk)).status_code == 404


def test_api_domain_endpoints_are_documented(operator_client):
    paths = operator_client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()["paths"]

    assert (
        paths["/api/v1/organizations/{id}/domains"]["get"]["summary"] == "List the domains of an organization"
    )
    assert paths["/api/v1/organizations/{id}/domains"]["post"]["summary"] == "Add a domain to an organization"
    assert set(paths["/api/v1/organizations/{id}/domains/{domain_id}"]) == {"delete"}
    assert "post" in paths["/api/v1/organizations/{id}/domains/{domain_id}/primary"]
