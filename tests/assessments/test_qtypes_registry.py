"""The registry of question types, and what every type promises: a learner's view that gives nothing
away, the same order for the same seed, clean() that is stable on its own output, a response cleaner that
never raises."""

import random

import pytest
from django.core.exceptions import ImproperlyConfigured

from apps.assessments import qtypes as registry
from apps.assessments.qtypes import (
    Grade,
    QType,
    qtype_choices,
    qtype_for,
    qtypes,
    register_builtin,
    register_qtype,
)

CODES = [
    "choice",
    "multiple",
    "truefalse",
    "shortanswer",
    "numeric",
    "matching",
    "ordering",
    "essay",
    "description",
]

SAMPLES = {
    "choice": {
        "options": [
            {"text": "<p>Paris</p>", "fraction": 1, "feedback": "SECRET-FB-1"},
            {"text": "<p>Lyon</p>", "fraction": -0.5, "feedback": "SECRET-FB-2"},
        ]
    },
    "multiple": {
        "options": [
            {"text": "Dog", "fraction": 0.5, "feedback": "SECRET-FB-1"},
            {"text": "Cat", "fraction": 0.5},
            {"text": "Frog", "fraction": -1, "feedback": "SECRET-FB-2"},
        ]
    },
    "truefalse": {"correct": True, "feedback_true": "SECRET-FB-1", "feedback_false": "SECRET-FB-2"},
    "shortanswer": {"answers": [{"text": "SECRET-ANSWER", "fraction": 1, "feedback": "SECRET-FB-1"}]},
    "numeric": {
        "answers": [{"value": 31415.9, "tolerance": 0.5, "fraction": 1, "feedback": "SECRET-FB-1"}],
        "units": [{"unit": "cm", "multiplier": 1}],
    },
    "matching": {
        "pairs": [{"prompt": "Cat", "answer": "Meow"}, {"prompt": "Dog", "answer": "Woof"}],
        "distractors": ["Quack"],
    },
    "ordering": {"items": ["First", "Second", "Third", "Fourth"]},
    "essay": {"min_words": 5, "template": "<p>T</p>", "grader_info": "SECRET-GRADER-INFO"},
    "description": {},
}
FORBIDDEN_KEYS = {
    "fraction",
    "feedback",
    "feedback_true",
    "feedback_false",
    "correct",
    "answers",
    "answer",
    "value",
    "tolerance",
    "min",
    "max",
    "pairs",
    "grader_info",
    "scoring",
}


def sample(code):
    data, errors = qtype_for(code).clean(SAMPLES[code])
    assert errors == {}
    return data


def walk(value):
    """Every (key, value) of a JSON-like structure, at any depth."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield key, item
            yield from walk(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from walk(item)


def test_the_nine_types_are_registered_in_order():
    assert [q.code for q in qtypes()] == CODES
    assert [q.code for q in qtypes(auto_graded=False)] == ["essay", "description"]
    assert str(dict(qtype_choices())["shortanswer"]) == "Short answer"
    assert qtype_for("nope") is None
    assert qtype_for(None) is None


def test_register_builtin_is_idempotent():
    before = {q.code: q for q in qtypes()}

    register_builtin()
    register_builtin()

    assert {q.code: q for q in qtypes()} == before


def test_a_code_is_registered_once_unless_replaced():
    extra = QType(
        code="test_extra",
        label="Extra",
        clean=lambda data: ({}, {}),
        shuffle_order=lambda data, rng, shuffle=True: {},
        learner_view=lambda data, order=None: {},
        clean_response=lambda data, raw, order=None: {},
        is_blank=lambda data, response: True,
        grade=lambda data, response, order=None: Grade.blank(),
        right_answer=lambda data: "",
        response_summary=lambda data, response, order=None: "",
        random_guess=lambda data: None,
    )
    try:
        register_qtype(extra)
        with pytest.raises(ImproperlyConfigured):
            register_qtype(QType(**{**extra.__dict__, "label": "Other"}))
        assert qtype_for("test_extra") is extra
        with pytest.raises(ImproperlyConfigured):
            register_qtype(QType(**{**extra.__dict__, "code": "bad code"}))
    finally:
        registry.unregister_qtype("test_extra")
    assert qtype_for("test_extra") is None


@pytest.mark.parametrize("code", CODES)
def test_learner_view_gives_nothing_away(code):
    qtype = qtype_for(code)
    data = sample(code)

    for seed in range(5):
        order = qtype.shuffle_order(data, random.Random(seed), True)
        for view in (qtype.learner_view(data, order), qtype.learner_view(data, None)):
            for key, value in walk(view):
                assert key not in FORBIDDEN_KEYS, (code, key)
                assert "SECRET" not in str(value), (code, key)
            text = repr(view)
            assert "31415" not in text
            if code == "matching":
                # the choices are shown, but nothing ties a prompt to its answer
                assert all(set(p) == {"id", "text"} for p in view["prompts"])
                assert all(set(c) == {"id", "text"} for c in view["choices"])
            if code == "ordering":
                right = [i["id"] for i in data["items"]]
                assert [i["id"] for i in view["items"]] != right
                assert not any(i["id"] in {"i1", "i2", "i3", "i4"} for i in view["items"])


@pytest.mark.parametrize("code", CODES)
def test_the_same_seed_gives_the_same_order(code):
    qtype = qtype_for(code)
    data = sample(code)

    assert qtype.shuffle_order(data, random.Random(99), True) == qtype.shuffle_order(
        data, random.Random(99), True
    )


@pytest.mark.parametrize("code", CODES)
def test_clean_is_stable_on_its_own_output(code):
    qtype = qtype_for(code)
    data = sample(code)

    again, errors = qtype.clean(data)

    assert errors == {}
    assert again == data


@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize(
    "raw",
    [
        None,
        "x",
        3,
        [],
        {},
        {"choice": None},
        {"choices": [None, {}]},
        {"text": ["a", "b"]},
        {"matches": []},
        {"order": {"a": 1}},
        {"answer": object()},
        {"value": float("nan")},
    ],
)
def test_clean_response_never_raises(code, raw):
    qtype = qtype_for(code)
    data = sample(code)

    response = qtype.clean_response(data, raw, None)
    grade = qtype.grade(data, response, None)

    assert isinstance(response, dict)
    assert grade.state in registry.STATES
    assert isinstance(qtype.response_summary(data, response, None), str)


@pytest.mark.parametrize("code", CODES)
def test_clean_refuses_data_that_is_not_an_object(code):
    _, errors = qtype_for(code).clean(["not", "a", "dict"])

    assert errors["data"] == ["The question data must be an object."]


def test_grade_states_and_clamping():
    assert Grade.graded(1.2) == Grade(1.0, "right", [])
    assert Grade.graded(-0.3) == Grade(0.0, "wrong", [])
    assert Grade.graded(0.9999995).state == "right"
    assert Grade.graded(0.0000005).state == "wrong"
    assert Grade.graded(0.5, ["", "fb"]) == Grade(0.5, "partial", ["fb"])
    assert Grade.needs_grading().as_dict() == {"fraction": None, "state": "needs_grading", "feedback": []}
