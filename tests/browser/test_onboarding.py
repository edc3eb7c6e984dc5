"""The getting-started checklist in a real browser: a new organization's admin sees every step as "Not done
yet" (in words, beside a circle), follows the first step's link, adds a branch, and comes back to the step
ticked off; the checklist fits a phone and hides when asked."""

import pytest
from django_tenants.utils import schema_context

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def expect(target):
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(target)


@pytest.fixture
def new_org(server, provisioned):
    """A freshly provisioned organization and its first Org Admin (who has accepted the invitation)."""
    from django.db import connection

    from apps.accounts.models import User

    organization = provisioned(plan="growth", name="Getting Started School")
    with schema_context(organization.schema_name):
        admin = User.objects.get(email=organization.admin_email)
        admin.status = User.Status.ACTIVE
        admin.save(update_fields=["status"])
    connection.set_schema_to_public()
    return organization, admin


def signed_in(browser, server, organization, user, viewport):
    from django.db import connection

    from tests.conftest import browser_for

    session = browser_for(organization, user).cookies["sessionid"].value
    connection.set_schema_to_public()
    context = browser.new_context(viewport=viewport, locale="en-GB")
    context.set_default_timeout(15_000)
    context.add_cookies([{"name": "sessionid", "value": session, "url": server.url("/", organization.slug)}])
    return context, context.new_page()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
def test_a_new_admin_follows_the_checklist_and_it_ticks_itself_off(browser, server, new_org, viewport):
    organization, admin = new_org
    context, page = signed_in(browser, server, organization, admin, viewport)
    try:
        page.goto(server.url("/", organization.slug))
        checklist = page.locator("#onboarding")
        expect(checklist.get_by_role("heading", name="Get started")).to_be_visible()
        expect(checklist.locator("#onboarding-progress")).to_have_text("0 of 5 done")
        expect(checklist.get_by_role("progressbar", name="0 of 5 done")).to_have_attribute("value", "0")
        branch_step = checklist.locator('[data-step="branch"]')
        expect(branch_step.get_by_text("Not done yet")).to_be_visible()
        assert (
            page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") == 0
        )
        screenshot(page, f"onboarding-fresh-{viewport['width']}.png")

        branch_step.get_by_role("link", name="New branch").click()
        page.get_by_label("Name").first.fill("Main Campus")
        page.get_by_label("Code").fill("main")
        page.get_by_role("button", name="Create branch").click()
        page.goto(server.url("/", organization.slug))

        expect(checklist.locator("#onboarding-progress")).to_have_text("1 of 5 done")
        expect(checklist.locator('[data-step="branch"]').get_by_text("Done", exact=True)).to_be_visible()
        expect(checklist.locator('[data-step="people"]').get_by_text("Not done yet")).to_be_visible()
        screenshot(page, f"onboarding-one-done-{viewport['width']}.png")

        checklist.get_by_role("button", name="Hide this checklist").click()
        expect(page.locator("#onboarding")).to_have_count(0)
        page.get_by_role("link", name="Getting started", exact=True).click()
        expect(page.get_by_role("heading", name="Hidden from your dashboard")).to_be_visible()
    finally:
        context.close()
