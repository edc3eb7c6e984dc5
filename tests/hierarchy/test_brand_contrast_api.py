"""The organization and branch settings endpoints answer with the brand colour's contrast and the colours
derived from it, so that mobile apps draw text and links as the pages do; a poor colour is accepted with a
warning, a malformed one still refused."""

from apps.core.colors import brand_palette
from tests.api.helpers import assert_error, assert_ok

YELLOW_INK = brand_palette("#fde047").ink


def branch_settings(ids, branch) -> str:
    return f"/api/v1/organizations/{ids.org}/branches/{branch}/settings"


def test_organization_settings_answer_with_the_contrast_and_a_warning(acme, acme_admin_client):
    response = acme_admin_client.patch(
        f"/api/v1/organizations/{acme.pk}/settings", {"primary_color": "#fde047"}, format="json"
    )
    read = acme_admin_client.get(f"/api/v1/organizations/{acme.pk}/settings")

    contrast = assert_ok(response)["contrast"]
    assert assert_ok(read)["contrast"] == contrast
    assert contrast == {
        "color": "#fde047",
        "on_white_ratio": 1.32,
        "text_color": "#111111",
        "text_ratio": 14.32,
        "ink_color": YELLOW_INK,
        "ink_ratio_on_white": round(brand_palette("#fde047").ink_ratio, 2),
        "meets_aa": False,
        "warnings": [
            "#fde047 has a contrast of 1.3:1 on white, below the 4.5:1 that WCAG AA asks of text: "
            f"text on it will be shown in dark ink, links in {YELLOW_INK}."
        ],
    }
    assert contrast["ink_ratio_on_white"] >= 4.5


def test_a_readable_organization_colour_has_no_warnings(acme, acme_admin_client):
    data = assert_ok(
        acme_admin_client.put(
            f"/api/v1/organizations/{acme.pk}/settings", {"primary_color": "#1d4ed8"}, format="json"
        )
    )

    assert (data["contrast"]["meets_aa"], data["contrast"]["warnings"]) == (True, [])
    assert (data["contrast"]["text_color"], data["contrast"]["ink_color"]) == ("#ffffff", "#1d4ed8")


def test_contrast_is_read_only_and_a_malformed_colour_is_still_refused(acme, acme_admin_client):
    ignored = acme_admin_client.patch(
        f"/api/v1/organizations/{acme.pk}/settings", {"contrast": {"color": "#000000"}}, format="json"
    )
    refused = acme_admin_client.patch(
        f"/api/v1/organizations/{acme.pk}/settings", {"primary_color": "yellow"}, format="json"
    )

    assert assert_ok(ignored)["contrast"]["color"] == "#2457d6"
    assert list(assert_error(refused, 400, "VALIDATION_ERROR")["details"]) == ["primary_color"]


def test_branch_settings_answer_with_their_own_colours_contrast(ids, manager_api, student_api):
    response = manager_api.patch(branch_settings(ids, ids.north), {"primary_color": "#FDE047"}, format="json")
    read = student_api.get(branch_settings(ids, ids.north))

    contrast = assert_ok(response)["contrast"]
    assert assert_ok(read)["contrast"] == contrast
    assert (contrast["source"], contrast["color"], contrast["text_color"], contrast["ink_color"]) == (
        "branch",
        "#fde047",
        "#111111",
        YELLOW_INK,
    )
    assert len(contrast["warnings"]) == 1
    assert contrast["warnings"][0].startswith("#fde047 has a contrast of 1.3:1 on white")


def test_a_branch_without_a_colour_reports_the_organizations(ids, admin_api):
    contrast = assert_ok(admin_api.get(branch_settings(ids, ids.south)))["contrast"]

    assert (contrast["source"], contrast["color"], contrast["warnings"]) == ("organization", "#2457d6", [])


def test_a_malformed_branch_colour_is_still_refused(ids, manager_api):
    response = manager_api.patch(branch_settings(ids, ids.north), {"primary_color": "#fde04"}, format="json")

    assert list(assert_error(response, 400, "VALIDATION_ERROR")["details"]) == ["primary_color"]
