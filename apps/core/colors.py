"""Colour contrast after WCAG 2.x: relative luminance, contrast ratio, and the colours derived from a brand
colour so that text drawn with it, or on it, stays readable (AA: 4.5:1 for body text).

An organization may pick any brand colour; nothing is refused for its contrast. Instead the pages draw
text on brand-coloured backgrounds in `readable_text_on(brand)` and brand-tinted text and links in
`ink_for(brand)`, and the settings pages and the API say when the chosen colour itself is too light or too
dark to be used for text (`brand_palette(...).warnings`).
"""

import colorsys
from dataclasses import dataclass
from functools import lru_cache

from django.utils.text import format_lazy
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy

from apps.core.validation import is_hex_color

AA_TEXT = 4.5  # WCAG 2.x 1.4.3, body text
AA_LARGE = 3.0  # large text and user-interface components (1.4.3, 1.4.11)

WHITE = "#ffffff"
DARK_INK = "#111111"
BLACK = "#000000"
# The darkest light surface brand-tinted text sits on (the tinted messages and status chips of app.css);
# the page background (#f6f7fb) and cards (#fff) are lighter, so ink readable here is readable there too.
INK_SURFACE = "#e7eefc"
DEFAULT_BRAND = "#2457d6"


def parse_hex(color: str) -> tuple[int, int, int]:
    """`#rrggbb` as three 0-255 channels. Raises ValueError for anything else."""
    if not is_hex_color(color):
        raise ValueError(f"Not a colour like #2457d6: {color!r}")
    value = str(color)[1:]
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def to_hex(rgb: tuple[int, int, int]) -> str:
    return "#" + "".join(f"{max(0, min(255, round(channel))):02x}" for channel in rgb)


def _linear(channel: int) -> float:
    """One sRGB channel (0-255) linearised, with WCAG's threshold of 0.04045."""
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(color: str) -> float:
    """WCAG 2.x relative luminance: 0 for black, 1 for white."""
    r, g, b = parse_hex(color)
    return 0.2126 * _linear(r) + 0.7152 * _linear(g) + 0.0722 * _linear(b)


def contrast_ratio(first: str, second: str) -> float:
    """(L1 + 0.05) / (L2 + 0.05) with L1 the lighter: 1 (no contrast) to 21 (black on white)."""
    a, b = relative_luminance(first), relative_luminance(second)
    lighter, darker = max(a, b), min(a, b)
    return (lighter + 0.05) / (darker + 0.05)


def readable_text_on(background: str) -> str:
    """The text colour for a `background`: white or the dark ink #111111, whichever contrasts more.

    Both reach 4.5:1 on every background but a narrow band of mid-tones (luminance about 0.17-0.20, e.g.
    #777777), where the better of the two still falls short (4.34:1 at worst); there pure black is used,
    which always reaches 4.5:1 together with white: the worse background for the pair black/white has
    (L + 0.05)^2 = 1.05 * 0.05, so the better of the two is at least 1.05 / sqrt(0.0525) = 4.58:1."""
    on_white, on_dark = contrast_ratio(background, WHITE), contrast_ratio(background, DARK_INK)
    best, ratio = (WHITE, on_white) if on_white >= on_dark else (DARK_INK, on_dark)
    if ratio >= AA_TEXT:
        return best
    return WHITE if on_white >= contrast_ratio(background, BLACK) else BLACK


def ink_for(color: str, *, surface: str = INK_SURFACE, minimum: float = AA_TEXT) -> str:
    """`color` itself when it reaches `minimum` on `surface`; otherwise the same hue and saturation made
    darker (on a light surface) or lighter (on a dark one), as little as needed to reach it.

    In HSL every channel grows with lightness at a fixed hue and saturation, so contrast against the
    surface is monotonic in lightness and a bisection finds the lightest (or darkest) passing shade; the
    end of the range is black or white, which always passes on a light or dark surface respectively."""
    color = str(color).lower()
    if contrast_ratio(color, surface) >= minimum:
        return color
    r, g, b = parse_hex(color)
    hue, lightness, saturation = colorsys.rgb_to_hls(r / 255, g / 255, b / 255)
    darken = relative_luminance(surface) > 0.18  # a light surface wants darker ink

    def shade(level: float) -> str:
        rgb = colorsys.hls_to_rgb(hue, level, saturation)
        return to_hex(tuple(channel * 255 for channel in rgb))

    # `passing` always passes, `failing` never does; halve the distance between them.
    passing, failing = (0.0, lightness) if darken else (1.0, lightness)
    for _ in range(40):
        middle = (passing + failing) / 2
        if contrast_ratio(shade(middle), surface) >= minimum:
            passing = middle
        else:
            failing = middle
    candidate = shade(passing)
    # Rounding to 8-bit channels can cost a hair of contrast: step on until the hex value itself passes.
    step = -0.002 if darken else 0.002
    while contrast_ratio(candidate, surface) < minimum:
        passing = min(1.0, max(0.0, passing + step))
        candidate = shade(passing)
    return candidate


def format_ratio(ratio: float) -> str:
    """A ratio as people read it: 1.3:1, 21:1. Never rounded up across a WCAG threshold: 4.478 shows as
    4.47:1, not as a passing 4.5:1."""
    shown = round(ratio, 1)
    if any(ratio < threshold <= shown for threshold in (AA_LARGE, AA_TEXT)):
        return f"{int(ratio * 100) / 100:g}:1"
    return f"{shown:g}:1"


@dataclass(frozen=True)
class BrandPalette:
    """A brand colour and the colours derived from it, with its contrast on white and what the pages do
    about it. `text` is for text on brand-coloured backgrounds (primary buttons), `ink` for brand-tinted
    text and links on light surfaces."""

    color: str
    text: str
    ink: str
    ratio_on_white: float
    text_ratio: float
    ink_ratio: float
    warnings: tuple[str, ...] = ()

    @property
    def low_contrast(self) -> bool:
        return bool(self.warnings)

    @property
    def summary(self) -> str:
        """One line for the settings pages: the ratio on white and what text and links are drawn in."""
        return gettext(
            "{color}: {ratio} on white. Text on it is shown in {text} ({text_ratio}), links in {ink} "
            "({ink_ratio} on white)."
        ).format(
            color=self.color,
            ratio=format_ratio(self.ratio_on_white),
            text=_text_words(self.text),
            text_ratio=format_ratio(self.text_ratio),
            ink=self.ink,
            ink_ratio=format_ratio(self.ink_ratio),
        )

    def as_dict(self) -> dict:
        """The shape the API answers with (`contrast` on organization and branch settings)."""
        return {
            "color": self.color,
            "on_white_ratio": round(self.ratio_on_white, 2),
            "text_color": self.text,
            "text_ratio": round(self.text_ratio, 2),
            "ink_color": self.ink,
            "ink_ratio_on_white": round(self.ink_ratio, 2),
            "meets_aa": not self.warnings,
            "warnings": list(self.warnings),
        }


@lru_cache(maxsize=256)
def brand_palette(color: str | None) -> BrandPalette:
    """The palette of a brand colour; an empty or malformed value stands for the product's default."""
    color = str(color).lower() if is_hex_color(color) else DEFAULT_BRAND
    text = readable_text_on(color)
    ink = ink_for(color)
    ratio = contrast_ratio(color, WHITE)
    warnings = []
    if ratio < AA_TEXT:
        # Lazy: the palette is cached across requests, the warning is read in each viewer's language.
        warnings.append(
            format_lazy(
                gettext_lazy(
                    "{color} has a contrast of {ratio} on white, below the {minimum} that WCAG AA asks of "
                    "text: text on it will be shown in {text}, links in {ink}."
                ),
                color=color,
                ratio=format_ratio(ratio),
                minimum=format_ratio(AA_TEXT),
                text=_text_words(text),
                ink=ink,
            )
        )
    return BrandPalette(
        color=color,
        text=text,
        ink=ink,
        ratio_on_white=ratio,
        text_ratio=contrast_ratio(text, color),
        ink_ratio=contrast_ratio(ink, WHITE),
        warnings=tuple(warnings),
    )


def _text_words(text: str) -> str:
    """Lazy, so that it can go into a cached warning and still be read in the viewer's language."""
    if text == WHITE:
        return pgettext_lazy("text colour", "white")
    return (
        pgettext_lazy("text colour", "dark ink")
        if text == DARK_INK
        else pgettext_lazy("text colour", "black")
    )
