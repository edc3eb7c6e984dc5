"""Single choice ("choice") and multiple response ("multiple"): Moodle's qtype_multichoice, single and
multi.

data:     {"options": [{"id": "a", "text": "<p>Paris</p>", "fraction": 1.0, "feedback": ""}, ...],
           "shuffle": true}
order:    {"options": ["c", "a", "b"]}      (shuffled only when data.shuffle and the quiz allows it)
response: {"choice": "a"}  /  {"choices": ["a", "c"]}
"""

from __future__ import annotations

import random
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .base import (
    Errors,
    Grade,
    QType,
    as_dict,
    assign_ids,
    clean_bool,
    clean_fraction,
    clean_list,
    clean_text,
    content_id,
    first_value,
    is_empty_html,
    letter_ids,
    plain_text,
    response_dict,
    strip_private,
)

SUM_TOLERANCE = 0.001


def _clean(data: Any, *, multiple: bool) -> tuple[dict, dict[str, list[str]]]:
    errors = Errors()
    data = as_dict(data, errors)
    two = _("Give at least two options.")
    rows = []
    for index, item in enumerate(clean_list(data.get("options"), "options", errors, empty_message=two)):
        key = f"options.{index}"
        if not isinstance(item, dict):
            errors.add(key, _("An option is an object with a text."))
            continue
        text = clean_text(item.get("text"), f"{key}.text", errors)
        feedback = clean_text(item.get("feedback"), f"{key}.feedback", errors)
        fraction = clean_fraction(item.get("fraction"), f"{key}.fraction", errors)
        if is_empty_html(text):
            if is_empty_html(feedback) and not fraction and item.get("id") in (None, ""):
                continue  # an empty row of the editor, as Moodle ignores it
            errors.add(f"{key}.text", _("Enter the text of this option."))
        rows.append(
            {"id": item.get("id"), "text": text, "fraction": fraction, "feedback": feedback, "_key": key}
        )
    given = {row["id"] for row in rows if isinstance(row["id"], str)}
    for row in rows:
        if row["id"] in (None, ""):
            row["id"] = content_id(row["text"], given)
    assign_ids(rows, "", errors, letter_ids)
    if len(rows) < 2 and "options" not in errors.messages:
        errors.add("options", two)
    fractions = [row["fraction"] for row in rows]
    if rows and multiple:
        positive = sum(f for f in fractions if f > 0)
        if positive <= 0:
            errors.add("options", _("At least one option must have a positive fraction."))
        elif abs(positive - 1.0) > SUM_TOLERANCE:
            errors.add(
                "options",
                _("The positive fractions add up to %(total)s %%; they must add up to 100 %%.")
                % {"total": f"{positive * 100:.7g}"},
            )
    elif rows and not any(f >= 0.999999 for f in fractions):
        errors.add("options", _("One of the options must be worth 100 % (fraction 1)."))
    cleaned = {
        "options": strip_private(rows),
        "shuffle": clean_bool(data.get("shuffle"), "shuffle", errors, default=True),
    }
    return cleaned, errors.messages


def clean_choice(data: Any) -> tuple[dict, dict[str, list[str]]]:
    return _clean(data, multiple=False)


def clean_multiple(data: Any) -> tuple[dict, dict[str, list[str]]]:
    return _clean(data, multiple=True)


def _options(data: dict) -> list[dict]:
    return [o for o in (data.get("options") or []) if isinstance(o, dict) and o.get("id")]


def _fraction(option: dict) -> float:
    try:
        return float(option.get("fraction") or 0)
    except (TypeError, ValueError):
        return 0.0


def shuffle_order(data: dict, rng: random.Random, shuffle: bool = True) -> dict:
    ids = [o["id"] for o in _options(data)]
    if shuffle and data.get("shuffle", True):
        rng.shuffle(ids)
    return {"options": ids}


def ordered_options(data: dict, order: dict | None) -> list[dict]:
    """The options in the attempt's order: ids the order no longer knows are dropped, options it does not
    know yet (a regrade onto a new version) come last in the question's order."""
    by_id = {o["id"]: o for o in _options(data)}
    shown = [i for i in ((order or {}).get("options") or []) if i in by_id]
    seen = set(shown)
    shown += [i for i in by_id if i not in seen]
    return [by_id[i] for i in dict.fromkeys(shown)]


def _view(multiple: bool):
    def learner_view(data: dict, order: dict | None = None) -> dict:
        options = [{"id": o["id"], "text": o.get("text", "")} for o in ordered_options(data, order)]
        return {"options": options, "multiple": multiple}

    return learner_view


def options_for_stats(data: dict) -> list[tuple[str, str]]:
    return [(o["id"], plain_text(o.get("text"))) for o in _options(data)]


# ----------------------------------------------------------------------------------------- single choice


def clean_response_choice(data: dict, raw: Any, order: dict | None = None) -> dict:
    value = first_value(response_dict(raw).get("choice"))
    ids = {o["id"] for o in _options(data)}
    return {"choice": value} if isinstance(value, str) and value in ids else {}


def is_blank_choice(data: dict, response: dict) -> bool:
    return not clean_response_choice(data, response)


def grade_choice(data: dict, response: dict, order: dict | None = None) -> Grade:
    """The chosen option's fraction (a negative one counts 0) and its feedback."""
    chosen = clean_response_choice(data, response).get("choice")
    option = next((o for o in _options(data) if o["id"] == chosen), None)
    if option is None:
        return Grade.blank()
    return Grade.graded(_fraction(option), [option.get("feedback") or ""])


def right_answer_choice(data: dict) -> str:
    options = _options(data)
    if not options:
        return ""
    best = max(_fraction(o) for o in options)
    return ", ".join(plain_text(o.get("text")) for o in options if _fraction(o) == best)


def summary_choice(data: dict, response: dict, order: dict | None = None) -> str:
    chosen = clean_response_choice(data, response).get("choice")
    return next((plain_text(o.get("text")) for o in _options(data) if o["id"] == chosen), "")


def random_guess_choice(data: dict) -> float | None:
    """Moodle qtype_multichoice::get_random_guess_score for a single-answer question: the average of the
    options' fractions (negative ones included), None when there are no options."""
    options = _options(data)
    if not options:
        return None
    return sum(_fraction(o) for o in options) / len(options)


# ------------------------------------------------------------------------------------- multiple response


def clean_response_multiple(data: dict, raw: Any, order: dict | None = None) -> dict:
    value = response_dict(raw).get("choices")
    if isinstance(value, str):
        value = [v.strip() for v in value.split(",")]
    if not isinstance(value, list | tuple):
        return {}
    wanted = {v for v in value if isinstance(v, str)}
    chosen = [o["id"] for o in _options(data) if o["id"] in wanted]
    return {"choices": chosen} if chosen else {}


def is_blank_multiple(data: dict, response: dict) -> bool:
    return not clean_response_multiple(data, response)


def grade_multiple(data: dict, response: dict, order: dict | None = None) -> Grade:
    """Moodle qtype_multichoice_multi_question::grade_response: the sum of the chosen options' fractions,
    clamped to 0..1; right at 0.999999 and above; blank when nothing is chosen. Feedback: the chosen
    options' feedback, in the question's order."""
    chosen = set(clean_response_multiple(data, response).get("choices", []))
    if not chosen:
        return Grade.blank()
    picked = [o for o in _options(data) if o["id"] in chosen]
    return Grade.graded(sum(_fraction(o) for o in picked), [o.get("feedback") or "" for o in picked])


def right_answer_multiple(data: dict) -> str:
    return ", ".join(plain_text(o.get("text")) for o in _options(data) if _fraction(o) > 0)


def summary_multiple(data: dict, response: dict, order: dict | None = None) -> str:
    chosen = set(clean_response_multiple(data, response).get("choices", []))
    return ", ".join(plain_text(o.get("text")) for o in _options(data) if o["id"] in chosen)


def random_guess_multiple(data: dict) -> float | None:
    """None, as Moodle's qtype_multichoice::get_random_guess_score for a multiple-answer question ("Pretty
    much impossible to compute for _multi questions. Don't try.")."""
    return None


CHOICE = QType(
    code="choice",
    label=gettext_lazy("Single choice"),
    description=gettext_lazy("Pick one option; each option has a fraction and feedback."),
    clean=clean_choice,
    shuffle_order=shuffle_order,
    learner_view=_view(False),
    clean_response=clean_response_choice,
    is_blank=is_blank_choice,
    grade=grade_choice,
    right_answer=right_answer_choice,
    response_summary=summary_choice,
    random_guess=random_guess_choice,
    options_for_stats=options_for_stats,
)

MULTIPLE = QType(
    code="multiple",
    label=gettext_lazy("Multiple response"),
    description=gettext_lazy(
        "Pick any number of options; the chosen fractions add up, from 0 to 100 %, wrong ones may subtract."
    ),
    clean=clean_multiple,
    shuffle_order=shuffle_order,
    learner_view=_view(True),
    clean_response=clean_response_multiple,
    is_blank=is_blank_multiple,
    grade=grade_multiple,
    right_answer=right_answer_multiple,
    response_summary=summary_multiple,
    random_guess=random_guess_multiple,
    options_for_stats=options_for_stats,
)
