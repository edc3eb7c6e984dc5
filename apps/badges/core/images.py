"""A badge's picture: an uploaded PNG (checked as every upload is, then bounded in bytes and pixels), or one
generated from the organization's brand colour: a 400x400 PNG shield on a medal ring with the badge's
initials. The same name and colour always give the same bytes."""

import colorsys
import io

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont

from apps.core.errors import ValidationFailed
from apps.courses.media import inspect_upload, picture_size

SIZE = 400
MAX_UPLOAD_BYTES = 1024 * 1024
MAX_PIXELS = 2048  # per side
MIN_PIXELS = 90  # backpacks show badges at 90x90 at least
DEFAULT_COLOUR = "#2457d6"


def initials(name: str) -> str:
    words = [w for w in "".join(c if c.isalnum() else " " for c in name).split() if w]
    if not words:
        return "?"
    if len(words) == 1:
        return words[0][:2].upper()
    return (words[0][0] + words[1][0]).upper()


def _rgb(colour: str) -> tuple[int, int, int]:
    value = (colour or "").lstrip("#")
    try:
        if len(value) == 6:
            return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)
    except ValueError:
        pass
    return _rgb(DEFAULT_COLOUR)


def _shade(rgb: tuple[int, int, int], lightness: float) -> tuple[int, int, int]:
    h, _l, s = colorsys.rgb_to_hls(*(c / 255 for c in rgb))
    r, g, b = colorsys.hls_to_rgb(h, max(0.0, min(1.0, lightness)), s)
    return round(r * 255), round(g * 255), round(b * 255)


def generated_png(name: str, colour: str = DEFAULT_COLOUR) -> bytes:
    base = _rgb(colour)
    dark, light = _shade(base, 0.28), _shade(base, 0.85)
    image = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((8, 8, SIZE - 8, SIZE - 8), fill=dark)  # the medal's ring
    draw.ellipse((28, 28, SIZE - 28, SIZE - 28), fill=light)
    shield = [(200, 60), (320, 105), (310, 235), (200, 345), (90, 235), (80, 105)]
    draw.polygon(shield, fill=base, outline=dark, width=8)
    font = ImageFont.load_default(size=120)
    text = initials(name)
    box = draw.textbbox((0, 0), text, font=font)
    width, height = box[2] - box[0], box[3] - box[1]
    draw.text((200 - width / 2 - box[0], 195 - height / 2 - box[1]), text, font=font, fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()


def generated_file(name: str, colour: str = DEFAULT_COLOUR) -> ContentFile:
    return ContentFile(generated_png(name, colour), name="badge.png")


def checked_upload(upload, field: str = "image") -> ContentFile:
    """The uploaded PNG, or ValidationFailed naming `field`: a real PNG (read from its bytes), at most
    MAX_UPLOAD_BYTES, square-ish sides between MIN_PIXELS and MAX_PIXELS."""
    inspect_upload(upload, field=field, allowed=frozenset({"image/png"}))
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationFailed({field: [_("A badge image may be at most 1 MB.")]})
    upload.seek(0)
    data = upload.read()
    width, height = picture_size(data, field=field, unreadable=_("This PNG cannot be read."))
    if not (MIN_PIXELS <= width <= MAX_PIXELS and MIN_PIXELS <= height <= MAX_PIXELS):
        raise ValidationFailed(
            {
                field: [
                    _("A badge image must be between %(min)s and %(max)s pixels wide and high.")
                    % {"min": MIN_PIXELS, "max": MAX_PIXELS}
                ]
            }
        )
    return ContentFile(data, name="badge.png")
