"""The brand colour's preview on the settings page in a real browser: while the colour is edited, the
warning and the ratio follow it, the preview's button text and link use the colours apps/core/colors.py
derives (static/js/brand_contrast.js computes the same ones), and after saving every page draws links and
primary buttons with them."""

import pytest
from django_tenants.utils import schema_context

from apps.core.colors import brand_palette
from tests.browser.conftest import screenshot
from tests.browser.test_onboarding import DESKTOP, expect, signed_in

pytestmark = pytest.mark.browser


def rgb(hex_colour: str) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


@pytest.fixture
def org_admin(server, provisioned):
    from django.db import connection

    from apps.accounts.models import User

    organization = provisioned(plan="growth", name="Contrast School")
    with schema_context(organization.schema_name):
        admin = User.objects.get(email=organization.admin_email)
        admin.status = User.Status.ACTIVE
        admin.save(update_fields=["status"])
    connection.set_schema_to_public()
    return organization, admin


def test_the_preview_warns_while_editing_and_the_saved_colour_is_drawn_readably(browser, server, org_admin):
    organization, admin = org_admin
    context, page = signed_in(browser, server, organization, admin, DESKTOP)
    try:
        page.goto(server.url("/manage/settings/", organization.slug))
        preview = page.locator("[data-brand-preview]")
        warning = preview.locator("[data-brand-warning]")
        button = preview.locator(".button.primary")
        link = preview.locator(".brand-preview-link")
        expect(warning).to_be_hidden()

        yellow = brand_palette("#fde047")
        page.fill("#id_primary_color", "#fde047")
        expect(warning).to_be_visible()
        expect(warning).to_have_text(str(yellow.warnings[0]))
        expect(preview.locator("[data-brand-ratio]")).to_have_text(str(yellow.summary))
        expect(button).to_have_css("color", rgb(yellow.text))
        expect(button).to_have_css("background-color", rgb("#fde047"))
        expect(link).to_have_css("color", rgb(yellow.ink))
        screenshot(page, "brand-contrast-warning.png")

        # The script derives the same colours as the server for colours of every kind.
        for colour in (
            "#1d4ed8",
            "#ffffff",
            "#777777",
            "#00ff00",
            "#ff0000",
            "#4a90d9",
            "#a3e635",
            "#0e7490",
        ):
            palette = brand_palette(colour)
            page.fill("#id_primary_color", colour)
            expect(link).to_have_css("color", rgb(palette.ink))
            expect(button).to_have_css("color", rgb(palette.text))
            if palette.warnings:
                expect(warning).to_have_text(str(palette.warnings[0]))
            else:
                expect(warning).to_be_hidden()

        page.fill("#id_primary_color", "#fde047")
        page.get_by_role("button", name="Save settings").click()
        expect(page.locator(".message-success")).to_be_visible()
        expect(warning).to_be_visible()
        expect(page.locator(".brand-preview-link")).to_have_css("color", rgb(yellow.ink))

        page.goto(server.url("/", organization.slug))  # the dashboard, with its getting-started links
        root = page.evaluate(
            "() => ['--brand', '--brand-text', '--brand-ink'].map("
            "name => getComputedStyle(document.documentElement).getPropertyValue(name).trim())"
        )
        assert root == ["#fde047", yellow.text, yellow.ink]
        expect(page.locator("main a:not(.button)").first).to_have_css("color", rgb(yellow.ink))
    finally:
        context.close()


def test_the_preview_rewrites_its_sentences_in_the_viewers_language(browser, server, org_admin):
    from django.utils import translation

    from apps.accounts.models import User

    organization, admin = org_admin
    with schema_context(organization.schema_name):
        User.objects.filter(pk=admin.pk).update(language="fr")
    context, page = signed_in(browser, server, organization, admin, DESKTOP)
    try:
        page.goto(server.url("/manage/settings/", organization.slug))
        preview = page.locator("[data-brand-preview]")

        page.fill("#id_primary_color", "#fde047")

        with translation.override("fr"):
            yellow = brand_palette("#fde047")
            warning, summary = str(yellow.warnings[0]), str(yellow.summary)
        assert warning.startswith("#fde047 a un contraste de")
        expect(preview.locator("[data-brand-warning]")).to_have_text(warning)
        expect(preview.locator("[data-brand-ratio]")).to_have_text(summary)
        assert "noir" in summary or "encre foncée" in summary
    finally:
        context.close()
