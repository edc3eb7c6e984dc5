"""Certificate PDFs: `render_pdf(snapshot, data, verify_url=..., code=...) -> bytes`.

`snapshot` is a TemplateVersion.snapshot (apps.certificates.templating.snapshots.snapshot_of): layout
(classic | modern | minimal | custom), page_size (a4 | letter), orientation, primary_color,
accent_color, logo and signature_image (storage names or ""), signer_name, signer_title, title_text,
body_text (placeholders {learner} {course} {grade} {issued_on} {expires_on} {organization} {code}) and
fields (the custom layout's positions, see layouts.CUSTOM_DEFAULTS).

`data` is what the certificate states, frozen at issue: learner, course, organization (strings), grade
(None, a number printed as a percentage, or a string printed as is), issued_on and expires_on (ISO dates
or None). Other keys are ignored. Dates and labels are printed in the active language.

The PDF: one page, unencrypted, fonts embedded as subsets (text.py: any script prints), a QR code of
`verify_url`, the code and the URL as text, and metadata title / author (the organization) / subject."""

from io import BytesIO

from reportlab.pdfgen.canvas import Canvas

from . import assets, content, layouts, text

__all__ = ["SAMPLE_DATA", "render_pdf"]

# What a preview prints (the template editor's "Preview" button).
SAMPLE_DATA = {
    "learner": "Alex Sample",
    "course": "Introduction to the Course",
    "grade": 92,
    "organization": "Your organization",
    "issued_on": "2026-01-15",
    "expires_on": "2028-01-15",
}


def render_pdf(snapshot: dict, data: dict, *, verify_url: str, code: str) -> bytes:
    text.register_fonts()
    stated = content.build(snapshot, data, verify_url=verify_url, code=code)
    width, height = content.page_size(snapshot)
    theme = layouts.Theme(
        width=width,
        height=height,
        primary=content.color(snapshot.get("primary_color"), content.DEFAULT_PRIMARY),
        accent=content.color(snapshot.get("accent_color"), content.DEFAULT_ACCENT),
        logo=assets.image(snapshot.get("logo")),
        signature=assets.image(snapshot.get("signature_image")),
    )
    buffer = BytesIO()
    canvas = Canvas(buffer, pagesize=(width, height), pageCompression=1, initialFontName="LSSans")
    canvas.setTitle(f"{stated.title} — {stated.learner}" if stated.learner else stated.title)
    canvas.setAuthor(stated.organization)
    canvas.setSubject(stated.course)
    canvas.setKeywords(f"certificate {code}")
    canvas.setCreator("LearnStack")
    layout = snapshot.get("layout")
    if layout == "custom":
        layouts.draw_custom(canvas, stated, theme, snapshot.get("fields") or {})
    else:
        layouts.LAYOUTS.get(layout, layouts.draw_classic)(canvas, stated, theme)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
