"""A brand colour with poor contrast is accepted with a warning, and every page draws text on it and links
with colours derived from it that reach WCAG AA (4.5:1)."""

import re

import pytest
from django_tenants.utils import schema_context

from apps.core.colors import AA_TEXT, WHITE, brand_palette, contrast_ratio
from tests.console.helpers import accessibility_problems

SETTINGS = {
    "display_name": "Acme Academy",
    "primary_color": "#2457d6",
    "welcome_text": "",
    "default_language": "en",
    "default_timezone": "UTC",
    "allowed_email_domains": "",
}
YELLOW_INK = brand_palette("#fde047").ink
WARNING = (
    "#fde047 has a contrast of 1.3:1 on white, below the 4.5:1 that WCAG AA asks of text: "
    f"text on it will be shown in dark ink, links in {YELLOW_INK}."
)


def css_variables(html: str) -> dict[str, str]:
    """The custom properties base.html's <style> block sets on :root."""
    block = re.search(r"<style nonce=\"[^\"]+\">:root \{([^}]*)\}</style>", html)
    assert block, "no :root style block"
    return dict(re.findall(r"(--[\w-]+): ([^;]+);", block.group(1)))


def branch_form(**values) -> dict:
    return {
        "name": "North Campus",
        "address": "",
        "timezone": "",
        "display_name": "",
        "primary_color": "",
        "welcome_text": "",
        "is_active": "on",
        **values,
    }


def north():
    from apps.hierarchy.models import Branch

    with schema_context("acme"):
        return Branch.objects.get(code="north")


def test_a_low_contrast_colour_is_saved_with_a_warning_giving_the_ratio(
    admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post("/manage/settings/", {**SETTINGS, "primary_color": "#fde047"})
    page = admin.get("/manage/settings/").content.decode()

    assert response.status_code == 302
    assert WARNING in page
    assert "#fde047: 1.3:1 on white. Text on it is shown in dark ink (14.3:1)" in page
    assert accessibility_problems(page) == []


def test_a_readable_colour_gets_no_warning(admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        admin.post("/manage/settings/", {**SETTINGS, "primary_color": "#1d4ed8"})
    page = admin.get("/manage/settings/").content.decode()

    assert "#1d4ed8: 6.7:1 on white. Text on it is shown in white (6.7:1), links in #1d4ed8" in page
    assert "below the 4.5:1" not in page
    assert re.search(r'class="message message-warning brand-warning"[^>]* hidden', page)


def test_the_warning_shows_for_the_colour_being_edited_before_it_is_saved(admin, acme):
    response = admin.post(
        "/manage/settings/", {**SETTINGS, "primary_color": "#fde047", "default_timezone": "Mars/Olympus"}
    )

    body = response.content.decode()
    assert response.status_code == 200  # the time zone is refused, nothing is saved
    assert WARNING in body
    assert f".brand-preview {{ --brand: #fde047; --brand-text: #111111; --brand-ink: {YELLOW_INK}; }}" in body
    assert 'src="/static/js/brand_contrast.js"' in body


def test_pages_draw_text_on_and_in_the_brand_colour_with_the_derived_colours(
    admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        admin.post("/manage/settings/", {**SETTINGS, "primary_color": "#fde047"})

    variables = css_variables(admin.get("/").content.decode())

    assert variables == {"--brand": "#fde047", "--brand-text": "#111111", "--brand-ink": YELLOW_INK}
    assert contrast_ratio(variables["--brand-text"], variables["--brand"]) >= AA_TEXT
    assert contrast_ratio(variables["--brand-ink"], WHITE) >= AA_TEXT


def test_a_readable_colour_is_used_as_it_is(admin):
    variables = css_variables(admin.get("/").content.decode())

    assert variables == {"--brand": "#2457d6", "--brand-text": "#ffffff", "--brand-ink": "#2457d6"}


def test_the_stylesheets_draw_brand_text_with_the_derived_colours():
    from pathlib import Path

    from django.conf import settings

    css = {path.name: path.read_text() for path in (Path(settings.BASE_DIR) / "static" / "css").glob("*.css")}
    app = css["app.css"]

    assert "a { color: var(--brand-ink); }" in app
    assert re.search(r"button\.primary[^{]*\{[^}]*color: var\(--brand-text\)", app)
    # No rule sets text colour to the raw brand colour any more.
    offenders = [
        (name, rule)
        for name, text in css.items()
        for rule in re.findall(r"[^{}]+\{[^}]*\}", text)
        if re.search(r"(?<![-\w])color:\s*var\(--brand\)", rule)
    ]
    assert offenders == []


def test_a_branch_colour_with_poor_contrast_is_saved_with_a_warning(manager, ids):
    response = manager.post(f"/manage/branches/{ids.north}/edit/", branch_form(primary_color="#fde047"))
    detail = manager.get(response["Location"]).content.decode()
    form = manager.get(f"/manage/branches/{ids.north}/edit/").content.decode()

    assert response.status_code == 302
    assert north().primary_color == "#fde047"
    assert WARNING in detail
    assert f"--brand: #fde047; --brand-text: #111111; --brand-ink: {YELLOW_INK};" in detail
    assert WARNING in form
    assert accessibility_problems(form) == []


def test_a_readable_branch_colour_and_an_inherited_one_get_no_warning(manager, ids):
    response = manager.post(f"/manage/branches/{ids.north}/edit/", branch_form(primary_color="#1d4ed8"))
    detail = manager.get(response["Location"]).content.decode()
    inherited = manager.post(f"/manage/branches/{ids.north}/edit/", branch_form(primary_color=""))
    form = manager.get(f"/manage/branches/{ids.north}/edit/").content.decode()

    assert "below the 4.5:1" not in detail
    assert inherited.status_code == 302
    assert 'data-brand-preview data-input="id_primary_color" hidden' in form
    assert "below the 4.5:1" not in form


@pytest.mark.parametrize("color", ["blue", "#fde04", "#fde047; }"])
def test_a_malformed_colour_is_still_refused(admin, color):
    response = admin.post("/manage/settings/", {**SETTINGS, "primary_color": color})

    assert response.status_code == 200
    assert "Use a colour like #2457d6." in response.content.decode()
    assert "below the 4.5:1" not in response.content.decode()
