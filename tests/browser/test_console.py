"""The provisioning console in a real browser: sign in, provision with visible progress, hand the invitation
to the new Org Admin who signs in on the new host, suspend, keyboard use and narrow screens."""

import re

import pytest

from tests.browser.conftest import OPERATOR_EMAIL, PASSWORD, screenshot, unique_slug

pytestmark = pytest.mark.browser


# Runs in the page: after console.js has handled the submit, report what the operator sees, then try to
# submit again and report whether that second submit was stopped.
PROBE_PROGRESS = """() => {
    let submits = 0;
    window.addEventListener("submit", (event) => {
        submits += 1;
        if (submits > 1) {
            window.reportProvisioning({prevented: event.defaultPrevented});
            return;
        }
        setTimeout(() => {
            const button = document.getElementById("provision-submit");
            const progress = document.getElementById("provision-progress");
            const box = progress.getBoundingClientRect();
            window.reportProvisioning({
                disabled: button.disabled, label: button.textContent.trim(),
                progress: progress.textContent.trim(), role: progress.getAttribute("role"),
                live: progress.getAttribute("aria-live"), visible: box.width > 0 && box.height > 0,
                spinner: getComputedStyle(progress.querySelector(".spinner")).display !== "none",
                busy: document.getElementById("provision-form").getAttribute("aria-busy"),
            });
            document.getElementById("provision-form").requestSubmit();
        }, 100);
    });
}"""


def expect(target):
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(target)


def sign_in(page, server, *, next_path: str = "/console/"):
    page.goto(server.url(next_path))
    expect(page).to_have_url(re.compile(r"/console/login/\?next="))
    page.get_by_label("Email").fill(OPERATOR_EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(server.url(next_path))


def test_operator_provisions_an_organization_and_its_admin_signs_in(page, context, server, provisioned):
    provisioned(plan="growth", name="Northwind Learning")  # something in the list besides the new org
    sign_in(page, server)
    expect(page.get_by_role("heading", name="Organizations", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Northwind Learning")).to_be_visible()
    screenshot(page, "console-list.png")

    # Fill in the form; hold the POST on its way so the progress indication can be watched.
    page.get_by_role("link", name="New organization").first.click()
    expect(page.get_by_role("heading", name="New organization")).to_be_visible()
    slug = unique_slug("n")
    page.get_by_label("Organization name").fill("Initech Academy")
    page.get_by_label("Subdomain").fill(slug)
    page.get_by_label("Plan").select_option(label="Starter")
    page.get_by_label("First Org Admin's email").fill(f"bill@{slug}.example.com")
    page.get_by_label("First Org Admin's name").fill("Bill Lumbergh")

    # Watch the page while provisioning runs. The POST is held on its way to the server; while a navigation
    # is pending Playwright will not query the page, so the page reports its own state through a binding.
    held, reports = [], []

    def hold_post(route):
        if route.request.method == "POST":
            held.append(route)
        else:
            route.continue_()

    page.route("**/console/organizations/new/", hold_post)
    page.expose_function("reportProvisioning", lambda state: reports.append(state))
    page.evaluate(PROBE_PROGRESS)
    progress = page.locator("#provision-progress")
    expect(progress).to_have_attribute("aria-live", "polite")
    expect(progress).to_have_text("")  # the live region is in place, empty, before anything happens
    page.locator("#provision-submit").click(no_wait_after=True)
    for _ in range(200):
        if held and len(reports) == 2:
            break
        page.wait_for_timeout(50)

    assert len(held) == 1
    during, second_submit = reports
    assert during == {
        "disabled": True,
        "label": "Provisioning…",
        "progress": "Creating the schema, domain and first admin. This takes a few seconds; "
        "please keep this page open.",
        "role": "status",
        "live": "polite",
        "visible": True,
        "spinner": True,
        "busy": "true",
    }
    assert second_submit == {"prevented": True}  # a second submit while the first runs is refused
    assert len(held) == 1
    held[0].continue_()

    # The organization page, with the invitation link shown once.
    expect(page).to_have_url(re.compile(r"/console/organizations/\d+/$"))
    expect(page.get_by_role("heading", name=re.compile("Initech Academy"))).to_be_visible()
    expect(page.get_by_role("status").first).to_contain_text(
        f"Initech Academy is ready at {server.url('', slug=slug).rstrip('/')}"
    )
    invitation = page.get_by_label("Invitation link")
    invitation_url = invitation.input_value()
    assert invitation_url.startswith(server.url("/invite/", slug=slug))
    page.get_by_role("button", name="Copy link").click()
    expect(page.locator("#copy-status")).to_contain_text(re.compile("copied|Ctrl\\+C"))
    screenshot(page, "console-org.png")

    # The first Org Admin opens the link on the new host, sets a password and is signed in there.
    admin_page = context.new_page()
    admin_page.goto(invitation_url)
    expect(admin_page.get_by_role("heading", name="Welcome to Initech Academy")).to_be_visible()
    admin_page.get_by_label("Password", exact=True).fill("a-Long-and-unusual-passphrase-42")
    admin_page.get_by_label("Password again").fill("a-Long-and-unusual-passphrase-42")
    admin_page.get_by_role("button", name="Set password and sign in").click()
    expect(admin_page).to_have_url(server.url("/", slug=slug))
    expect(admin_page.get_by_text(f"You are signed in as bill@{slug}.example.com")).to_be_visible()
    admin_page.close()

    # The link was shown once: reloading the console page no longer shows it.
    page.reload()
    expect(page.get_by_label("Invitation link")).to_have_count(0)
    expect(page.get_by_text("Provisioned", exact=True)).to_be_visible()


def test_suspending_in_the_console_makes_the_org_host_answer_suspended(page, server, provisioned):
    organization = provisioned()
    home = page.goto(server.url("/", slug=organization.slug))
    assert home.status == 200

    sign_in(page, server, next_path=f"/console/organizations/{organization.pk}/")
    page.get_by_label("Reason").first.fill("Unpaid invoice")
    page.get_by_label("Yes, suspend").check()
    page.get_by_role("button", name="Suspend organization").click()
    expect(page.get_by_role("status").first).to_contain_text(
        "Browser Test School is suspended. Its members see a suspended page"
    )
    expect(page.get_by_role("button", name="Reactivate organization")).to_be_visible()

    answer = page.goto(server.url("/", slug=organization.slug))
    assert answer.status == 403
    expect(page.get_by_role("heading", name="Browser Test School is suspended")).to_be_visible()


def test_keyboard_sign_in_skip_link_and_error_summary(page, server):
    page.goto(server.url("/console/login/"))
    email = page.get_by_label("Email")
    expect(email).to_be_focused()  # the sign-in form starts in its first field
    outline = email.evaluate("element => getComputedStyle(element).outlineStyle")
    assert outline != "none"  # a visible focus indicator
    page.keyboard.type(OPERATOR_EMAIL)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(server.url("/console/"))

    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to content")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()  # hidden off-screen until focused
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()

    page.goto(server.url("/console/organizations/new/"))
    page.get_by_label("Organization name").fill("Reserved Words Ltd")
    page.get_by_label("Subdomain").fill("console")
    page.get_by_label("First Org Admin's email").fill("someone@example.com")
    page.get_by_label("First Org Admin's email").press("Enter")

    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()  # console.js moves focus to the error summary
    expect(summary).to_contain_text("Subdomain: 'console' is reserved.")
    slug_field = page.get_by_label("Subdomain")
    expect(slug_field).to_have_attribute("aria-invalid", "true")
    expect(slug_field).to_have_accessible_description(re.compile("'console' is reserved."))
    page.keyboard.press("Tab")
    expect(summary.get_by_role("link", name="Subdomain: 'console' is reserved.")).to_be_focused()
    page.keyboard.press("Enter")  # the summary's link leads to the field
    expect(slug_field).to_be_focused()
    expect(page.locator("#provision-submit")).to_be_enabled()


def test_console_fits_a_phone_screen(context, server, provisioned):
    provisioned(name="A Rather Long Organization Name For Small Screens")
    page = context.new_page()
    page.set_viewport_size({"width": 375, "height": 740})
    sign_in(page, server)

    fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert fits, "the organizations page scrolls sideways on a phone"
    users_cell = page.locator("td[data-label='Users']").first
    label = users_cell.evaluate("cell => getComputedStyle(cell, '::before').content")
    assert label == '"Users"'  # each stacked cell names its column
    screenshot(page, "console-list-phone.png")
