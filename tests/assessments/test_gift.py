"""GIFT import and export (apps.assessments.formats.gift): pure parsing, no database.

The import cases follow the input -> expected pairs of Moodle's question/format/gift/tests/giftformat_test.php
and examples.txt, written against our ParsedQuestion shape (HTML text, the qtypes data formats).
"""

import dataclasses

import pytest

from apps.assessments.formats.base import FormatError, ParsedGroup, ParsedQuestion, Skipped
from apps.assessments.formats.gift import MAX_QUESTIONS, export_gift, parse_gift
from apps.assessments.qtypes import qtype_for
from apps.assessments.qtypes.base import content_id


def cid(text):
    """The id the parser gives an option with this (HTML) text: a hash of it, not its place."""
    return content_id(text, set())


def only(gift: str) -> ParsedQuestion:
    quiz = parse_gift(gift)
    assert quiz.skipped == []
    assert len(quiz.questions) == 1
    return quiz.questions[0]


def without_refs(questions):
    return [dataclasses.replace(q, source_ref="") for q in questions]


def options(q):
    return [(o["text"], o["fraction"], o["feedback"]) for o in q.data["options"]]


# --- import: one case per construct --------------------------------------------------------------------------

IMPORT_CASES = {
    "essay": (
        "// essay\n::Q8:: How are you? {}",
        {
            "qtype": "essay",
            "name": "Q8",
            "text": "How are you?",
            "general_feedback": "",
            "default_mark": 1.0,
            "penalty": 0.3333333,
            "data": {
                "min_words": None,
                "max_words": None,
                "template": "",
                "grader_info": "",
                "format": "html",
            },
        },
    ),
    "essay with general feedback": (
        "::E::Describe a frog.{####[html]<p>Green, mostly.</p>}",
        {"qtype": "essay", "text": "Describe a frog.", "general_feedback": "<p>Green, mostly.</p>"},
    ),
    "truefalse with wrong and right feedback": (
        "// true/false\n::Q1:: 42 is the Absolute Answer to everything.{\nFALSE#42 is the Ultimate Answer.#You gave the right answer.}",
        {
            "qtype": "truefalse",
            "name": "Q1",
            "text": "42 is the Absolute Answer to everything.",
            "penalty": 1.0,
            "data": {
                "correct": False,
                "feedback_true": "42 is the Ultimate Answer.",
                "feedback_false": "You gave the right answer.",
            },
        },
    ),
    "truefalse T": (
        "// name 0-11\n::2-08 TSL::TSL is blablabla.{T}",
        {
            "qtype": "truefalse",
            "name": "2-08 TSL",
            "text": "TSL is blablabla.",
            "penalty": 1.0,
            "data": {"correct": True, "feedback_true": "", "feedback_false": ""},
        },
    ),
    "truefalse TRUE with feedback maps the first # to a wrong answer": (
        "::2-08 TSL::TSL is blablabla.{TRUE#No, it is true.#Yes.####Because it is.}",
        {
            "qtype": "truefalse",
            "general_feedback": "Because it is.",
            "data": {"correct": True, "feedback_true": "Yes.", "feedback_false": "No, it is true."},
        },
    ),
    "truefalse F and lower case false": (
        "Grant is buried in Grant's tomb.{false}",
        {"qtype": "truefalse", "data": {"correct": False, "feedback_true": "", "feedback_false": ""}},
    ),
    "multichoice with formats and feedback": (
        "// multiple choice with specified feedback for right and wrong answers\n"
        "::Q2:: What's between orange and green in the spectrum?\n"
        "{\n    =yellow # right; good!\n    ~red # [html]wrong, it's <em>yellow</em>\n    ~[plain]<blue> # wrong, it's yellow\n}",
        {
            "qtype": "choice",
            "name": "Q2",
            "text": "What's between orange and green in the spectrum?",
            "data": {
                "options": [
                    {"id": cid("yellow"), "text": "yellow", "fraction": 1.0, "feedback": "right; good!"},
                    {
                        "id": cid("red"),
                        "text": "red",
                        "fraction": 0.0,
                        "feedback": "wrong, it's <em>yellow</em>",
                    },
                    {
                        "id": cid("&lt;blue&gt;"),
                        "text": "&lt;blue&gt;",
                        "fraction": 0.0,
                        "feedback": "wrong, it's yellow",
                    },
                ],
                "shuffle": True,
            },
        },
    ),
    "multichoice with partial credit weights": (
        "::Jesus' hometown::Jesus Christ was from {\n"
        "    ~Jerusalem#This was an important city, but the wrong answer.\n"
        "    ~%25%Bethlehem#He was born here, but not raised here.\n"
        "    ~%50%Galilee#You need to be more specific.\n"
        "    =Nazareth#Yes! That's right!}.",
        {
            "qtype": "choice",
            "name": "Jesus' hometown",
            "text": "Jesus Christ was from _____.",
        },
    ),
    "multi-response with 50% and -100%": (
        "::colours:: What's between orange and green in the spectrum?\n{\n"
        "    ~%50%yellow # right; good!\n    ~%-100%red # [html]wrong\n"
        "    ~%50%off-beige # right; good!\n    ~%-100%[plain]blue # wrong\n}",
        {"qtype": "multiple", "name": "colours", "penalty": 0.3333333},
    ),
    "multi-response tricky: 100% and -50%": (
        "::colours:: What's between orange and green?{\n ~%100%yellow # right; good!\n ~%-50%red # wrong\n ~%-50%blue # wrong\n}",
        {"qtype": "multiple"},
    ),
    "multi-response with decimal weights": (
        "Which are primes?{~%33.33333%2 ~%33.33333%3 ~%33.33334%5 ~%-100%4}",
        {"qtype": "multiple"},
    ),
    "numerical with tolerance and wrong-answer feedback": (
        "// math range question\n::Q5:: What is a number from 1 to 5? {#3:2~#Completely wrong}",
        {
            "qtype": "numeric",
            "name": "Q5",
            "text": "What is a number from 1 to 5?",
            "data": {
                "answers": [
                    {"value": 3.0, "tolerance": 2.0, "fraction": 1.0, "feedback": ""},
                    {"value": None, "fraction": 0.0, "feedback": "Completely wrong"},
                ],
                "units": [],
                "unit_required": False,
            },
        },
    ),
    "numerical exact": (
        "When was Ulysses S. Grant born? {#1822}",
        {
            "data": {
                "answers": [{"value": 1822.0, "tolerance": 0.0, "fraction": 1.0, "feedback": ""}],
                "units": [],
                "unit_required": False,
            }
        },
    ),
    "numerical range is a missing word": (
        "What is the value of pi (to 3 decimal places)? {#3.141..3.142}.",
        {
            "text": "What is the value of pi (to 3 decimal places)? _____.",
            "data": {
                "answers": [{"min": 3.141, "max": 3.142, "fraction": 1.0, "feedback": ""}],
                "units": [],
                "unit_required": False,
            },
        },
    ),
    "numerical negative range": (
        "Pick a number between -5 and -1.{#-5..-1#In range.}",
        {
            "data": {
                "answers": [{"min": -5.0, "max": -1.0, "fraction": 1.0, "feedback": "In range."}],
                "units": [],
                "unit_required": False,
            }
        },
    ),
    "numerical multiple answers with weights and a catch-all": (
        "::pi::What is pi?{# =%100%3.14:0 =%50%3:0.5#Close. ~#Not even close.####Pi is about 3.14159.}",
        {
            "qtype": "numeric",
            "general_feedback": "Pi is about 3.14159.",
            "data": {
                "answers": [
                    {"value": 3.14, "tolerance": 0.0, "fraction": 1.0, "feedback": ""},
                    {"value": 3.0, "tolerance": 0.5, "fraction": 0.5, "feedback": "Close."},
                    {"value": None, "fraction": 0.0, "feedback": "Not even close."},
                ],
                "units": [],
                "unit_required": False,
            },
        },
    ),
    "numerical over several lines (examples.txt)": (
        "::Numerical example::\nWhen was Ulysses S. Grant born? {#\n     =1822:0      #Correct! 100% credit\n"
        "     =%50%1822:2  #He was born in 1822.\n                  You get 50% credit for being close.\n}",
        {
            "data": {
                "answers": [
                    {"value": 1822.0, "tolerance": 0.0, "fraction": 1.0, "feedback": "Correct! 100% credit"},
                    {
                        "value": 1822.0,
                        "tolerance": 2.0,
                        "fraction": 0.5,
                        "feedback": "He was born in 1822.<br>You get 50% credit for being close.",
                    },
                ],
                "units": [],
                "unit_required": False,
            }
        },
    ),
    "shortanswer with weights and wildcard": (
        "// question: 666  name: Shortanswer\n::Shortanswer::Which is the best animal?{\n"
        "    =Frog#Good!\n    =%50%Cat#What is it with Moodlers and cats?\n    =%0%*#Completely wrong\n}",
        {
            "qtype": "shortanswer",
            "name": "Shortanswer",
            "text": "Which is the best animal?",
            "general_feedback": "",
            "data": {
                "answers": [
                    {"text": "Frog", "fraction": 1.0, "feedback": "Good!"},
                    {"text": "Cat", "fraction": 0.5, "feedback": "What is it with Moodlers and cats?"},
                    {"text": "*", "fraction": 0.0, "feedback": "Completely wrong"},
                ],
                "case_sensitive": False,
            },
        },
    ),
    "shortanswer with general feedback in another format": (
        "::Shortanswer::Which is the best animal?{\n    =Frog#Good!\n    ####[html]Here is some <b>general</b> feedback!\n}",
        {"qtype": "shortanswer", "general_feedback": "Here is some <b>general</b> feedback!"},
    ),
    "shortanswer missing word": (
        "Two plus two equals {=four =4}.",
        {
            "qtype": "shortanswer",
            "name": "Two plus two equals _____.",
            "text": "Two plus two equals _____.",
            "data": {
                "answers": [
                    {"text": "four", "fraction": 1.0, "feedback": ""},
                    {"text": "4", "fraction": 1.0, "feedback": ""},
                ],
                "case_sensitive": False,
            },
        },
    ),
    "shortanswer without =": (
        "::Kanji Origins::Japanese characters originally\ncame from what country? {China}",
        {
            "qtype": "shortanswer",
            "text": "Japanese characters originally<br>came from what country?",
            "data": {
                "answers": [{"text": "China", "fraction": 1.0, "feedback": ""}],
                "case_sensitive": False,
            },
        },
    ),
    "match with formats and a distractor": (
        "// question: 2  name: Moodle activities\n"
        "::Moodle activities::[html]Match the <b>activity</b> to the description.{\n"
        "    =[html]An activity supporting <i>asynchronous</i> discussions. -> Forum\n"
        "    =[moodle]A teacher asks a question & specifies a choice of multiple responses. -> Choice\n"
        "    =[plain]A bank of <record> entries which participants can add to. -> Database\n"
        "    =[markdown]A collection of web pages that *anyone* can add to or edit. -> Wiki\n"
        "    = -> Chat\n}",
        {
            "qtype": "matching",
            "name": "Moodle activities",
            "text": "Match the <b>activity</b> to the description.",
            "data": {
                "pairs": [
                    {
                        "id": "p1",
                        "prompt": "An activity supporting <i>asynchronous</i> discussions.",
                        "answer": "Forum",
                    },
                    {
                        "id": "p2",
                        "prompt": "A teacher asks a question &amp; specifies a choice of multiple responses.",
                        "answer": "Choice",
                    },
                    {
                        "id": "p3",
                        "prompt": "A bank of &lt;record&gt; entries which participants can add to.",
                        "answer": "Database",
                    },
                    {
                        "id": "p4",
                        "prompt": "<p>A collection of web pages that <em>anyone</em> can add to or edit.</p>",
                        "answer": "Wiki",
                    },
                ],
                "distractors": ["Chat"],
                "shuffle": True,
            },
        },
    ),
    "match without spaces (format.php header)": (
        "Match the following countries with their corresponding\ncapitals.{=Canada->Ottawa =Italy->Rome =Japan->Tokyo}",
        {
            "qtype": "matching",
            "data": {
                "pairs": [
                    {"id": "p1", "prompt": "Canada", "answer": "Ottawa"},
                    {"id": "p2", "prompt": "Italy", "answer": "Rome"},
                    {"id": "p3", "prompt": "Japan", "answer": "Tokyo"},
                ],
                "distractors": [],
                "shuffle": True,
            },
        },
    ),
    "markdown question text": (
        "[markdown]Who's buried in **Grant's tomb**?{\n=no one#excellent answer!\n=nobody#excellent answer!}",
        {
            "text": "<p>Who's buried in <strong>Grant's tomb</strong>?</p>",
            "name": "Who's buried in Grant's tomb?",
        },
    ),
    "plain text is escaped and keeps its line breaks": (
        "[plain]Is 1 < 2 & 3 > 2?\nAnswer below.{T}",
        {"text": "Is 1 &lt; 2 &amp; 3 &gt; 2?<br>Answer below."},
    ),
    "default (moodle) format with markup is kept as HTML": (
        "What does <code>ls</code> do?{=lists files ~deletes files}",
        {"text": "What does <code>ls</code> do?"},
    ),
    "default (moodle) format without markup is escaped": (
        "Is x < 3 when x \\= 2?{T}",
        {"text": "Is x &lt; 3 when x = 2?"},
    ),
    "escapes in text, answers and feedback": (
        "::a\\:b \\{c\\}::Which answer equals 5\\: \\{x\\} \\~ \\# \\\\ ?{\n"
        "     ~ \\= 2 + 2 # \\= 4\n     = \\= 2 + 3 # right\\nnew line\n     ~ \\= 2 + 4  }",
        {
            "name": "a:b {c}",
            "text": "Which answer equals 5: {x} ~ # \\ ?",
            "data": {
                "options": [
                    {"id": cid("= 2 + 2"), "text": "= 2 + 2", "fraction": 0.0, "feedback": "= 4"},
                    {
                        "id": cid("= 2 + 3"),
                        "text": "= 2 + 3",
                        "fraction": 1.0,
                        "feedback": "right<br>new line",
                    },
                    {"id": cid("= 2 + 4"), "text": "= 2 + 4", "fraction": 0.0, "feedback": ""},
                ],
                "shuffle": True,
            },
        },
    ),
    "double backslash stays a backslash (MDL-34171)": (
        "// essay\n::double backslash:: A \\\\ B \\\\\\\\ C{}",
        {"qtype": "essay", "text": "A \\ B \\\\ C"},
    ),
    "escaped braces in html pre content": (
        "::Q001::[html]<p>What would running the test method print?</p>\n<pre>\n    public void test() \\{\n"
        "        method1();\n    \\}\n</pre>\n{}",
        {
            "qtype": "essay",
            "text": "<p>What would running the test method print?</p>\n<pre>\n    public void test() {\n        method1();\n    }\n</pre>",
        },
    ),
    "tags from comments": (
        "// This question is to test importing tags: [tag:tag] [tag:other-tag].\n// And an idnumber: [id:myid].\n"
        "::Question name:: How are you? {}",
        {"qtype": "essay", "name": "Question name", "tags": ["tag", "other-tag"]},
    ),
    "tags mixed up with escaped ]": (
        "// [tag:  basic] Here is\n// a [id:   four   ] que[tag:add   ]stion [tag:t\\]ag].\nHi?{}",
        {"tags": ["basic", "add", "t]ag"]},
    ),
    "name without text gets a default name from the text": (
        "The sun rises in the east.{T}",
        {"name": "The sun rises in the east."},
    ),
    "long default names are shortened": (
        "A" * 50 + " " + "B" * 50 + "?{T}",
        {"name": "A" * 50 + "..."},
    ),
}


@pytest.mark.parametrize(("gift", "expected"), IMPORT_CASES.values(), ids=IMPORT_CASES.keys())
def test_import(gift, expected):
    question = only(gift)

    for field, value in expected.items():
        assert getattr(question, field) == value, field


def test_import_description():
    quiz = parse_gift("::Intro::The next questions are about frogs.\n\nFrogs are green.{T}")

    intro = quiz.questions[0]
    assert (intro.qtype, intro.name, intro.text, intro.default_mark, intro.data) == (
        "description",
        "Intro",
        "The next questions are about frogs.",
        0.0,
        {},
    )


def test_import_multichoice_weights():
    quiz = parse_gift(
        "Jesus Christ was from {~Jerusalem#Wrong. ~%25%Bethlehem#Born. ~%50%Galilee#Vague. =Nazareth#Yes!}.\n\n"
        "::colours::Between orange and green?{~%50%yellow#right ~%-100%red#[html]<b>wrong</b> "
        "~%50%off-beige#right ~%-100%[plain]blue#wrong}\n\n"
        "Which are primes?{~%33.33333%2 ~%33.33333%3 ~%33.33334%5 ~%-100%4}"
    )

    single, multi, decimals = quiz.questions
    assert options(single) == [
        ("Jerusalem", 0.0, "Wrong."),
        ("Bethlehem", 0.25, "Born."),
        ("Galilee", 0.5, "Vague."),
        ("Nazareth", 1.0, "Yes!"),
    ]
    assert options(multi) == [
        ("yellow", 0.5, "right"),
        ("red", -1.0, "<b>wrong</b>"),
        ("off-beige", 0.5, "right"),
        ("blue", -1.0, "wrong"),
    ]
    assert [o["fraction"] for o in decimals.data["options"]] == [0.3333333, 0.3333333, 0.3333334, -1.0]
    assert [o["id"] for o in decimals.data["options"]] == [cid("2"), cid("3"), cid("5"), cid("4")]


def test_option_ids_are_opaque_and_distinct_for_the_same_text():
    quiz = parse_gift("Capital?{=Paris ~Lyon ~Nice ~Lille}\n\nTwice?{~%50%Same ~%50%Same ~Other}")

    capital, twice = quiz.questions
    ids = [o["id"] for o in capital.data["options"]]
    assert ids == [cid("Paris"), cid("Lyon"), cid("Nice"), cid("Lille")]
    assert ids[0] != "a"
    assert not set(ids) & {"a", "b", "c", "d"}
    assert sorted(ids) != ids  # the right answer, written first, is not the first value either
    same = [o["id"] for o in twice.data["options"]]
    assert len(set(same)) == 3
    assert same[0] == cid("Same")


def test_option_ids_survive_parse_export_parse():
    source = (
        "::Q1::Capital?{=<b>Paris</b>#yes ~Lyon ~[plain]<Nice>}\n\n"
        "::Q2::Pick{~%50%Same ~%50%Same ~%-100%Other#no}\n\n"
        "::Q3::Ok?{=a \\= b ~a \\~ b ~a \\# b}\n"
    )
    first = parse_gift(source)

    second = parse_gift(export_gift(first.questions))

    assert first.skipped == second.skipped == []
    first_ids = [[o["id"] for o in q.data["options"]] for q in first.questions]
    assert [[o["id"] for o in q.data["options"]] for q in second.questions] == first_ids
    assert all(len(set(ids)) == len(ids) for ids in first_ids)


def test_feedback_and_answers_inherit_the_question_text_format():
    question = only("[html]<p>Pick</p>{=<b>A</b>#<i>yes</i> ~B & C#[plain]<no>}")

    assert options(question) == [("<b>A</b>", 1.0, "<i>yes</i>"), ("B & C", 0.0, "&lt;no&gt;")]


def test_categories_comments_and_blank_lines():
    gift = (
        "\ufeff// question: 0  name: Switch category to $course$/top/Default for Frogs\r\n"
        "$CATEGORY: $course$/top/Default for Frogs\r\n"
        "\r\n"
        "// a comment between questions\r\n"
        "\r\n"
        "\r\n"
        "::Q1::Frogs are green.{T}   \r\n"
        "\r\n"
        "$CATEGORY: $system$/Biology/Amphibians\r\n"
        "::Q2::Toads are green.{F}\r\n"
        "   \t \r\n"
        "$CATEGORY:    Unit 1 / Week 2 \r\n"
        "\r\n"
        "::Q3::Newts are green.{T}\r\n"
        "\r\n"
        "$CATEGORY: $course$/top\r\n"
        "\r\n"
        "::Q4::Frogs jump.{T}\r\n"
    )

    quiz = parse_gift(gift)

    assert quiz.skipped == []
    assert [(q.name, q.category, q.source_ref) for q in quiz.questions] == [
        ("Q1", "Default for Frogs", "line 7"),
        ("Q2", "Biology/Amphibians", "line 10"),
        ("Q3", "Unit 1/Week 2", "line 14"),
        ("Q4", "", "line 18"),
    ]
    assert quiz.questions[0].text == "Frogs are green."
    assert quiz.title == ""
    assert quiz.settings == {}


def test_bytes_input_with_bom_is_decoded():
    quiz = parse_gift("\ufeff::Q::Café is French.{T}".encode())

    assert quiz.questions[0].text == "Café is French."


def test_comment_lines_inside_a_question_are_ignored():
    question = only("::Q::Pick one.{\n// the right one\n=A\n// a wrong one\n~B\n}")

    assert options(question) == [("A", 1.0, ""), ("B", 0.0, "")]


# --- malformed questions are skipped with a reason; the rest is imported --------------------------------------

MALFORMED_CASES = {
    "matching with one pair": ("Match it.{=Cat -> Meow}", "at least two pairs"),
    "matching answer without ->": ("Match it.{=Cat -> Meow =Dog Woof =Cow -> Moo}", "'->'"),
    "matching pair without an answer": ("Match it.{=Cat -> Meow =Dog -> }", "nothing after"),
    "multiple choice with one option": ("Pick one.{=Only option}", None),
    "multiple choice with one option and a stray ~": ("Pick one.{=Only ~}", "at least two options"),
    "unclosed brace": ("What is it?{=A ~B", "not closed"),
    "closing brace without opening": ("What is it? =A ~B}", "not closed"),
    "closing brace before opening": ("What } is it? {=A ~B", "comes before"),
    "two answer blocks": ("Pick {=a ~b} and {=c ~d}.", "one answer block"),
    "weight above 100%": ("Pick.{~%150%A ~B}", "outside -100% to 100%"),
    "multi-response with no positive weight": ("Pick.{~%-50%A ~B}", "positive weight"),
    "numerical answer that is not a number": ("How many?{#three}", "not a number"),
    "numerical tolerance that is not a number": ("How many?{#3:a bit}", "not a number"),
    "numerical range the wrong way round": ("How many?{#5..1}", "minimum above its maximum"),
    "numerical with only a catch-all": ("How many?{#~#Wrong}", "at least one number"),
    "numerical with negative weight": ("How many?{#=%-50%3}", "Negative weights"),
    "shortanswer that gives no credit": ("Name it.{=%0%frog}", "gives any credit"),
    "question without text": ("::Nameless::{T}", "no text"),
}


@pytest.mark.parametrize(("gift", "reason"), MALFORMED_CASES.values(), ids=MALFORMED_CASES.keys())
def test_malformed_question_is_skipped_and_parsing_goes_on(gift, reason):
    quiz = parse_gift(
        f"::Before::Frogs are green.{{T}}\n\n// comment\n{gift}\n\n::After::Toads are green.{{F}}"
    )

    if reason is None:  # a shortanswer in GIFT: "{=Only option}" is one accepted answer, not a bad choice
        assert [q.qtype for q in quiz.questions] == ["truefalse", "shortanswer", "truefalse"]
        return
    assert [q.name for q in quiz.questions] == ["Before", "After"]
    assert len(quiz.skipped) == 1
    assert quiz.skipped[0].ref == "line 4"
    assert reason in quiz.skipped[0].reason


def test_a_choice_with_a_single_tilde_option_is_skipped():
    quiz = parse_gift("Pick one.{~Only option}\n\nFrogs are green.{T}")

    assert quiz.skipped == [
        Skipped(ref="line 1", reason="A multiple-choice question needs at least two options.")
    ]
    assert len(quiz.questions) == 1


@pytest.mark.parametrize(
    "gift",
    ["", "   \n\n\t\n", "// only a comment\n// and another\n", "$CATEGORY: Unit 1\n\n"],
    ids=["empty", "blank", "comments only", "category only"],
)
def test_file_without_questions_is_refused(gift):
    with pytest.raises(FormatError, match=r"^No questions found\.$"):
        parse_gift(gift)


def test_file_of_plain_prose_is_refused():
    with pytest.raises(FormatError, match="is this a GIFT file"):
        parse_gift("Dear teacher,\n\nhere are my notes.\n\nRegards")


def test_binary_and_non_utf8_input_is_refused():
    with pytest.raises(FormatError, match="not UTF-8"):
        parse_gift(b"\xff\xfe\x00Q\x00{\x00T\x00}")
    with pytest.raises(FormatError, match="not text"):
        parse_gift("Q?{T}\x00\x01")
    with pytest.raises(FormatError, match="not text"):
        parse_gift(12)  # type: ignore[arg-type]


def test_input_over_2_mb_is_refused():
    big = "Q?{T}\n\n" + "// padding\n" * (2 * 1024 * 1024 // 11 + 1)

    with pytest.raises(FormatError, match="larger than 2 MB"):
        parse_gift(big)
    with pytest.raises(FormatError, match="larger than 2 MB"):
        parse_gift(big.encode())


def test_more_than_2000_questions_is_refused_and_2000_are_read():
    block = "$CATEGORY: c\n\n" + "".join(f"::Q{i}::Frog {i} is green.{{T}}\n\n" for i in range(MAX_QUESTIONS))

    assert len(parse_gift(block).questions) == MAX_QUESTIONS
    with pytest.raises(FormatError, match="more than 2,000 questions"):
        parse_gift(block + "::Q::One more.{T}")


# --- export ---------------------------------------------------------------------------------------------------


def q(qtype, data, **fields):
    defaults = {"name": "Q", "text": "Question?"}
    return ParsedQuestion(qtype=qtype, data=data, **{**defaults, **fields})


EXPORT_CASES = {
    "essay": (q("essay", {}, name="Q8", text="How are you?"), "::Q8::How are you?{}\n\n"),
    "essay with backslashes": (
        q("essay", {}, name="backslash", text="A \\ B \\\\ C"),
        "::backslash::A \\\\ B \\\\\\\\ C{}\n\n",
    ),
    "description": (
        q("description", {}, name="Intro", text="Read <b>this</b>."),
        "::Intro::[html]Read <b>this</b>.\n\n",
    ),
    "truefalse with feedback": (
        q(
            "truefalse",
            {
                "correct": True,
                "feedback_true": "You gave the right answer.",
                "feedback_false": "<p>42 is the Ultimate Answer.</p>",
            },
            name="Q1",
            text="42 is the Absolute Answer to everything.",
            general_feedback="Because.",
        ),
        "::Q1::42 is the Absolute Answer to everything.{TRUE#[html]<p>42 is the Ultimate Answer.</p>#You gave the right answer.####Because.}\n\n",
    ),
    "truefalse with only right feedback": (
        q("truefalse", {"correct": False, "feedback_true": "", "feedback_false": "Right."}),
        "::Q::Question?{FALSE##Right.}\n\n",
    ),
    "multichoice": (
        q(
            "choice",
            {
                "options": [
                    {"id": "a", "text": "yellow", "fraction": 1.0, "feedback": "right; good!"},
                    {"id": "b", "text": "red", "fraction": 0.0, "feedback": "wrong, it's <b>yellow</b>"},
                    {"id": "c", "text": "%blue", "fraction": 0.0, "feedback": ""},
                    {"id": "d", "text": "1/2 = 0.5", "fraction": 0.5, "feedback": ""},
                ],
                "shuffle": True,
            },
            name="Q8",
            text="What's between orange and green in the spectrum?",
        ),
        "::Q8::What's between orange and green in the spectrum?{\n\t=yellow#right; good!\n"
        "\t~red#[html]wrong, it's <b>yellow</b>\n\t~%0%%blue\n\t~%50%1/2 \\= 0.5\n}\n\n",
    ),
    "multi-response": (
        q(
            "multiple",
            {
                "options": [
                    {"id": "a", "text": "yellow", "fraction": 1.0, "feedback": "right; good!"},
                    {"id": "b", "text": "red", "fraction": -0.5, "feedback": "wrong"},
                    {"id": "c", "text": "blue", "fraction": 0.3333333, "feedback": ""},
                ],
                "shuffle": True,
            },
        ),
        "::Q::Question?{\n\t~%100%yellow#right; good!\n\t~%-50%red#wrong\n\t~%33.33333%blue\n}\n\n",
    ),
    "shortanswer with general feedback": (
        q(
            "shortanswer",
            {
                "answers": [
                    {"text": "Frog", "fraction": 1.0, "feedback": "Good!"},
                    {"text": "Cat", "fraction": 0.5, "feedback": "What is it with Moodlers and cats?"},
                    {"text": "*", "fraction": 0.0, "feedback": "Completely wrong"},
                ],
                "case_sensitive": True,
            },
            name="Shortanswer",
            text="Which is the best animal?",
            general_feedback="<p>Here is some general feedback!</p>",
        ),
        "::Shortanswer::Which is the best animal?{\n\t=%100%Frog#Good!\n\t=%50%Cat#What is it with Moodlers and cats?\n"
        "\t=%0%*#Completely wrong\n\t####[html]<p>Here is some general feedback!</p>\n}\n\n",
    ),
    "numerical": (
        q(
            "numeric",
            {
                "answers": [
                    {"value": 3, "tolerance": 2, "fraction": 1.0, "feedback": ""},
                    {"min": 0.5, "max": 1.5, "fraction": 0.5, "feedback": "Close"},
                    {"value": None, "fraction": 0.0, "feedback": "Completely wrong"},
                ],
                "units": [{"unit": "cm", "multiplier": 1.0}],
                "unit_required": True,
            },
            name="Q5",
            text="What is a number from 1 to 5?",
        ),
        "::Q5::What is a number from 1 to 5?{#\n\t=%100%3:2\n\t=%50%0.5..1.5#Close\n\t~#Completely wrong\n}\n\n",
    ),
    "matching with a distractor": (
        q(
            "matching",
            {
                "pairs": [
                    {
                        "id": "p1",
                        "prompt": '<div class="frog">An activity -> discussions.</div>',
                        "answer": "Forum",
                    },
                    {"id": "p2", "prompt": "A teacher asks a question.", "answer": "Choice = poll"},
                ],
                "distractors": ["Chat"],
                "shuffle": True,
            },
            name="Moodle activities",
            text="Match the <b>activity</b> to the description.",
        ),
        '::Moodle activities::[html]Match the <b>activity</b> to the description.{\n\t=<div class\\="frog">An activity -&gt; discussions.</div> -> Forum\n'
        "\t=A teacher asks a question. -> Choice \\= poll\n\t= -> Chat\n}\n\n",
    ),
    "missing word goes where the blank is": (
        q(
            "shortanswer",
            {"answers": [{"text": "four", "fraction": 1.0, "feedback": ""}], "case_sensitive": False},
            text="Two plus two equals _____.",
        ),
        "::Q::Two plus two equals {\n\t=%100%four\n}.\n\n",
    ),
    "ordering has no GIFT form": (
        q(
            "ordering",
            {"items": [{"id": "i1", "text": "One"}], "scoring": "positions"},
            name='Put "these"\nin order',
        ),
        '// skipped: ordering question "Put "these" in order" has no GIFT form\n\n',
    ),
    "tags": (q("essay", {}, tags=["frogs", "a]b"]), "// [tag:frogs] [tag:a\\]b]\n::Q::Question?{}\n\n"),
}


@pytest.mark.parametrize(("question", "expected"), EXPORT_CASES.values(), ids=EXPORT_CASES.keys())
def test_export(question, expected):
    assert export_gift([question]) == expected


def test_export_writes_a_category_line_when_the_category_changes():
    questions = [
        q("essay", {}, name="A", category="Unit 1/Week 2"),
        q("essay", {}, name="B", category="Unit 1/Week 2"),
        q("essay", {}, name="C", category=""),
    ]

    assert export_gift(questions) == (
        "$CATEGORY: $course$/top/Unit 1/Week 2\n\n::A::Question?{}\n\n::B::Question?{}\n\n"
        "$CATEGORY: $course$/top\n\n::C::Question?{}\n\n"
    )


def test_export_writes_the_questions_of_a_group():
    group = ParsedGroup(name="Pool", pick=1, points_per_item=None, questions=[q("essay", {}, name="A")])

    assert export_gift([group]) == "::A::Question?{}\n\n"


def test_export_drops_units_and_marks_that_gift_cannot_express():
    numeric = q(
        "numeric",
        {
            "answers": [{"value": 2.5, "tolerance": 0.1, "fraction": 1.0, "feedback": ""}],
            "units": [{"unit": "m", "multiplier": 1.0}],
            "unit_required": True,
        },
        default_mark=3.0,
        penalty=0.1,
        hints=["Think metres."],
    )

    (back,) = parse_gift(export_gift([numeric])).questions

    assert back.data == {
        "answers": [{"value": 2.5, "tolerance": 0.1, "fraction": 1.0, "feedback": ""}],
        "units": [],
        "unit_required": False,
    }
    assert (back.default_mark, back.penalty, back.hints) == (1.0, 0.3333333, [])


# --- round trip -----------------------------------------------------------------------------------------------

ROUND_TRIP_SOURCE = r"""
$CATEGORY: $course$/top/Unit 1/Frogs

// [tag:unit-1] [tag:frogs]
::Essay\: a \{frog\}::[html]<p>Describe a <b>frog</b> \= amphibian.</p>{####Look at its legs\: 4.}

::Intro::A frog is an amphibian \~ not a reptile.\nSecond line with a backslash \\ here.

::TF::Frogs are green.{TRUE#Some are brown.#Yes\# mostly.####General \{feedback\}}

::TF2::Toads are green.{F##Right, they are not.}

$CATEGORY: Unit 2

::MC::Which is a frog? {
    =Bullfrog#Right\: it croaks.
    ~[html]<i>Salamander</i>#No, it has a tail.
    ~%-50%Lizard\=reptile
    ~%33.33333%Tadpole
    ####[markdown]**General** feedback.
}

::MR::Which are amphibians?{~%50%Frog ~%50%Newt#Yes ~%-100%Snake#No\~ ~Rock}

::SA::Name a frog species\: {=%100%Bullfrog#Yes =%50%Tree frog =%0%*#No####gf}

::SA missing::The {=Bullfrog =%75%Bull frog#Spelling!} is the largest frog in North America.

::NUM::How many legs?{#4:0#Right ~#Count again.}

::NUM range::Pick a number from 1 to 2.{#1..2}

::NUM many::What is pi?{#
    =%100%3.14159:0.0001#Precise
    =%50%3.14:0.01#Close
    =%25%3:0.5
    =%0%*#Nope
    ####Pi is irrational.
}

::NUM exp::Avogadro?{#6.022e23:1e21}

::Match::[html]Match the <b>animal</b>.{
    =Frog -> Croak
    =Dog -> Woof \= bark
    =[html]<i>Cat</i> -> Meow
    = -> Moo
    ####Sounds\: done.
}

::Plain::[plain]Is 1 < 2 & "quoted"?{T}
"""


def test_round_trip_of_every_type():
    first = parse_gift(ROUND_TRIP_SOURCE)
    assert first.skipped == []
    assert [x.qtype for x in first.questions] == [
        "essay",
        "description",
        "truefalse",
        "truefalse",
        "choice",
        "multiple",
        "shortanswer",
        "shortanswer",
        "numeric",
        "numeric",
        "numeric",
        "numeric",
        "matching",
        "truefalse",
    ]
    assert {x.category for x in first.questions[:4]} == {"Unit 1/Frogs"}
    assert first.questions[0].tags == ["unit-1", "frogs"]

    exported = export_gift(first.questions)
    second = parse_gift(exported)

    assert second.skipped == []
    assert without_refs(second.questions) == without_refs(first.questions)
    assert export_gift(second.questions) == exported


def test_round_trip_of_built_questions_with_markup_and_escapes():
    questions = [
        q(
            "essay",
            {"min_words": None, "max_words": None, "template": "", "grader_info": "", "format": "html"},
            name="E: {1}",
            text="<p>Line one</p>\n<p>Line #2 = ~3 \\ end</p>",
            general_feedback="A &amp; B",
        ),
        q(
            "choice",
            {
                "options": [
                    {
                        "id": cid("<p>[html]not a prefix</p>"),
                        "text": "<p>[html]not a prefix</p>",
                        "fraction": 1.0,
                        "feedback": "<b>yes</b>",
                    },
                    {
                        "id": cid("[plain] literal"),
                        "text": "[plain] literal",
                        "fraction": -0.25,
                        "feedback": "",
                    },
                    {"id": cid("a -> b"), "text": "a -> b", "fraction": 0.0, "feedback": "x<br>y"},
                ],
                "shuffle": True,
            },
            text="[markdown] is not a prefix here",
            category="A/B",
            tags=["t"],
        ),
        q(
            "shortanswer",
            {
                "answers": [
                    {"text": "[html]x", "fraction": 1.0, "feedback": "so -&gt; far"},
                    {"text": "a#b=c~d{e}f:g\\h", "fraction": 0.1, "feedback": "Tom &amp; Jerry"},
                ],
                "case_sensitive": False,
            },
            text="Fill: _____ and more",
            category="A/B",
        ),
        q("truefalse", {"correct": False, "feedback_true": "<i>no</i>", "feedback_false": ""}, penalty=1.0),
        q(
            "matching",
            {
                "pairs": [
                    {"id": "p1", "prompt": "<p>x</p>", "answer": "a -> b"},
                    {"id": "p2", "prompt": "y &lt; z", "answer": "[plain]c"},
                ],
                "distractors": ["d: e"],
                "shuffle": True,
            },
        ),
        q(
            "numeric",
            {
                "answers": [
                    {"value": -0.001, "tolerance": 0.0, "fraction": 1.0, "feedback": ""},
                    {"value": None, "fraction": 0.0, "feedback": "nope"},
                    {"min": -3.5, "max": 1e-05, "fraction": 0.3333333, "feedback": ""},
                ],
                "units": [],
                "unit_required": False,
            },
        ),
        q("description", {}, default_mark=0.0, text="Just <em>read</em>."),
    ]

    back = parse_gift(export_gift(questions))

    assert back.skipped == []
    assert without_refs(back.questions) == questions


def test_every_parsed_question_is_valid_for_its_question_type():
    """What the parser writes is what the bank's validation accepts, unchanged."""
    questions = parse_gift(ROUND_TRIP_SOURCE).questions
    for gift, _expected in IMPORT_CASES.values():
        questions += parse_gift(gift).questions

    for question in questions:
        cleaned, errors = qtype_for(question.qtype).clean(question.data)
        assert dict(errors) == {}, question.name
        assert cleaned == question.data, question.name
