"""What every question type shares: the QType and Grade dataclasses, the grading states, and the small
value checks the types' clean() functions are written with. Pure Python: no models, no database."""

from __future__ import annotations

import hashlib
import html
import math
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.html import strip_tags
from django.utils.translation import gettext as _

RIGHT = "right"
PARTIAL = "partial"
WRONG = "wrong"
BLANK = "blank"
NEEDS_GRADING = "needs_grading"
STATES = (RIGHT, PARTIAL, WRONG, BLANK, NEEDS_GRADING)

# Moodle's question_state::graded_state_for_fraction: above 0.999999 is right, below 0.000001 is wrong.
RIGHT_AT = 0.999999
WRONG_BELOW = 0.000001

MAX_OPTIONS = 50  # options, answers, pairs, items, units, distractors
MAX_TEXT = 20_000  # an HTML field of the question data (option text, feedback, template)
MAX_SHORT_TEXT = 1_000  # an accepted short answer, a matching answer
MAX_UNIT = 50
MAX_ID = 20
MAX_RESPONSE_TEXT = 1_000  # a short answer or numeric response as typed
MAX_ESSAY_TEXT = 200_000
ID_RE = re.compile(rf"^[A-Za-z0-9_-]{{1,{MAX_ID}}}$")

Order = dict | None


@dataclass(frozen=True)
class Grade:
    """The outcome of grading one response: fraction in 0..1 (None while it waits for a teacher), one of
    STATES, and the specific feedback to show (the chosen options' or the matched answer's, the question's
    sanitized HTML as stored; empty ones left out)."""

    fraction: float | None
    state: str
    feedback: list[str] = field(default_factory=list)

    @classmethod
    def graded(cls, fraction: float, feedback: Iterable[str] = ()) -> Grade:
        """A graded response: the fraction clamped to 0..1 and its state (Moodle's
        graded_state_for_fraction)."""
        value = clamp(fraction)
        return cls(value, state_for_fraction(value), _shown(feedback))

    @classmethod
    def blank(cls) -> Grade:
        return cls(0.0, BLANK, [])

    @classmethod
    def wrong(cls, feedback: Iterable[str] = ()) -> Grade:
        return cls(0.0, WRONG, _shown(feedback))

    @classmethod
    def needs_grading(cls) -> Grade:
        return cls(None, NEEDS_GRADING, [])

    def as_dict(self) -> dict:
        return {"fraction": self.fraction, "state": self.state, "feedback": list(self.feedback)}


def _shown(feedback: Iterable[str]) -> list[str]:
    """The feedback worth showing: strings with something visible in them."""
    return [str(f) for f in feedback if isinstance(f, str) and not is_empty_html(f)]


def state_for_fraction(fraction: float) -> str:
    if fraction >= RIGHT_AT:
        return RIGHT
    if fraction < WRONG_BELOW:
        return WRONG
    return PARTIAL


def clamp(value: float, low: float = 0.0, high: float = 1.0) -> float:
    return min(max(float(value), low), high)


def _no_stats(data: dict) -> list[tuple[str, str]]:
    return []


def _no_validation(data: dict, response: dict) -> str | None:
    return None


@dataclass(frozen=True)
class QType:
    """One question type. The callables take the question's cleaned `data` (QuestionVersion.data);
    `order` is the per-attempt dict shuffle_order returned (None outside an attempt: a preview, a test).

    clean(data) -> (cleaned, errors)           errors: {"options.0.fraction": ["..."], ...}
    shuffle_order(data, rng, shuffle) -> dict  `shuffle`: whether the quiz allows shuffling options
    learner_view(data, order) -> dict          what a learner may see: never fractions, flags or answers
    clean_response(data, raw, order=None)      raw form/API input -> canonical response (never raises)
    is_blank(data, response) -> bool
    grade(data, response, order=None) -> Grade
    right_answer(data) -> str                  plain text
    response_summary(data, response, order=None) -> str   plain text
    random_guess(data) -> float | None         Moodle's get_random_guess_score
    options_for_stats(data) -> [(id, label)]   choice-like types only
    validate_response(data, response) -> str | None   Moodle's get_validation_error: why a response
                                               cannot be graded as it is (a word limit, not a number)

    Matching needs `order` in clean_response, grade and response_summary (its choice ids are per attempt);
    the other types ignore it. Pass it always.
    """

    code: str
    label: Any
    clean: Callable[[dict], tuple[dict, dict[str, list[str]]]]
    shuffle_order: Callable[..., dict]
    learner_view: Callable[..., dict]
    clean_response: Callable[..., dict]
    is_blank: Callable[[dict, dict], bool]
    grade: Callable[..., Grade]
    right_answer: Callable[[dict], str]
    response_summary: Callable[..., str]
    random_guess: Callable[[dict], float | None]
    options_for_stats: Callable[[dict], list[tuple[str, str]]] = _no_stats
    validate_response: Callable[[dict, dict], str | None] = _no_validation
    auto_graded: bool = True
    has_response: bool = True  # False for description: nothing to answer, never graded, 0 marks
    description: Any = ""


# ---------------------------------------------------------------------------------------------------------
# Value checks for clean()


class Errors:
    """Collects {field: [message, ...]} in the order found."""

    def __init__(self) -> None:
        self.messages: dict[str, list[str]] = {}

    def add(self, key: str, message: str) -> None:
        self.messages.setdefault(key, []).append(str(message))

    def __bool__(self) -> bool:
        return bool(self.messages)


class Invalid(ValueError):
    pass


def to_float(value: Any) -> float:
    """A finite number from an int, float, Decimal or numeric string ("0.5", " -1 "); raises Invalid."""
    if isinstance(value, bool) or value is None:
        raise Invalid
    if isinstance(value, int | float | Decimal):
        number = float(value)
    elif isinstance(value, str) and value.strip():
        try:
            number = float(value.strip())
        except ValueError as exc:
            raise Invalid from exc
    else:
        raise Invalid
    if not math.isfinite(number):
        raise Invalid
    return number


def to_int(value: Any) -> int:
    number = to_float(value)
    if number != int(number):
        raise Invalid
    return int(number)


TRUE_WORDS = {"true", "1", "on", "yes", "t", "y"}
FALSE_WORDS = {"false", "0", "off", "no", "f", "n", ""}


def to_bool(value: Any, default: bool | None = None) -> bool:
    """A boolean from a bool, 0/1 or a form word ("true", "on", "0"); None gives `default`; raises
    Invalid."""
    if value is None:
        if default is None:
            raise Invalid
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
    raise Invalid


def clean_fraction(value: Any, key: str, errors: Errors, *, default: float = 0.0) -> float:
    """A fraction in -1..1 (rounded to 7 places, as Moodle stores it); a missing one is `default`."""
    if value is None or value == "":
        return default
    try:
        number = to_float(value)
    except Invalid:
        errors.add(key, _("Enter a number between -1 and 1."))
        return default
    if not -1.0 <= number <= 1.0:
        errors.add(key, _("A fraction is between -1 and 1 (-100 % to 100 %)."))
        return default
    return round(number, 7)


def clean_text(
    value: Any, key: str, errors: Errors, *, max_length: int = MAX_TEXT, required: str | None = None
) -> str:
    """A string (None is ""); `required`: the message when it is empty."""
    if value is None:
        value = ""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        errors.add(key, _("Enter text."))
        return ""
    if len(value) > max_length:
        errors.add(key, _("At most %(max)d characters.") % {"max": max_length})
        return value[:max_length]
    if required and is_empty_html(value):
        errors.add(key, required)
    return value


def clean_bool(value: Any, key: str, errors: Errors, *, default: bool) -> bool:
    try:
        return to_bool(value, default)
    except Invalid:
        errors.add(key, _("Choose yes or no."))
        return default


def clean_list(value: Any, key: str, errors: Errors, *, empty_message: str) -> list:
    """The list under `key`, capped at MAX_OPTIONS (an error beyond)."""
    if value is None:
        value = []
    if not isinstance(value, list | tuple):
        errors.add(key, empty_message)
        return []
    if len(value) > MAX_OPTIONS:
        errors.add(key, _("At most %(max)d entries.") % {"max": MAX_OPTIONS})
        return list(value[:MAX_OPTIONS])
    return list(value)


def _letters(n: int) -> str:
    """0 -> a, 25 -> z, 26 -> aa, ..."""
    out = ""
    n += 1
    while n:
        n, rest = divmod(n - 1, 26)
        out = chr(ord("a") + rest) + out
    return out


def content_id(text: str, used: set[str], prefix: str = "o") -> str:
    """An id for a new option that says nothing of its place or its credit: a hash of its text (so the same
    text gets the same id again, as an exported and re-imported question does), made unique among `used`.
    Letter ids ("a" for the first option written, usually the right one) would tell a learner reading the
    form's values which option the author wrote first."""
    digest = hashlib.sha256(str(text).encode()).hexdigest()
    candidate, n = f"{prefix}{digest[:6]}", 1
    while candidate in used:
        candidate, n = f"{prefix}{digest[:6]}{n}", n + 1
    used.add(candidate)
    return candidate


def letter_ids() -> Iterable[str]:
    n = 0
    while True:
        yield _letters(n)
        n += 1


def numbered_ids(prefix: str) -> Callable[[], Iterable[str]]:
    def generate() -> Iterable[str]:
        n = 1
        while True:
            yield f"{prefix}{n}"
            n += 1

    return generate


def assign_ids(rows: list[dict], prefix: str, errors: Errors, generate: Callable[[], Iterable[str]]) -> None:
    """Check the rows' given "id"s (short, unique) and give the others the next free generated id.
    Each row carries "_key" (its "options.3"-like error key); ids are written into row["id"]."""
    used: set[str] = set()
    for row in rows:
        given = row.get("id")
        if given in (None, ""):
            row["id"] = None
            continue
        if not isinstance(given, str) or not ID_RE.match(given):
            errors.add(
                f"{row['_key']}.id",
                _("An id is 1 to %(max)d letters, digits, - or _.") % {"max": MAX_ID},
            )
            row["id"] = None
            continue
        if given in used:
            errors.add(f"{row['_key']}.id", _("This id is used twice."))
            row["id"] = None
            continue
        used.add(given)
    fresh = (i for i in generate() if i not in used)
    for row in rows:
        if row["id"] is None:
            row["id"] = next(fresh)
            used.add(row["id"])


def strip_private(rows: list[dict]) -> list[dict]:
    return [{k: v for k, v in row.items() if not k.startswith("_")} for row in rows]


def as_dict(data: Any, errors: Errors) -> dict:
    if isinstance(data, dict):
        return data
    errors.add("data", _("The question data must be an object."))
    return {}


# ---------------------------------------------------------------------------------------------------------
# Text


_MEDIA = re.compile(r"<\s*(img|video|audio|iframe|object|embed|svg|math|picture)\b", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
_BLOCK = re.compile(
    r"<(/?)(p|div|br|li|ul|ol|h[1-6]|tr|td|th|table|blockquote|pre|hr|section|article)\b", re.IGNORECASE
)


def plain_text(value: Any) -> str:
    """HTML as one line of plain text: tags stripped (a block's edge is a space), entities decoded, runs of
    whitespace collapsed."""
    text = html.unescape(strip_tags(_BLOCK.sub(r" <\1\2", str(value or ""))))
    return _SPACES.sub(" ", text).strip()


def is_empty_html(value: Any) -> bool:
    """No visible text and no image or other media: "", "  ", "<p></p>", "<p>&nbsp;</p>"."""
    value = str(value or "")
    if not value.strip():
        return True
    if _MEDIA.search(value):
        return False
    return not plain_text(value).replace("\xa0", "").strip()


def normalize(value: str) -> str:
    return unicodedata.normalize("NFC", value)


def format_number(value: float) -> str:
    """3.14 -> "3.14", 2.0 -> "2", 1e-07 -> "1e-07"."""
    return f"{float(value):.15g}"


def response_dict(raw: Any) -> dict:
    return raw if isinstance(raw, dict) else {}


def first_value(value: Any) -> Any:
    """A form's list of values -> its first (a QueryDict.getlist, a JSON array of one)."""
    if isinstance(value, list | tuple):
        return value[0] if value else None
    return value
