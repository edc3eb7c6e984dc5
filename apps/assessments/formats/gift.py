"""Moodle's GIFT format: `parse_gift` reads a file into ParsedQuestions, `export_gift` writes them back.

The grammar follows Moodle's qformat_gift (question/format/gift/format.php) block by block:

    // a comment line (``[tag:x]`` inside a comment tags the question below it)
    $CATEGORY: $course$/top/Unit 1/Week 2         (the context prefix and Moodle's "top" are dropped)

    ::name::[html]Question text{answer block ####general feedback}

Questions are separated by blank lines. The answer block decides the type: none is a description,
``{}`` an essay, ``{#...}`` numerical, a ``~`` multiple choice (single answer when an ``=`` is present,
otherwise multiple response with ``~%50%`` weights), ``=`` with ``->`` matching, ``T``/``TRUE``/``F``/
``FALSE`` true/false (``#feedback for a wrong answer#feedback for the right one``), anything else short
answer. Text after the block makes a missing-word question: the block becomes ``_____`` in the text.
``\\: \\# \\= \\{ \\} \\~ \\\\`` escape the control characters and ``\\n`` is a newline.

Text formats: ``[html]`` is kept as is (the caller sanitizes), ``[plain]`` is HTML-escaped (line breaks
become ``<br>``), ``[markdown]`` is rendered like course content, and ``[moodle]`` (the default, Moodle's
"auto-format") is kept as HTML when it contains markup or entities and is treated as plain text otherwise,
which is how Moodle shows it. A text without a prefix inherits the format of the question text.

Where this parser is deliberately kinder than Moodle: ``{true}``/``{false}`` in any letter case are
true/false; a ``$CATEGORY:`` line may be followed by a question without a blank line; and a question with
two answer blocks, a weight outside -100..100 % or an answer that is not a number is skipped with a reason
instead of being imported half-right.
"""

from __future__ import annotations

import html
import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from apps.assessments.qtypes.base import content_id
from apps.courses.rendering import render_markdown

from .base import (
    TRUEFALSE_PENALTY,
    FormatError,
    ParsedGroup,
    ParsedQuestion,
    ParsedQuiz,
    Skipped,
)

MAX_BYTES = 2 * 1024 * 1024
MAX_QUESTIONS = 2000
MAX_ANSWERS = 500  # options, answers or pairs in one question
NAME_MAX = 255
DEFAULT_NAME_LENGTH = 80

# Escaped control characters are swapped for private-use characters while the structure is parsed, then
# swapped back ("&&058;" and friends in Moodle).
_ESCAPABLE = ":#={}~"
_PROTECT = {ch: chr(0xE000 + i) for i, ch in enumerate(_ESCAPABLE)}
_UNPROTECT = {v: k for k, v in _PROTECT.items()}
_BLANK = "\ue00a"  # where a missing-word block was, until the text is formatted
_PRIVATE_RANGE = re.compile("[\ue000-\ue00f]")
_UNPROTECT_TABLE = str.maketrans(_UNPROTECT)

FORMATS = ("html", "moodle", "plain", "markdown")
_FORMAT_PREFIX = re.compile(r"^\[(html|moodle|plain|markdown)\]", re.IGNORECASE)
_WEIGHT = re.compile(r"^%\s*(-?\d{1,3}(?:\.\d*)?)\s*%")
_NUMBER = re.compile(r"^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d{1,3})?$")
_LOOKS_LIKE_HTML = re.compile(
    # No nested quantifiers over the same characters: this runs on untrusted text of up to 2 MB.
    r"</?[a-zA-Z][a-zA-Z0-9-]*(?:[\s/][^<>]*)?>|<!--"
    r"|&(?:[a-zA-Z][a-zA-Z0-9]{1,31}|#\d{1,7}|#[xX][0-9a-fA-F]{1,6});"
)
_TAG = re.compile(r"\[tag:((?:\\\]|[^\]<>\x00-\x1f])+)\]")
_TAGS_STRIP = re.compile(r"<[^<>]*>")
_BLOCK_TAGS = re.compile(r"</?(?:br|p|div|li|ul|ol|h[1-6]|tr|td|th|pre|blockquote)\b[^<>]*>", re.IGNORECASE)
_CONTEXT_PREFIX = re.compile(r"^\$(?:course|system|module|coursecategory|cat)\$(?:/|$)", re.IGNORECASE)
_CATEGORY = re.compile(r"^\$CATEGORY:", re.IGNORECASE)
_TRUEFALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}


class _Bad(Exception):
    """A question that cannot be imported; the message is the reason shown in the report."""


# --- reading ------------------------------------------------------------------------------------------------


def parse_gift(text: str | bytes) -> ParsedQuiz:
    """Parse a GIFT file. Bad questions are listed in ``skipped`` (with their line); FormatError is raised
    only when the file as a whole is unusable: not UTF-8 text, larger than 2 MB, more than 2,000
    questions, or no question at all."""
    text = _decode(text)
    quiz = ParsedQuiz()
    category = ""
    blocks = list(_blocks(text))
    if sum(1 for lines, _comments in blocks if not _is_category_only(lines)) > MAX_QUESTIONS:
        raise FormatError(_("The file has more than %(n)s questions.") % {"n": f"{MAX_QUESTIONS:,}"})
    for lines, comments in blocks:
        first = lines[0][1].strip()
        if _CATEGORY.match(first):
            category = _category_path(first[len("$CATEGORY:") :])
            lines = lines[1:]
            if not lines:
                continue
        line_no = lines[0][0]
        ref = f"line {line_no}"
        try:
            question = _read_question("\n".join(line for _number, line in lines).strip())
        except _Bad as bad:
            quiz.skipped.append(Skipped(ref=ref, reason=str(bad)))
            continue
        question.category = category
        question.tags = _tags_from(comments)
        question.source_ref = ref
        quiz.questions.append(question)
    if not quiz.questions and not quiz.skipped:
        raise FormatError(_("No questions found."))
    if not quiz.skipped and all(q.qtype == "description" for q in quiz.questions):
        raise FormatError(
            _("No questions found: a GIFT question has its answers in braces { }; is this a GIFT file?")
        )
    return quiz


def _decode(text: str | bytes) -> str:
    if isinstance(text, bytes | bytearray):
        if len(text) > MAX_BYTES:
            raise FormatError(_("The file is larger than 2 MB."))
        try:
            text = bytes(text).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise FormatError(_("The file is not UTF-8 text.")) from None
    elif not isinstance(text, str):
        raise FormatError(_("The file is not text."))
    elif len(text) > MAX_BYTES or len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise FormatError(_("The file is larger than 2 MB."))
    if "\x00" in text:
        raise FormatError(_("The file is not text."))
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return _PRIVATE_RANGE.sub("\ufffd", text)


def _blocks(text: str):
    """([(line number, line)...] without comment lines, comment text) for each blank-line separated block."""
    lines: list[tuple[int, str]] = []
    comments: list[str] = []
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if not stripped:
            if lines:
                yield lines, "\n".join(comments)
            lines, comments = [], []
        elif stripped.startswith("//"):
            comments.append(stripped)
        else:
            lines.append((number, line.rstrip()))
    if lines:
        yield lines, "\n".join(comments)


def _is_category_only(lines: list[tuple[int, str]]) -> bool:
    return len(lines) == 1 and bool(_CATEGORY.match(lines[0][1].strip()))


def _category_path(raw: str) -> str:
    path = _unescape(_protect(raw)).strip()
    path = _CONTEXT_PREFIX.sub("", path)
    segments = [s.strip() for s in path.split("/") if s.strip()]
    if segments and segments[0] == "top":
        segments = segments[1:]
    return "/".join(segments)


def _tags_from(comments: str) -> list[str]:
    tags: list[str] = []
    for raw in _TAG.findall(comments):
        tag = raw.replace("\\]", "]").strip()
        if tag and tag not in tags:
            tags.append(tag)
    return tags


def _protect(text: str) -> str:
    """Replace escapes by placeholders in one left-to-right pass (``\\\\`` is a backslash, ``\\n`` a
    newline, an unknown ``\\x`` stays as written)."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "\\" and i + 1 < n:
            nxt = text[i + 1]
            if nxt == "\\":
                out.append("\\")
                i += 2
                continue
            if nxt == "n":
                out.append("\n")
                i += 2
                continue
            if nxt in _PROTECT:
                out.append(_PROTECT[nxt])
                i += 2
                continue
        out.append(ch)
        i += 1
    return "".join(out)


def _unescape(text: str) -> str:
    return text.translate(_UNPROTECT_TABLE)


def _read_question(raw: str) -> ParsedQuestion:
    text = _protect(raw)
    name = None
    if text.startswith("::"):
        end = text.find("::", 2)
        if end == -1:
            text = text[2:].strip()
        else:
            name = _clean_name(_unescape(text[2:end]))
            text = text[end + 2 :].strip()

    start, finish = text.find("{"), text.find("}")
    if start == -1 and finish == -1:
        return _description(text, name)
    if start == -1 or finish == -1:
        raise _Bad(_("A brace { or } is not closed; write \\{ or \\} for a literal brace."))
    if finish < start:
        raise _Bad(_("A } comes before the {; write \\{ or \\} for a literal brace."))
    if "{" in text[start + 1 : finish] or "{" in text[finish + 1 :] or "}" in text[finish + 1 :]:
        raise _Bad(_("A question has one answer block { }; write \\{ or \\} for a literal brace."))

    block = text[start + 1 : finish].strip()
    # Text after the block makes a missing-word question: the block becomes a blank.
    after = text[finish + 1 :]
    question_text = text[:start] + (_BLANK + after if after else "")

    general_feedback = ""
    separator = block.rfind("####")
    if separator != -1:
        general_feedback = block[separator + 4 :]
        block = block[:separator].strip()

    text_html, text_format = _formatted(question_text)
    if not _visible(text_html):
        raise _Bad(_("The question has no text."))
    question = ParsedQuestion(
        qtype="",
        name=name or _default_name(text_html),
        text=text_html,
        general_feedback=_formatted(general_feedback, text_format)[0],
    )
    if not block:
        question.qtype = "essay"
        question.data = {
            "min_words": None,
            "max_words": None,
            "template": "",
            "grader_info": "",
            "format": "html",
        }
    elif block.startswith("#"):
        _numeric(question, block[1:], text_format)
    elif "~" in block:
        _choice(question, block, text_format)
    elif "=" in block and "->" in block:
        _matching(question, block, text_format)
    elif block.split("#", 1)[0].strip().upper() in _TRUEFALSE:
        _truefalse(question, block, text_format)
    else:
        _shortanswer(question, block, text_format)
    return question


def _description(text: str, name: str | None) -> ParsedQuestion:
    text_html, _format = _formatted(text)
    if not _visible(text_html):
        raise _Bad(_("The question has no text."))
    return ParsedQuestion(
        qtype="description", name=name or _default_name(text_html), text=text_html, default_mark=0.0, data={}
    )


def _formatted(piece: str, default: str = "moodle") -> tuple[str, str]:
    """A protected text piece with an optional [format] prefix -> (HTML, format)."""
    piece = piece.strip()
    text_format = default
    match = _FORMAT_PREFIX.match(piece)
    if match:
        text_format = match.group(1).lower()
        piece = piece[match.end() :]
    return _to_html(_unescape(piece).strip(), text_format), text_format


def _to_html(text: str, text_format: str) -> str:
    if not text:
        return ""
    if text_format == "html" or (text_format == "moodle" and _LOOKS_LIKE_HTML.search(text)):
        result = text
    elif text_format == "markdown":
        result = render_markdown(text).strip()
    else:
        result = _plain_to_html(text)
    return result.replace(_BLANK, "_____")


def _plain_to_html(text: str) -> str:
    """Plain text to HTML: escaped, each line trimmed (source indentation means nothing), lines kept."""
    lines = [line.strip() for line in text.split("\n")]
    return "<br>".join(html.escape(line, quote=False) for line in lines)


def _plain_text(piece: str) -> str:
    """A protected piece used as plain text (short answers): the format prefix is dropped, as Moodle does."""
    piece = piece.strip()
    match = _FORMAT_PREFIX.match(piece)
    if match:
        piece = piece[match.end() :]
    return _unescape(piece).strip()


def _visible(html_text: str) -> bool:
    return bool(html.unescape(_TAGS_STRIP.sub("", html_text)).strip()) or "<img" in html_text.lower()


def _clean_name(name: str) -> str | None:
    name = " ".join(name.split())[:NAME_MAX]
    return name or None


def _default_name(text_html: str) -> str:
    text_html = text_html[:2000]  # a name is 80 characters; no need to read a long text to the end
    plain = " ".join(html.unescape(_TAGS_STRIP.sub("", _BLOCK_TAGS.sub(" ", text_html))).split())
    if len(plain) > DEFAULT_NAME_LENGTH:
        cut = plain[: DEFAULT_NAME_LENGTH - 3]
        space = cut.rfind(" ")
        plain = (cut[:space] if space > DEFAULT_NAME_LENGTH // 2 else cut).rstrip() + "..."
    return plain or _("Untitled question")


def _weight(answer: str) -> tuple[float | None, str]:
    """A leading ``%50%`` -> (0.5, rest); no weight -> (None, answer)."""
    match = _WEIGHT.match(answer)
    if not match:
        return None, answer
    try:
        percent = Decimal(match.group(1))
    except InvalidOperation:  # pragma: no cover - the pattern only lets numbers through
        return None, answer
    if abs(percent) > 100:
        raise _Bad(_("The weight %(weight)s%% is outside -100%% to 100%%.") % {"weight": match.group(1)})
    return float(percent / 100), answer[match.end() :]


def _split_answers(block: str, marker: str) -> list[str]:
    answers = block.split(marker, MAX_ANSWERS + 1)
    if len(answers) > MAX_ANSWERS + 1:
        raise _Bad(_("A question has more than %(n)s answers.") % {"n": MAX_ANSWERS})
    answers[0] = answers[0].strip()
    if not answers[0]:
        answers.pop(0)
    return [a.strip() for a in answers]


def _choice(question: ParsedQuestion, block: str, text_format: str) -> None:
    single = "=" in block
    options = []
    for answer in _split_answers(block.replace("=", "~="), "~"):
        if answer.startswith("="):
            fraction, answer = 1.0, answer[1:]
        else:
            fraction, answer = _weight(answer)
            fraction = fraction or 0.0
        option_text, _sep, feedback = answer.partition("#")
        option_html = _formatted(option_text, text_format)[0]
        feedback_html = _formatted(feedback, text_format)[0]
        if not option_html:
            if fraction == 0 and not feedback_html:
                continue  # a stray "~" (Moodle drops empty options too)
            raise _Bad(_("An option has a weight or feedback but no text."))
        options.append(
            {
                "id": content_id(option_html, {o["id"] for o in options}),
                "text": option_html,
                "fraction": fraction,
                "feedback": feedback_html,
            }
        )
    if len(options) < 2:
        raise _Bad(_("A multiple-choice question needs at least two options."))
    if single:
        question.qtype = "choice"
    else:
        question.qtype = "multiple"
        if not any(o["fraction"] > 0 for o in options):
            raise _Bad(_("A multiple-response question needs at least one option with a positive weight."))
    question.data = {"options": options, "shuffle": True}


def _matching(question: ParsedQuestion, block: str, text_format: str) -> None:
    pairs, distractors = [], []
    for answer in _split_answers(block, "="):
        prompt, arrow, match = answer.partition("->")
        if not arrow:
            raise _Bad(_("Every matching answer needs a '->' between the item and its match."))
        prompt_html = _formatted(prompt, text_format)[0]
        match_text = _unescape(match).strip()
        if not match_text:
            raise _Bad(_("A matching item has nothing after its '->'."))
        if prompt_html:
            pairs.append({"id": f"p{len(pairs) + 1}", "prompt": prompt_html, "answer": match_text})
        else:
            distractors.append(match_text)
    if len(pairs) < 2:
        raise _Bad(_("A matching question needs at least two pairs."))
    question.qtype = "matching"
    question.data = {"pairs": pairs, "distractors": distractors, "shuffle": True}


def _truefalse(question: ParsedQuestion, block: str, text_format: str) -> None:
    bits = block.split("#", 2)
    correct = _TRUEFALSE[bits[0].strip().upper()]
    wrong = _formatted(bits[1], text_format)[0] if len(bits) > 1 else ""
    right = _formatted(bits[2], text_format)[0] if len(bits) > 2 else ""
    question.qtype = "truefalse"
    question.penalty = TRUEFALSE_PENALTY
    # Moodle's order: the first feedback is for a wrong answer, the second for the right one.
    question.data = {
        "correct": correct,
        "feedback_true": right if correct else wrong,
        "feedback_false": wrong if correct else right,
    }


def _credit_weight(answer: str) -> tuple[float, str]:
    fraction, answer = _weight(answer)
    if fraction is None:
        return 1.0, answer
    if fraction < 0:
        raise _Bad(_("Negative weights are only allowed for multiple-choice options."))
    return fraction, answer


def _shortanswer(question: ParsedQuestion, block: str, text_format: str) -> None:
    answers = []
    for answer in _split_answers(block, "="):
        fraction, answer = _credit_weight(answer)
        answer_text, _sep, feedback = answer.partition("#")
        answer_text = _plain_text(answer_text)
        feedback_html = _formatted(feedback, text_format)[0]
        if not answer_text:
            if not feedback_html:
                continue
            raise _Bad(_("A short answer has feedback but no text."))
        answers.append({"text": answer_text, "fraction": fraction, "feedback": feedback_html})
    if not answers:
        raise _Bad(_("A short-answer question needs at least one answer."))
    if not any(a["fraction"] > 0 for a in answers):
        raise _Bad(_("No answer of this short-answer question gives any credit."))
    question.qtype = "shortanswer"
    question.data = {"answers": answers, "case_sensitive": False}


def _number(raw: str) -> float:
    raw = raw.strip()
    if not _NUMBER.match(raw):
        raise _Bad(_("'%(value)s' is not a number.") % {"value": _unescape(raw)[:40]})
    return float(raw)


def _numeric(question: ParsedQuestion, block: str, text_format: str) -> None:
    catch_all = None
    tilde = block.find("~")
    if tilde != -1:
        catch_all = block[tilde + 1 :]
        block = block[:tilde]
    answers = []
    for answer in _split_answers(block, "="):
        fraction, answer = _credit_weight(answer)
        value, _sep, feedback = answer.partition("#")
        value = _plain_text(value)
        feedback_html = _formatted(feedback, text_format)[0]
        entry: dict
        if value == "*":
            entry = {"value": None}  # any other answer
        elif ".." in value[1:]:
            low, _dots, high = value.partition("..")
            entry = {"min": _number(low), "max": _number(high)}
            if entry["min"] > entry["max"]:
                raise _Bad(
                    _("The range %(value)s has its minimum above its maximum.") % {"value": value[:40]}
                )
        elif ":" in value[1:]:
            number, _colon, tolerance = value.partition(":")
            entry = {"value": _number(number), "tolerance": _number(tolerance)}
            if entry["tolerance"] < 0:
                raise _Bad(_("A tolerance cannot be negative."))
        elif value:
            entry = {"value": _number(value), "tolerance": 0.0}
        else:
            raise _Bad(_("A numerical answer is empty."))
        entry.update(fraction=fraction, feedback=feedback_html)
        answers.append(entry)
    if not any(a.get("value") is not None or "min" in a for a in answers):
        raise _Bad(_("A numerical question needs at least one number as an answer."))
    if not any(a["fraction"] > 0 for a in answers):
        raise _Bad(_("No answer of this numerical question gives any credit."))
    if catch_all is not None:
        _before, _sep, feedback = catch_all.partition("#")
        feedback_html = _formatted(feedback, text_format)[0]
        answers.append({"value": None, "fraction": 0.0, "feedback": feedback_html})
    question.qtype = "numeric"
    question.data = {"answers": answers, "units": [], "unit_required": False}


# --- writing ------------------------------------------------------------------------------------------------


def export_gift(questions: list[ParsedQuestion | ParsedGroup]) -> str:
    """Write questions as GIFT that ``parse_gift`` reads back to equal questions (but for ``source_ref``).

    GIFT has no syntax for some things, which are therefore not written:
    - the default mark, the penalty and hints (they come back as 1, 0.3333333 / 1.0 for true/false, none);
    - numeric units and "unit required" (GIFT numbers are unitless; units are dropped);
    - "shuffle" (always on after import), short-answer case sensitivity (always off after import), and an
      essay's word limits, response template and grader information;
    - ordering questions have no GIFT form: each becomes a comment line
      ``// skipped: ordering question "<name>" has no GIFT form``;
    - a short answer containing ``->`` cannot be told apart from a matching pair, so it cannot round-trip,
      and a single-choice question without a 100 % option reads back as multiple response (GIFT tells
      them apart by the ``=`` that marks the right option).
    Random groups (ParsedGroup) are written as their questions. Texts that are plain text are written
    as such; texts with markup are written with the ``[html]`` prefix. Categories are written as
    ``$CATEGORY: $course$/top/<path>`` whenever the category changes.
    """
    out: list[str] = []
    category = ""
    for item in questions:
        for question in item.questions if isinstance(item, ParsedGroup) else [item]:
            if question.category != category:
                category = question.category
                path = "/".join(["$course$", "top", *(s for s in category.split("/") if s)])
                out.append(f"$CATEGORY: {path}\n\n")
            out.append(_write_question(question))
    return "".join(out)


def _escape(text: str) -> str:
    """Moodle's repchar: escape the control characters and newlines."""
    text = text.replace("\\", "\\\\")
    for ch in "#=~{}:":
        text = text.replace(ch, "\\" + ch)
    return text.replace("\r", "").replace("\n", "\\n")


def _plain_form(text_html: str) -> str | None:
    """The plain text that reads back to exactly ``text_html`` in the default format, if there is one."""
    plain = html.unescape(text_html.replace("<br>", "\n"))
    if plain != plain.strip() or _LOOKS_LIKE_HTML.search(plain) or _plain_to_html(plain) != text_html:
        return None
    return plain


def _piece(text_html: str, default: str, *, avoid_arrow: bool = False) -> tuple[str, str]:
    """Encode an HTML text for a place whose default format is ``default`` ("moodle" or "html").
    Returns (GIFT text, the format it is in). ``avoid_arrow``: the text must not contain ``->``."""
    if not text_html:
        return "", default
    plain = _plain_form(text_html) if default == "moodle" else None
    if plain is not None and not (avoid_arrow and "->" in plain):
        body, text_format = _escape(plain), "moodle"
    else:
        if avoid_arrow:
            text_html = text_html.replace("->", "-&gt;")
        body, text_format = _escape(text_html), "html"
    if text_format != default or _FORMAT_PREFIX.match(body):
        body = f"[{text_format}]{body}"
    return body, text_format


def _plain_answer(text: str) -> str:
    body = _escape(text.strip())
    return f"[moodle]{body}" if _FORMAT_PREFIX.match(body) else body


def _percent(fraction: float) -> str:
    value = (Decimal(repr(float(fraction))) * 100).normalize()
    return format(value, "f")


def _number_text(value: float) -> str:
    value = float(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def _with_feedback(body: str, feedback: str) -> str:
    return f"{body}#{feedback}" if feedback else body


def _write_question(q: ParsedQuestion) -> str:
    name = " ".join(q.name.split())
    if q.qtype == "ordering":
        return f'// skipped: ordering question "{name}" has no GIFT form\n\n'
    head = []
    tags = [" ".join(t.split()).replace("]", "\\]") for t in q.tags]
    if any(tags):
        head.append("// " + " ".join(f"[tag:{t}]" for t in tags if t) + "\n")
    text, text_format = _piece(q.text, "moodle")
    head.append(f"::{_escape(name)}::{text}")
    # In a short-answer block "->" would make it read back as matching (outside the block it is harmless).
    arrow = q.qtype == "shortanswer"

    def piece(value: str, *, avoid_arrow: bool = arrow) -> str:
        return _piece(value, text_format, avoid_arrow=avoid_arrow)[0]

    general = piece(q.general_feedback, avoid_arrow=False)
    general_inline = f"####{general}" if general else ""
    general_line = f"\t####{general}\n" if general else ""
    data = q.data or {}
    if q.qtype == "description":
        body = ""
    elif q.qtype == "essay":
        body = "{" + general_inline + "}"
    elif q.qtype == "truefalse":
        correct = bool(data.get("correct"))
        right = piece(data.get("feedback_true", "") if correct else data.get("feedback_false", ""))
        wrong = piece(data.get("feedback_false", "") if correct else data.get("feedback_true", ""))
        answer = "TRUE" if correct else "FALSE"
        if wrong:
            answer += "#" + wrong
        elif right:
            answer += "#"
        if right:
            answer += "#" + right
        body = "{" + answer + general_inline + "}"
    elif q.qtype in ("choice", "multiple"):
        lines = []
        for option in data.get("options", []):
            option_text = piece(option.get("text", ""))
            fraction = float(option.get("fraction", 0))
            if q.qtype == "choice" and fraction == 1.0:
                marker = "="
            elif fraction == 0 and not option_text.startswith("%"):
                marker = "~"
            else:
                marker = f"~%{_percent(fraction)}%"
            lines.append(f"\t{marker}{_with_feedback(option_text, piece(option.get('feedback', '')))}\n")
        body = "{\n" + "".join(lines) + general_line + "}"
    elif q.qtype == "shortanswer":
        lines = [
            f"\t=%{_percent(a.get('fraction', 1.0))}%"
            f"{_with_feedback(_plain_answer(a.get('text', '')), piece(a.get('feedback', '')))}\n"
            for a in data.get("answers", [])
        ]
        body = "{\n" + "".join(lines) + general_line + "}"
    elif q.qtype == "numeric":
        lines = []
        answers = data.get("answers", [])
        for index, a in enumerate(answers):
            feedback = piece(a.get("feedback", ""))
            fraction = float(a.get("fraction", 0))
            if "min" in a:
                value = f"{_number_text(a['min'])}..{_number_text(a['max'])}"
            elif a.get("value") is None:
                if fraction == 0 and index == len(answers) - 1:
                    lines.append(f"\t~#{feedback}\n" if feedback else "\t~\n")
                    continue
                value = "*"
            else:
                value = f"{_number_text(a['value'])}:{_number_text(a.get('tolerance') or 0.0)}"
            lines.append(f"\t=%{_percent(fraction)}%{_with_feedback(value, feedback)}\n")
        body = "{#\n" + "".join(lines) + general_line + "}"
    elif q.qtype == "matching":
        lines = [
            f"\t={piece(p.get('prompt', ''), avoid_arrow=True)} -> {_escape(p.get('answer', '').strip())}\n"
            for p in data.get("pairs", [])
        ]
        lines += [f"\t= -> {_escape(d.strip())}\n" for d in data.get("distractors", [])]
        body = "{\n" + "".join(lines) + general_line + "}"
    else:
        return f'// skipped: {_escape(q.qtype)} question "{name}" has no GIFT form\n\n'
    before, blank, after = text.partition("_____")
    if body and blank and after.strip() and "_____" not in after:
        # A missing-word question: put the block where its blank is, as Moodle's users write it.
        head[-1] = f"::{_escape(name)}::{before}{body}{after}"
        body = ""
    return "".join(head) + body + "\n\n"


__all__ = ["MAX_BYTES", "MAX_QUESTIONS", "export_gift", "parse_gift"]
