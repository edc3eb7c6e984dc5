"""True/false, short answer and numeric: Moodle's qtype_truefalse, qtype_shortanswer and qtype_numerical.

truefalse   data {"correct": true, "feedback_true": "", "feedback_false": ""}   response {"answer": true}
            feedback_true is shown to whoever answers True, feedback_false to whoever answers False
            (Moodle's "feedback for the response 'True'").
shortanswer data {"answers": [{"text": "Paris", "fraction": 1.0, "feedback": ""}], "case_sensitive": false}
            response {"text": "paris"}
numeric     data {"answers": [{"value": 3.14, "tolerance": 0.01, "fraction": 1.0, "feedback": ""}
                              | {"min": 1.0, "max": 2.0, "fraction": .., "feedback": ..}
                              | {"value": null, "fraction": 0, "feedback": ".."}   (any other answer)],
                  "units": [{"unit": "cm", "multiplier": 1.0}, {"unit": "m", "multiplier": 0.01}],
                  "unit_required": false}
            response {"value": "3.14 cm"}
"""

from __future__ import annotations

import random
import re
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .base import (
    MAX_RESPONSE_TEXT,
    MAX_SHORT_TEXT,
    MAX_UNIT,
    Errors,
    Grade,
    Invalid,
    QType,
    as_dict,
    clean_bool,
    clean_fraction,
    clean_list,
    clean_text,
    first_value,
    format_number,
    normalize,
    plain_text,
    response_dict,
    to_bool,
    to_float,
)


def _no_order(data: dict, rng: random.Random, shuffle: bool = True) -> dict:
    return {}


def _fraction(row: dict) -> float:
    try:
        return float(row.get("fraction") or 0)
    except (TypeError, ValueError):
        return 0.0


def _is_full(fraction: float) -> bool:
    return fraction >= 0.999999


# --------------------------------------------------------------------------------------------- true/false


def clean_truefalse(data: Any) -> tuple[dict, dict[str, list[str]]]:
    errors = Errors()
    data = as_dict(data, errors)
    try:
        correct = to_bool(data.get("correct"))
    except Invalid:
        errors.add("correct", _("Choose whether the statement is true or false."))
        correct = True
    cleaned = {
        "correct": correct,
        "feedback_true": clean_text(data.get("feedback_true"), "feedback_true", errors),
        "feedback_false": clean_text(data.get("feedback_false"), "feedback_false", errors),
    }
    return cleaned, errors.messages


def _tf_answer(response: Any) -> bool | None:
    value = first_value(response_dict(response).get("answer"))
    try:
        return to_bool(value) if value not in (None, "") else None
    except Invalid:
        return None


def learner_view_truefalse(data: dict, order: dict | None = None) -> dict:
    return {"options": [{"id": "true", "text": _("True")}, {"id": "false", "text": _("False")}]}


def clean_response_truefalse(data: dict, raw: Any, order: dict | None = None) -> dict:
    answer = _tf_answer(raw)
    return {} if answer is None else {"answer": answer}


def is_blank_truefalse(data: dict, response: dict) -> bool:
    return _tf_answer(response) is None


def grade_truefalse(data: dict, response: dict, order: dict | None = None) -> Grade:
    answer = _tf_answer(response)
    if answer is None:
        return Grade.blank()
    feedback = data.get("feedback_true") if answer else data.get("feedback_false")
    return Grade.graded(1.0 if answer == bool(data.get("correct")) else 0.0, [feedback or ""])


def _tf_label(value: bool) -> str:
    return _("True") if value else _("False")


def right_answer_truefalse(data: dict) -> str:
    return _tf_label(bool(data.get("correct")))


def summary_truefalse(data: dict, response: dict, order: dict | None = None) -> str:
    answer = _tf_answer(response)
    return "" if answer is None else _tf_label(answer)


def stats_truefalse(data: dict) -> list[tuple[str, str]]:
    return [("true", _("True")), ("false", _("False"))]


TRUEFALSE = QType(
    code="truefalse",
    label=gettext_lazy("True/false"),
    description=gettext_lazy("A statement the learner says is true or false."),
    clean=clean_truefalse,
    shuffle_order=_no_order,
    learner_view=learner_view_truefalse,
    clean_response=clean_response_truefalse,
    is_blank=is_blank_truefalse,
    grade=grade_truefalse,
    right_answer=right_answer_truefalse,
    response_summary=summary_truefalse,
    random_guess=lambda data: 0.5,
    options_for_stats=stats_truefalse,
)


# ------------------------------------------------------------------------------------------- short answer


_STARS = re.compile(r"(?<!\\)\*+")


def wildcard_match(response: str, pattern: str, *, case_sensitive: bool = False) -> bool:
    """Moodle qtype_shortanswer_question::compare_string_with_wildcard: both NFC-normalised, the response
    trimmed; a run of unescaped `*` matches any characters (none included), `\\*` is a literal asterisk;
    everything else literally; case-insensitive unless `case_sensitive`."""
    bits = _STARS.split(normalize(pattern))
    regexp = ".*".join(re.escape(bit.replace("\\*", "*")) for bit in bits)
    flags = re.DOTALL | (0 if case_sensitive else re.IGNORECASE)
    return re.fullmatch(regexp, normalize(response).strip(), flags) is not None


def clean_shortanswer(data: Any) -> tuple[dict, dict[str, list[str]]]:
    errors = Errors()
    data = as_dict(data, errors)
    one = _("Give at least one accepted answer.")
    answers = []
    for index, item in enumerate(clean_list(data.get("answers"), "answers", errors, empty_message=one)):
        key = f"answers.{index}"
        if isinstance(item, str):
            item = {"text": item, "fraction": 1.0}
        if not isinstance(item, dict):
            errors.add(key, _("An answer is an object with a text."))
            continue
        text = clean_text(item.get("text"), f"{key}.text", errors, max_length=MAX_SHORT_TEXT).strip()
        feedback = clean_text(item.get("feedback"), f"{key}.feedback", errors)
        fraction = clean_fraction(item.get("fraction"), f"{key}.fraction", errors)
        if not text:
            if not feedback.strip() and not fraction:
                continue  # an empty row of the editor
            errors.add(f"{key}.text", _("Enter the accepted answer."))
        answers.append({"text": text, "fraction": fraction, "feedback": feedback})
    if not answers:
        if not any(k == "answers" or k.startswith("answers.") for k in errors.messages):
            errors.add("answers", one)
    elif not any(_is_full(a["fraction"]) for a in answers):
        errors.add("answers", _("One of the answers must be worth 100 % (fraction 1)."))
    cleaned = {
        "answers": answers,
        "case_sensitive": clean_bool(data.get("case_sensitive"), "case_sensitive", errors, default=False),
    }
    return cleaned, errors.messages


def _text_response(raw: Any) -> str:
    value = first_value(response_dict(raw).get("text"))
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    return value[:MAX_RESPONSE_TEXT] if isinstance(value, str) else ""


def _answers(data: dict) -> list[dict]:
    return [a for a in (data.get("answers") or []) if isinstance(a, dict)]


def clean_response_shortanswer(data: dict, raw: Any, order: dict | None = None) -> dict:
    text = _text_response(raw)
    return {"text": text} if text.strip() else {}


def is_blank_shortanswer(data: dict, response: dict) -> bool:
    return not _text_response(response).strip()


def matching_answer(data: dict, text: str) -> dict | None:
    """The first answer, by fraction from the highest (ties in the question's order), that the text
    matches."""
    ranked = sorted(_answers(data), key=lambda a: -_fraction(a))
    case = bool(data.get("case_sensitive"))
    return next(
        (a for a in ranked if wildcard_match(text, str(a.get("text") or ""), case_sensitive=case)), None
    )


def grade_shortanswer(data: dict, response: dict, order: dict | None = None) -> Grade:
    text = _text_response(response)
    if not text.strip():
        return Grade.blank()
    answer = matching_answer(data, text)
    if answer is None:
        return Grade.wrong()
    return Grade.graded(_fraction(answer), [answer.get("feedback") or ""])


def right_answer_shortanswer(data: dict) -> str:
    """Moodle get_correct_response: the first answer with the highest fraction, `\\*` shown as `*`."""
    answers = _answers(data)
    if not answers:
        return ""
    best = max(answers, key=_fraction)
    return str(best.get("text") or "").replace("\\*", "*")


def summary_shortanswer(data: dict, response: dict, order: dict | None = None) -> str:
    return plain_text(_text_response(response))


def random_guess_shortanswer(data: dict) -> float | None:
    """Moodle qtype_shortanswer::get_random_guess_score: the fraction of a `*` answer, else 0."""
    star = next((a for a in _answers(data) if str(a.get("text") or "").strip() == "*"), None)
    return max(0.0, _fraction(star)) if star else 0.0


SHORTANSWER = QType(
    code="shortanswer",
    label=gettext_lazy("Short answer"),
    description=gettext_lazy("A word or phrase compared with accepted answers; * is a wildcard."),
    clean=clean_shortanswer,
    shuffle_order=_no_order,
    learner_view=lambda data, order=None: {},
    clean_response=clean_response_shortanswer,
    is_blank=is_blank_shortanswer,
    grade=grade_shortanswer,
    right_answer=right_answer_shortanswer,
    response_summary=summary_shortanswer,
    random_guess=random_guess_shortanswer,
)


# ------------------------------------------------------------------------------------------------ numeric

# A number as people type it: sign, digits with "." or "," (see parse_number), an exponent written
# e3, E-3, x10^3, \u00d710^3, *10^3 or x10**3 (Moodle's answer processor), then anything: the unit.
_NUMBER = re.compile(
    r"^\s*(?P<sign>[+-]?)\s*(?P<mantissa>[0-9.,]*[0-9][0-9.,]*)"
    r"(?:\s*(?:[eE]|[x*\u00b7\u00d7]\s*10\s*(?:\^|\*\*))\s*(?P<exponent>[+-]?\d+))?"
    r"\s*(?P<unit>.*?)\s*$",
    re.DOTALL,
)
_PLAIN = re.compile(r"^(\d+\.?\d*|\.\d+)$")
_THOUSANDS_DOT = re.compile(r"^\d{1,3}(,\d{3})+(\.\d*)?$")
_THOUSANDS = re.compile(r"^\d{1,3}(,\d{3}){2,}$")
_DECIMAL_COMMA = re.compile(r"^(\d+,\d*|,\d+)$")
# Moodle's "nominal" tolerance adds 10^-precision * max(1, |answer|) for float error.
EPSILON = 1e-12


def parse_number(text: str) -> tuple[float, str] | None:
    """(value, unit) of a typed response, or None when it does not start with a number.

    "3.14 cm" -> (3.14, "cm"); "1e3" -> (1000.0, ""); "-2.5x10^-3 m" -> (-0.0025, "m");
    "3,14" -> 3.14 (a decimal comma is accepted when there is no dot); "1,234.5" -> 1234.5 (with a dot,
    commas separate thousands); "1,234,567" -> 1234567; "1,2,3" -> None. A Unicode minus is a minus."""
    text = str(text or "").replace("\u2212", "-").replace("\u00a0", " ")
    match = _NUMBER.match(text)
    if not match:
        return None
    mantissa = match["mantissa"]
    if "." in mantissa:
        if "," in mantissa:
            if not _THOUSANDS_DOT.match(mantissa):
                return None
            mantissa = mantissa.replace(",", "")
        if not _PLAIN.match(mantissa):
            return None
    elif "," in mantissa:
        if _THOUSANDS.match(mantissa):
            mantissa = mantissa.replace(",", "")
        elif _DECIMAL_COMMA.match(mantissa):
            mantissa = mantissa.replace(",", ".")
        else:
            return None
    number = f"{match['sign']}{mantissa}"
    if match["exponent"]:
        number += f"e{match['exponent']}"
    try:
        value = float(number)
    except ValueError:
        return None
    if value != value or value in (float("inf"), float("-inf")):
        return None
    return value, match["unit"]


def clean_numeric(data: Any) -> tuple[dict, dict[str, list[str]]]:
    errors = Errors()
    data = as_dict(data, errors)
    one = _("Give at least one answer.")
    answers = []
    for index, item in enumerate(clean_list(data.get("answers"), "answers", errors, empty_message=one)):
        key = f"answers.{index}"
        if not isinstance(item, dict):
            errors.add(key, _("An answer is an object with a value or a min and max."))
            continue
        answer = _clean_numeric_answer(item, key, errors)
        if answer is not None:
            answers.append(answer)
    if not answers:
        if not any(k == "answers" or k.startswith("answers.") for k in errors.messages):
            errors.add("answers", one)
    elif not any(_is_full(a["fraction"]) and not _is_catch_all(a) for a in answers):
        errors.add("answers", _("One of the answers must be worth 100 % (fraction 1)."))
    if sum(1 for a in answers if _is_catch_all(a)) > 1:
        errors.add("answers", _("Give at most one “any other answer”."))

    units = []
    names: set[str] = set()
    for index, item in enumerate(
        clean_list(data.get("units"), "units", errors, empty_message=_("Units are a list."))
    ):
        key = f"units.{index}"
        if isinstance(item, str):
            item = {"unit": item, "multiplier": 1.0 if index == 0 else None}
        if not isinstance(item, dict):
            errors.add(key, _("A unit is an object with a unit and a multiplier."))
            continue
        name = clean_text(item.get("unit"), f"{key}.unit", errors, max_length=MAX_UNIT).strip()
        if not name:
            errors.add(f"{key}.unit", _("Enter the unit."))
        elif name in names:
            errors.add(f"{key}.unit", _("This unit is given twice."))
        elif parse_number(name) is not None and not name[0].isalpha():
            errors.add(f"{key}.unit", _("A unit cannot start with a number."))
        names.add(name)
        try:
            multiplier = typed_number(item.get("multiplier", 1.0))
        except Invalid:
            errors.add(f"{key}.multiplier", _("Enter a number greater than 0."))
            multiplier = 1.0
        else:
            if multiplier <= 0:
                errors.add(f"{key}.multiplier", _("Enter a number greater than 0."))
            elif index == 0 and multiplier != 1.0:
                errors.add(
                    f"{key}.multiplier",
                    _("The first unit is the one the answers are in: its multiplier is 1."),
                )
        units.append({"unit": name, "multiplier": multiplier})
    unit_required = clean_bool(data.get("unit_required"), "unit_required", errors, default=False)
    if unit_required and not units:
        errors.add("unit_required", _("Give the units before requiring one."))
    cleaned = {"answers": answers, "units": units, "unit_required": unit_required}
    return cleaned, errors.messages


def typed_number(value: Any) -> float:
    """A number from data: what to_float takes, or a string as people type it ("3,14", "1e3") without a
    unit; raises Invalid."""
    try:
        return to_float(value)
    except Invalid:
        parsed = parse_number(value) if isinstance(value, str) else None
        if parsed is None or parsed[1]:
            raise
        return parsed[0]


def _number(item: dict, name: str, key: str, errors: Errors) -> float | None:
    try:
        return typed_number(item.get(name))
    except Invalid:
        errors.add(f"{key}.{name}", _("Enter a number."))
        return None


def _clean_numeric_answer(item: dict, key: str, errors: Errors) -> dict | None:
    fraction = clean_fraction(item.get("fraction"), f"{key}.fraction", errors)
    feedback = clean_text(item.get("feedback"), f"{key}.feedback", errors)
    has_range = item.get("min") is not None or item.get("max") is not None
    value = item.get("value")
    if has_range:
        if value not in (None, ""):
            errors.add(key, _("Give either a value with a tolerance or a min and a max, not both."))
            return None
        low, high = _number(item, "min", key, errors), _number(item, "max", key, errors)
        if low is None or high is None:
            return None
        if low > high:
            errors.add(f"{key}.max", _("The maximum cannot be less than the minimum."))
        return {"min": low, "max": high, "fraction": fraction, "feedback": feedback}
    if value is None or (isinstance(value, str) and value.strip() in ("", "*")):
        if value is None and not feedback.strip() and not fraction and "value" not in item:
            errors.add(f"{key}.value", _("Enter a number."))
            return None
        return {"value": None, "fraction": fraction, "feedback": feedback}
    number = _number(item, "value", key, errors)
    tolerance = item.get("tolerance")
    if tolerance in (None, ""):
        tolerance = 0.0
    else:
        try:
            tolerance = typed_number(tolerance)
        except Invalid:
            errors.add(f"{key}.tolerance", _("Enter a number of 0 or more."))
            tolerance = 0.0
        else:
            if tolerance < 0:
                errors.add(f"{key}.tolerance", _("The tolerance is 0 or more."))
    if number is None:
        return None
    return {"value": number, "tolerance": tolerance, "fraction": fraction, "feedback": feedback}


def _is_catch_all(answer: dict) -> bool:
    return "min" not in answer and answer.get("value") is None


def answer_matches(answer: dict, x: float) -> bool:
    """Inclusive at both edges, with room for float error: |x - value| <= tolerance, min <= x <= max."""
    try:
        if "min" in answer or "max" in answer:
            low, high = float(answer["min"]), float(answer["max"])
            slack = EPSILON * max(1.0, abs(low), abs(high))
            return low - slack <= x <= high + slack
        value = float(answer["value"])
        tolerance = abs(float(answer.get("tolerance") or 0))
    except (KeyError, TypeError, ValueError):
        return False
    tolerance += EPSILON * max(1.0, abs(value))
    return value - tolerance <= x <= value + tolerance


def _value_response(raw: Any) -> str:
    raw = response_dict(raw)
    value = first_value(raw.get("value"))
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = format_number(value)
    if not isinstance(value, str):
        return ""
    unit = first_value(raw.get("unit"))
    if isinstance(unit, str) and unit.strip() and value.strip():
        value = f"{value.strip()} {unit.strip()}"
    return value.strip()[:MAX_RESPONSE_TEXT]


def clean_response_numeric(data: dict, raw: Any, order: dict | None = None) -> dict:
    value = _value_response(raw)
    return {"value": value} if value else {}


def is_blank_numeric(data: dict, response: dict) -> bool:
    return not _value_response(response)


def _units(data: dict) -> list[dict]:
    return [u for u in (data.get("units") or []) if isinstance(u, dict) and u.get("unit")]


def interpret(data: dict, text: str) -> tuple[float | None, str | None]:
    """(the response in the answers' unit, None) or (None, why it cannot be graded)."""
    parsed = parse_number(text)
    units = _units(data)
    if parsed is None:
        return None, _("Enter a number.")
    value, unit = parsed
    if not units:
        if unit:
            return None, _("Enter a number only, without a unit.")
        return value, None
    if unit:
        known = next((u for u in units if u["unit"] == unit), None)
        if known is None:
            return None, _("The unit %(unit)s is not one of %(units)s.") % {
                "unit": unit,
                "units": ", ".join(u["unit"] for u in units),
            }
        multiplier = float(known.get("multiplier") or 1.0)
    elif data.get("unit_required"):
        return None, _("Give the unit: %(units)s.") % {"units": ", ".join(u["unit"] for u in units)}
    else:
        multiplier = float(units[0].get("multiplier") or 1.0)
    return value / multiplier, None


def grade_numeric(data: dict, response: dict, order: dict | None = None) -> Grade:
    """The best fraction among the answers the value falls within (after the unit's multiplier); the
    catch-all answer {"value": null} for anything else; a missing or unknown unit when one is required (or
    an unknown one at all) is wrong, with the reason as feedback."""
    text = _value_response(response)
    if not text:
        return Grade.blank()
    x, problem = interpret(data, text)
    if problem:
        return Grade.wrong([problem])
    answers = [a for a in _answers(data) if not _is_catch_all(a)]
    matched = [a for a in answers if answer_matches(a, x)]
    if matched:
        best = max(matched, key=_fraction)  # the first of the best
        return Grade.graded(_fraction(best), [best.get("feedback") or ""])
    other = next((a for a in _answers(data) if _is_catch_all(a)), None)
    if other is not None:
        return Grade.graded(_fraction(other), [other.get("feedback") or ""])
    return Grade.wrong()


def validate_numeric(data: dict, response: dict) -> str | None:
    text = _value_response(response)
    return interpret(data, text)[1] if text else None


def describe_numeric_answer(answer: dict, unit: str = "") -> str:
    suffix = f" {unit}" if unit else ""
    if "min" in answer:
        return f"{format_number(answer['min'])}\u2013{format_number(answer['max'])}{suffix}"
    if answer.get("value") is None:
        return "*"
    tolerance = float(answer.get("tolerance") or 0)
    text = format_number(answer["value"])
    if tolerance:
        text += f" ± {format_number(tolerance)}"
    return text + suffix


def right_answer_numeric(data: dict) -> str:
    answers = [a for a in _answers(data) if not _is_catch_all(a)]
    if not answers:
        return ""
    units = _units(data)
    return describe_numeric_answer(max(answers, key=_fraction), units[0]["unit"] if units else "")


def summary_numeric(data: dict, response: dict, order: dict | None = None) -> str:
    return _value_response(response)


def random_guess_numeric(data: dict) -> float | None:
    """Moodle qtype_numerical::get_random_guess_score: the fraction of the `*` (any other) answer, else 0
    (no unit penalty here, so Moodle's (1 - unitfraction) factor is 1)."""
    other = next((a for a in _answers(data) if _is_catch_all(a)), None)
    return max(0.0, _fraction(other)) if other else 0.0


def learner_view_numeric(data: dict, order: dict | None = None) -> dict:
    return {"units": [u["unit"] for u in _units(data)], "unit_required": bool(data.get("unit_required"))}


NUMERIC = QType(
    code="numeric",
    label=gettext_lazy("Numeric"),
    description=gettext_lazy("A number, right within a tolerance or a range, optionally with a unit."),
    clean=clean_numeric,
    shuffle_order=_no_order,
    learner_view=learner_view_numeric,
    clean_response=clean_response_numeric,
    is_blank=is_blank_numeric,
    grade=grade_numeric,
    right_answer=right_answer_numeric,
    response_summary=summary_numeric,
    random_guess=random_guess_numeric,
    validate_response=validate_numeric,
)
