"""Single choice and multiple response: validation, grading with partial and negative fractions, the
per-attempt order, summaries and Moodle's random-guess score."""

import hashlib
import random

import pytest

from apps.assessments.qtypes import qtype_for
from apps.assessments.qtypes.base import ID_RE, content_id, plain_text

CHOICE = qtype_for("choice")
MULTIPLE = qtype_for("multiple")


def cid(text):
    """The id clean() gives a new option with this text (when no other option claims it first)."""
    return content_id(text, set())


def ids(data):
    """The options' ids by their plain text: generated ids are opaque, so the tests look them up."""
    return {plain_text(o["text"]): o["id"] for o in data["options"]}


def id_list(data):
    return [o["id"] for o in data["options"]]


def capital():
    data, errors = CHOICE.clean(
        {
            "options": [
                {"text": "<p>Paris</p>", "fraction": 1, "feedback": "Yes."},
                {"text": "<p>Lyon</p>", "fraction": "0.5", "feedback": "Close."},
                {"text": "<p>Nice</p>", "fraction": -0.5, "feedback": "No."},
                {"text": "<p>Lille</p>"},
            ],
        }
    )
    assert errors == {}
    return data


def mammals():
    data, errors = MULTIPLE.clean(
        {
            "options": [
                {"id": "a", "text": "Dog", "fraction": 0.5, "feedback": "A dog is."},
                {"id": "b", "text": "Frog", "fraction": -1, "feedback": "A frog is not."},
                {"id": "c", "text": "Cat", "fraction": 0.5},
                {"id": "d", "text": "Newt", "fraction": -0.5},
            ],
            "shuffle": False,
        }
    )
    assert errors == {}
    return data


# --- clean ---------------------------------------------------------------------------------------------------


def test_clean_gives_content_ids_keeps_given_ones_coerces_fractions_and_drops_unknown_keys():
    data, errors = CHOICE.clean(
        {
            "options": [
                {"text": "A", "fraction": "1", "colour": "red"},
                {"id": "b", "text": "B"},
                {"text": "C", "fraction": 0},
            ],
            "extra": 1,
        }
    )

    assert errors == {}
    assert data == {
        "options": [
            {"id": cid("A"), "text": "A", "fraction": 1.0, "feedback": ""},
            {"id": "b", "text": "B", "fraction": 0.0, "feedback": ""},
            {"id": cid("C"), "text": "C", "fraction": 0.0, "feedback": ""},
        ],
        "shuffle": True,
    }


def test_a_content_id_is_o_and_six_hex_digits_of_the_sha256_of_the_text():
    data, _ = CHOICE.clean({"options": [{"text": "<p>Paris</p>", "fraction": 1}, {"text": "Lyon"}]})

    assert id_list(data) == [
        "o" + hashlib.sha256(b"<p>Paris</p>").hexdigest()[:6],
        "o" + hashlib.sha256(b"Lyon").hexdigest()[:6],
    ]
    assert all(ID_RE.match(i) for i in id_list(data))


def test_generated_ids_skip_the_ids_already_given():
    taken = cid("A")  # an explicit id equal to the one the text "A" would get
    data, errors = CHOICE.clean({"options": [{"text": "A", "fraction": 1}, {"id": taken, "text": "B"}]})

    assert errors == {}
    assert id_list(data) == [taken + "1", taken]


def test_generated_ids_are_opaque_they_reveal_neither_order_nor_credit():
    data = capital()
    authored = id_list(data)

    assert ids(data)["Paris"] != "a"  # the right option, written first
    assert not set(authored) & {"a", "b", "c", "d"}
    assert sorted(authored) != authored  # sorting the form's values does not give the authoring order
    # the id depends on the text alone: not on the option's place nor on its fraction
    moved, errors = CHOICE.clean(
        {
            "options": [
                {"text": "<p>Lille</p>", "fraction": 1},
                {"text": "<p>Nice</p>"},
                {"text": "<p>Paris</p>", "fraction": -0.5},
                {"text": "<p>Lyon</p>"},
            ]
        }
    )
    assert errors == {}
    assert ids(moved) == ids(data)


def test_the_same_text_gets_the_same_id_again():
    assert capital() == capital()
    assert ids(capital()) == {t: cid(f"<p>{t}</p>") for t in ("Paris", "Lyon", "Nice", "Lille")}


def test_options_with_the_same_text_get_distinct_ids():
    data, errors = MULTIPLE.clean(
        {
            "options": [
                {"text": "Same", "fraction": 0.5},
                {"text": "Same", "fraction": 0.5},
                {"text": "Same"},
                {"text": "Other"},
            ]
        }
    )

    assert errors == {}
    generated = id_list(data)
    assert len(set(generated)) == 4
    assert generated[0] == cid("Same")
    assert all(ID_RE.match(i) for i in generated)
    assert id_list(MULTIPLE.clean(data)[0]) == generated


def test_explicit_ids_are_kept_and_cleaning_again_changes_nothing():
    data, errors = CHOICE.clean(
        {
            "options": [
                {"id": "x1", "text": "A", "fraction": 1},
                {"text": "B"},
                {"id": "Q_2-b", "text": "C"},
            ]
        }
    )

    assert errors == {}
    assert id_list(data) == ["x1", cid("B"), "Q_2-b"]
    assert CHOICE.clean(data) == (data, {})


def test_clean_needs_two_options():
    _, errors = CHOICE.clean({"options": [{"text": "Only", "fraction": 1}]})

    assert errors == {"options": ["Give at least two options."]}


def test_clean_with_no_options_at_all():
    _, errors = CHOICE.clean({})

    assert errors == {"options": ["Give at least two options."]}


def test_clean_needs_an_option_worth_100_percent():
    _, errors = CHOICE.clean({"options": [{"text": "A", "fraction": 0.5}, {"text": "B"}]})

    assert errors == {"options": ["One of the options must be worth 100 % (fraction 1)."]}


def test_clean_reports_each_bad_field_by_its_path():
    _, errors = CHOICE.clean(
        {
            "options": [
                {"id": "a", "text": "A", "fraction": 1},
                {"text": "B", "fraction": 1.5},
                {"text": "<p> </p>", "fraction": 0.5},
                {"text": "D", "fraction": "lots"},
                {"id": "a", "text": "E"},
                "F",
            ],
            "shuffle": "perhaps",
        }
    )

    assert errors == {
        "options.1.fraction": ["A fraction is between -1 and 1 (-100 % to 100 %)."],
        "options.2.text": ["Enter the text of this option."],
        "options.3.fraction": ["Enter a number between -1 and 1."],
        "options.4.id": ["This id is used twice."],
        "options.5": ["An option is an object with a text."],
        "shuffle": ["Choose yes or no."],
    }


def test_clean_skips_the_editors_empty_rows():
    data, errors = CHOICE.clean(
        {"options": [{"text": "A", "fraction": 1}, {"text": "B"}, {"text": "", "feedback": ""}]}
    )

    assert errors == {}
    assert len(data["options"]) == 2


def test_an_image_is_an_option_text():
    _, errors = CHOICE.clean(
        {"options": [{"text": '<img src="/a.png" alt="">', "fraction": 1}, {"text": "B"}]}
    )

    assert errors == {}


def test_clean_caps_the_number_of_options_and_text_length():
    options = [{"text": f"O{n}", "fraction": 1 if n == 0 else 0} for n in range(60)]
    data, errors = CHOICE.clean({"options": options})

    assert errors["options"] == ["At most 50 entries."]
    assert len(data["options"]) == 50

    _, errors = CHOICE.clean({"options": [{"text": "x" * 20_001, "fraction": 1}, {"text": "B"}]})
    assert errors == {"options.0.text": ["At most 20000 characters."]}


def test_multiple_positive_fractions_must_add_up_to_one():
    _, errors = MULTIPLE.clean({"options": [{"text": "A", "fraction": 0.5}, {"text": "B", "fraction": 0.4}]})

    assert errors == {"options": ["The positive fractions add up to 90 %; they must add up to 100 %."]}


def test_multiple_accepts_thirds_within_the_tolerance():
    third = 0.3333333
    _, errors = MULTIPLE.clean(
        {"options": [{"text": t, "fraction": third} for t in "ABC"] + [{"text": "D", "fraction": -1}]}
    )

    assert errors == {}


def test_multiple_needs_a_positive_fraction():
    _, errors = MULTIPLE.clean({"options": [{"text": "A", "fraction": -0.5}, {"text": "B"}]})

    assert errors == {"options": ["At least one option must have a positive fraction."]}


# --- grading single choice -----------------------------------------------------------------------------------


def test_the_right_option_is_right_with_its_feedback():
    data = capital()

    grade = CHOICE.grade(data, {"choice": ids(data)["Paris"]})

    assert (grade.fraction, grade.state, grade.feedback) == (1.0, "right", ["Yes."])


def test_an_option_worth_half_is_partial():
    data = capital()
    grade = CHOICE.grade(data, {"choice": ids(data)["Lyon"]})

    assert (grade.fraction, grade.state, grade.feedback) == (0.5, "partial", ["Close."])


def test_a_negative_option_counts_zero():
    data = capital()
    grade = CHOICE.grade(data, {"choice": ids(data)["Nice"]})

    assert (grade.fraction, grade.state, grade.feedback) == (0.0, "wrong", ["No."])


def test_no_choice_or_an_unknown_one_is_blank():
    assert CHOICE.grade(capital(), {}).state == "blank"
    assert CHOICE.grade(capital(), {"choice": "zz"}).state == "blank"
    assert CHOICE.is_blank(capital(), {"choice": "zz"})


def test_clean_response_keeps_a_known_choice_only():
    data = capital()

    lyon = ids(data)["Lyon"]

    assert CHOICE.clean_response(data, {"choice": [lyon]}) == {"choice": lyon}
    assert CHOICE.clean_response(data, {"choice": "b"}) == {}
    assert CHOICE.clean_response(data, {"choice": "nope"}) == {}
    assert CHOICE.clean_response(data, "junk") == {}
    assert CHOICE.clean_response(data, {"choice": 3}) == {}


def test_single_choice_texts_for_review():
    data = capital()

    assert CHOICE.right_answer(data) == "Paris"
    assert CHOICE.response_summary(data, {"choice": ids(data)["Lyon"]}) == "Lyon"
    assert CHOICE.response_summary(data, {}) == ""
    assert CHOICE.options_for_stats(data) == [(ids(data)[t], t) for t in ("Paris", "Lyon", "Nice", "Lille")]


def test_single_choice_random_guess_is_the_mean_fraction():
    # Moodle: (1 + 0.5 - 0.5 + 0) / 4
    assert CHOICE.random_guess(capital()) == pytest.approx(0.25)


# --- grading multiple response -------------------------------------------------------------------------------


def test_all_the_right_options_are_right():
    grade = MULTIPLE.grade(mammals(), {"choices": ["a", "c"]})

    assert (grade.fraction, grade.state, grade.feedback) == (1.0, "right", ["A dog is."])


def test_some_right_options_are_partial():
    grade = MULTIPLE.grade(mammals(), {"choices": ["c"]})

    assert (grade.fraction, grade.state) == (0.5, "partial")


def test_a_wrong_option_subtracts():
    grade = MULTIPLE.grade(mammals(), {"choices": ["a", "c", "d"]})

    assert (grade.fraction, grade.state) == (0.5, "partial")


def test_the_sum_is_clamped_at_zero():
    grade = MULTIPLE.grade(mammals(), {"choices": ["a", "b"]})

    assert (grade.fraction, grade.state, grade.feedback) == (0.0, "wrong", ["A dog is.", "A frog is not."])


def test_the_sum_is_clamped_at_one():
    data = {
        "options": [
            {"id": "a", "text": "A", "fraction": 0.6},
            {"id": "b", "text": "B", "fraction": 0.6},
        ]
    }

    assert MULTIPLE.grade(data, {"choices": ["a", "b"]}).fraction == 1.0


def test_thirds_add_up_to_right():
    third = 0.3333333
    data = {"options": [{"id": i, "text": i, "fraction": third} for i in "abc"]}

    grade = MULTIPLE.grade(data, {"choices": ["a", "b", "c"]})

    assert grade.state == "right"


def test_nothing_chosen_is_blank():
    assert MULTIPLE.grade(mammals(), {"choices": []}).state == "blank"
    assert MULTIPLE.is_blank(mammals(), {})


def test_multiple_clean_response_keeps_known_ids_once_in_question_order():
    data = mammals()

    assert MULTIPLE.clean_response(data, {"choices": ["c", "a", "c", "x", 4]}) == {"choices": ["a", "c"]}
    assert MULTIPLE.clean_response(data, {"choices": "c,a"}) == {"choices": ["a", "c"]}
    assert MULTIPLE.clean_response(data, {"choices": {"a": 1}}) == {}


def test_multiple_texts_for_review():
    data = mammals()

    assert MULTIPLE.right_answer(data) == "Dog, Cat"
    assert MULTIPLE.response_summary(data, {"choices": ["c", "b"]}) == "Frog, Cat"


def test_multiple_random_guess_is_not_computed():
    assert MULTIPLE.random_guess(mammals()) is None


# --- order -----------------------------------------------------------------------------------------------------


def test_options_are_shuffled_the_same_way_for_the_same_seed():
    data = capital()

    first = CHOICE.shuffle_order(data, random.Random(42), True)
    again = CHOICE.shuffle_order(data, random.Random(42), True)

    authored = id_list(data)

    assert first == again
    assert sorted(first["options"]) == sorted(authored)
    assert any(CHOICE.shuffle_order(data, random.Random(s), True)["options"] != authored for s in range(5))


def test_options_keep_their_order_when_the_question_or_the_quiz_says_so():
    data = capital()
    fixed = dict(data, shuffle=False)
    authored = [ids(data)[t] for t in ("Paris", "Lyon", "Nice", "Lille")]

    assert CHOICE.shuffle_order(data, random.Random(1), False) == {"options": authored}
    assert CHOICE.shuffle_order(fixed, random.Random(1), True) == {"options": authored}


def test_learner_view_lists_options_in_the_attempt_order():
    data = capital()

    i = ids(data)

    view = CHOICE.learner_view(data, {"options": [i["Lille"], i["Lyon"], "gone", i["Paris"]]})

    assert view == {
        "options": [
            {"id": i["Lille"], "text": "<p>Lille</p>"},
            {"id": i["Lyon"], "text": "<p>Lyon</p>"},
            {"id": i["Paris"], "text": "<p>Paris</p>"},
            {"id": i["Nice"], "text": "<p>Nice</p>"},
        ],
        "multiple": False,
    }
    assert MULTIPLE.learner_view(mammals(), None)["multiple"] is True
