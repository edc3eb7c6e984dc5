"""The organization area on a phone (390 x 844): the navigation folds behind a "Menu" button that opens to
every entry, and the wide pages (the dashboard, API keys with their scope table, a course's learners) fit
the screen without the page scrolling sideways. At 1280 px the navigation stays inline."""

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
def school(server, provisioned):
    """A fresh organization (with API access) whose Org Admin has an API key and a published course with two
    learners."""
    from django.db import connection

    from apps.accounts.models import RoleAssignment, User
    from apps.apikeys.services import api_key_create
    from apps.core.api.scopes import scope_codes
    from apps.courses import services
    from apps.hierarchy.models import Branch, SchoolClass

    organization = provisioned(plan="growth", name="Phone Layout School")
    with schema_context(organization.schema_name):
        admin = User.objects.create_user(
            f"owner@{organization.slug}.example.com", "pw-owner-1234", full_name="Olive Owner"
        )
        RoleAssignment.objects.create(user=admin, role="org_admin")
        north = Branch.objects.create(code="north", name="North Campus")
        algebra = SchoolClass.objects.create(branch=north, name="Algebra 1")
        learners = []
        for name in ("Maximiliana Longname-Fairweather", "Sam Student"):
            local = name.split()[0].lower()
            learner = User.objects.create_user(
                f"{local}.with.a.long.address@{organization.slug}.example.com",
                "pw-learner-1234",
                full_name=name,
            )
            RoleAssignment.objects.create(user=learner, role="student", branch=north, school_class=algebra)
            learners.append(learner)
        course = services.course_create(actor=admin, title="Fractions on a phone")
        module = services.module_create(actor=admin, course=course, title="Start")
        services.content_create(actor=admin, module=module, kind="text", title="Halves", body="One half.")
        services.course_publish(actor=admin, course=course)
        services.enroll_assign(actor=admin, course=course, users=[learner.pk for learner in learners])
        api_key_create(
            actor=admin,
            name="Student information system nightly synchronisation",
            scopes=[scope for scope in scope_codes() if scope.endswith(":read")],
        )
    connection.set_schema_to_public()
    return organization, admin, course


def signed_in(browser, server, organization, user, viewport):
    from django.db import connection

    from tests.conftest import browser_for

    session = browser_for(organization, user).cookies["sessionid"].value
    connection.set_schema_to_public()
    context = browser.new_context(viewport=viewport, locale="en-GB")
    context.set_default_timeout(15_000)
    context.add_cookies([{"name": "sessionid", "value": session, "url": server.url("/", organization.slug)}])
    return context, context.new_page()


def horizontal_overflow(page) -> int:
    """How many pixels the page is wider than the viewport (0 = no sideways scrolling)."""
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def sticking_out(page) -> list[str]:
    """The innermost elements that reach past the right edge of the viewport (for failure messages)."""
    return page.evaluate(
        """() => [...document.querySelectorAll("body *")]
            .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5)
            .filter((el) => ![...el.children].some((c) => c.getBoundingClientRect().right > window.innerWidth + 0.5))
            .slice(0, 8)
            .map((el) => el.tagName.toLowerCase() + (el.className ? "." + String(el.className).trim().replace(/ +/g, ".") : ""))"""
    )


def test_the_navigation_folds_behind_a_menu_button_on_a_phone(browser, server, school):
    organization, admin, _ = school
    context, page = signed_in(browser, server, organization, admin, PHONE)
    try:
        page.goto(server.url("/", organization.slug))
        nav = page.get_by_role("navigation", name="Main")
        menu = nav.get_by_role("button", name="Menu")
        expect(menu).to_be_visible()
        expect(menu).to_have_attribute("aria-expanded", "false")
        links = nav.locator(".nav-links a")
        labels = links.all_inner_texts()  # hidden links still have their text in the DOM
        assert {"Dashboard", "Catalog", "Teaching", "People", "API keys", "Settings"} <= set(labels)
        for label in ("Catalog", "API keys", "Settings"):
            expect(nav.get_by_role("link", name=label, exact=True)).to_be_hidden()
        # The top bar is one row: the brand and the button.
        assert page.locator(".topbar").bounding_box()["height"] < 80
        screenshot(page, "phone-nav-closed.png")

        menu.click()
        expect(menu).to_have_attribute("aria-expanded", "true")
        for link in links.all():
            expect(link).to_be_visible()
        expect(nav.get_by_role("button", name="Sign out")).to_be_visible()
        assert horizontal_overflow(page) == 0
        screenshot(page, "phone-nav-open.png")

        page.keyboard.press("Escape")
        expect(menu).to_have_attribute("aria-expanded", "false")
        expect(menu).to_be_focused()
        expect(nav.get_by_role("link", name="Catalog", exact=True)).to_be_hidden()

        menu.press("Enter")  # a real button: the keyboard opens it too
        nav.get_by_role("link", name="API keys").click()
        expect(page.get_by_role("heading", name="API keys", level=1)).to_be_visible()
    finally:
        context.close()


def test_wide_pages_fit_a_phone_without_sideways_scrolling(browser, server, school):
    organization, admin, course = school
    context, page = signed_in(browser, server, organization, admin, PHONE)
    try:
        for name, path in (
            ("dashboard", "/"),
            ("api-keys", "/manage/api-keys/"),
            ("enrollments", f"/courses/{course.pk}/enrollments/"),
        ):
            page.goto(server.url(path, organization.slug))
            screenshot(page, f"phone-{name}.png")
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE["width"], f"{name}: {width}px wide, past the edge: {sticking_out(page)}"
            assert horizontal_overflow(page) == 0, name

        # A key's scopes read as words, each on one line, not letter by letter.
        page.goto(server.url("/manage/api-keys/", organization.slug))
        for badge in page.locator("td[data-label=Scopes] .badge").all():
            box = badge.bounding_box()
            assert box["width"] > box["height"]

        # The scope table is usable: each scope's choices can be picked on the phone.
        page.goto(server.url("/manage/api-keys/", organization.slug))
        scopes = page.locator("fieldset.scopes")
        assert scopes.bounding_box()["width"] <= PHONE["width"]
        # Every choice column is on screen: the scope table needs no sideways scrolling of its own.
        assert scopes.locator(".table-wrap").evaluate("el => el.scrollWidth - el.clientWidth") == 0
        radio = scopes.locator("input[type=radio]").last
        radio.scroll_into_view_if_needed()
        radio.check()
        expect(radio).to_be_checked()
        assert horizontal_overflow(page) == 0

        # A learner's row on the enrollments page keeps its due-date form and withdraw button on screen.
        page.goto(server.url(f"/courses/{course.pk}/enrollments/", organization.slug))
        row = page.locator("tr[id^=enrollment-]").first
        for control in (row.locator("input[type=date]"), row.get_by_role("button", name="Withdraw")):
            box = control.bounding_box()
            assert box["x"] >= 0
            assert box["x"] + box["width"] <= PHONE["width"]
    finally:
        context.close()


def test_the_navigation_stays_inline_on_a_desktop(browser, server, school):
    organization, admin, _ = school
    context, page = signed_in(browser, server, organization, admin, DESKTOP)
    try:
        page.goto(server.url(f"/courses/{school[2].pk}/edit/", organization.slug))
        nav = page.get_by_role("navigation", name="Main")
        expect(nav.get_by_role("button", name="Menu")).to_be_hidden()
        for label in ("Dashboard", "Catalog", "Teaching", "API keys", "Settings"):
            expect(nav.get_by_role("link", name=label, exact=True)).to_be_visible()
        expect(nav.get_by_role("link", name="Teaching", exact=True)).to_have_attribute("aria-current", "page")
        expect(nav.get_by_role("link", name="Catalog", exact=True)).not_to_have_attribute(
            "aria-current", "page"
        )
        screenshot(page, "desktop-nav.png")
    finally:
        context.close()


def test_without_javascript_the_phone_navigation_is_still_reachable(browser, server, school):
    from django.db import connection

    from tests.conftest import browser_for

    organization, admin, _ = school
    session = browser_for(organization, admin).cookies["sessionid"].value
    connection.set_schema_to_public()
    context = browser.new_context(viewport=PHONE, locale="en-GB", java_script_enabled=False)
    context.add_cookies([{"name": "sessionid", "value": session, "url": server.url("/", organization.slug)}])
    try:
        page = context.new_page()
        page.goto(server.url("/", organization.slug))
        nav = page.get_by_role("navigation", name="Main")
        expect(nav.get_by_role("button", name="Menu")).to_be_hidden()
        for label in ("Catalog", "Teaching", "API keys", "Settings"):
            expect(nav.get_by_role("link", name=label, exact=True)).to_be_visible()
        assert horizontal_overflow(page) == 0
    finally:
        context.close()
