"""WCAG 2.x contrast (apps/core/colors.py): the formula against known values, and colours derived from any
brand colour that always reach AA (4.5:1)."""

import itertools
import random

import pytest

from apps.core.colors import (
    AA_TEXT,
    BLACK,
    DARK_INK,
    INK_SURFACE,
    WHITE,
    brand_palette,
    contrast_ratio,
    format_ratio,
    ink_for,
    readable_text_on,
    relative_luminance,
)


def sweep() -> list[str]:
    """Every 17th step of each channel (4,913 colours, the greys and the pure hues among them), every grey,
    and 3,000 random colours (seeded)."""
    steps = range(0, 256, 17)
    grid = [f"#{r:02x}{g:02x}{b:02x}" for r, g, b in itertools.product(steps, repeat=3)]
    greys = [f"#{v:02x}{v:02x}{v:02x}" for v in range(256)]
    rng = random.Random(20261201)
    rand = [f"#{rng.randrange(1 << 24):06x}" for _ in range(3000)]
    return grid + greys + rand


COLOURS = sweep()


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ("#000000", "#ffffff", 21.0),
        ("#ffffff", "#ffffff", 1.0),
        ("#777777", "#ffffff", 4.48),  # the classic "just fails AA" grey
        ("#767676", "#ffffff", 4.54),  # the lightest grey that passes
        ("#fde047", "#ffffff", 1.32),
        ("#2457d6", "#ffffff", 6.16),
        ("#ff0000", "#ffffff", 4.0),
        ("#0000ff", "#ffffff", 8.59),
    ],
)
def test_contrast_ratio_matches_known_wcag_values(first, second, expected):
    assert contrast_ratio(first, second) == pytest.approx(expected, abs=0.005)
    assert contrast_ratio(second, first) == contrast_ratio(first, second)


def test_relative_luminance_uses_the_srgb_curve_with_the_0_04045_threshold():
    # 10/255 = 0.0392 is below the threshold (linear part), 11/255 = 0.0431 above it (power part).
    assert relative_luminance("#0a0a0a") == pytest.approx((10 / 255) / 12.92)
    assert relative_luminance("#0b0b0b") == pytest.approx(((11 / 255 + 0.055) / 1.055) ** 2.4)
    assert relative_luminance("#ff0000") == pytest.approx(0.2126)
    assert relative_luminance("#00ff00") == pytest.approx(0.7152)
    assert relative_luminance("#0000ff") == pytest.approx(0.0722)


def test_malformed_colours_are_refused():
    for bad in ("", "#fff", "red", "#gggggg", None, "#1234567"):
        with pytest.raises(ValueError, match="Not a colour like #2457d6"):
            relative_luminance(bad)


def test_readable_text_is_white_on_dark_and_dark_ink_on_light():
    assert readable_text_on("#1d4ed8") == WHITE
    assert readable_text_on("#2457d6") == WHITE
    assert readable_text_on("#fde047") == DARK_INK
    assert readable_text_on("#ffffff") == DARK_INK
    # A mid-tone where neither white nor #111111 reaches 4.5:1 gets black, which does.
    assert contrast_ratio("#777777", WHITE) < AA_TEXT
    assert contrast_ratio("#777777", DARK_INK) < AA_TEXT
    assert readable_text_on("#777777") == BLACK


def test_readable_text_reaches_aa_on_every_background():
    failures = [c for c in COLOURS if contrast_ratio(readable_text_on(c), c) < AA_TEXT]

    assert failures == []


def test_readable_text_picks_the_better_of_white_and_dark_ink_when_it_passes():
    for colour in COLOURS:
        text = readable_text_on(colour)
        if text != BLACK:
            other = DARK_INK if text == WHITE else WHITE
            assert contrast_ratio(text, colour) >= contrast_ratio(other, colour)


def test_derived_ink_reaches_aa_on_white_and_on_the_tinted_surface_for_every_colour():
    failures = []
    for colour in COLOURS:
        ink = ink_for(colour)
        if contrast_ratio(ink, WHITE) < AA_TEXT or contrast_ratio(ink, INK_SURFACE) < AA_TEXT:
            failures.append((colour, ink))

    assert failures == []


def test_a_colour_that_already_passes_is_kept_and_one_that_fails_keeps_its_hue():
    assert ink_for("#1D4ED8") == "#1d4ed8"
    yellow_ink = ink_for("#fde047")
    r, g, b = (int(yellow_ink[i : i + 2], 16) for i in (1, 3, 5))

    assert yellow_ink != "#fde047"
    assert r > g > b  # still a yellow-brown, not grey or black
    assert 4.5 <= contrast_ratio(yellow_ink, INK_SURFACE) < 4.7  # darkened only as far as needed


def test_ink_on_a_dark_surface_is_lightened():
    ink = ink_for("#1d4ed8", surface="#111111")

    assert relative_luminance(ink) > relative_luminance("#1d4ed8")
    assert contrast_ratio(ink, "#111111") >= AA_TEXT


def test_palette_warns_with_the_ratio_for_a_light_colour_and_not_for_a_dark_one():
    light = brand_palette("#FDE047")
    dark = brand_palette("#1d4ed8")

    assert light.warnings == (
        f"#fde047 has a contrast of 1.3:1 on white, below the 4.5:1 that WCAG AA asks of text: "
        f"text on it will be shown in dark ink, links in {light.ink}.",
    )
    assert (light.text, light.low_contrast) == (DARK_INK, True)
    assert (dark.color, dark.text, dark.ink, dark.warnings) == ("#1d4ed8", WHITE, "#1d4ed8", ())
    assert dark.as_dict() == {
        "color": "#1d4ed8",
        "on_white_ratio": 6.7,
        "text_color": WHITE,
        "text_ratio": 6.7,
        "ink_color": "#1d4ed8",
        "ink_ratio_on_white": 6.7,
        "meets_aa": True,
        "warnings": [],
    }


def test_an_empty_or_malformed_colour_stands_for_the_default():
    assert brand_palette("").color == "#2457d6"
    assert brand_palette("red; } body { display:none").color == "#2457d6"


def test_ratios_are_never_shown_rounded_up_across_a_threshold():
    assert format_ratio(contrast_ratio("#777777", WHITE)) == "4.47:1"
    assert format_ratio(contrast_ratio("#fde047", WHITE)) == "1.3:1"
    assert format_ratio(21.0) == "21:1"
    assert format_ratio(2.96) == "2.96:1"
