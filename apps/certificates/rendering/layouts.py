"""The built-in layouts: classic (framed), modern (side band), minimal, and custom (fields placed by the
template). Each draws one page on a reportlab canvas from a Content (content.py) and a Theme.

Coordinates are reportlab's (points, origin bottom-left); the custom layout's `fields` are in mm from the
page's top-left corner (see `draw_custom`)."""

from dataclasses import dataclass

from reportlab.lib.colors import Color, HexColor, white
from reportlab.lib.units import mm

from . import assets, text
from .content import Content

INK = HexColor("#111827")
BODY = HexColor("#374151")
MUTED = HexColor("#6b7280")
RULE = HexColor("#9ca3af")
PAPER = HexColor("#fdfbf6")


@dataclass(frozen=True)
class Theme:
    width: float
    height: float
    primary: Color
    accent: Color
    logo: object  # ImageReader | None
    signature: object  # ImageReader | None

    @property
    def portrait(self) -> bool:
        return self.height > self.width


def _tint(c: Color, amount: float) -> Color:
    """`c` mixed with white (amount 0 = c, 1 = white)."""
    return Color(
        c.red + (1 - c.red) * amount, c.green + (1 - c.green) * amount, c.blue + (1 - c.blue) * amount
    )


# --- the middle block: text, the learner's name, the course -----------------------------------------------


@dataclass(frozen=True)
class Styles:
    text: str
    text_size: float
    learner: str
    learner_size: float
    course: str
    course_size: float
    text_color: Color
    learner_color: Color
    course_color: Color
    underline: Color | None = None


def _middle_lines(content: Content, styles: Styles, max_width: float):
    """The middle block as lines [(kind, string, style, size, color, space_before)], sizes fitted to the
    width."""
    lines = []
    for kind, value in content.sequence:
        if kind == "text":
            for index, line in enumerate(text.wrap(value, styles.text, styles.text_size, max_width)):
                lines.append(
                    ("text", line, styles.text, styles.text_size, styles.text_color, 0 if index else 5 * mm)
                )
        elif kind == "learner":
            size = text.fit_size(value, styles.learner, styles.learner_size, max_width, minimum=18)
            # A name too long even at the smallest size goes on two or more lines (never off the page).
            for index, line in enumerate(text.wrap(value, styles.learner, size, max_width)):
                lines.append(
                    ("learner", line, styles.learner, size, styles.learner_color, 2 * mm if index else 7 * mm)
                )
        else:
            size = styles.course_size
            if text.width(value, styles.course, size) > max_width:
                for index, line in enumerate(text.wrap(value, styles.course, size, max_width)):
                    lines.append(
                        ("course", line, styles.course, size, styles.course_color, 0 if index else 6 * mm)
                    )
                continue
            lines.append(("course", value, styles.course, size, styles.course_color, 6 * mm))
    if content.grade:
        line = f"{content.labels['grade']}: {content.grade}"
        lines.append(("grade", line, "sans", styles.text_size - 1, styles.text_color, 5 * mm))
    return lines


def _middle_height(lines) -> float:
    return sum(space + size * 1.25 for _kind, _line, _style, size, _color, space in lines) - (
        lines[0][5] if lines else 0
    )


def _draw_middle(canvas, lines, x: float, top: float, align: str, styles: Styles) -> None:
    y = top
    for index, (kind, line, style, size, color, space) in enumerate(lines):
        y -= (space if index else 0) + size
        canvas.setFillColor(color)
        drawn = text.draw(canvas, line, x, y, style=style, size=size, align=align)
        last_of_name = index + 1 == len(lines) or lines[index + 1][0] != "learner"
        if kind == "learner" and last_of_name and styles.underline is not None:
            rule = max(drawn + 16 * mm, 90 * mm)
            left = x - rule / 2 if align == "center" else x
            canvas.setStrokeColor(styles.underline)
            canvas.setLineWidth(0.6)
            canvas.line(left, y - 3.2 * mm, left + rule, y - 3.2 * mm)
            y -= 2 * mm
        y -= size * 0.25


def _middle(canvas, content, styles, *, x, width, top, bottom, align) -> None:
    """The middle block, centred vertically between `top` and `bottom`."""
    lines = _middle_lines(content, styles, width)
    height = _middle_height(lines)
    start = top - max(0, (top - bottom - height) / 2)
    _draw_middle(canvas, lines, x, start, align, styles)


# --- footer pieces ------------------------------------------------------------------------------------------


def _signature_block(
    canvas, content: Content, theme: Theme, x: float, line_y: float, width: float, align: str
):
    left = x - width / 2 if align == "center" else x
    if theme.signature is not None:
        assets.draw_image(canvas, theme.signature, left, line_y + 1.5 * mm, width, 15 * mm, align=align)
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.6)
    canvas.line(left, line_y, left + width, line_y)
    name = content.signer_name or content.organization
    canvas.setFillColor(INK)
    text.draw(canvas, name, x, line_y - 4.5 * mm, style="sans-bold", size=9.5, align=align, max_width=width)
    if content.signer_name and content.signer_title:
        canvas.setFillColor(MUTED)
        text.draw(
            canvas,
            content.signer_title,
            x,
            line_y - 8.5 * mm,
            style="sans",
            size=8,
            align=align,
            max_width=width,
        )


def _date_block(
    canvas, content: Content, x: float, line_y: float, width: float, align: str, value_style="serif"
):
    left = x - width / 2 if align == "center" else x
    canvas.setFillColor(INK)
    text.draw(canvas, content.issued_on, x, line_y + 2.5 * mm, style=value_style, size=12, align=align)
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.6)
    canvas.line(left, line_y, left + width, line_y)
    canvas.setFillColor(MUTED)
    text.draw(canvas, content.labels["issued_on"], x, line_y - 4.5 * mm, style="sans", size=8, align=align)
    if content.expires_on:
        line = f"{content.labels['expires_on']}: {content.expires_on}"
        text.draw(canvas, line, x, line_y - 8.5 * mm, style="sans", size=8, align=align)


def _code_lines(canvas, content: Content, x: float, y: float, align: str, color=MUTED, size=7.5) -> None:
    """The code, and the verify URL under it."""
    canvas.setFillColor(color)
    text.draw(
        canvas, f"{content.labels['code']} {content.code}", x, y, style="sans-bold", size=size, align=align
    )
    url_size = text.fit_size(content.verify_url, "sans", size - 1, 120 * mm, minimum=4)
    text.draw(canvas, content.verify_url, x, y - (size + 1.5), style="sans", size=url_size, align=align)


# --- classic ------------------------------------------------------------------------------------------------


def draw_classic(canvas, content: Content, theme: Theme) -> None:
    W, H = theme.width, theme.height
    canvas.setFillColor(PAPER)
    canvas.rect(0, 0, W, H, stroke=0, fill=1)
    # Frame: a double rule in the main colour, a thin accent rule inside it, diamonds at its corners.
    canvas.setStrokeColor(theme.primary)
    canvas.setLineWidth(2.4)
    canvas.rect(8 * mm, 8 * mm, W - 16 * mm, H - 16 * mm, stroke=1, fill=0)
    canvas.setLineWidth(0.7)
    canvas.rect(9.6 * mm, 9.6 * mm, W - 19.2 * mm, H - 19.2 * mm, stroke=1, fill=0)
    canvas.setStrokeColor(theme.accent)
    canvas.setLineWidth(0.8)
    inset = 12.5 * mm
    canvas.rect(inset, inset, W - 2 * inset, H - 2 * inset, stroke=1, fill=0)
    canvas.setFillColor(theme.accent)
    for cx, cy in ((inset, inset), (W - inset, inset), (inset, H - inset), (W - inset, H - inset)):
        _diamond(canvas, cx, cy, 2.6 * mm)
    cx = W / 2
    y = H - 24 * mm
    if theme.logo is not None:
        assets.draw_image(canvas, theme.logo, cx - 30 * mm, y - 16 * mm, 60 * mm, 16 * mm)
        y -= 22 * mm
    if content.organization:
        canvas.setFillColor(theme.primary)
        drawn = text.draw(
            canvas,
            content.organization.upper(),
            cx,
            y - 3 * mm,
            style="sans-bold",
            size=10.5,
            align="center",
            max_width=W - 110 * mm,
        )
        canvas.setStrokeColor(theme.accent)
        canvas.setLineWidth(0.8)
        for side in (-1, 1):
            start = cx + side * (drawn / 2 + 4 * mm)
            canvas.line(start, y - 1.8 * mm, start + side * 14 * mm, y - 1.8 * mm)
        y -= 10 * mm
    title_size = text.fit_size(content.title, "serif-bold", 30, W - 80 * mm, minimum=16)
    canvas.setFillColor(INK)
    text.draw(
        canvas,
        content.title,
        cx,
        y - title_size,
        style="serif-bold",
        size=title_size,
        align="center",
        max_width=W - 60 * mm,
    )
    y -= title_size + 5 * mm
    canvas.setStrokeColor(theme.accent)
    canvas.setLineWidth(1.6)
    canvas.line(cx - 16 * mm, y, cx + 16 * mm, y)
    styles = Styles(
        text="serif-italic",
        text_size=13,
        learner="serif-bold",
        learner_size=34,
        course="serif-bold",
        course_size=19,
        text_color=BODY,
        learner_color=INK,
        course_color=theme.primary,
        underline=theme.accent,
    )
    footer_top = 52 * mm
    _middle(
        canvas, content, styles, x=cx, width=W - 70 * mm, top=y - 4 * mm, bottom=footer_top, align="center"
    )
    column = min(62 * mm, W * 0.26)
    line_y = 31 * mm
    _date_block(canvas, content, W * 0.22, line_y, column, "center", value_style="serif-italic")
    _signature_block(canvas, content, theme, W * 0.78, line_y, column, "center")
    qr = 23 * mm
    canvas.setFillColor(white)
    canvas.rect(cx - qr / 2 - 1.5 * mm, 24 * mm - 1.5 * mm, qr + 3 * mm, qr + 3 * mm, stroke=0, fill=1)
    assets.draw_qr(canvas, content.verify_url, cx - qr / 2, 24 * mm, qr, color=INK)
    _code_lines(canvas, content, cx, 19 * mm, "center", size=7)


def _diamond(canvas, x: float, y: float, r: float) -> None:
    path = canvas.beginPath()
    path.moveTo(x, y + r)
    path.lineTo(x + r, y)
    path.lineTo(x, y - r)
    path.lineTo(x - r, y)
    path.close()
    canvas.drawPath(path, stroke=0, fill=1)


# --- modern -------------------------------------------------------------------------------------------------


def draw_modern(canvas, content: Content, theme: Theme) -> None:
    W, H = theme.width, theme.height
    band = W * (0.27 if theme.portrait else 0.29)
    canvas.setFillColor(white)
    canvas.rect(0, 0, W, H, stroke=0, fill=1)
    canvas.setFillColor(theme.primary)
    canvas.rect(0, 0, band, H, stroke=0, fill=1)
    canvas.setFillColor(theme.accent)
    canvas.rect(band, 0, 2.2 * mm, H, stroke=0, fill=1)
    # A faint tint stripe across the top of the white area.
    canvas.setFillColor(_tint(theme.primary, 0.93))
    canvas.rect(band + 2.2 * mm, H - 9 * mm, W - band, 9 * mm, stroke=0, fill=1)
    # The band: logo on a white card, the organization's name, the QR on a white card with the code.
    pad = 9 * mm
    y = H - 16 * mm
    if theme.logo is not None:
        card_h = 24 * mm
        canvas.setFillColor(white)
        canvas.roundRect(pad, y - card_h, band - 2 * pad, card_h, 2.5 * mm, stroke=0, fill=1)
        assets.draw_image(
            canvas, theme.logo, pad + 4 * mm, y - card_h + 4 * mm, band - 2 * pad - 8 * mm, card_h - 8 * mm
        )
        y -= card_h + 9 * mm
    canvas.setFillColor(white)
    for line in text.wrap(content.organization, "sans-bold", 13, band - 2 * pad)[:4]:
        y -= 13
        text.draw(canvas, line, pad, y, style="sans-bold", size=13)
        y -= 4
    qr_card = min(38 * mm, band - 2 * pad)
    qr = qr_card - 7 * mm
    card_y = 26 * mm
    canvas.setFillColor(white)
    canvas.roundRect(pad, card_y, qr_card, qr_card, 2 * mm, stroke=0, fill=1)
    assets.draw_qr(canvas, content.verify_url, pad + 3.5 * mm, card_y + 3.5 * mm, qr, color=INK)
    canvas.setFillColor(_tint(theme.primary, 0.75))
    text.draw(canvas, content.labels["code"], pad, card_y - 5.5 * mm, style="sans", size=7.5)
    canvas.setFillColor(white)
    text.draw(canvas, content.code, pad, card_y - 11 * mm, style="sans-bold", size=11)
    # The content area.
    x0 = band + 18 * mm
    width = W - x0 - 16 * mm
    y = H - 30 * mm
    title_size = text.fit_size(content.title.upper(), "sans-bold", 15, width, minimum=9)
    canvas.setFillColor(theme.primary)
    text.draw(canvas, content.title.upper(), x0, y, style="sans-bold", size=title_size, max_width=width)
    canvas.setFillColor(theme.accent)
    canvas.rect(x0, y - 6 * mm, 22 * mm, 1.6 * mm, stroke=0, fill=1)
    styles = Styles(
        text="sans",
        text_size=12.5,
        learner="serif-bold",
        learner_size=38,
        course="sans-bold",
        course_size=18,
        text_color=BODY,
        learner_color=INK,
        course_color=theme.primary,
    )
    _middle(canvas, content, styles, x=x0, width=width, top=y - 12 * mm, bottom=52 * mm, align="left")
    column = min(62 * mm, (width - 12 * mm) / 2)
    line_y = 31 * mm
    _date_block(canvas, content, x0, line_y, column, "left", value_style="sans")
    _signature_block(canvas, content, theme, x0 + column + 12 * mm, line_y, column, "left")
    canvas.setFillColor(MUTED)
    url = f"{content.labels['verify']} {content.verify_url}"
    text.draw(canvas, url, x0, 14 * mm, style="sans", size=text.fit_size(url, "sans", 7.5, width, minimum=4))


# --- minimal ------------------------------------------------------------------------------------------------


def draw_minimal(canvas, content: Content, theme: Theme) -> None:
    W, H = theme.width, theme.height
    margin = 22 * mm
    canvas.setFillColor(white)
    canvas.rect(0, 0, W, H, stroke=0, fill=1)
    canvas.setFillColor(theme.accent)
    canvas.rect(0, H - 4 * mm, W, 4 * mm, stroke=0, fill=1)
    top = H - margin
    canvas.setFillColor(INK)
    text.draw(canvas, content.organization, margin, top - 9 * mm, style="sans-bold", size=11)
    if theme.logo is not None:
        assets.draw_image(
            canvas, theme.logo, W - margin - 45 * mm, top - 12.5 * mm, 45 * mm, 12 * mm, align="right"
        )
    canvas.setStrokeColor(HexColor("#e5e7eb"))
    canvas.setLineWidth(0.8)
    canvas.line(margin, top - 19 * mm, W - margin, top - 19 * mm)
    width = W - 2 * margin
    y = top - 34 * mm
    canvas.setFillColor(theme.primary)
    title = content.title.upper()
    text.draw(
        canvas,
        title,
        margin,
        y,
        style="sans-bold",
        size=text.fit_size(title, "sans-bold", 12, width, 8),
        max_width=width,
    )
    styles = Styles(
        text="sans",
        text_size=12.5,
        learner="sans-bold",
        learner_size=40,
        course="sans-bold",
        course_size=18,
        text_color=BODY,
        learner_color=INK,
        course_color=theme.primary,
    )
    qr = 24 * mm
    _middle(
        canvas,
        content,
        styles,
        x=margin,
        width=width,
        top=y - 8 * mm,
        bottom=margin + qr + 14 * mm,
        align="left",
    )
    column = min(58 * mm, (width - qr - 24 * mm) / 2)
    line_y = margin + 12 * mm
    _date_block(canvas, content, margin, line_y, column, "left", value_style="sans")
    _signature_block(canvas, content, theme, margin + column + 12 * mm, line_y, column, "left")
    assets.draw_qr(canvas, content.verify_url, W - margin - qr, margin - 8 * mm, qr, color=INK)
    _code_lines(canvas, content, margin, margin - 5 * mm, "left")


# --- custom -------------------------------------------------------------------------------------------------

# Field -> (x mm from the left, y mm from the top, size, align): x is a fraction of the page width when
# below 1 (defaults only). For text fields `size` is the font size in points and `y` the baseline; for
# logo, signature and qr, `size` is the box height (qr: the side) in mm and `y` the box's top edge.
CUSTOM_DEFAULTS = {
    "logo": (0.5, 16, 16, "center"),
    "title": (0.5, 46, 28, "center"),
    "learner": (0.5, 82, 34, "center"),
    "body": (0.5, 98, 13, "center"),
    "grade": (0.5, 128, 11, "center"),
    "date": (0.22, -34, 11, "center"),
    "signature": (0.78, -50, 15, "center"),
    "qr": (0.5, -52, 24, "center"),
    "code": (0.5, -20, 7.5, "center"),
}
TEXT_FIELDS = ("title", "learner", "course", "body", "grade", "date", "code", "organization")
IMAGE_FIELDS = ("logo", "signature", "qr")
CUSTOM_FIELDS = TEXT_FIELDS + IMAGE_FIELDS


def _place(fields: dict, name: str, W: float, H: float):  # noqa: N803 - page width and height
    """(x pt, y pt from the bottom, size, align) for `name`, or None when the field is not printed.
    Defaults apply when the template places no field at all; the QR and the code always print."""
    spec = fields.get(name) if isinstance(fields, dict) else None
    if not isinstance(spec, dict):
        if fields and name not in ("qr", "code"):
            return None
        if name not in CUSTOM_DEFAULTS:
            return None
        fx, fy, size, align = CUSTOM_DEFAULTS[name]
        x = fx * W if fx < 1 else fx * mm
        y = H - fy * mm if fy >= 0 else -fy * mm
        return x, y, size, align
    x = float(spec.get("x", 0)) * mm
    y = H - float(spec.get("y", 0)) * mm
    size = float(spec.get("size", 12))
    align = spec.get("align") if spec.get("align") in ("left", "center", "right") else "left"
    return x, y, size, align


def draw_custom(canvas, content: Content, theme: Theme, fields: dict) -> None:
    W, H = theme.width, theme.height
    canvas.setFillColor(white)
    canvas.rect(0, 0, W, H, stroke=0, fill=1)
    canvas.setStrokeColor(theme.primary)
    canvas.setLineWidth(1.2)
    canvas.rect(8 * mm, 8 * mm, W - 16 * mm, H - 16 * mm, stroke=1, fill=0)
    fields = fields if isinstance(fields, dict) else {}
    strings = {
        "title": (content.title, "serif-bold", INK),
        "learner": (content.learner, "serif-bold", INK),
        "course": (content.course, "serif-bold", theme.primary),
        "grade": (f"{content.labels['grade']}: {content.grade}" if content.grade else "", "sans", BODY),
        "date": (content.issued_on, "serif", INK),
        "organization": (content.organization, "sans-bold", theme.primary),
    }
    for name, (value, style, color) in strings.items():
        place = _place(fields, name, W, H)
        if place and value:
            x, y, size, align = place
            canvas.setFillColor(color)
            text.draw(canvas, value, x, y, style=style, size=size, align=align, max_width=W - 20 * mm)
    place = _place(fields, "body", W, H)
    if place:
        x, y, size, align = place
        canvas.setFillColor(BODY)
        for line in text.wrap(content.body, "serif-italic", size, W - 50 * mm):
            text.draw(canvas, line, x, y, style="serif-italic", size=size, align=align)
            y -= size * 1.35
    place = _place(fields, "code", W, H)
    x, y, size, align = place
    _code_lines(canvas, content, x, y, align, size=size)
    for name in ("logo", "signature", "qr"):
        place = _place(fields, name, W, H)
        if not place:
            continue
        x, y, size, align = place
        box = size * mm
        if name == "qr":
            left = x - box / 2 if align == "center" else x - box if align == "right" else x
            assets.draw_qr(canvas, content.verify_url, left, y - box, box, color=INK)
            continue
        reader = theme.logo if name == "logo" else theme.signature
        box_w = box * 3.5
        if reader is not None:
            left = x - box_w / 2 if align == "center" else x - box_w if align == "right" else x
            assets.draw_image(canvas, reader, left, y - box, box_w, box, align=align)
        if name == "signature":  # the signer under the signature, on a rule
            anchor = x - box_w / 2 if align == "center" else x - box_w if align == "right" else x
            width = min(box_w, 70 * mm)
            left = anchor + (box_w - width) / 2 if align == "center" else anchor
            _signature_rule(canvas, content, left + width / 2, y - box - 1 * mm, width)


def _signature_rule(canvas, content: Content, cx: float, line_y: float, width: float) -> None:
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.6)
    canvas.line(cx - width / 2, line_y, cx + width / 2, line_y)
    canvas.setFillColor(INK)
    name = content.signer_name or content.organization
    text.draw(
        canvas, name, cx, line_y - 4.5 * mm, style="sans-bold", size=9.5, align="center", max_width=width
    )
    if content.signer_name and content.signer_title:
        canvas.setFillColor(MUTED)
        text.draw(
            canvas,
            content.signer_title,
            cx,
            line_y - 8.5 * mm,
            style="sans",
            size=8,
            align="center",
            max_width=width,
        )


LAYOUTS = {"classic": draw_classic, "modern": draw_modern, "minimal": draw_minimal}
