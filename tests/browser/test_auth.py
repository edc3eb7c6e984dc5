"""Signing in and accepting an invitation in a real browser, on an organization's own host."""

import re

import pytest
from django.core import mail

from tests.browser.conftest import screenshot, unique_slug

pytestmark = pytest.mark.browser

NEW_PASSWORD = "a-Long-and-unusual-passphrase-42"
# "Password" and not "Password again" (labels of required fields end in an aria-hidden " *").
PASSWORD_LABEL = re.compile(r"^Password\W*$")


def expect(target):
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(target)


@pytest.fixture
def school(server):
    """A fresh organization (unique slug; see conftest) and what provisioning returned, with the invitation
    its first Org Admin was emailed."""
    from django.db import connection

    from tenants.models import Plan
    from tenants.services import organization_provision

    slug = unique_slug("a")
    result = organization_provision(
        name="Riverside Academy",
        slug=slug,
        plan=Plan.objects.get(code="starter"),
        admin_email=f"head@{slug}.example.com",
        admin_name="Hana Head",
        trial_days=14,
    )
    connection.set_schema_to_public()
    return result.organization


@pytest.fixture
def member(school):
    """An active person of `school` with a password: (email, password)."""
    from django.contrib.auth import get_user_model
    from django_tenants.utils import schema_context

    email = f"tess@{school.slug}.example.com"
    with schema_context(school.schema_name):
        get_user_model().objects.create_user(email, NEW_PASSWORD, full_name="Tess Teacher")
    return email, NEW_PASSWORD


def test_a_member_signs_in_after_a_wrong_password_and_signs_out(page, server, school, member):
    email, password = member
    page.goto(server.url("/accounts/login/", slug=school.slug))
    expect(page.get_by_role("heading", name="Sign in to Riverside Academy")).to_be_visible()
    expect(page).to_have_title(re.compile("^Sign in · Riverside Academy"))

    page.get_by_label("Email").fill(email)
    page.get_by_label(PASSWORD_LABEL).fill("not my password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("Please enter a correct email and password.")
    expect(page).to_have_url(server.url("/accounts/login/", slug=school.slug))
    screenshot(page, "auth-login-error.png")

    page.get_by_label(PASSWORD_LABEL).fill(password)
    page.get_by_label(PASSWORD_LABEL).press("Enter")  # keyboard submit
    expect(page).to_have_url(server.url("/", slug=school.slug))
    page.goto(server.url("/accounts/profile/", slug=school.slug))
    expect(page.get_by_role("heading", name="Your profile")).to_be_visible()
    expect(page.get_by_text(email, exact=True)).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(server.url("/accounts/login/", slug=school.slug))
    page.goto(server.url("/accounts/profile/", slug=school.slug))
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/accounts/profile/$"))


def test_the_first_org_admin_accepts_the_emailed_invitation_and_signs_in_again_later(
    page, context, server, school
):
    invitations = [m for m in mail.outbox if m.to == [f"head@{school.slug}.example.com"]]
    assert len(invitations) == 1
    link = re.search(r"http://\S+/invite/\S+/", invitations[0].body).group(0)
    assert link.startswith(server.url("/invite/", slug=school.slug))

    page.goto(link)
    expect(page.get_by_role("heading", name="Welcome to Riverside Academy")).to_be_visible()
    expect(page.get_by_text(f"head@{school.slug}.example.com")).to_be_visible()
    page.get_by_label("Your name").fill("Hana Head")
    page.get_by_label(PASSWORD_LABEL).fill(NEW_PASSWORD)
    page.get_by_label("Password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set password and sign in").click()
    expect(page).to_have_url(server.url("/", slug=school.slug))
    screenshot(page, "auth-invitation-accepted.png")

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(server.url("/accounts/login/", slug=school.slug))

    # The link worked once.
    page.goto(link)
    expect(page.get_by_role("heading", name="This invitation link no longer works")).to_be_visible()

    # The new password signs in, in a fresh browser context too.
    fresh = context.browser.new_context()
    later = fresh.new_page()
    later.goto(server.url("/accounts/login/", slug=school.slug))
    later.get_by_label("Email").fill(f"head@{school.slug}.example.com")
    later.get_by_label(PASSWORD_LABEL).fill(NEW_PASSWORD)
    later.get_by_role("button", name="Sign in").click()
    expect(later).to_have_url(server.url("/", slug=school.slug))
    later.goto(server.url("/accounts/profile/", slug=school.slug))
    expect(later.get_by_label("Your name")).to_have_value("Hana Head")
    fresh.close()
