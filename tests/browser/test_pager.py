"""The pager on a long list (201 pages of the audit log) in a real browser: on a 390 px phone the window
collapses to first · current · last with the arrows and the "Go to page" form, nothing runs off the screen;
at 1280 px the numbers around the current page show. Jumping keeps the filters."""

import pytest
from django_tenants.utils import schema_context

from tests.browser.conftest import screenshot
from tests.browser.test_phone_layout import (
    DESKTOP,
    PHONE,
    expect,
    horizontal_overflow,
    signed_in,
    sticking_out,
)

pytestmark = pytest.mark.browser

PAGES = 201


@pytest.fixture
def long_log(server, provisioned):
    """A fresh organization whose audit log holds 201 pages (50 a page) of "branch.created" entries."""
    from django.db import connection

    from apps.accounts.models import RoleAssignment, User
    from apps.audit.models import AuditEntry

    organization = provisioned(plan="growth", name="Pager School")
    with schema_context(organization.schema_name):
        admin = User.objects.create_user(
            f"owner@{organization.slug}.example.com", "pw-owner-1234", full_name="Olive Owner"
        )
        RoleAssignment.objects.create(user=admin, role="org_admin")
        AuditEntry.objects.all().delete()  # exactly 201 pages
        AuditEntry.objects.bulk_create(
            AuditEntry(
                action="branch.created",
                actor=admin,
                actor_email=admin.email,
                target_repr=f"Branch {n}",
                changes={"code": f"branch-{n}", "note": "a-long-value-without-any-spaces-" * 4},
                user_agent="Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15",
            )
            for n in range(50 * PAGES)
        )
    connection.set_schema_to_public()
    return organization, admin


def test_the_pager_fits_a_phone_and_jumps_keeping_the_filters(browser, server, long_log):
    organization, admin = long_log
    context, page = signed_in(browser, server, organization, admin, PHONE)
    try:
        page.goto(server.url("/manage/audit/?action=branch.created&page=100", organization.slug))
        pager = page.get_by_role("navigation", name="Pagination")
        pager.scroll_into_view_if_needed()
        screenshot(page, "phone-pager.png")

        assert horizontal_overflow(page) == 0, sticking_out(page)
        box = pager.bounding_box()
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= PHONE["width"]
        # The window collapsed: first, current and last; the neighbours wait for a wider screen.
        expect(pager.get_by_role("link", name="Page 100")).to_have_attribute("aria-current", "page")
        expect(pager.get_by_role("link", name="Page 1 (first)")).to_be_visible()
        expect(pager.get_by_role("link", name=f"Page {PAGES} (last)")).to_be_visible()
        expect(pager.get_by_role("link", name="Page 99", exact=True)).to_be_hidden()
        previous, following = (
            pager.get_by_role("link", name="Previous page"),
            pager.get_by_role("link", name="Next page"),
        )
        jump = pager.get_by_label("Go to page")
        for control in (previous, following, jump, pager.get_by_role("button", name="Go")):
            expect(control).to_be_visible()
            control_box = control.bounding_box()
            assert control_box["x"] >= 0
            assert control_box["x"] + control_box["width"] <= PHONE["width"]
            assert control_box["height"] >= 40  # a finger-sized target
        # The numbers and arrows stay on one row.
        middles = [
            box["y"] + box["height"] / 2
            for box in (item.bounding_box() for item in pager.locator(".pager-pages > li:visible").all())
        ]
        assert len(middles) == 7  # previous, 1, gap, 100, gap, 201, next
        assert max(middles) - min(middles) < 2, middles

        # A row's raw data opens in place and wraps inside the screen.
        page.locator("details.audit-raw summary").first.click()
        expect(page.locator("details.audit-raw pre").first).to_be_visible()
        expect(page.locator("details.audit-raw").first).to_contain_text("branch.created")
        assert horizontal_overflow(page) == 0, sticking_out(page)

        jump.fill("150")
        pager.get_by_role("button", name="Go").click()
        page.wait_for_url("**page=150**")
        assert "action=branch.created" in page.url
        expect(
            page.get_by_role("navigation", name="Pagination").get_by_role("link", name="Page 150")
        ).to_have_attribute("aria-current", "page")
        expect(page.locator("#result-count")).to_contain_text("match the filters, showing 7451")

        following = page.get_by_role("navigation", name="Pagination").get_by_role("link", name="Next page")
        following.click()
        page.wait_for_url("**page=151**")
        assert "action=branch.created" in page.url
        assert horizontal_overflow(page) == 0
    finally:
        context.close()


def test_the_pager_shows_the_window_of_numbers_on_a_desktop(browser, server, long_log):
    organization, admin = long_log
    context, page = signed_in(browser, server, organization, admin, DESKTOP)
    try:
        page.goto(server.url("/manage/audit/?page=100", organization.slug))
        pager = page.get_by_role("navigation", name="Pagination")
        screenshot(page, "desktop-pager.png")

        for number in (98, 99, 101, 102):
            expect(pager.get_by_role("link", name=f"Page {number}", exact=True)).to_be_visible()
        expect(pager.get_by_role("link", name="Previous page")).to_contain_text("Previous")
        assert horizontal_overflow(page) == 0
        pager.get_by_role("link", name="Page 102", exact=True).click()
        page.wait_for_url("**page=102**")
        expect(page.get_by_role("navigation", name="Pagination")).to_contain_text("Page 102 of 201")
    finally:
        context.close()
