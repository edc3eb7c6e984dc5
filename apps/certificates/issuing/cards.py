"""The share page's Open Graph image: a 1200x630 PNG card drawn with Pillow (the template's colours, the
course, the learner's name, the organization and the date). Deterministic for one certificate, so it caches."""

import io
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageColor, ImageDraw, ImageFont

FONTS = Path(__file__).resolve().parent.parent / "fonts"
SIZE = (1200, 630)


@lru_cache(maxsize=8)
def _font(name: str, size: int):
    for path in (FONTS / name, Path("/usr/share/fonts/truetype/dejavu") / name):
        if path.exists():
            return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size=size)


def _colour(value: str, default: str) -> tuple:
    try:
        return ImageColor.getrgb(value or default)
    except ValueError:
        return ImageColor.getrgb(default)


def _fit(draw, text: str, name: str, size: int, width: int):
    """The largest font size (down to 60 %) at which `text` fits `width`; longer texts are cut with "…"."""
    for step in range(size, int(size * 0.6), -4):
        font = _font(name, step)
        if draw.textlength(text, font=font) <= width:
            return text, font
    font = _font(name, int(size * 0.6))
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text + "…", font


def share_card_png(certificate) -> bytes:
    primary = _colour(certificate.template.primary_color, "#1d4ed8")
    accent = _colour(certificate.template.accent_color, "#f59e0b")
    image = Image.new("RGB", SIZE, (255, 255, 255))
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 0, 40, SIZE[1]], fill=primary)
    draw.rectangle([40, 0, 52, SIZE[1]], fill=accent)
    data = certificate.data
    left, width = 110, SIZE[0] - 180
    title, font = _fit(
        draw, certificate.template.title_text or "Certificate", "DejaVuSans-Bold.ttf", 44, width
    )
    draw.text((left, 90), title.upper(), fill=primary, font=font)
    learner, font = _fit(draw, data.get("learner", ""), "DejaVuSerif-Bold.ttf", 80, width)
    draw.text((left, 200), learner, fill=(17, 24, 39), font=font)
    course, font = _fit(draw, data.get("course", ""), "DejaVuSans.ttf", 48, width)
    draw.text((left, 330), course, fill=(55, 65, 81), font=font)
    footer = f"{data.get('organization', '')} · {data.get('issued_on', '')}"
    footer, font = _fit(draw, footer, "DejaVuSans.ttf", 32, width)
    draw.text((left, 500), footer, fill=(107, 114, 128), font=font)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
