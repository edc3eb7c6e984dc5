"""Matching and ordering: Moodle's qtype_match and the qtype_ordering plugin.

matching  data {"pairs": [{"id": "p1", "prompt": "<p>Cat</p>", "answer": "Meow"}, ...],
                "distractors": ["Woof"], "shuffle": true}
          order {"prompts": ["p2", "p1"], "choices": [{"id": "c1", "text": "Woof"}, {"id": "c2", ...}]}
          response {"matches": {"p1": "c3", ...}}
          The choices are the distinct answers (the same text twice is one choice) plus the distractors.
          Their ids are given per attempt, in the order shown, so that an id says nothing about which
          prompt it belongs to; the order carries each id's text, and grading compares that text with the
          pair's answer (so a regrade onto an edited version still reads the attempt's choices). As in
          Moodle, the choices are always shuffled; the prompts only when data.shuffle and the quiz allow.
          Without an order (a preview, a test), the choices are c1..cN in alphabetical order.
ordering  data {"items": [{"id": "i1", "text": "First"}, ...] (in the right order), "scoring": "positions"}
          order {"items": ["i3", "i1", "i2"]}: always shuffled, and never the right order when n >= 2
          response {"order": ["i3", "i1", "i2"]}
"""

from __future__ import annotations

import random
import secrets
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .base import (
    MAX_OPTIONS,
    MAX_SHORT_TEXT,
    Errors,
    Grade,
    QType,
    as_dict,
    assign_ids,
    clean_bool,
    clean_list,
    clean_text,
    is_empty_html,
    numbered_ids,
    plain_text,
    response_dict,
    strip_private,
)

ARROW = "\u2192"

# ------------------------------------------------------------------------------------------------ matching


def _same(text: Any) -> str:
    return str(text or "").strip()


def clean_matching(data: Any) -> tuple[dict, dict[str, list[str]]]:
    errors = Errors()
    data = as_dict(data, errors)
    two = _("Give at least two pairs.")
    rows = []
    distractors: list[str] = []
    for index, item in enumerate(clean_list(data.get("pairs"), "pairs", errors, empty_message=two)):
        key = f"pairs.{index}"
        if not isinstance(item, dict):
            errors.add(key, _("A pair is an object with a prompt and an answer."))
            continue
        prompt = clean_text(item.get("prompt"), f"{key}.prompt", errors)
        answer = _same(clean_text(item.get("answer"), f"{key}.answer", errors, max_length=MAX_SHORT_TEXT))
        if is_empty_html(prompt):
            if answer:
                distractors.append(answer)  # Moodle: an answer without a question is a distractor
            continue
        if not answer:
            errors.add(f"{key}.answer", _("Enter the answer that matches this prompt."))
        rows.append({"id": item.get("id"), "prompt": prompt, "answer": answer, "_key": key})
    assign_ids(rows, "p", errors, numbered_ids("p"))
    if len(rows) < 2 and "pairs" not in errors.messages:
        errors.add("pairs", two)
    raw_distractors = clean_list(
        data.get("distractors"), "distractors", errors, empty_message=_("Distractors are a list of texts.")
    )
    for index, item in enumerate(raw_distractors):
        text = _same(clean_text(item, f"distractors.{index}", errors, max_length=MAX_SHORT_TEXT))
        if text:
            distractors.append(text)
    answers = {row["answer"] for row in rows}
    distractors = [d for d in dict.fromkeys(distractors) if d not in answers][:MAX_OPTIONS]
    cleaned = {
        "pairs": strip_private(rows),
        "distractors": distractors,
        "shuffle": clean_bool(data.get("shuffle"), "shuffle", errors, default=True),
    }
    return cleaned, errors.messages


def _pairs(data: dict) -> list[dict]:
    return [p for p in (data.get("pairs") or []) if isinstance(p, dict) and p.get("id")]


def choice_texts(data: dict) -> list[str]:
    """The distinct answers of the pairs, then the distractors, each once."""
    texts = [_same(p.get("answer")) for p in _pairs(data)]
    texts += [_same(d) for d in (data.get("distractors") or []) if isinstance(d, str)]
    return [t for t in dict.fromkeys(texts) if t]


def _numbered(texts: list[str]) -> list[dict]:
    return [{"id": f"c{n}", "text": text} for n, text in enumerate(texts, start=1)]


def shuffle_order_matching(data: dict, rng: random.Random, shuffle: bool = True) -> dict:
    prompts = [p["id"] for p in _pairs(data)]
    if shuffle and data.get("shuffle", True):
        rng.shuffle(prompts)
    texts = choice_texts(data)
    rng.shuffle(texts)
    return {"prompts": prompts, "choices": _numbered(texts)}


def attempt_choices(data: dict, order: dict | None) -> list[dict]:
    """The attempt's choices [{"id", "text"}]; without a usable order, c1..cN alphabetically."""
    choices = (order or {}).get("choices")
    if isinstance(choices, list) and choices:
        good = [
            {"id": c["id"], "text": _same(c.get("text"))}
            for c in choices
            if isinstance(c, dict) and isinstance(c.get("id"), str)
        ]
        if good:
            return good
    return _numbered(sorted(choice_texts(data), key=lambda t: (t.casefold(), t)))


def _prompts(data: dict, order: dict | None) -> list[dict]:
    by_id = {p["id"]: p for p in _pairs(data)}
    shown = [i for i in ((order or {}).get("prompts") or []) if i in by_id]
    shown += [i for i in by_id if i not in set(shown)]
    return [by_id[i] for i in dict.fromkeys(shown)]


def learner_view_matching(data: dict, order: dict | None = None) -> dict:
    return {
        "prompts": [{"id": p["id"], "text": p.get("prompt", "")} for p in _prompts(data, order)],
        "choices": [{"id": c["id"], "text": c["text"]} for c in attempt_choices(data, order)],
    }


def clean_response_matching(data: dict, raw: Any, order: dict | None = None) -> dict:
    matches = response_dict(raw).get("matches")
    if not isinstance(matches, dict):
        return {}
    pair_ids = {p["id"] for p in _pairs(data)}
    choice_ids = {c["id"] for c in attempt_choices(data, order)}
    kept = {
        pid: cid
        for pid, cid in matches.items()
        if pid in pair_ids and isinstance(cid, str) and cid in choice_ids
    }
    return {"matches": kept} if kept else {}


def is_blank_matching(data: dict, response: dict) -> bool:
    matches = response_dict(response).get("matches")
    return not (isinstance(matches, dict) and any(isinstance(v, str) and v for v in matches.values()))


def _chosen_texts(data: dict, response: dict, order: dict | None) -> dict[str, str]:
    """{pair id: the text of the choice made for it}."""
    matches = response_dict(response).get("matches")
    if not isinstance(matches, dict):
        return {}
    texts = {c["id"]: c["text"] for c in attempt_choices(data, order)}
    return {pid: texts[cid] for pid, cid in matches.items() if isinstance(cid, str) and cid in texts}


def grade_matching(data: dict, response: dict, order: dict | None = None) -> Grade:
    """Moodle qtype_match_question::grade_response: right pairs / pairs."""
    pairs = _pairs(data)
    chosen = _chosen_texts(data, response, order)
    if not pairs or not chosen:
        return Grade.blank()
    right = sum(1 for p in pairs if p["id"] in chosen and chosen[p["id"]] == _same(p.get("answer")))
    return Grade.graded(right / len(pairs))


def right_answer_matching(data: dict) -> str:
    return "; ".join(
        f"{plain_text(p.get('prompt'))} {ARROW} {plain_text(p.get('answer'))}" for p in _pairs(data)
    )


def summary_matching(data: dict, response: dict, order: dict | None = None) -> str:
    chosen = _chosen_texts(data, response, order)
    return "; ".join(
        f"{plain_text(p.get('prompt'))} {ARROW} {plain_text(chosen[p['id']])}"
        for p in _pairs(data)
        if p["id"] in chosen
    )


def random_guess_matching(data: dict) -> float | None:
    """Moodle qtype_match::get_random_guess_score: 1 / the number of choices."""
    choices = choice_texts(data)
    return 1 / len(choices) if choices else None


MATCHING = QType(
    code="matching",
    label=gettext_lazy("Matching"),
    description=gettext_lazy("Match each prompt with an answer; extra answers may distract."),
    clean=clean_matching,
    shuffle_order=shuffle_order_matching,
    learner_view=learner_view_matching,
    clean_response=clean_response_matching,
    is_blank=is_blank_matching,
    grade=grade_matching,
    right_answer=right_answer_matching,
    response_summary=summary_matching,
    random_guess=random_guess_matching,
)


# ------------------------------------------------------------------------------------------------ ordering

POSITIONS = "positions"
SUBSET = "subset"
SCORINGS = (POSITIONS, SUBSET)


def _opaque_ids():
    """Ids for new items that say nothing of their place (as Moodle's ordering gives each item a random
    md5 key): "i" and 6 random hex digits. Items keep the id they were given."""
    while True:
        yield f"i{secrets.token_hex(3)}"


def clean_ordering(data: Any) -> tuple[dict, dict[str, list[str]]]:
    errors = Errors()
    data = as_dict(data, errors)
    two = _("Give at least two items.")
    rows = []
    for index, item in enumerate(clean_list(data.get("items"), "items", errors, empty_message=two)):
        key = f"items.{index}"
        if isinstance(item, str):
            item = {"text": item}
        if not isinstance(item, dict):
            errors.add(key, _("An item is an object with a text."))
            continue
        text = clean_text(item.get("text"), f"{key}.text", errors)
        if is_empty_html(text):
            if item.get("id") in (None, ""):
                continue  # an empty row of the editor
            errors.add(f"{key}.text", _("Enter the text of this item."))
        rows.append({"id": item.get("id"), "text": text, "_key": key})
    assign_ids(rows, "i", errors, _opaque_ids)
    if len(rows) < 2 and "items" not in errors.messages:
        errors.add("items", two)
    scoring = data.get("scoring") or POSITIONS
    if scoring not in SCORINGS:
        errors.add("scoring", _("Choose positions or subset."))
        scoring = POSITIONS
    return {"items": strip_private(rows), "scoring": scoring}, errors.messages


def _items(data: dict) -> list[dict]:
    return [i for i in (data.get("items") or []) if isinstance(i, dict) and i.get("id")]


def shuffle_order_ordering(data: dict, rng: random.Random, shuffle: bool = True) -> dict:
    """Always shuffled, whatever the quiz says (the right order shown is the answer given away); with
    two items or more, never the right order."""
    right = [i["id"] for i in _items(data)]
    shown = list(right)
    if len(right) >= 2:
        for _attempt in range(20):
            rng.shuffle(shown)
            if shown != right:
                break
        if shown == right:  # 20 unlucky shuffles: rotate by one
            shown = right[1:] + right[:1]
    return {"items": shown}


def _ordered_items(data: dict, order: dict | None) -> list[dict]:
    by_id = {i["id"]: i for i in _items(data)}
    shown = [i for i in ((order or {}).get("items") or []) if i in by_id]
    if not shown:  # no order: an order that does not give the answer away
        shown = sorted(by_id, key=lambda i: (plain_text(by_id[i].get("text")).casefold(), i))
        if shown == list(by_id) and len(shown) >= 2:
            shown = shown[1:] + shown[:1]
    shown += [i for i in by_id if i not in set(shown)]
    return [by_id[i] for i in dict.fromkeys(shown)]


def learner_view_ordering(data: dict, order: dict | None = None) -> dict:
    return {"items": [{"id": i["id"], "text": i.get("text", "")} for i in _ordered_items(data, order)]}


def clean_response_ordering(data: dict, raw: Any, order: dict | None = None) -> dict:
    """{"order": [ids]} (a list, or "i3,i1,i2"), or {"positions": {"i1": "2", ...}} as a form without
    JavaScript sends it (1-based; ties keep the shown order); unknown ids and repeats are dropped."""
    raw = response_dict(raw)
    known = [i["id"] for i in _items(data)]
    value = raw.get("order")
    if isinstance(value, str):
        value = [v.strip() for v in value.split(",")]
    if not isinstance(value, list | tuple):
        value = None
    positions = raw.get("positions")
    if value is None and isinstance(positions, dict):
        shown = [i["id"] for i in _ordered_items(data, order)]
        ranked = []
        for item_id, position in positions.items():
            if item_id not in known:
                continue
            try:
                ranked.append((int(str(position).strip()), shown.index(item_id), item_id))
            except ValueError:
                continue
        value = [item_id for _p, _s, item_id in sorted(ranked)]
    if not value:
        return {}
    kept = list(dict.fromkeys(v for v in value if isinstance(v, str) and v in known))
    return {"order": kept} if kept else {}


def is_blank_ordering(data: dict, response: dict) -> bool:
    return not clean_response_ordering(data, response)


def longest_ordered_subset(answer: list[str], right: list[str]) -> int:
    """The length of the longest run of the response's items that are in the right relative order, not
    necessarily next to each other (the longest increasing subsequence of their right positions)."""
    place = {item: n for n, item in enumerate(right)}
    tails: list[int] = []
    for item in answer:
        if item not in place:
            continue
        p = place[item]
        low, high = 0, len(tails)
        while low < high:
            mid = (low + high) // 2
            if tails[mid] < p:
                low = mid + 1
            else:
                high = mid
        if low == len(tails):
            tails.append(p)
        else:
            tails[low] = p
    return len(tails)


def grade_ordering(data: dict, response: dict, order: dict | None = None) -> Grade:
    """ "positions": items in the right absolute place / n. "subset": the longest ordered subset / n,
    counted only from 2 items (Moodle ordering's "longest ordered subset", absolute grading)."""
    right = [i["id"] for i in _items(data)]
    answer = clean_response_ordering(data, response).get("order", [])
    if not right or not answer:
        return Grade.blank()
    if data.get("scoring") == SUBSET:
        length = longest_ordered_subset(answer, right)
        return Grade.graded(length / len(right) if length >= 2 else 0.0)
    return Grade.graded(sum(1 for a, r in zip(answer, right, strict=False) if a == r) / len(right))


def right_answer_ordering(data: dict) -> str:
    return ", ".join(plain_text(i.get("text")) for i in _items(data))


def summary_ordering(data: dict, response: dict, order: dict | None = None) -> str:
    texts = {i["id"]: plain_text(i.get("text")) for i in _items(data)}
    return ", ".join(texts[i] for i in clean_response_ordering(data, response).get("order", []))


ORDERING = QType(
    code="ordering",
    label=gettext_lazy("Ordering"),
    description=gettext_lazy(
        "Put items in order; credit for items in the right place or for the longest ordered subset."
    ),
    clean=clean_ordering,
    shuffle_order=shuffle_order_ordering,
    learner_view=learner_view_ordering,
    clean_response=clean_response_ordering,
    is_blank=is_blank_ordering,
    grade=grade_ordering,
    right_answer=right_answer_ordering,
    response_summary=summary_ordering,
    random_guess=lambda data: None,
)
