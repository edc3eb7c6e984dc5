"""What a certificate says, worked out from a template snapshot and an issue's data before anything is
drawn: the strings (placeholders filled), the dates in words, the colours and the page."""

import re
from dataclasses import dataclass
from datetime import date

from django.utils import formats
from django.utils.translation import gettext as _
from reportlab.lib.colors import Color, HexColor
from reportlab.lib.pagesizes import A4, landscape, letter, portrait

_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
_PLACEHOLDER = re.compile(r"\{(learner|course|grade|issued_on|expires_on|organization|code)\}")
_ONLY_PUNCTUATION = re.compile("^[\\s.,;:!?\u2026\u00b7\u3001\u3002\uff0c\uff01\uff1f]*$")  # also CJK marks

DEFAULT_PRIMARY = "#1d4ed8"
DEFAULT_ACCENT = "#f59e0b"
DEFAULT_BODY = "This certifies that {learner} has completed {course}."


def color(value, default: str) -> Color:
    return HexColor(value if isinstance(value, str) and _HEX.match(value) else default)


def page_size(snapshot: dict) -> tuple[float, float]:
    base = letter if snapshot.get("page_size") == "letter" else A4
    return portrait(base) if snapshot.get("orientation") == "portrait" else landscape(base)


def date_text(value) -> str:
    """An ISO date (or datetime) string in words for the active language; '' for None or junk."""
    if not value:
        return ""
    try:
        parsed = date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)
    return formats.date_format(parsed, "j F Y")


def grade_text(grade) -> str:
    if grade is None or grade == "":
        return ""
    if isinstance(grade, int | float) and not isinstance(grade, bool):
        return f"{grade:g} %"
    return str(grade)


@dataclass(frozen=True)
class Content:
    title: str
    learner: str
    course: str
    organization: str
    # The body cut around the learner's name and the course title, which are set large on their own
    # lines: [("text", "This certifies that"), ("learner", ...), ("text", "has completed"), ("course", ...)].
    sequence: tuple[tuple[str, str], ...]
    body: str  # the whole body, placeholders filled (the custom layout prints it as one paragraph)
    grade: str
    issued_on: str
    expires_on: str
    code: str
    verify_url: str
    signer_name: str
    signer_title: str
    labels: dict


def _fill(text: str, values: dict) -> str:
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], text)


def _sequence(body: str, values: dict) -> tuple[tuple[str, str], ...]:
    """Split the body at its first {learner} and first {course}; the learner's name leads when the body
    does not mention it. Remnants that are only punctuation (the final '.') are dropped."""
    parts: list[tuple[str, str]] = []
    rest = body
    if "{learner}" not in rest:
        parts.append(("learner", values["learner"]))
    for key in ("learner", "course"):
        token = "{" + key + "}"
        if token in rest:
            before, rest = rest.split(token, 1)
            parts.append(("text", before))
            parts.append((key, values[key]))
    parts.append(("text", rest))
    out = []
    for kind, text in parts:
        if kind == "text":
            text = _fill(text, values).strip()
            if _ONLY_PUNCTUATION.match(text):
                continue
        out.append((kind, text))
    return tuple(out)


def build(snapshot: dict, data: dict, *, verify_url: str, code: str) -> Content:
    learner = str(data.get("learner") or "").strip()
    course = str(data.get("course") or "").strip()
    organization = str(data.get("organization") or "").strip()
    values = {
        "learner": learner,
        "course": course,
        "grade": grade_text(data.get("grade")),
        "issued_on": date_text(data.get("issued_on")),
        "expires_on": date_text(data.get("expires_on")),
        "organization": organization,
        "code": code,
    }
    body = str(snapshot.get("body_text") or DEFAULT_BODY)
    return Content(
        title=_fill(str(snapshot.get("title_text") or _("Certificate of completion")), values),
        learner=learner,
        course=course,
        organization=organization,
        sequence=_sequence(body, values),
        body=_fill(body, values),
        grade=values["grade"],
        issued_on=values["issued_on"],
        expires_on=values["expires_on"],
        code=code,
        verify_url=verify_url,
        signer_name=str(snapshot.get("signer_name") or ""),
        signer_title=str(snapshot.get("signer_title") or ""),
        labels={
            "issued_on": _("Date of issue"),
            "expires_on": _("Valid until"),
            "grade": _("Grade"),
            "code": _("Certificate no."),
            "verify": _("Verify at"),
            "signature": _("Signature"),
        },
    )
