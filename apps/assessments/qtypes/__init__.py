"""The registry of question types. A type is one registration:

    register_qtype(QType(code="choice", label=_("Single choice"), clean=..., grade=..., ...))

and everything else asks the registry: the bank's editor and API (`clean`), the attempt engine
(`shuffle_order`, `learner_view`, `clean_response`, `is_blank`, `grade`), review and results
(`right_answer`, `response_summary`) and item analysis (`random_guess`, `options_for_stats`).

The nine built-in types (choice, multiple, truefalse, shortanswer, numeric, matching, ordering, essay,
description) are registered by register_builtin(), which AssessmentsConfig.ready calls; it also runs when
this package is imported, so pure tests work without the app installed. It is idempotent.

Grading follows Moodle's question types (question/type/*/question.php); each module says where it
differs. Pure Python: no models, no database.

Modules: choice.py (choice, multiple), simple.py (truefalse, shortanswer, numeric), structured.py
(matching, ordering), manual.py (essay, description); base.py holds QType, Grade and the value checks.

Calling conventions (see QType):
- Pass the attempt's `order` to clean_response, grade and response_summary: matching's choice ids
  ("c1".."cN") exist only in the order (the order carries each id's text); the other types ignore it.
- learner_view(data, order) never holds a fraction, a feedback, a "correct" flag, accepted answers, the
  pairs' mapping or the right order. Matching answers and distractors are plain text: escape them.
- Ordering items made without an id get an opaque random one ("i3f9a1c"), as Moodle's ordering gives
  each item a random key: ids numbered in the right order would give the answer away.
- validate_response(data, response) -> message | None says why a response cannot be graded as it is
  (an essay's word limits, a numeric response that is not a number or lacks a required unit).
- has_response is False for description (nothing to answer, no marks); auto_graded is False for essay and
  description.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured

from .base import (
    BLANK,
    NEEDS_GRADING,
    PARTIAL,
    RIGHT,
    STATES,
    WRONG,
    Grade,
    QType,
    plain_text,
    state_for_fraction,
)

__all__ = [
    "BLANK",
    "NEEDS_GRADING",
    "PARTIAL",
    "RIGHT",
    "STATES",
    "WRONG",
    "Grade",
    "QType",
    "plain_text",
    "qtype_choices",
    "qtype_for",
    "qtypes",
    "register_builtin",
    "register_qtype",
    "state_for_fraction",
    "unregister_qtype",
]

_QTYPES: dict[str, QType] = {}
MAX_CODE_LENGTH = 16  # QuestionVersion.qtype max_length


def register_qtype(qtype: QType, *, replace: bool = False) -> QType:
    """Add a type to the registry (in registration order). A code is registered once unless `replace`."""
    code = qtype.code
    if not code or len(code) > MAX_CODE_LENGTH or not code.replace("_", "").isalnum():
        raise ImproperlyConfigured(
            f"Question type code {code!r}: letters, digits and _, at most {MAX_CODE_LENGTH} characters."
        )
    if code in _QTYPES and not replace and _QTYPES[code] is not qtype:
        raise ImproperlyConfigured(f"Question type {code!r} is already registered.")
    _QTYPES[code] = qtype
    return qtype


def unregister_qtype(code: str) -> None:
    _QTYPES.pop(code, None)


def qtype_for(code: Any) -> QType | None:
    """The registered type of this code, or None."""
    return _QTYPES.get(str(code)) if code is not None else None


def qtypes(*, auto_graded: bool | None = None) -> list[QType]:
    """Registered types in registration order; `auto_graded=False`: essay and description."""
    return [q for q in _QTYPES.values() if auto_graded is None or q.auto_graded == auto_graded]


def qtype_choices() -> list[tuple[str, Any]]:
    """(code, label) of every registered type: QuestionVersion.qtype's choices, the API's enum."""
    return [(q.code, q.label) for q in _QTYPES.values()]


def register_builtin() -> None:
    """Register the nine built-in types (again: a no-op)."""
    from . import choice, manual, simple, structured

    for qtype in (
        choice.CHOICE,
        choice.MULTIPLE,
        simple.TRUEFALSE,
        simple.SHORTANSWER,
        simple.NUMERIC,
        structured.MATCHING,
        structured.ORDERING,
        manual.ESSAY,
        manual.DESCRIPTION,
    ):
        if _QTYPES.get(qtype.code) is not qtype:
            register_qtype(qtype, replace=True)


register_builtin()
