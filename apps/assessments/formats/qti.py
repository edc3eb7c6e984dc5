"""QTI import (1.2 as Canvas and text2qti write it; 2.1 items) and QTI 1.2 export in Canvas's shape.

``parse_qti(data)`` takes a ZIP package with ``imsmanifest.xml`` (or, as a convenience, a bare
``questestinterop`` / ``assessmentItem`` XML file) and returns a ``ParsedQuiz``. The archive goes through
``archive.open_zip`` (size, entry, ratio, name and symlink checks) and every XML file through
``archive.parse_xml`` (defusedxml). HTML from the package is sanitized with
``apps.courses.rendering.sanitize_html``. Questions that cannot be used become ``Skipped(ref=item ident,
reason)``; only an unusable package raises ``FormatError``.

How Canvas QTI 1.2 maps onto our types
- multiple_choice -> "choice": the option(s) a ``setvar SCORE`` condition scores get score/maxvalue
  (Canvas: 100/100 = 1.0), the others 0.
- true_false -> "truefalse" (choices labelled True/False; anything else is read as a "choice").
- multiple_answers -> "multiple". Canvas's XML scores all-or-nothing (``and(right..., not(wrong)...)``),
  while Canvas itself grades "points / number of right answers for each right one chosen, the same
  deducted for each wrong one". We map it exactly that way: each of the k right options gets 1/k, each wrong
  option -1/k. Choosing exactly the right set (the Canvas-correct response) sums to 1.0; any other choice
  scores less (never below 0).
- short_answer -> "shortanswer" (case-insensitive, as in Canvas); numerical -> "numeric": ``varequal``
  alone is exact, ``or(varequal v, and(vargte a, varlte b))`` is v with tolerance max(v-a, b-v),
  ``vargte a`` + ``varlte b`` is the range a..b; essay -> "essay"; text_only -> "description";
  matching -> "matching"; file_upload and every other type -> Skipped, naming the type.
- The item title is the question name (Canvas's placeholder "Question": a name from the text instead).
- points_possible -> default_mark; a section with ``selection_number`` (and ``points_per_item``) ->
  ``ParsedGroup``.
- Feedback: ``general_fb`` -> general_feedback; ``<choice>_fb`` -> that option's / answer's feedback;
  ``correct_fb`` is appended to the feedback of the fully right options/answers and ``general_incorrect_fb``
  to the others (short answer and numerical: it becomes a catch-all answer ``*`` / ``value: null`` at
  fraction 0), since our types carry feedback per option, not per outcome.
- assessment_meta.xml -> settings: title, description, shuffle_answers, attempts_allowed (Canvas -1 ->
  0 = unlimited), time_limit (minutes x 60 = seconds), navigation ("sequential" if cant_go_back else
  "free"), questions_per_page (1 if one_question_at_a_time else 0), grade_method (keep_highest/keep_latest/
  keep_average -> highest/last/average).

QTI 2.1 (and 3.0, whose kebab-case names are normalized first): choiceInteraction (single/multiple by
cardinality; scored from mapping/mapEntry if present, else correctResponse, multiple as above),
textEntryInteraction (string -> shortanswer, float/integer -> numeric), extendedTextInteraction -> essay,
matchInteraction (directedPair correctResponse -> matching), orderInteraction (ordered -> ordering, scored
by positions). responseProcessing is never interpreted.

Export (``export_qti``) writes the Canvas shape (imsmanifest.xml, assessment_meta.xml, the assessment XML),
so Canvas imports choice, truefalse, multiple (as all-or-nothing multiple_answers: Canvas cannot carry
per-option fractions), shortanswer, numeric, essay, description and matching. Everything Canvas cannot
express (exact fractions, per-question shuffle, units, wildcards, essay options, penalty, hints, category,
tags) travels in one extra ``qtimetadatafield`` ``learnstack_question`` (JSON) that Canvas ignores and our
import reads back, so our own export -> import round trip is lossless. Ordering has no Canvas QTI 1.2
form: it is written as a matching_question ("1" -> first item, "2" -> second...), which Canvas grades like
our "positions" scoring, and the metadata field turns it back into an ordering question here. Quiz
settings go to assessment_meta.xml as Canvas knows them; all simple-valued settings also travel in an
assessment-level ``learnstack_settings`` field, so what Canvas cannot hold (grade_method "first", written
as keep_highest; questions_per_page other than 0/1; settings Canvas has no name for) also comes back.
"""

from __future__ import annotations

import copy
import html
import io
import json
import math
import re
import uuid
import zipfile
from xml.etree import ElementTree as ET  # building our own XML and serializing trees parsed by defusedxml

import nh3
from django.utils.translation import gettext as _

from apps.assessments.qtypes.base import content_id
from apps.courses.rendering import sanitize_html

from .archive import SafeZip, open_zip, parse_xml, resolve_href
from .base import (
    DEFAULT_PENALTY,
    TRUEFALSE_PENALTY,
    FormatError,
    ParsedGroup,
    ParsedQuestion,
    ParsedQuiz,
    Skipped,
)

OVERLAY_FIELD = "learnstack_question"
SETTINGS_FIELD = "learnstack_settings"
NS_QTI12 = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
NS_CP = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
NS_CANVAS_META = "http://canvas.instructure.com/xsd/cccv1p0"
TYPE_QTI12 = "imsqti_xmlv1p2"
TYPE_META = "associatedcontent/imscc_xmlv1p1/learning-application-resource"
GENERAL_FB, CORRECT_FB, INCORRECT_FB = "general_fb", "correct_fb", "general_incorrect_fb"
MAX_SECTION_DEPTH = 10
_SHORT_ID = re.compile(r"^[A-Za-z0-9_.-]{1,20}$")


# --- small helpers ------------------------------------------------------------------------------------------


def _kebab_to_camel(name: str) -> str:
    head, *rest = name.split("-")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _normalize(root: ET.Element) -> ET.Element:
    """Drop namespaces from tags and attributes; QTI 3.0 ``qti-foo-bar`` becomes 2.1's ``fooBar``."""
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        tag = el.tag.rsplit("}", 1)[-1]
        if tag.startswith("qti-"):
            tag = _kebab_to_camel(tag[4:])
            attrib = {_kebab_to_camel(k.rsplit("}", 1)[-1]): v for k, v in el.attrib.items() if "}" not in k}
        else:
            attrib = {k: v for k, v in el.attrib.items() if "}" not in k}
        el.tag = tag
        el.attrib.clear()
        el.attrib.update(attrib)
    return root


def _xml(data: bytes) -> ET.Element:
    return _normalize(parse_xml(data))


def _text(el: ET.Element | None) -> str:
    return "".join(el.itertext()).strip() if el is not None else ""


def _plain(fragment: str) -> str:
    """HTML to plain text (tags dropped, entities decoded, whitespace collapsed)."""
    text = html.unescape(nh3.clean(fragment or "", tags=set(), clean_content_tags={"script", "style"}))
    return " ".join(text.split())


def _clean_html(fragment: str) -> str:
    return sanitize_html(fragment or "").strip()


def _inner_html(el: ET.Element) -> str:
    parts = [html.escape(el.text or "", quote=False)]
    parts.extend(ET.tostring(child, encoding="unicode", method="html") for child in el)
    return "".join(parts)


def _float(value) -> float | None:
    try:
        number = float(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _bool(value: str | None) -> bool | None:
    if value is None:
        return None
    value = value.strip().lower()
    if value in ("true", "yes", "1"):
        return True
    if value in ("false", "no", "0"):
        return False
    return None


def _join_html(*parts: str) -> str:
    return "".join(part for part in parts if part)


def _num(value: float) -> str:
    value = float(value)
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


def _name_for(title: str, text: str, ident: str) -> str:
    title = " ".join((title or "").split())
    # "Question" is Canvas's and text2qti's placeholder title: a name from the text is more useful.
    if title and title != "Question":
        return title[:255]
    plain = _plain(text)
    return (plain[:80] + "…" if len(plain) > 80 else plain) or ident or "Question"


def _clamp(value: float, low: float = -1.0, high: float = 1.0) -> float:
    return max(low, min(high, value))


def _multiple_fractions(option_ids: list[str], correct: set[str]) -> dict[str, float]:
    """Canvas's multiple-answers grading: each right option 1/k, each wrong one -1/k (k = number right)."""
    k = len(correct)
    return {oid: (1.0 / k if oid in correct else -1.0 / k) for oid in option_ids}


def _short_ids(idents: list[str], prefix: str = "") -> dict[str, str]:
    """Keep short, unique identifiers; rename long ones (text2qti's hashes): pairs to p1, p2... (their
    prompts are shown anyway), options and items to a hash of the identifier, which says nothing of their
    place (letters by position would tell a learner which option the author wrote first, or an ordering
    question's right order)."""
    if len(set(idents)) == len(idents) and all(_SHORT_ID.match(i) for i in idents):
        return {i: i for i in idents}
    if prefix == "p":
        return {ident: f"p{n + 1}" for n, ident in enumerate(idents)}
    used: set[str] = set()
    return {ident: content_id(ident, used, prefix or "o") for ident in idents}


# --- QTI 1.2 ------------------------------------------------------------------------------------------------


def _material_html(el: ET.Element | None, *, deep: bool = True) -> str:
    """The HTML of the mattext/matimage in ``el`` (all descendants, or only direct material children)."""
    if el is None:
        return ""
    parts: list[str] = []
    if deep:
        nodes = list(el.iter())
    else:
        nodes = []
        for child in el:
            if child.tag == "material":
                nodes.extend(child.iter())
            elif child.tag == "flow":
                nodes.extend(m for c in child.iter("material") for m in c.iter())
    for node in nodes:
        if node.tag in ("mattext", "matemtext"):
            content = _inner_html(node) if len(node) else (node.text or "")
            texttype = (node.get("texttype") or "text/plain").lower()
            parts.append(content if "html" in texttype else html.escape(content, quote=False))
        elif node.tag == "matimage" and node.get("uri"):
            parts.append(f'<img src="{html.escape(node.get("uri"))}" alt="">')
    return _clean_html("".join(parts))


class _Cond:
    """One ``respcondition``: its condition, the SCORE it sets (None if none) and the feedback it shows."""

    def __init__(self, el: ET.Element, maxvalue: float):
        self.var = el.find("conditionvar")
        self.score: float | None = None
        for setvar in el.findall("setvar"):
            if (setvar.get("varname") or "SCORE").upper() == "SCORE":
                value = _float(setvar.text)
                if value is not None:
                    self.score = (self.score or 0.0) + value if setvar.get("action") == "Add" else value
        self.fraction = None if self.score is None else self.score / maxvalue
        self.feedback = [d.get("linkrefid") for d in el.findall("displayfeedback") if d.get("linkrefid")]

    def equals(self) -> list[tuple[str, str]]:
        """(respident, value) of the varequal tests that must hold (not those under <not>)."""
        found: list[tuple[str, str]] = []

        def walk(node: ET.Element) -> None:
            for child in node:
                if child.tag == "not":
                    continue
                if child.tag == "varequal":
                    found.append((child.get("respident") or "", (child.text or "").strip()))
                else:
                    walk(child)

        if self.var is not None:
            walk(self.var)
        return found

    def first(self, tag: str) -> str | None:
        if self.var is None:
            return None
        for node in self.var.iter(tag):
            return (node.text or "").strip()
        return None

    def case_sensitive(self) -> bool:
        return self.var is not None and any(
            (v.get("case") or "").lower() == "yes" for v in self.var.iter("varequal")
        )

    def own_feedback(self) -> list[str]:
        return [f for f in self.feedback if f not in (GENERAL_FB, CORRECT_FB, INCORRECT_FB)]


_CC_PROFILES = {
    "cc.multiple_choice.v0p1": "multiple_choice_question",
    "cc.true_false.v0p1": "true_false_question",
    "cc.multiple_response.v0p1": "multiple_answers_question",
    "cc.fib.v0p1": "short_answer_question",
    "cc.essay.v0p1": "essay_question",
}


class _Item12:
    def __init__(self, item: ET.Element):
        self.el = item
        self.ident = item.get("ident") or ""
        self.title = item.get("title") or ""
        self.meta: dict[str, str] = {}
        for field in item.iter("qtimetadatafield"):
            label = _text(field.find("fieldlabel"))
            if label:
                self.meta[label] = (field.findtext("fieldentry") or "").strip()
        self.presentation = item.find("presentation")
        self.text = _material_html(self.presentation, deep=False)
        self.feedback = {
            fb.get("ident"): _material_html(fb) for fb in item.findall("itemfeedback") if fb.get("ident")
        }
        maxvalue = 100.0
        resprocessing = item.find("resprocessing")
        if resprocessing is not None:
            for decvar in resprocessing.iter("decvar"):
                if (decvar.get("varname") or "SCORE").upper() == "SCORE":
                    maxvalue = _float(decvar.get("maxvalue")) or 100.0
                    break
        self.maxvalue = maxvalue if maxvalue > 0 else 100.0
        self.conds = [_Cond(c, self.maxvalue) for c in item.iter("respcondition")]

    def fb(self, link: str) -> str:
        return self.feedback.get(link, "")

    def question_type(self) -> str:
        qtype = self.meta.get("question_type", "").strip()
        if qtype:
            return qtype
        profile = self.meta.get("cc_profile", "").strip()
        if profile:  # Common Cartridge's QTI profile (Canvas course exports, other LMSs)
            return _CC_PROFILES.get(profile, profile)
        presentation = self.presentation
        if presentation is None:
            return "text_only_question"
        lid = presentation.find(".//response_lid")
        if lid is not None:
            if len(presentation.findall(".//response_lid")) > 1:
                return "matching_question"
            return (
                "multiple_answers_question"
                if lid.get("rcardinality") == "Multiple"
                else "multiple_choice_question"
            )
        fib = presentation.find(".//render_fib")
        if fib is not None:
            if (fib.get("fibtype") or "").lower() in ("decimal", "integer", "scientific"):
                return "numerical_question"
            return "short_answer_question" if any(c.equals() for c in self.conds) else "essay_question"
        return "text_only_question"

    def labels(self, lid: ET.Element | None = None) -> list[tuple[str, str]]:
        if lid is None:
            lid = self.presentation.find(".//response_lid") if self.presentation is not None else None
        if lid is None:
            return []
        return [
            (label.get("ident") or "", _material_html(label))
            for label in lid.iter("response_label")
            if label.get("ident")
        ]

    def question(self, qtype: str, data: dict, **extra) -> ParsedQuestion:
        mark = _float(self.meta.get("points_possible", self.meta.get("cc_weighting")))
        return ParsedQuestion(
            qtype=qtype,
            name=_name_for(self.title, self.text, self.ident),
            text=self.text,
            general_feedback=self.fb(GENERAL_FB),
            default_mark=mark if mark is not None and mark >= 0 else (0.0 if qtype == "description" else 1.0),
            penalty=TRUEFALSE_PENALTY if qtype == "truefalse" else DEFAULT_PENALTY,
            data=data,
            source_ref=self.ident,
            **extra,
        )


class _Skip(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _choice_feedback(item: _Item12, idents: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for cond in item.conds:
        links = cond.own_feedback()
        values = [v for __, v in cond.equals()]
        if links and len(values) == 1 and values[0] in idents:
            found[values[0]] = _join_html(found.get(values[0], ""), *(item.fb(link) for link in links))
    for ident in idents:
        if ident not in found and item.fb(f"{ident}_fb"):
            found[ident] = item.fb(f"{ident}_fb")
    return found


def _parse_choice12(item: _Item12, qtype: str) -> ParsedQuestion:
    labels = item.labels()
    if len(labels) < 2:
        raise _Skip(_("The question has fewer than two choices."))
    idents = [ident for ident, __ in labels]
    feedback = _choice_feedback(item, idents)
    scores: dict[str, float] = {}
    for cond in item.conds:
        if cond.fraction is None:
            continue
        for __, value in cond.equals():
            if value in idents:
                scores[value] = max(scores.get(value, -1.0), _clamp(cond.fraction))
    correct_fb, incorrect_fb = item.fb(CORRECT_FB), item.fb(INCORRECT_FB)

    if qtype == "multiple":
        correct = {ident for ident, score in scores.items() if score > 0}
        if not correct:
            raise _Skip(_("The question has no correct choice."))
        fractions = _multiple_fractions(idents, correct)
    else:
        fractions = {ident: scores.get(ident, 0.0) for ident in idents}
        if not any(f == 1.0 for f in fractions.values()):
            raise _Skip(_("The question has no choice worth full marks."))

    plain = {ident: _plain(text).lower() for ident, text in labels}
    if qtype == "choice" and len(labels) == 2 and sorted(plain.values()) == ["false", "true"]:
        by_word = {word: ident for ident, word in plain.items()}
        true_id, false_id = by_word["true"], by_word["false"]
        correct_is_true = fractions[true_id] == 1.0
        right_id, wrong_id = (true_id, false_id) if correct_is_true else (false_id, true_id)
        fbs = {right_id: _join_html(feedback.get(right_id, ""), correct_fb)}
        fbs[wrong_id] = _join_html(feedback.get(wrong_id, ""), incorrect_fb)
        return item.question(
            "truefalse",
            {"correct": correct_is_true, "feedback_true": fbs[true_id], "feedback_false": fbs[false_id]},
        )

    ids = _short_ids(idents)
    options = []
    for ident, text in labels:
        full = fractions[ident] == 1.0 if qtype == "choice" else fractions[ident] > 0
        extra = correct_fb if full else incorrect_fb
        options.append(
            {
                "id": ids[ident],
                "text": text,
                "fraction": fractions[ident],
                "feedback": _join_html(feedback.get(ident, ""), extra),
            }
        )
    return item.question(qtype, {"options": options, "shuffle": True})


def _parse_shortanswer12(item: _Item12) -> ParsedQuestion:
    answers: dict[str, dict] = {}
    case_sensitive = False
    scored = [c for c in item.conds if c.fraction is not None]
    for cond in scored + [c for c in item.conds if c.fraction is None]:
        for __, value in cond.equals():
            if not value:
                continue
            answer = answers.setdefault(value, {"text": value, "fraction": 0.0, "feedback": ""})
            if cond.fraction is not None:
                answer["fraction"] = max(answer["fraction"], _clamp(cond.fraction, 0.0, 1.0))
            if cond.own_feedback() and len(cond.equals()) == 1:
                answer["feedback"] = _join_html(
                    answer["feedback"], *(item.fb(f) for f in cond.own_feedback())
                )
            case_sensitive = case_sensitive or cond.case_sensitive()
    result = list(answers.values())
    if not any(a["fraction"] > 0 for a in result):
        raise _Skip(_("The question has no accepted answer."))
    if item.fb(CORRECT_FB):
        for answer in result:
            if answer["fraction"] == 1.0:
                answer["feedback"] = _join_html(answer["feedback"], item.fb(CORRECT_FB))
    if item.fb(INCORRECT_FB):
        result.append({"text": "*", "fraction": 0.0, "feedback": item.fb(INCORRECT_FB)})
    return item.question("shortanswer", {"answers": result, "case_sensitive": case_sensitive})


def _numeric_answer(cond: _Cond) -> dict | None:
    exact, low, high = cond.first("varequal"), cond.first("vargte"), cond.first("varlte")
    low = low if low is not None else cond.first("vargt")
    high = high if high is not None else cond.first("varlt")
    exact_v, low_v, high_v = _float(exact), _float(low), _float(high)
    if exact is not None:
        if exact_v is None:
            return None
        tolerance = 0.0
        if low_v is not None and high_v is not None:
            tolerance = round(max(exact_v - low_v, high_v - exact_v, 0.0), 9)
        return {"value": exact_v, "tolerance": tolerance}
    if low_v is not None and high_v is not None and low_v <= high_v:
        return {"min": low_v, "max": high_v}
    return None


def _parse_numeric12(item: _Item12) -> ParsedQuestion:
    answers = []
    for cond in item.conds:
        if cond.fraction is None or cond.var is None:
            continue
        answer = _numeric_answer(cond)
        if answer is None:
            continue
        answer["fraction"] = _clamp(cond.fraction, 0.0, 1.0)
        answer["feedback"] = _join_html(*(item.fb(f) for f in cond.own_feedback()))
        answers.append(answer)
    if not any(a["fraction"] > 0 for a in answers):
        raise _Skip(
            _("The numerical question has no answer we can read (exact, exact with margin or range).")
        )
    if item.fb(CORRECT_FB):
        for answer in answers:
            if answer["fraction"] == 1.0:
                answer["feedback"] = _join_html(answer["feedback"], item.fb(CORRECT_FB))
    if item.fb(INCORRECT_FB):
        answers.append({"value": None, "fraction": 0.0, "feedback": item.fb(INCORRECT_FB)})
    return item.question("numeric", {"answers": answers, "units": [], "unit_required": False})


def _parse_matching12(item: _Item12) -> ParsedQuestion:
    lids = item.presentation.findall(".//response_lid") if item.presentation is not None else []
    if len(lids) < 2:
        raise _Skip(_("The matching question has fewer than two prompts."))
    lid_idents = [lid.get("ident") or "" for lid in lids]
    stripped = [i[len("response_") :] if i.startswith("response_") else i for i in lid_idents]
    pair_ids = _short_ids(stripped, prefix="p")
    pairs, used, offered = [], [], []
    for lid, short in zip(lids, stripped, strict=True):
        labels = dict(item.labels(lid))
        for text in labels.values():
            plain = _plain(text)
            if plain and plain not in offered:
                offered.append(plain)
        right = None
        for cond in item.conds:
            if cond.fraction is not None and cond.fraction > 0:
                for respident, value in cond.equals():
                    if respident == lid.get("ident") and value in labels:
                        right = _plain(labels[value])
        if right is None:
            raise _Skip(_("A prompt of the matching question has no correct match."))
        prompt = _material_html(lid, deep=False)
        pairs.append({"id": pair_ids[short], "prompt": prompt, "answer": right})
        used.append(right)
    distractors = [text for text in offered if text not in used]
    return item.question("matching", {"pairs": pairs, "distractors": distractors, "shuffle": True})


_CANVAS_TYPES = {
    "multiple_choice_question": "choice",
    "true_false_question": "choice",
    "multiple_answers_question": "multiple",
    "short_answer_question": "shortanswer",
    "numerical_question": "numeric",
    "essay_question": "essay",
    "text_only_question": "description",
    "matching_question": "matching",
}
# The qtype our own metadata field may turn a standard question into (the field is ignored otherwise).
_OVERLAY_ALLOWED = {
    "choice": {"choice"},
    "truefalse": {"truefalse"},
    "multiple": {"multiple"},
    "shortanswer": {"shortanswer"},
    "numeric": {"numeric"},
    "essay": {"essay"},
    "description": {"description"},
    "matching": {"matching", "ordering"},
}


def _parse_item12(el: ET.Element) -> ParsedQuestion:
    item = _Item12(el)
    canvas_type = item.question_type()
    qtype = _CANVAS_TYPES.get(canvas_type)
    if canvas_type == "file_upload_question":
        raise _Skip(_("File upload questions are not supported."))
    if qtype is None:
        label = canvas_type.removesuffix("_question").replace("_", " ")
        raise _Skip(
            _("%(label)s questions (%(type)s) are not supported.")
            % {"label": label.capitalize(), "type": canvas_type}
        )
    if qtype in ("choice", "multiple"):
        question = _parse_choice12(item, qtype)
    elif qtype == "shortanswer":
        question = _parse_shortanswer12(item)
    elif qtype == "numeric":
        question = _parse_numeric12(item)
    elif qtype == "matching":
        question = _parse_matching12(item)
    elif qtype == "essay":
        data = {"min_words": None, "max_words": None, "template": "", "grader_info": "", "format": "html"}
        question = item.question("essay", data)
    else:
        question = item.question("description", {})
    if OVERLAY_FIELD in item.meta:
        _apply_overlay(question, item.meta[OVERLAY_FIELD])
    return question


# --- our own metadata field ---------------------------------------------------------------------------------

_HTML_PATHS = {
    "choice": {("options", "text"), ("options", "feedback")},
    "multiple": {("options", "text"), ("options", "feedback")},
    "truefalse": {("feedback_true",), ("feedback_false",)},
    "shortanswer": {("answers", "feedback")},
    "numeric": {("answers", "feedback")},
    "matching": {("pairs", "prompt")},
    "ordering": {("items", "text")},
    "essay": {("template",), ("grader_info",)},
    "description": set(),
}


def _sanitize_data(qtype: str, data: dict) -> dict:
    paths = _HTML_PATHS[qtype]
    clean = {}
    for key, value in data.items():
        if (key,) in paths and isinstance(value, str):
            value = _clean_html(value)
        elif isinstance(value, list) and any(p[0] == key and len(p) == 2 for p in paths):
            subkeys = {p[1] for p in paths if p[0] == key and len(p) == 2}
            value = [
                {k: (_clean_html(v) if k in subkeys and isinstance(v, str) else v) for k, v in entry.items()}
                if isinstance(entry, dict)
                else entry
                for entry in value
            ]
        clean[key] = value
    return clean


def _ids(entries) -> list:
    return [e.get("id") for e in entries if isinstance(e, dict)] if isinstance(entries, list) else []


def _overlay_fits(qtype: str, data: dict, standard: ParsedQuestion) -> bool:
    """The metadata must describe the same question as the standard XML (guards against stale copies)."""
    if qtype in ("choice", "multiple"):
        return sorted(_ids(data.get("options"))) == sorted(o["id"] for o in standard.data["options"])
    if qtype == "matching":
        return sorted(_ids(data.get("pairs"))) == sorted(p["id"] for p in standard.data["pairs"])
    if qtype == "ordering":
        return len(_ids(data.get("items"))) == len(standard.data.get("pairs", []))
    return True


def _apply_overlay(question: ParsedQuestion, raw: str) -> None:
    try:
        extra = json.loads(raw)
    except (ValueError, RecursionError):
        return
    if not isinstance(extra, dict):
        return
    qtype, data = extra.get("qtype"), extra.get("data")
    if qtype not in _OVERLAY_ALLOWED.get(question.qtype, ()) or not isinstance(data, dict):
        return
    data = _sanitize_data(qtype, data)
    if not _overlay_fits(qtype, data, question):
        return
    question.qtype, question.data = qtype, data
    penalty = extra.get("penalty")
    if isinstance(penalty, int | float) and not isinstance(penalty, bool) and 0 <= penalty <= 1:
        question.penalty = float(penalty)
    hints = extra.get("hints")
    if isinstance(hints, list) and all(isinstance(h, str) for h in hints):
        question.hints = [_clean_html(h) for h in hints]
    if isinstance(extra.get("category"), str):
        question.category = extra["category"][:1000]
    tags = extra.get("tags")
    if isinstance(tags, list) and all(isinstance(t, str) for t in tags):
        question.tags = [t[:100] for t in tags]


# --- QTI 1.2 documents --------------------------------------------------------------------------------------


def _parse_one(el: ET.Element, quiz: ParsedQuiz) -> ParsedQuestion | None:
    ident = el.get("ident") or el.get("title") or "item"
    try:
        return _parse_item12(el)
    except _Skip as skip:
        quiz.skipped.append(Skipped(ref=ident, reason=skip.reason))
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
        quiz.skipped.append(
            Skipped(
                ref=ident,
                reason=_("The question could not be read (%(error)s).") % {"error": type(exc).__name__},
            )
        )
    return None


def _walk_section(
    section: ET.Element, quiz: ParsedQuiz, out: list, depth: int = 0, in_group: bool = False
) -> None:
    if depth > MAX_SECTION_DEPTH:
        quiz.skipped.append(
            Skipped(ref=section.get("ident") or "section", reason=_("Sections are nested too deeply."))
        )
        return
    for child in section:
        if child.tag == "item":
            question = _parse_one(child, quiz)
            if question is not None:
                out.append(question)
        elif child.tag == "section":
            number = child.find("selection_ordering/selection/selection_number")
            if number is None or in_group:
                _walk_section(child, quiz, out, depth + 1, in_group)
                continue
            ident = child.get("ident") or "group"
            members: list[ParsedQuestion] = []
            _walk_section(child, quiz, members, depth + 1, in_group=True)
            if not members:
                bank = child.find(".//sourcebank_ref") is not None
                reason = (
                    _("The group draws from a question bank that is not in this file.")
                    if bank
                    else _("The group has no usable questions.")
                )
                quiz.skipped.append(Skipped(ref=ident, reason=reason))
                continue
            pick = _float(_text(number))
            pick = int(pick) if pick is not None and pick >= 1 else 1
            points = _float(
                child.findtext("selection_ordering/selection/selection_extension/points_per_item")
            )
            out.append(
                ParsedGroup(
                    name=(child.get("title") or ident)[:255],
                    pick=min(pick, len(members)),
                    points_per_item=points,
                    questions=members,
                )
            )


def _parse_questestinterop(root: ET.Element, quiz: ParsedQuiz) -> None:
    if root.tag != "questestinterop":
        raise FormatError(_("The QTI 1.2 file has no questestinterop root element."))
    for child in root:
        if child.tag == "assessment":
            if not quiz.title and child.get("title"):
                quiz.title = child.get("title").strip()
            for field in child.findall("qtimetadata/qtimetadatafield"):
                label = _text(field.find("fieldlabel"))
                if label == "cc_maxattempts":
                    attempts = _float(field.findtext("fieldentry"))
                    if attempts is not None:
                        quiz.settings.setdefault("attempts_allowed", max(int(attempts), 0))
                elif label == SETTINGS_FIELD:
                    _apply_settings_overlay(quiz, field.findtext("fieldentry") or "")
            for section in child.findall("section"):
                _walk_section(section, quiz, quiz.questions)
        elif child.tag in ("objectbank", "section"):
            _walk_section(child, quiz, quiz.questions)
        elif child.tag == "item":
            question = _parse_one(child, quiz)
            if question is not None:
                quiz.questions.append(question)


_SETTING_NAME = re.compile(r"^[a-z][a-z0-9_]{0,49}$")


def _apply_settings_overlay(quiz: ParsedQuiz, raw: str) -> None:
    """Our own settings field: simple values Canvas's assessment_meta.xml cannot hold (grade_method first...)."""
    try:
        extra = json.loads(raw)
    except (ValueError, RecursionError):
        return
    if not isinstance(extra, dict):
        return
    for key, value in list(extra.items())[:100]:
        if key in ("title", "description") or not isinstance(key, str) or not _SETTING_NAME.match(key):
            continue
        if (
            value is None
            or isinstance(value, bool | int | float)
            or (isinstance(value, str) and len(value) < 1000)
        ):
            quiz.settings[key] = value


_GRADE_METHODS = {"keep_highest": "highest", "keep_latest": "last", "keep_average": "average"}


def _parse_meta(root: ET.Element, quiz: ParsedQuiz) -> None:
    def get(tag: str) -> str | None:
        node = root.find(tag)
        return None if node is None else (node.text or "").strip()

    settings = quiz.settings
    if get("title"):
        quiz.title = get("title")
        settings["title"] = quiz.title
    if get("description"):
        quiz.description = _clean_html(get("description"))
        settings["description"] = quiz.description
    shuffle = _bool(get("shuffle_answers"))
    if shuffle is not None:
        settings["shuffle_answers"] = shuffle
    attempts = _float(get("allowed_attempts"))
    if attempts is not None:
        settings["attempts_allowed"] = int(attempts) if attempts > 0 else 0
    minutes = _float(get("time_limit"))
    if minutes is not None and minutes > 0:
        settings["time_limit"] = round(minutes * 60)
    one_at_a_time = _bool(get("one_question_at_a_time"))
    if one_at_a_time is not None:
        settings["questions_per_page"] = 1 if one_at_a_time else 0
    cant_go_back = _bool(get("cant_go_back"))
    if cant_go_back is not None:
        settings["navigation"] = "sequential" if cant_go_back else "free"
    method = _GRADE_METHODS.get(get("scoring_policy") or "")
    if method:
        settings["grade_method"] = method


# --- QTI 2.1 ------------------------------------------------------------------------------------------------

_QTI_ONLY = {
    "feedbackInline",
    "feedbackBlock",
    "modalFeedback",
    "templateInline",
    "templateBlock",
    "rubricBlock",
    "printedVariable",
    "prompt",
}
_INTERACTION_SUFFIX = "Interaction"


class _Decl:
    def __init__(self, el: ET.Element):
        self.cardinality = el.get("cardinality") or "single"
        self.base_type = el.get("baseType") or ""
        self.correct = [(v.text or "").strip() for v in el.findall("correctResponse/value")]
        self.mapping: list[tuple[str, float, bool]] = []
        mapping = el.find("mapping")
        self.default_value = 0.0
        if mapping is not None:
            self.default_value = _float(mapping.get("defaultValue")) or 0.0
            for entry in mapping.findall("mapEntry"):
                value = _float(entry.get("mappedValue"))
                if entry.get("mapKey") is not None and value is not None:
                    sensitive = (entry.get("caseSensitive") or "").lower() == "true"
                    self.mapping.append((entry.get("mapKey").strip(), value, sensitive))


def _remove_keep_tail(parent: ET.Element, child: ET.Element, replacement: str = "") -> None:
    index = list(parent).index(child)
    tail = replacement + (child.tail or "")
    if index == 0:
        parent.text = (parent.text or "") + tail
    else:
        previous = parent[index - 1]
        previous.tail = (previous.tail or "") + tail
    parent.remove(child)


def _strip_qti(el: ET.Element) -> ET.Element:
    """A copy of ``el`` without interactions and QTI-only elements; inline text entries become blanks."""
    el = copy.deepcopy(el)
    parents = {child: parent for parent in el.iter() for child in parent}
    for node in list(el.iter()):
        if node is el or node not in parents:
            continue
        if node.tag in _QTI_ONLY or node.tag.endswith(_INTERACTION_SUFFIX):
            blank = "_____" if node.tag in ("textEntryInteraction", "inlineChoiceInteraction") else ""
            _remove_keep_tail(parents[node], node, blank)
    return el


def _choice_html(el: ET.Element) -> str:
    return _clean_html(_inner_html(_strip_qti(el)))


def _fractions_from(decl: _Decl, keys: list[str], multiple: bool) -> dict[str, float]:
    if decl.mapping:
        mapped = {key: value for key, value, __ in decl.mapping}
        values = {key: mapped.get(key, decl.default_value) for key in keys}
        best = sum(v for v in values.values() if v > 0) if multiple else max(values.values(), default=0)
        if best <= 0:
            return dict.fromkeys(keys, 0.0)
        return {key: _clamp(value / best) for key, value in values.items()}
    correct = set(decl.correct)
    if multiple:
        right = correct & set(keys)
        return _multiple_fractions(keys, right) if right else dict.fromkeys(keys, 0.0)
    return {key: (1.0 if key in correct else 0.0) for key in keys}


def _parse_item21(root: ET.Element) -> ParsedQuestion:
    if root.tag != "assessmentItem":
        raise _Skip(_("The file is not a QTI 2.1 assessmentItem."))
    ident = root.get("identifier") or ""
    body = root.find("itemBody")
    if body is None:
        raise _Skip(_("The item has no itemBody."))
    interactions = [node for node in body.iter() if node.tag.endswith(_INTERACTION_SUFFIX)]
    if not interactions:
        raise _Skip(_("The item has no interaction."))
    if len(interactions) > 1:
        raise _Skip(_("Items with several interactions are not supported."))
    interaction = interactions[0]
    decls = {d.get("identifier"): _Decl(d) for d in root.findall("responseDeclaration")}
    decl = decls.get(interaction.get("responseIdentifier"))
    prompt = interaction.find("prompt")
    text = _clean_html(_inner_html(_strip_qti(body)) + (_choice_html(prompt) if prompt is not None else ""))
    mark = 1.0
    for outcome in root.findall("outcomeDeclaration"):
        if outcome.get("identifier") == "MAXSCORE":
            mark = _float(outcome.findtext("defaultValue/value")) or 1.0
        elif outcome.get("identifier") == "SCORE" and _float(outcome.get("normalMaximum")):
            mark = _float(outcome.get("normalMaximum"))

    def question(qtype: str, data: dict) -> ParsedQuestion:
        return ParsedQuestion(
            qtype=qtype,
            name=_name_for(root.get("title") or "", text, ident),
            text=text,
            default_mark=mark,
            penalty=TRUEFALSE_PENALTY if qtype == "truefalse" else DEFAULT_PENALTY,
            data=data,
            source_ref=ident,
        )

    tag = interaction.tag
    if tag == "extendedTextInteraction":
        fmt = "html" if interaction.get("format") == "xhtml" else "plain"
        data = {"min_words": None, "max_words": None, "template": "", "grader_info": "", "format": fmt}
        return question("essay", data)
    if decl is None:
        raise _Skip(_("The interaction has no response declaration."))

    if tag == "choiceInteraction":
        choices = [(c.get("identifier") or "", _choice_html(c)) for c in interaction.iter("simpleChoice")]
        if len(choices) < 2:
            raise _Skip(_("The question has fewer than two choices."))
        keys = [key for key, __ in choices]
        multiple = decl.cardinality == "multiple"
        fractions = _fractions_from(decl, keys, multiple)
        if multiple and not any(f > 0 for f in fractions.values()):
            raise _Skip(_("The question has no correct choice."))
        if not multiple and not any(f == 1.0 for f in fractions.values()):
            raise _Skip(_("The question has no choice worth full marks."))
        ids = _short_ids(keys)
        options = [{"id": ids[k], "text": t, "fraction": fractions[k], "feedback": ""} for k, t in choices]
        shuffle = _bool(interaction.get("shuffle")) or False
        return question("multiple" if multiple else "choice", {"options": options, "shuffle": shuffle})

    if tag == "textEntryInteraction":
        if decl.base_type in ("float", "integer"):
            answers = []
            best = max([v for __, v, __ in decl.mapping] + [0.0])
            for value in decl.correct:
                number = _float(value)
                if number is not None:
                    answers.append({"value": number, "tolerance": 0.0, "fraction": 1.0, "feedback": ""})
            for key, mapped, __ in decl.mapping:
                number = _float(key)
                if number is not None and best > 0 and all(a["value"] != number for a in answers):
                    fraction = _clamp(mapped / best, 0.0, 1.0)
                    answers.append({"value": number, "tolerance": 0.0, "fraction": fraction, "feedback": ""})
            if not any(a["fraction"] > 0 for a in answers):
                raise _Skip(_("The numeric question has no correct response."))
            return question("numeric", {"answers": answers, "units": [], "unit_required": False})
        if decl.base_type not in ("string", ""):
            raise _Skip(
                _("Text entry with base type %(type)s is not supported.") % {"type": repr(decl.base_type)}
            )
        answers = [{"text": value, "fraction": 1.0, "feedback": ""} for value in decl.correct if value]
        best = max([v for __, v, __ in decl.mapping] + [0.0])
        for key, mapped, __ in decl.mapping:
            if key and best > 0 and all(a["text"] != key for a in answers):
                answers.append({"text": key, "fraction": _clamp(mapped / best, 0.0, 1.0), "feedback": ""})
        if not any(a["fraction"] > 0 for a in answers):
            raise _Skip(_("The question has no accepted answer."))
        answers.sort(key=lambda a: -a["fraction"])
        case_sensitive = any(s for __, __, s in decl.mapping) if decl.mapping else True
        return question("shortanswer", {"answers": answers, "case_sensitive": case_sensitive})

    if tag == "matchInteraction":
        sets = interaction.findall("simpleMatchSet")
        if len(sets) != 2:
            raise _Skip(_("The match interaction needs two sets of choices."))
        sources = [(c.get("identifier") or "", c) for c in sets[0].findall("simpleAssociableChoice")]
        targets = {c.get("identifier") or "": c for c in sets[1].findall("simpleAssociableChoice")}
        pairs_raw = decl.correct or [key for key, value, __ in decl.mapping if value > 0]
        matches: dict[str, list[str]] = {}
        for raw in pairs_raw:
            parts = raw.split()
            if len(parts) != 2:
                continue
            left, right = parts
            if left in targets and right not in targets:
                left, right = right, left
            matches.setdefault(left, []).append(right)
        pairs = []
        ids = _short_ids([key for key, __ in sources], prefix="p")
        for key, choice in sources:
            rights = [r for r in matches.get(key, []) if r in targets]
            if len(rights) != 1:
                raise _Skip(_("Every prompt of the matching question needs exactly one correct match."))
            pairs.append(
                {
                    "id": ids[key],
                    "prompt": _choice_html(choice),
                    "answer": _plain(_choice_html(targets[rights[0]])),
                }
            )
        if len(pairs) < 2:
            raise _Skip(_("The matching question has fewer than two prompts."))
        used = {p["answer"] for p in pairs}
        distractors = []
        for choice in targets.values():
            plain = _plain(_choice_html(choice))
            if plain and plain not in used and plain not in distractors:
                distractors.append(plain)
        shuffle = _bool(interaction.get("shuffle"))
        return question("matching", {"pairs": pairs, "distractors": distractors, "shuffle": bool(shuffle)})

    if tag == "orderInteraction":
        choices = {c.get("identifier") or "": _choice_html(c) for c in interaction.iter("simpleChoice")}
        if decl.cardinality != "ordered" or sorted(decl.correct) != sorted(choices) or len(choices) < 2:
            raise _Skip(_("The ordering question needs a correct order of all its choices."))
        ids = _short_ids(decl.correct, prefix="i")
        items = [{"id": ids[key], "text": choices[key]} for key in decl.correct]
        return question("ordering", {"items": items, "scoring": "positions"})

    raise _Skip(_("%(interaction)s questions are not supported.") % {"interaction": tag})


def _parse_item21_bytes(data: bytes, ref: str, quiz: ParsedQuiz) -> ParsedQuestion | None:
    try:
        root = _xml(data)
    except FormatError as exc:
        quiz.skipped.append(Skipped(ref=ref, reason=exc.message))
        return None
    ref = root.get("identifier") or ref
    try:
        return _parse_item21(root)
    except _Skip as skip:
        quiz.skipped.append(Skipped(ref=ref, reason=skip.reason))
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
        quiz.skipped.append(
            Skipped(
                ref=ref,
                reason=_("The question could not be read (%(error)s).") % {"error": type(exc).__name__},
            )
        )
    return None


# --- packages -----------------------------------------------------------------------------------------------


class _Resource:
    def __init__(self, el: ET.Element):
        self.identifier = el.get("identifier") or ""
        self.type = (el.get("type") or "").strip()
        self.href = el.get("href") or ""
        self.files = [f.get("href") for f in el.findall("file") if f.get("href")]
        self.dependencies = [
            d.get("identifierref") for d in el.findall("dependency") if d.get("identifierref")
        ]

    def path(self) -> str:
        href = self.href or (self.files[0] if self.files else "")
        if not href:
            raise FormatError(
                _("The manifest resource %(id)s names no file.") % {"id": repr(self.identifier)}
            )
        return resolve_href("", href)


def _read(zf: SafeZip, path: str) -> bytes:
    if path not in zf:
        raise FormatError(
            _("The package does not contain %(path)s, which its manifest lists.") % {"path": repr(path)}
        )
    return zf.read(path)


def _parse_package(zf: SafeZip) -> ParsedQuiz:
    quiz = ParsedQuiz()
    if "imsmanifest.xml" not in zf:
        return _parse_loose_files(zf, quiz)
    manifest = _xml(zf.read("imsmanifest.xml"))
    resources = [_Resource(el) for el in manifest.iter("resource")]
    by_id = {r.identifier: r for r in resources}
    assessments = [r for r in resources if r.type.startswith(TYPE_QTI12)]
    items = [r for r in resources if re.match(r"imsqti_item_xmlv(2p\d|3p\d)", r.type)]
    tests = [r for r in resources if re.match(r"imsqti_test_xmlv(2p\d|3p\d)", r.type)]
    if not assessments and not items:
        raise FormatError(_("The package contains no QTI 1.2 assessment and no QTI 2.1 item."))

    for resource in assessments:
        path = resource.path()
        meta_paths = [
            by_id[dep].path()
            for dep in resource.dependencies
            if dep in by_id and by_id[dep].type == TYPE_META
        ]
        sibling = path.rsplit("/", 1)[0] + "/assessment_meta.xml" if "/" in path else "assessment_meta.xml"
        if not meta_paths and sibling in zf:
            meta_paths = [sibling]
        if meta_paths and not quiz.settings and meta_paths[0] in zf:
            _parse_meta(_xml(zf.read(meta_paths[0])), quiz)
        _parse_questestinterop(_xml(_read(zf, path)), quiz)

    if items:
        order = _test_order(zf, tests, quiz)
        by_path = {}
        for resource in items:
            try:
                by_path[resource.path()] = resource
            except FormatError as exc:
                quiz.skipped.append(Skipped(ref=resource.identifier, reason=exc.message))
        paths = [p for p in order if p in by_path] + [p for p in by_path if p not in order]
        for path in paths:
            if path not in zf:
                quiz.skipped.append(
                    Skipped(
                        ref=by_path[path].identifier,
                        reason=_("The file %(path)s is missing.") % {"path": path},
                    )
                )
                continue
            question = _parse_item21_bytes(zf.read(path), by_path[path].identifier, quiz)
            if question is not None:
                quiz.questions.append(question)
    return quiz


def _test_order(zf: SafeZip, tests: list[_Resource], quiz: ParsedQuiz) -> list[str]:
    """Item paths in assessmentTest order; the test's title and navigation mode go to the quiz."""
    order: list[str] = []
    for resource in tests[:1]:
        path = resource.path()
        if path not in zf:
            continue
        root = _xml(zf.read(path))
        if root.get("title") and not quiz.title:
            quiz.title = root.get("title").strip()
            quiz.settings["title"] = quiz.title
        part = root.find("testPart")
        if part is not None and part.get("navigationMode") in ("linear", "nonlinear"):
            quiz.settings["navigation"] = "sequential" if part.get("navigationMode") == "linear" else "free"
        base = path.rsplit("/", 1)[0] if "/" in path else ""
        for ref in root.iter("assessmentItemRef"):
            try:
                order.append(resolve_href(base, ref.get("href") or ""))
            except FormatError:
                continue
    return order


def _parse_loose_files(zf: SafeZip, quiz: ParsedQuiz) -> ParsedQuiz:
    found = False
    for name in zf.names():
        if not name.lower().endswith(".xml"):
            continue
        root = _xml(zf.read(name))
        if root.tag == "questestinterop":
            found = True
            _parse_questestinterop(root, quiz)
        elif root.tag == "assessmentItem":
            found = True
            question = _parse_item21_bytes(zf.read(name), name, quiz)
            if question is not None:
                quiz.questions.append(question)
    if not found:
        raise FormatError(_("The archive has no imsmanifest.xml and no QTI file."))
    return quiz


def parse_qti(data: bytes) -> ParsedQuiz:
    """A QTI package (ZIP) or a single QTI XML file -> ParsedQuiz; FormatError if the file is unusable."""
    if data[:2] == b"PK":
        return _parse_package(open_zip(data))
    if data.lstrip()[:1] == b"<" or data[:3] == b"\xef\xbb\xbf":
        if len(data) > 10 * 1024 * 1024:
            raise FormatError(_("The XML file is too big."))
        root = _xml(data)
        quiz = ParsedQuiz()
        if root.tag == "questestinterop":
            _parse_questestinterop(root, quiz)
            return quiz
        if root.tag == "assessmentItem":
            question = _parse_item21_bytes(data, root.get("identifier") or "item", quiz)
            if question is not None:
                quiz.questions.append(question)
            return quiz
        raise FormatError(_("The XML file is not QTI (no questestinterop or assessmentItem)."))
    raise FormatError(_("The file is neither a QTI package (ZIP) nor a QTI XML file."))


# --- export -------------------------------------------------------------------------------------------------


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrib) -> ET.Element:
    el = ET.SubElement(parent, tag, {k: v for k, v in attrib.items() if v is not None})
    if text is not None:
        el.text = text
    return el


def _mattext(parent: ET.Element, html_text: str, texttype: str = "text/html") -> None:
    material = _sub(parent, "material")
    _sub(material, "mattext", html_text or "", texttype=texttype)


def _feedback_el(item: ET.Element, ident: str, html_text: str) -> None:
    fb = _sub(item, "itemfeedback", ident=ident)
    flow = _sub(fb, "flow_mat")
    _mattext(flow, html_text)


class _ItemWriter:
    def __init__(self, question: ParsedQuestion, ident: str):
        self.q = question
        self.ident = ident
        self.item = ET.Element("item", ident=ident, title=question.name or "Question")
        self.feedback: list[tuple[str, str]] = []
        self.resprocessing: ET.Element | None = None

    def metadata(self, canvas_type: str, answer_ids: list[str]) -> None:
        q = self.q
        meta = _sub(_sub(self.item, "itemmetadata"), "qtimetadata")
        extra = {
            "qtype": q.qtype,
            "data": q.data,
            "penalty": q.penalty,
            "hints": q.hints,
            "category": q.category,
            "tags": q.tags,
        }
        fields = [
            ("question_type", canvas_type),
            ("points_possible", _num(q.default_mark)),
            ("original_answer_ids", ",".join(answer_ids)),
            ("assessment_question_identifierref", f"{self.ident}_ref"),
            (OVERLAY_FIELD, json.dumps(extra, ensure_ascii=False, sort_keys=True)),
        ]
        for label, entry in fields:
            field = _sub(meta, "qtimetadatafield")
            _sub(field, "fieldlabel", label)
            _sub(field, "fieldentry", entry)

    def presentation(self) -> ET.Element:
        presentation = _sub(self.item, "presentation")
        _mattext(presentation, self.q.text)
        return presentation

    def start_processing(self) -> None:
        self.resprocessing = _sub(self.item, "resprocessing")
        outcomes = _sub(self.resprocessing, "outcomes")
        _sub(outcomes, "decvar", maxvalue="100", minvalue="0", varname="SCORE", vartype="Decimal")
        if self.q.general_feedback:
            self.condition([("other", None, None)], link=GENERAL_FB, html_text=self.q.general_feedback)

    def condition(self, tests, *, score=None, link=None, html_text="", cont="Yes", action="Set") -> None:
        cond = _sub(self.resprocessing, "respcondition", **{"continue": cont})
        var = _sub(cond, "conditionvar")
        for test in tests:
            self._test(var, test)
        if score is not None:
            _sub(cond, "setvar", _num(score), action=action, varname="SCORE")
        if link:
            _sub(cond, "displayfeedback", feedbacktype="Response", linkrefid=link)
            if all(existing != link for existing, __ in self.feedback):
                self.feedback.append((link, html_text))

    def _test(self, parent: ET.Element, test) -> None:
        """test: ("and"|"or"|"not", None, [tests]) | ("other", None, None) | (tag, respident, value[, attrib])."""
        tag, respident, value, *attrib = test
        if tag in ("and", "or", "not"):
            group = _sub(parent, tag)
            for inner in value:
                self._test(group, inner)
        elif tag == "other":
            _sub(parent, "other")
        else:
            _sub(parent, tag, value, respident=respident, **(attrib[0] if attrib else {}))

    def finish(self) -> ET.Element:
        for link, html_text in self.feedback:
            _feedback_el(self.item, link, html_text)
        return self.item


def _lid(presentation: ET.Element, ident: str, cardinality: str, labels: list[tuple[str, str, str]]) -> None:
    _labels(_sub(presentation, "response_lid", ident=ident, rcardinality=cardinality), labels)


def _labels(lid: ET.Element, labels: list[tuple[str, str, str]]) -> ET.Element:
    render = _sub(lid, "render_choice")
    for ident, text, texttype in labels:
        label = _sub(render, "response_label", ident=ident)
        _mattext(label, text, texttype)
    return render


def _export_choice(w: _ItemWriter, multiple: bool) -> None:
    options = w.q.data.get("options", [])
    w.metadata(
        "multiple_answers_question" if multiple else "multiple_choice_question", [o["id"] for o in options]
    )
    presentation = w.presentation()
    _lid(
        presentation,
        "response1",
        "Multiple" if multiple else "Single",
        [(o["id"], o["text"], "text/html") for o in options],
    )
    w.start_processing()
    for o in options:
        if o.get("feedback"):
            w.condition([("varequal", "response1", o["id"])], link=f"{o['id']}_fb", html_text=o["feedback"])
    if multiple:
        tests = [
            ("varequal", "response1", o["id"])
            if o["fraction"] > 0
            else ("not", None, [("varequal", "response1", o["id"])])
            for o in options
        ]
        w.condition([("and", None, tests)], score=100, cont="No")
    else:
        for o in sorted(options, key=lambda o: -o["fraction"]):
            if o["fraction"]:
                w.condition([("varequal", "response1", o["id"])], score=o["fraction"] * 100, cont="No")


def _export_truefalse(w: _ItemWriter) -> None:
    data = w.q.data
    w.metadata("true_false_question", ["true", "false"])
    presentation = w.presentation()
    _lid(
        presentation,
        "response1",
        "Single",
        [("true", "True", "text/plain"), ("false", "False", "text/plain")],
    )
    w.start_processing()
    for ident in ("true", "false"):
        if data.get(f"feedback_{ident}"):
            w.condition(
                [("varequal", "response1", ident)], link=f"{ident}_fb", html_text=data[f"feedback_{ident}"]
            )
    w.condition([("varequal", "response1", "true" if data.get("correct") else "false")], score=100, cont="No")


def _fib(presentation: ET.Element, numeric: bool) -> None:
    response = _sub(presentation, "response_str", ident="response1", rcardinality="Single")
    render = _sub(response, "render_fib", fibtype="Decimal" if numeric else None)
    _sub(render, "response_label", ident="answer1", rshuffle=None if numeric else "No")


def _export_shortanswer(w: _ItemWriter) -> None:
    data = w.q.data
    answers = data.get("answers", [])
    catch_all = [a for a in answers if a.get("text") == "*" and not a.get("fraction")]
    listed = [a for a in answers if a not in catch_all]
    w.metadata("short_answer_question", [f"a{n + 1}" for n in range(len(listed))])
    _fib(w.presentation(), numeric=False)
    w.start_processing()
    case = {"case": "Yes"} if data.get("case_sensitive") else {}
    for n, a in enumerate(listed):
        if a.get("feedback"):
            test = ("varequal", "response1", a["text"], case)
            w.condition([test], link=f"a{n + 1}_fb", html_text=a["feedback"])
    full = [a for a in listed if a["fraction"] == 1.0]
    if full:
        w.condition([("varequal", "response1", a["text"], case) for a in full], score=100, cont="No")
    for a in listed:
        if a["fraction"] and a["fraction"] != 1.0:
            w.condition([("varequal", "response1", a["text"], case)], score=a["fraction"] * 100, cont="No")
    for a in catch_all:
        if a.get("feedback"):
            w.condition([("other", None, None)], link=INCORRECT_FB, html_text=a["feedback"])


def _export_numeric(w: _ItemWriter) -> None:
    answers = w.q.data.get("answers", [])
    w.metadata("numerical_question", [f"n{n + 1}" for n in range(len(answers))])
    _fib(w.presentation(), numeric=True)
    w.start_processing()
    for n, a in enumerate(answers):
        if a.get("value") is None and "min" not in a:
            if a.get("feedback"):
                w.condition([("other", None, None)], link=INCORRECT_FB, html_text=a["feedback"])
            continue
        if "min" in a:
            tests = [("vargte", "response1", _num(a["min"])), ("varlte", "response1", _num(a["max"]))]
        else:
            value, tolerance = float(a["value"]), float(a.get("tolerance") or 0.0)
            between = [
                ("vargte", "response1", _num(value - tolerance)),
                ("varlte", "response1", _num(value + tolerance)),
            ]
            tests = [("or", None, [("varequal", "response1", _num(value)), ("and", None, between)])]
        link = f"n{n + 1}_fb" if a.get("feedback") else None
        w.condition(
            tests,
            score=float(a.get("fraction", 0)) * 100,
            link=link,
            html_text=a.get("feedback", ""),
            cont="No",
        )


def _export_matching(w: _ItemWriter, pairs: list[dict], distractors: list[str]) -> None:
    answers: list[str] = []
    for text in [p["answer"] for p in pairs] + list(distractors):
        if text not in answers:
            answers.append(text)
    choice_ids = {text: f"c{n + 1}" for n, text in enumerate(answers)}
    w.metadata("matching_question", [f"response_{p['id']}" for p in pairs])
    presentation = w.presentation()
    for p in pairs:
        lid = _sub(presentation, "response_lid", ident=f"response_{p['id']}")
        _mattext(lid, p["prompt"])
        _labels(lid, [(choice_ids[text], html.escape(text, quote=False), "text/plain") for text in answers])
    w.start_processing()
    share = 100 / len(pairs) if pairs else 0
    for p in pairs:
        w.condition([("varequal", f"response_{p['id']}", choice_ids[p["answer"]])], score=share, action="Add")


def _export_item(question: ParsedQuestion, ident: str) -> ET.Element:
    w = _ItemWriter(question, ident)
    qtype = question.qtype
    if qtype in ("choice", "multiple"):
        _export_choice(w, qtype == "multiple")
    elif qtype == "truefalse":
        _export_truefalse(w)
    elif qtype == "shortanswer":
        _export_shortanswer(w)
    elif qtype == "numeric":
        _export_numeric(w)
    elif qtype == "essay":
        w.metadata("essay_question", [])
        _fib(w.presentation(), numeric=False)
        w.start_processing()
        w.condition([("other", None, None)], cont="No")
    elif qtype == "description":
        w.metadata("text_only_question", [])
        w.presentation()
    elif qtype == "matching":
        _export_matching(w, question.data.get("pairs", []), question.data.get("distractors", []))
    elif qtype == "ordering":
        items = question.data.get("items", [])
        pairs = [
            {"id": item["id"], "prompt": f"<p>{n + 1}</p>", "answer": _plain(item["text"])}
            for n, item in enumerate(items)
        ]
        _export_matching(w, pairs, [])
    else:
        raise FormatError(_("Questions of type %(type)s cannot be exported to QTI.") % {"type": repr(qtype)})
    return w.finish()


def _serialize(root: ET.Element, namespace: str) -> bytes:
    root.set("xmlns", namespace)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _points(questions: list) -> float:
    total = 0.0
    for entry in questions:
        if isinstance(entry, ParsedGroup):
            each = entry.points_per_item
            if each is None:
                each = max((q.default_mark for q in entry.questions), default=0.0)
            total += each * entry.pick
        else:
            total += entry.default_mark
    return total


def _assessment_xml(title: str, questions: list, ident: str, settings: dict) -> bytes:
    root = ET.Element("questestinterop")
    assessment = _sub(root, "assessment", ident=ident, title=title)
    simple = {
        key: value
        for key, value in settings.items()
        if key not in ("title", "description")
        and (value is None or isinstance(value, str | int | float | bool))
    }
    field = _sub(_sub(assessment, "qtimetadata"), "qtimetadatafield")
    _sub(field, "fieldlabel", SETTINGS_FIELD)
    _sub(field, "fieldentry", json.dumps(simple, ensure_ascii=False, sort_keys=True))
    root_section = _sub(assessment, "section", ident="root_section")
    counter = 0

    def add(parent: ET.Element, question: ParsedQuestion) -> None:
        nonlocal counter
        counter += 1
        parent.append(_export_item(question, f"{ident}_q{counter}"))

    for n, entry in enumerate(questions):
        if isinstance(entry, ParsedGroup):
            section = _sub(root_section, "section", ident=f"{ident}_g{n + 1}", title=entry.name)
            selection = _sub(_sub(section, "selection_ordering"), "selection")
            _sub(selection, "selection_number", str(entry.pick))
            if entry.points_per_item is not None:
                _sub(_sub(selection, "selection_extension"), "points_per_item", _num(entry.points_per_item))
            for question in entry.questions:
                add(section, question)
        else:
            add(root_section, entry)
    return _serialize(root, NS_QTI12)


def _meta_xml(title: str, settings: dict, ident: str, points: float) -> bytes:
    root = ET.Element("quiz", identifier=ident)
    method = {"highest": "keep_highest", "last": "keep_latest", "average": "keep_average"}
    attempts = settings.get("attempts_allowed")
    time_limit = settings.get("time_limit")
    values = [
        ("title", title),
        ("description", settings.get("description") or ""),
        ("shuffle_answers", "true" if settings.get("shuffle_answers") else "false"),
        ("scoring_policy", method.get(settings.get("grade_method") or "", "keep_highest")),
        ("hide_results", ""),
        ("quiz_type", "assignment"),
        ("points_possible", _num(points)),
        ("show_correct_answers", "true"),
        ("allowed_attempts", str(int(attempts)) if attempts else "-1"),
        ("one_question_at_a_time", "true" if settings.get("questions_per_page") == 1 else "false"),
        ("cant_go_back", "true" if settings.get("navigation") == "sequential" else "false"),
        ("available", "false"),
    ]
    if time_limit:
        values.insert(3, ("time_limit", _num(time_limit / 60)))
    for tag, text in values:
        _sub(root, tag, text)
    assignment = _sub(root, "assignment", identifier=f"{ident}_assignment")
    for tag, text in [
        ("title", title),
        ("workflow_state", "unpublished"),
        ("quiz_identifierref", ident),
        ("points_possible", _num(points)),
        ("grading_type", "points"),
        ("submission_types", "online_quiz"),
    ]:
        _sub(assignment, tag, text)
    return _serialize(root, NS_CANVAS_META)


def _manifest_xml(ident: str, meta_ident: str) -> bytes:
    root = ET.Element("manifest", identifier=f"{ident}_manifest")
    metadata = _sub(root, "metadata")
    _sub(metadata, "schema", "IMS Content")
    _sub(metadata, "schemaversion", "1.1.3")
    _sub(root, "organizations")
    resources = _sub(root, "resources")
    resource = _sub(resources, "resource", identifier=ident, type=TYPE_QTI12)
    _sub(resource, "file", href=f"{ident}/{ident}.xml")
    _sub(resource, "dependency", identifierref=meta_ident)
    meta = _sub(
        resources, "resource", identifier=meta_ident, type=TYPE_META, href=f"{ident}/assessment_meta.xml"
    )
    _sub(meta, "file", href=f"{ident}/assessment_meta.xml")
    return _serialize(root, NS_CP)


def export_qti(title: str, questions: list[ParsedQuestion | ParsedGroup], settings: dict) -> bytes:
    """A Canvas-shaped QTI 1.2 ZIP of ``questions`` (see the module docstring for what Canvas keeps)."""
    ident = f"ls_{uuid.uuid4().hex[:16]}"
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("imsmanifest.xml", _manifest_xml(ident, f"{ident}_meta"))
        zf.writestr(
            f"{ident}/assessment_meta.xml", _meta_xml(title, settings or {}, ident, _points(questions))
        )
        zf.writestr(f"{ident}/{ident}.xml", _assessment_xml(title, questions, ident, settings or {}))
    return stream.getvalue()
