"""Cover images for the demo courses, drawn with Pillow (no binary assets in the repository, no system
fonts): a diagonal gradient in the course's own colours, a motif for its subject (a graph for algebra,
orbits for physics, cells for biology, a book for study skills, a flask for laboratory work) and its title
in Pillow's bundled font. 1200 x 675 (16:9, the shape `.course-cover` shows), WebP where Pillow can write
it, else PNG. apps/demo/courses.py uploads them through the course services like any cover.
"""

import hashlib
import io
import math
from dataclasses import dataclass

from apps.core.colors import WHITE, contrast_ratio, parse_hex

SIZE = (1200, 675)
SCALE = 2  # the motif is drawn at twice the size and scaled down: smooth lines without an antialiasing API


@dataclass(frozen=True)
class Theme:
    motif: str
    start: str  # gradient colours, left to right: dark enough for white text (>= 4.5:1)
    end: str
    label: str = ""  # the subject shown above the title (else the course's category)


THEMES = {
    "algebra-foundations": Theme("graph", "#1e3a8a", "#4338ca", "Algebra"),
    "quadratic-equations": Theme("parabola", "#4c1d95", "#7e22ce", "Algebra"),
    "physics-motion-and-forces": Theme("orbits", "#0f172a", "#155e75", "Physics"),
    "cells-the-units-of-life": Theme("cells", "#14532d", "#0f766e", "Biology"),
    "study-skills-that-stick": Theme("book", "#7c2d12", "#b45309", "Study skills"),
    "laboratory-safety": Theme("flask", "#7f1d1d", "#9a3412", "Chemistry"),
}
MOTIFS = ("graph", "parabola", "orbits", "cells", "book", "flask")


def theme_for(slug: str, subject: str = "") -> Theme:
    """The demo course's theme; any other course gets one chosen from its slug (the same every time)."""
    if slug in THEMES:
        return THEMES[slug]
    digest = hashlib.sha256(slug.encode()).digest()
    hue = digest[0] / 255
    start = _hsl_hex(hue, 0.65, 0.22)
    end = _hsl_hex((hue + 0.08) % 1, 0.6, 0.32)
    return Theme(_motif_for(subject) or MOTIFS[digest[1] % len(MOTIFS)], start, end)


def _motif_for(subject: str) -> str | None:
    words = subject.lower()
    for motif, keys in (
        ("graph", ("math", "algebra")),
        ("orbits", ("physics",)),
        ("cells", ("biology", "cell")),
        ("flask", ("chemistry", "lab", "science")),
        ("book", ("study", "skills", "reading")),
    ):
        if any(key in words for key in keys):
            return motif
    return None


def _hsl_hex(hue: float, saturation: float, lightness: float) -> str:
    import colorsys

    r, g, b = colorsys.hls_to_rgb(hue, lightness, saturation)
    return f"#{round(r * 255):02x}{round(g * 255):02x}{round(b * 255):02x}"


def cover_image(*, title: str, slug: str, subject: str = "", size: tuple[int, int] = SIZE):
    """The cover as a Pillow image (RGB)."""
    from PIL import Image, ImageDraw

    theme = theme_for(slug, subject)
    width, height = size
    image = _gradient(size, theme.start, theme.end).convert("RGBA")

    overlay = Image.new("RGBA", (width * SCALE, height * SCALE), (255, 255, 255, 0))
    draw = ImageDraw.Draw(overlay)
    _texture(draw, overlay.size)
    MOTIF_DRAWERS[theme.motif](draw, overlay.size)
    image.alpha_composite(overlay.resize(size, Image.Resampling.LANCZOS))

    _title(ImageDraw.Draw(image), size, title=title, subject=theme.label or subject)
    return image.convert("RGB")


def cover_bytes(*, title: str, slug: str, subject: str = "") -> tuple[str, bytes]:
    """(file name, bytes) of the course's cover, ready to upload."""
    from PIL import features

    image = cover_image(title=title, slug=slug, subject=subject)
    buffer = io.BytesIO()
    if features.check("webp"):
        image.save(buffer, format="WEBP", quality=86, method=4)
        return f"{slug}-cover.webp", buffer.getvalue()
    image.save(buffer, format="PNG", optimize=True)
    return f"{slug}-cover.png", buffer.getvalue()


def text_contrast(slug: str, subject: str = "") -> float:
    """The worst contrast of the white title on the cover's gradient (its lighter end)."""
    theme = theme_for(slug, subject)
    return min(contrast_ratio(WHITE, theme.start), contrast_ratio(WHITE, theme.end))


# --- drawing ------------------------------------------------------------------------------------------------


def _gradient(size: tuple[int, int], start: str, end: str):
    """A diagonal blend from `start` (left, and more so top left) to `end` (bottom right)."""
    from PIL import Image, ImageChops

    ramp = Image.linear_gradient("L")  # 256 x 256, black at the top to white at the bottom
    down = ramp.resize(size)
    across = ramp.rotate(90, expand=True).resize(size)  # black on the left
    mask = ImageChops.add(across.point(lambda v: v * 0.6), down.point(lambda v: v * 0.4))
    return Image.composite(
        Image.new("RGB", size, parse_hex(end)), Image.new("RGB", size, parse_hex(start)), mask
    )


def _texture(draw, size) -> None:
    """Faint diagonal lines over the whole cover."""
    width, height = size
    step = 56 * SCALE
    for x in range(-height, width, step):
        draw.line((x, height, x + height, 0), fill=(255, 255, 255, 14), width=2 * SCALE)


def _stroke(alpha: int = 150):
    return (255, 255, 255, alpha)


def _area(size):
    """The right-hand part of the cover where the motif sits: (left, top, right, bottom)."""
    width, height = size
    return width * 0.52, height * 0.08, width * 0.96, height * 0.78


def _graph(draw, size, *, parabola: bool = False) -> None:
    left, top, right, bottom = _area(size)
    cell = (right - left) / 10
    for i in range(11):
        x = left + i * cell
        draw.line((x, top, x, bottom), fill=_stroke(40), width=SCALE)
    rows = int((bottom - top) / cell)
    for j in range(rows + 1):
        y = top + j * cell
        draw.line((left, y, right, y), fill=_stroke(40), width=SCALE)
    origin_x, origin_y = left + 2 * cell, top + (rows - 2) * cell
    draw.line((left, origin_y, right, origin_y), fill=_stroke(170), width=3 * SCALE)  # x axis
    draw.line((origin_x, top, origin_x, bottom), fill=_stroke(170), width=3 * SCALE)  # y axis
    if parabola:
        # y = (x - 4)^2 / 3 - 1.5 with roots at x = 4 +- sqrt(4.5), in cells from the origin.
        def f(x: float) -> float:
            return (x - 4) ** 2 / 3 - 1.5
    else:
        # a gentle curve y = 0.12 x^2 and a line
        def f(x: float) -> float:
            return 0.12 * x * x

        draw.line(
            (origin_x - 2 * cell, origin_y, right, origin_y - 5 * cell),  # y = x / 2 + 1
            fill=(253, 224, 71, 220),
            width=4 * SCALE,
        )
    points = []
    x = -2.0
    while x <= 8.0:
        y = f(x)
        px, py = origin_x + x * cell, origin_y - y * cell
        if top <= py <= bottom:
            points.append((px, py))
        x += 0.05
    if len(points) > 1:
        draw.line(points, fill=(255, 255, 255, 235), width=5 * SCALE, joint="curve")
    if parabola:
        for root in (4 - math.sqrt(4.5), 4 + math.sqrt(4.5)):
            cx, r = origin_x + root * cell, 9 * SCALE
            draw.ellipse((cx - r, origin_y - r, cx + r, origin_y + r), fill=(253, 224, 71, 240))
    else:
        for gx, gy in ((2, 0.48), (4, 1.92), (6, 4.32)):
            cx, cy, r = origin_x + gx * cell, origin_y - gy * cell, 8 * SCALE
            draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(255, 255, 255, 240))


def _orbits(draw, size) -> None:
    left, top, right, bottom = _area(size)
    cx, cy = (left + right) / 2, (top + bottom) / 2
    sun = 34 * SCALE
    draw.ellipse((cx - sun, cy - sun, cx + sun, cy + sun), fill=(253, 224, 71, 235))
    for n, (rx, ry, angle) in enumerate(((130, 60, 0.6), (210, 100, 2.4), (280, 140, 4.1))):
        rx, ry = rx * SCALE, ry * SCALE
        draw.ellipse((cx - rx, cy - ry, cx + rx, cy + ry), outline=_stroke(120), width=2 * SCALE)
        px, py = cx + rx * math.cos(angle), cy + ry * math.sin(angle)
        r = (12 + 4 * n) * SCALE
        draw.ellipse((px - r, py - r, px + r, py + r), fill=(255, 255, 255, 230))
        # a motion arrow along the orbit
        ahead = angle + 0.35
        ax, ay = cx + rx * math.cos(ahead), cy + ry * math.sin(ahead)
        draw.line((px, py, ax, ay), fill=_stroke(200), width=3 * SCALE)


def _cells(draw, size) -> None:
    left, top, right, bottom = _area(size)
    span = right - left
    for fx, fy, fr in ((0.3, 0.35, 0.24), (0.72, 0.3, 0.17), (0.62, 0.75, 0.21), (0.15, 0.8, 0.11)):
        cx, cy, r = left + fx * span, top + fy * (bottom - top), fr * span
        draw.ellipse(
            (cx - r, cy - r, cx + r, cy + r), fill=(255, 255, 255, 38), outline=_stroke(190), width=3 * SCALE
        )
        nr = r * 0.34
        nx, ny = cx + r * 0.12, cy - r * 0.08
        draw.ellipse((nx - nr, ny - nr, nx + nr, ny + nr), fill=(190, 242, 100, 200))
        dot = max(3 * SCALE, nr * 0.28)
        draw.ellipse((nx - dot, ny - dot, nx + dot, ny + dot), fill=(20, 83, 45, 220))
        for k in range(5):  # ribosomes
            a = k * 1.3 + fx * 5
            px, py = cx + r * 0.7 * math.cos(a), cy + r * 0.7 * math.sin(a)
            d = 4 * SCALE
            draw.ellipse((px - d, py - d, px + d, py + d), fill=_stroke(220))


def _book(draw, size) -> None:
    left, top, right, bottom = _area(size)
    cx, base = (left + right) / 2, bottom - 30 * SCALE
    page_w, page_h = (right - left) * 0.42, (bottom - top) * 0.7
    lift = 26 * SCALE
    for side in (-1, 1):
        outer = cx + side * page_w
        page = [(cx, base), (outer, base - lift), (outer, base - lift - page_h), (cx, base - page_h)]
        draw.polygon(page, fill=(255, 255, 255, 215), outline=_stroke(255))
        for line in range(1, 9):  # lines of text on the page
            t = line / 10
            y0 = base - page_h + t * page_h
            inner_x = cx + side * 18 * SCALE
            outer_x = cx + side * (page_w - 22 * SCALE)
            draw.line(
                (inner_x, y0 + 8 * SCALE, outer_x, y0 + 8 * SCALE - lift * (1 - 22 * SCALE / page_w)),
                fill=(124, 45, 18, 120),
                width=3 * SCALE,
            )
    draw.line((cx, base, cx, base - page_h), fill=(124, 45, 18, 200), width=3 * SCALE)
    # a bookmark ribbon
    rx = cx + page_w * 0.55
    draw.polygon(
        [
            (rx, base - lift - page_h + 10),
            (rx + 28 * SCALE, base - lift - page_h + 10),
            (rx + 28 * SCALE, base - page_h * 0.55),
            (rx + 14 * SCALE, base - page_h * 0.62),
            (rx, base - page_h * 0.55),
        ],
        fill=(253, 224, 71, 240),
    )


def _flask(draw, size) -> None:
    left, top, right, bottom = _area(size)
    cx = (left + right) / 2
    neck_w, neck_top, neck_bottom = 48 * SCALE, top + 20 * SCALE, top + (bottom - top) * 0.38
    body_w, body_bottom = (right - left) * 0.34, bottom - 16 * SCALE
    outline = [
        (cx - neck_w / 2, neck_top),
        (cx - neck_w / 2, neck_bottom),
        (cx - body_w, body_bottom),
        (cx + body_w, body_bottom),
        (cx + neck_w / 2, neck_bottom),
        (cx + neck_w / 2, neck_top),
    ]
    draw.polygon(outline, fill=(255, 255, 255, 40), outline=_stroke(230))
    draw.line([*outline, outline[0]], fill=_stroke(230), width=4 * SCALE, joint="curve")
    level = body_bottom - (body_bottom - neck_bottom) * 0.45
    frac = (level - neck_bottom) / (body_bottom - neck_bottom)
    half = neck_w / 2 + (body_w - neck_w / 2) * frac
    draw.polygon(
        [
            (cx - half, level),
            (cx - body_w + 6 * SCALE, body_bottom - 4 * SCALE),
            (cx + body_w - 6 * SCALE, body_bottom - 4 * SCALE),
            (cx + half, level),
        ],
        fill=(190, 242, 100, 200),
    )
    for bx, by, br in ((-0.2, 0.7, 10), (0.15, 0.8, 7), (0.05, 0.62, 5)):  # bubbles
        x, y, r = cx + bx * body_w * 2, top + by * (bottom - top), br * SCALE
        draw.ellipse((x - r, y - r, x + r, y + r), outline=_stroke(220), width=2 * SCALE)
    # a warning triangle beside the flask
    tx, ty, ts = right - 70 * SCALE, top + 60 * SCALE, 60 * SCALE
    draw.polygon(
        [(tx, ty - ts), (tx + ts, ty + ts * 0.75), (tx - ts, ty + ts * 0.75)], fill=(253, 224, 71, 240)
    )
    draw.line((tx, ty - ts * 0.35, tx, ty + ts * 0.3), fill=(127, 29, 29, 255), width=7 * SCALE)
    draw.ellipse((tx - 5 * SCALE, ty + ts * 0.42, tx + 5 * SCALE, ty + ts * 0.58), fill=(127, 29, 29, 255))


MOTIF_DRAWERS = {
    "graph": _graph,
    "parabola": lambda draw, size: _graph(draw, size, parabola=True),
    "orbits": _orbits,
    "cells": _cells,
    "book": _book,
    "flask": _flask,
}


# --- the title ----------------------------------------------------------------------------------------------


def _font(size: int):
    """Pillow's bundled font at `size` (Pillow >= 10.1 with FreeType); else its small bitmap font."""
    from PIL import ImageFont

    try:
        return ImageFont.load_default(size=size)
    except (TypeError, OSError, ImportError):
        return ImageFont.load_default()


def _wrap(draw, text: str, font, width: float) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if line and draw.textlength(candidate, font=font) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    if line:
        lines.append(line)
    return lines


def _title(draw, size, *, title: str, subject: str) -> None:
    width, height = size
    margin = round(width * 0.06)
    box = width * 0.5 - margin  # the left half; the motif has the right
    font_size = 76
    font = _font(font_size)
    lines = _wrap(draw, title, font, box)
    while (
        len(lines) > 3 or any(draw.textlength(line, font=font) > box for line in lines)
    ) and font_size > 36:
        font_size -= 6
        font = _font(font_size)
        lines = _wrap(draw, title, font, box)
    leading = round(font_size * 1.12)
    y = height - margin - leading * len(lines)
    if subject:
        label = _font(30)
        draw.text((margin, y - 58), subject.upper(), font=label, fill=(255, 255, 255, 225))
        draw.line((margin, y - 14, margin + 72, y - 14), fill=(253, 224, 71, 255), width=5)
    for line in lines:
        # a one-pixel stroke in the same colour: the bundled font has no bold face
        draw.text((margin, y), line, font=font, fill=WHITE, stroke_width=1, stroke_fill=WHITE)
        y += leading
