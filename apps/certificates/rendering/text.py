"""Text on a certificate: the vendored TTF fonts (apps/certificates/fonts/), a fallback chain chosen per
code point, right-to-left scripts put in visual order, and word wrapping.

Every face is registered once per process. A string is cut into runs, each set in the first font of its
chain that has a glyph for the character (a Latin name stays in the display serif, an Arabic or Hebrew
one falls to DejaVu Sans, a Chinese, Japanese or Korean one to Droid Sans Fallback). Arabic is shaped
into its joining forms (arabic-reshaper) and any right-to-left text reordered for display (python-bidi)
before the cut, since a PDF shows glyphs in the order they are drawn."""

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import arabic_reshaper
from bidi import get_display
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"

# Face name -> file. Names are what the PDF shows (pdffonts) after reportlab's subset prefix.
FACES = {
    "LSSerif": "DejaVuSerif.ttf",
    "LSSerif-Bold": "DejaVuSerif-Bold.ttf",
    "LSSerif-Italic": "DejaVuSerif-Italic.ttf",
    "LSSans": "DejaVuSans.ttf",
    "LSSans-Bold": "DejaVuSans-Bold.ttf",
    "LSCJK": "DroidSansFallbackFull.ttf",  # Chinese, Japanese (Apache 2.0)
    "LSKR": "NanumSquareR.ttf",  # Korean Hangul (SIL OFL 1.1)
}
# A style -> its fallback chain, tried in order for each character.
STYLES = {
    "serif": ("LSSerif", "LSSans", "LSCJK", "LSKR"),
    "serif-bold": ("LSSerif-Bold", "LSSans-Bold", "LSSans", "LSCJK", "LSKR"),
    "serif-italic": ("LSSerif-Italic", "LSSans", "LSCJK", "LSKR"),
    "sans": ("LSSans", "LSCJK", "LSKR"),
    "sans-bold": ("LSSans-Bold", "LSSans", "LSCJK", "LSKR"),
}
_RTL_CLASSES = frozenset({"R", "AL", "AN"})


@lru_cache(maxsize=1)
def register_fonts() -> dict[str, frozenset[int]]:
    """Register every face with reportlab (once per process) and return each face's code points."""
    coverage = {}
    for name, filename in FACES.items():
        font = TTFont(name, str(FONT_DIR / filename))
        pdfmetrics.registerFont(font)
        coverage[name] = frozenset(font.face.charToGlyph)
    return coverage


@dataclass(frozen=True)
class Run:
    font: str
    text: str
    width: float


def _has_rtl(text: str) -> bool:
    return any(unicodedata.bidirectional(ch) in _RTL_CLASSES for ch in text)


@lru_cache(maxsize=1)
def _reshaper() -> arabic_reshaper.ArabicReshaper:
    """Arabic shaping limited to the ligatures whose glyphs DejaVu Sans has (others stay letters that
    join), as arabic_reshaper's own config_for_true_type_font does with fontTools."""
    from arabic_reshaper.letters import ISOLATED, LETTERS_ARABIC
    from arabic_reshaper.ligatures import LIGATURES

    covered = register_fonts()["LSSans"]
    config = {
        "use_unshaped_instead_of_isolated": not all(
            ord(forms[ISOLATED]) in covered for forms in LETTERS_ARABIC.values() if forms[ISOLATED]
        )
    }
    for name, (_match, forms) in LIGATURES:
        config[name] = all(ord(form) in covered for form in forms if form)
    return arabic_reshaper.ArabicReshaper(configuration=config)


def visual(text: str) -> str:
    """The string in the order its glyphs are drawn: Arabic shaped, right-to-left runs reversed."""
    if not _has_rtl(text):
        return text
    return get_display(_reshaper().reshape(text))


def _font_for(ch: str, chain: tuple[str, ...], coverage: dict[str, frozenset[int]]) -> str:
    code = ord(ch)
    for face in chain:
        if code in coverage[face]:
            return face
    return chain[0]  # nothing has it: the primary face's .notdef box, never a crash


@lru_cache(maxsize=4096)
def runs(text: str, style: str, size: float) -> tuple[Run, ...]:
    """`text` (logical order) cut into font runs in drawing order, with their widths at `size`."""
    coverage = register_fonts()
    chain = STYLES[style]
    shown = visual(text)
    out: list[Run] = []
    current, start = None, 0
    for index, ch in enumerate(shown):
        # Spaces and marks stay with the run they are in, so a name is not cut at every space.
        face = (
            current
            if current and (ch.isspace() or unicodedata.combining(ch))
            else _font_for(ch, chain, coverage)
        )
        if face != current:
            if current is not None:
                piece = shown[start:index]
                out.append(Run(current, piece, pdfmetrics.stringWidth(piece, current, size)))
            current, start = face, index
    if current is not None:
        piece = shown[start:]
        out.append(Run(current, piece, pdfmetrics.stringWidth(piece, current, size)))
    return tuple(out)


def width(text: str, style: str, size: float) -> float:
    return sum(run.width for run in runs(text, style, size))


def fit_size(text: str, style: str, size: float, max_width: float, minimum: float = 10) -> float:
    """The largest size <= `size` (in steps of 1 pt) at which `text` fits on one line of `max_width`."""
    while size > minimum and width(text, style, size) > max_width:
        size -= 1
    return size


def draw(
    canvas, text: str, x: float, y: float, *, style: str, size: float, align: str = "left", max_width=None
) -> float:
    """Draw one line; `align` left/center/right about `x`; a line wider than `max_width` is set smaller
    until it fits (never off the page). Returns the line's width."""
    pieces = runs(text, style, size)
    total = sum(run.width for run in pieces)
    if max_width and total > max_width:
        size = size * max_width / total
        pieces = runs(text, style, size)
        total = sum(run.width for run in pieces)
    if align == "center":
        x -= total / 2
    elif align == "right":
        x -= total
    for run in pieces:
        canvas.setFont(run.font, size)
        canvas.drawString(x, y, run.text)
        x += run.width
    return total


def wrap(text: str, style: str, size: float, max_width: float) -> list[str]:
    """Lines (logical order) of at most `max_width`: broken at spaces, or between characters for words
    too long for a line (Chinese and Japanese have no spaces)."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if width(candidate, style, size) <= max_width:
                line = candidate
                continue
            if line:
                lines.append(line)
            line = ""
            for ch in word:
                if line and width(line + ch, style, size) > max_width:
                    lines.append(line)
                    line = ""
                line += ch
        lines.append(line)
    return lines
