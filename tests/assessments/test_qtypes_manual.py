"""Essay (blank, or waiting for a teacher; word limits) and description (nothing to answer)."""

import random

from apps.assessments.qtypes import qtype_for
from apps.assessments.qtypes.manual import count_words

ESSAY = qtype_for("essay")
DESCRIPTION = qtype_for("description")


def essay(**data):
    result, errors = ESSAY.clean(data)
    assert errors == {}
    return result


def test_essay_clean_defaults():
    assert essay() == {
        "min_words": None,
        "max_words": None,
        "template": "",
        "grader_info": "",
        "format": "html",
    }
    assert essay(min_words="10", max_words=0)["min_words"] == 10
    assert essay(max_words=0)["max_words"] is None


def test_essay_clean_errors():
    _, errors = ESSAY.clean({"min_words": 50, "max_words": 10, "format": "rtf"})
    assert errors == {
        "max_words": ["The maximum cannot be less than the minimum."],
        "format": ["Choose html or plain."],
    }

    _, errors = ESSAY.clean({"min_words": -1, "max_words": "ten"})
    assert errors == {
        "min_words": ["Enter a whole number of 0 or more."],
        "max_words": ["Enter a whole number of 0 or more."],
    }


def test_an_answered_essay_waits_for_a_teacher():
    grade = ESSAY.grade(essay(), {"text": "<p>My answer</p>"})

    assert (grade.fraction, grade.state, grade.feedback) == (None, "needs_grading", [])


def test_an_empty_essay_is_blank():
    for response in ({}, {"text": ""}, {"text": "<p>&nbsp;</p>"}, {"text": 12}):
        grade = ESSAY.grade(essay(), response)
        assert (grade.fraction, grade.state) == (0.0, "blank")


def test_an_image_alone_is_an_answer():
    assert ESSAY.grade(essay(), {"text": '<p><img src="/m/a.png" alt=""></p>'}).state == "needs_grading"


def test_the_template_unchanged_is_blank():
    data = essay(template="<p>Introduction:</p>")

    assert ESSAY.grade(data, {"text": "<p>Introduction:</p>"}).state == "blank"
    assert ESSAY.grade(data, {"text": "<p>Introduction: cats</p>"}).state == "needs_grading"


def test_word_limits_are_a_validation_message():
    data = essay(min_words=3, max_words=5)

    assert ESSAY.validate_response(data, {"text": "one two"}) == "Write at least 3 words (you wrote 2)."
    assert ESSAY.validate_response(data, {"text": "<p>one two three</p>"}) is None
    assert ESSAY.validate_response(data, {"text": "a b c d e f"}) == "Write at most 5 words (you wrote 6)."
    assert ESSAY.validate_response(data, {"text": ""}) is None


def test_count_words():
    assert count_words("<p>Hello,&nbsp;world</p><p>again</p>") == 3
    assert count_words("") == 0


def test_essay_view_and_texts():
    data = essay(template="<p>T</p>", grader_info="<p>Look for X</p>", min_words=1)

    assert ESSAY.learner_view(data, ESSAY.shuffle_order(data, random.Random(1), True)) == {
        "min_words": 1,
        "max_words": None,
        "template": "<p>T</p>",
        "format": "html",
    }
    assert ESSAY.response_summary(data, {"text": "<p>My <b>answer</b></p>"}) == "My answer"
    assert ESSAY.right_answer(data) == ""
    assert ESSAY.random_guess(data) is None
    assert ESSAY.auto_graded is False
    assert ESSAY.clean_response(data, {"text": "  "}) == {}


def test_description_has_nothing_to_answer():
    data, errors = DESCRIPTION.clean({"anything": 1})

    assert (data, errors) == ({}, {})
    assert DESCRIPTION.has_response is False
    assert DESCRIPTION.auto_graded is False
    assert DESCRIPTION.clean_response(data, {"text": "x"}) == {}
    assert DESCRIPTION.is_blank(data, {})
    assert DESCRIPTION.grade(data, {}).state == "blank"
    assert DESCRIPTION.random_guess(data) is None
    assert DESCRIPTION.right_answer(data) == ""
    assert DESCRIPTION.clean("junk")[1] == {"data": ["The question data must be an object."]}
