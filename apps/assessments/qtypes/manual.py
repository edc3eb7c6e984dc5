"""Essay (graded by a teacher) and description (text only): Moodle's qtype_essay and qtype_description.

essay        data {"min_words": null, "max_words": null, "template": "", "grader_info": "",
                   "format": "html" | "plain"}
             response {"text": "..."}: blank (fraction 0) when empty or the template unchanged, otherwise
             needs_grading until a teacher marks it. The word limits are checked by validate_response
             (Moodle's get_validation_error), not by grading.
description  data {}: nothing to answer, never graded, 0 marks.
"""

from __future__ import annotations

import random
import re
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .base import (
    MAX_ESSAY_TEXT,
    Errors,
    Grade,
    Invalid,
    QType,
    as_dict,
    clean_text,
    first_value,
    plain_text,
    response_dict,
    to_int,
)

FORMATS = ("html", "plain")
_WORD = re.compile(r"[^\s]+")


def count_words(text: Any) -> int:
    """Words in the plain text of a response (Moodle count_words: tags stripped, runs of non-space)."""
    return len(_WORD.findall(plain_text(text)))


def _words_limit(value: Any, key: str, errors: Errors) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = to_int(value)
    except Invalid:
        errors.add(key, _("Enter a whole number of 0 or more."))
        return None
    if number < 0:
        errors.add(key, _("Enter a whole number of 0 or more."))
        return None
    return number or None  # 0 is "no limit", as in Moodle


def clean_essay(data: Any) -> tuple[dict, dict[str, list[str]]]:
    errors = Errors()
    data = as_dict(data, errors)
    low = _words_limit(data.get("min_words"), "min_words", errors)
    high = _words_limit(data.get("max_words"), "max_words", errors)
    if low is not None and high is not None and low > high:
        errors.add("max_words", _("The maximum cannot be less than the minimum."))
    fmt = data.get("format") or "html"
    if fmt not in FORMATS:
        errors.add("format", _("Choose html or plain."))
        fmt = "html"
    cleaned = {
        "min_words": low,
        "max_words": high,
        "template": clean_text(data.get("template"), "template", errors),
        "grader_info": clean_text(data.get("grader_info"), "grader_info", errors),
        "format": fmt,
    }
    return cleaned, errors.messages


def _no_order(data: dict, rng: random.Random, shuffle: bool = True) -> dict:
    return {}


def learner_view_essay(data: dict, order: dict | None = None) -> dict:
    return {
        "min_words": data.get("min_words"),
        "max_words": data.get("max_words"),
        "template": data.get("template") or "",
        "format": data.get("format") or "html",
    }


def _essay_text(raw: Any) -> str:
    value = first_value(response_dict(raw).get("text"))
    return value[:MAX_ESSAY_TEXT] if isinstance(value, str) else ""


def clean_response_essay(data: dict, raw: Any, order: dict | None = None) -> dict:
    text = _essay_text(raw)
    return {"text": text} if text.strip() else {}


def is_blank_essay(data: dict, response: dict) -> bool:
    text = _essay_text(response)
    if not plain_text(text) and "<img" not in text.lower():
        return True
    template = data.get("template") or ""
    return bool(template) and plain_text(text) == plain_text(template)


def grade_essay(data: dict, response: dict, order: dict | None = None) -> Grade:
    return Grade.blank() if is_blank_essay(data, response) else Grade.needs_grading()


def validate_essay(data: dict, response: dict) -> str | None:
    if is_blank_essay(data, response):
        return None
    words = count_words(_essay_text(response))
    low, high = data.get("min_words"), data.get("max_words")
    if low and words < low:
        return ngettext(
            "Write at least %(min)d word (you wrote %(count)d).",
            "Write at least %(min)d words (you wrote %(count)d).",
            low,
        ) % {"min": low, "count": words}
    if high and words > high:
        return ngettext(
            "Write at most %(max)d word (you wrote %(count)d).",
            "Write at most %(max)d words (you wrote %(count)d).",
            high,
        ) % {"max": high, "count": words}
    return None


def summary_essay(data: dict, response: dict, order: dict | None = None) -> str:
    return plain_text(_essay_text(response))


ESSAY = QType(
    code="essay",
    label=gettext_lazy("Essay"),
    description=gettext_lazy("A written answer a teacher grades, with optional word limits and template."),
    auto_graded=False,
    clean=clean_essay,
    shuffle_order=_no_order,
    learner_view=learner_view_essay,
    clean_response=clean_response_essay,
    is_blank=is_blank_essay,
    grade=grade_essay,
    right_answer=lambda data: "",
    response_summary=summary_essay,
    random_guess=lambda data: None,
    validate_response=validate_essay,
)


def clean_description(data: Any) -> tuple[dict, dict[str, list[str]]]:
    errors = Errors()
    as_dict(data if data is not None else {}, errors)
    return {}, errors.messages


DESCRIPTION = QType(
    code="description",
    label=gettext_lazy("Description"),
    description=gettext_lazy("Text only, between questions: nothing to answer, no marks."),
    auto_graded=False,
    has_response=False,
    clean=clean_description,
    shuffle_order=_no_order,
    learner_view=lambda data, order=None: {},
    clean_response=lambda data, raw, order=None: {},
    is_blank=lambda data, response: True,
    grade=lambda data, response, order=None: Grade.blank(),
    right_answer=lambda data: "",
    response_summary=lambda data, response, order=None: "",
    random_guess=lambda data: None,
)
