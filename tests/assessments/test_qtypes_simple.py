"""True/false, short answer (Moodle's wildcard matching) and numeric (tolerances, ranges, units)."""

import pytest

from apps.assessments.qtypes import qtype_for
from apps.assessments.qtypes.simple import parse_number, wildcard_match

TRUEFALSE = qtype_for("truefalse")
SHORTANSWER = qtype_for("shortanswer")
NUMERIC = qtype_for("numeric")


def cleaned(qtype, data):
    result, errors = qtype.clean(data)
    assert errors == {}
    return result


# --- true/false ------------------------------------------------------------------------------------------------


def statement():
    return cleaned(
        TRUEFALSE, {"correct": "true", "feedback_true": "Indeed.", "feedback_false": "It is true."}
    )


def test_truefalse_right_and_wrong_with_the_feedback_of_the_answer_given():
    data = statement()

    right = TRUEFALSE.grade(data, {"answer": True})
    wrong = TRUEFALSE.grade(data, {"answer": False})

    assert (right.fraction, right.state, right.feedback) == (1.0, "right", ["Indeed."])
    assert (wrong.fraction, wrong.state, wrong.feedback) == (0.0, "wrong", ["It is true."])


def test_truefalse_reads_form_values_and_ignores_junk():
    data = statement()

    assert TRUEFALSE.clean_response(data, {"answer": "false"}) == {"answer": False}
    assert TRUEFALSE.clean_response(data, {"answer": ["1"]}) == {"answer": True}
    assert TRUEFALSE.clean_response(data, {"answer": "maybe"}) == {}
    assert TRUEFALSE.grade(data, {}).state == "blank"
    assert TRUEFALSE.is_blank(data, {"answer": ""})


def test_truefalse_clean_needs_the_right_answer():
    _, errors = TRUEFALSE.clean({"feedback_true": "x"})

    assert errors == {"correct": ["Choose whether the statement is true or false."]}


def test_truefalse_texts_and_random_guess():
    data = cleaned(TRUEFALSE, {"correct": False})

    assert data == {"correct": False, "feedback_true": "", "feedback_false": ""}
    assert TRUEFALSE.right_answer(data) == "False"
    assert TRUEFALSE.response_summary(data, {"answer": True}) == "True"
    assert TRUEFALSE.random_guess(data) == 0.5
    assert TRUEFALSE.options_for_stats(data) == [("true", "True"), ("false", "False")]


# --- short answer ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("response", "pattern", "case_sensitive", "expected"),
    [
        ("Paris", "paris", False, True),
        ("  Paris  ", "Paris", True, True),
        ("Paris", "paris", True, False),
        ("Paris, France", "Paris", False, False),
        ("Paris\nLondon", "Paris", False, False),
        ("Paris\nLondon", "Paris*", False, True),
        ("Parisian", "Paris*", False, True),
        ("Paris", "Paris*", False, True),
        ("the cat sat", "*cat*", False, True),
        ("caat", "c*t", False, True),
        ("ct", "c*t", False, True),
        ("cab", "c*t", False, False),
        ("a*b", "a\\*b", False, True),
        ("axb", "a\\*b", False, False),
        ("3.14", "3.14", False, True),
        ("3x14", "3.14", False, False),
        ("(a+b)", "(a+b)", False, True),
        ("anything at all", "*", False, True),
        ("ÉCOLE", "école", False, True),
        ("e\u0301cole", "\u00e9cole", True, True),
    ],
)
def test_wildcard_match_as_moodle(response, pattern, case_sensitive, expected):
    assert wildcard_match(response, pattern, case_sensitive=case_sensitive) is expected


def capital():
    return cleaned(
        SHORTANSWER,
        {
            "answers": [
                {"text": "*", "fraction": 0, "feedback": "Think of France."},
                {"text": "Paris", "fraction": 1, "feedback": "Yes."},
                {"text": "Par*", "fraction": 0.5, "feedback": "Spelling?"},
            ]
        },
    )


def test_shortanswer_the_highest_matching_answer_wins():
    data = capital()

    right = SHORTANSWER.grade(data, {"text": " paris "})
    partial = SHORTANSWER.grade(data, {"text": "Parris"})
    other = SHORTANSWER.grade(data, {"text": "London"})

    assert (right.fraction, right.state, right.feedback) == (1.0, "right", ["Yes."])
    assert (partial.fraction, partial.state, partial.feedback) == (0.5, "partial", ["Spelling?"])
    assert (other.fraction, other.state, other.feedback) == (0.0, "wrong", ["Think of France."])


def test_shortanswer_case_sensitive():
    data = cleaned(SHORTANSWER, {"answers": [{"text": "DNA", "fraction": 1}], "case_sensitive": True})

    assert SHORTANSWER.grade(data, {"text": "DNA"}).state == "right"
    assert SHORTANSWER.grade(data, {"text": "dna"}).state == "wrong"


def test_shortanswer_escaped_asterisk_is_literal():
    data = cleaned(SHORTANSWER, {"answers": [{"text": "2\\*3", "fraction": 1}]})

    assert SHORTANSWER.grade(data, {"text": "2*3"}).state == "right"
    assert SHORTANSWER.grade(data, {"text": "2x3"}).state == "wrong"
    assert SHORTANSWER.right_answer(data) == "2*3"


def test_shortanswer_blank_and_no_match():
    data = cleaned(SHORTANSWER, {"answers": [{"text": "Paris", "fraction": 1}]})

    assert SHORTANSWER.grade(data, {"text": "   "}).state == "blank"
    assert SHORTANSWER.grade(data, {}).state == "blank"
    assert SHORTANSWER.grade(data, {"text": "Rome"}) == SHORTANSWER.grade(data, {"text": "Lyon"})
    assert SHORTANSWER.grade(data, {"text": "Rome"}).state == "wrong"


def test_shortanswer_negative_fraction_counts_zero():
    data = cleaned(
        SHORTANSWER, {"answers": [{"text": "Paris", "fraction": 1}, {"text": "Rome", "fraction": -0.5}]}
    )

    grade = SHORTANSWER.grade(data, {"text": "Rome"})

    assert (grade.fraction, grade.state) == (0.0, "wrong")


def test_shortanswer_clean_errors():
    assert SHORTANSWER.clean({})[1] == {"answers": ["Give at least one accepted answer."]}
    assert SHORTANSWER.clean({"answers": [{"text": "Paris", "fraction": 0.5}]})[1] == {
        "answers": ["One of the answers must be worth 100 % (fraction 1)."]
    }
    assert SHORTANSWER.clean({"answers": [{"text": "", "fraction": 1}, {"text": "a", "fraction": 1}]})[1] == {
        "answers.0.text": ["Enter the accepted answer."]
    }


def test_shortanswer_clean_trims_and_completes_answers():
    data = cleaned(SHORTANSWER, {"answers": [{"text": " Paris ", "fraction": "1"}, "Lutèce"], "x": 1})

    assert data == {
        "answers": [
            {"text": "Paris", "fraction": 1.0, "feedback": ""},
            {"text": "Lutèce", "fraction": 1.0, "feedback": ""},
        ],
        "case_sensitive": False,
    }


def test_shortanswer_texts_and_random_guess():
    data = capital()

    assert SHORTANSWER.right_answer(data) == "Paris"
    assert SHORTANSWER.response_summary(data, {"text": " <b>Paris</b> "}) == "Paris"
    assert SHORTANSWER.random_guess(data) == 0.0
    star = cleaned(
        SHORTANSWER, {"answers": [{"text": "Paris", "fraction": 1}, {"text": "*", "fraction": 0.1}]}
    )
    assert SHORTANSWER.random_guess(star) == pytest.approx(0.1)


def test_shortanswer_response_is_capped():
    data = capital()

    assert len(SHORTANSWER.clean_response(data, {"text": "x" * 5000})["text"]) == 1000
    assert SHORTANSWER.clean_response(data, {"text": ["Paris"]}) == {"text": "Paris"}
    assert SHORTANSWER.clean_response(data, {"text": {"a": 1}}) == {}


# --- numeric: parsing ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3.14", (3.14, "")),
        ("  -3.14  ", (-3.14, "")),
        ("+2", (2.0, "")),
        (".5", (0.5, "")),
        ("3.14 cm", (3.14, "cm")),
        ("3.14cm", (3.14, "cm")),
        ("3,14", (3.14, "")),
        ("3,14 m", (3.14, "m")),
        ("1,234.5", (1234.5, "")),
        ("1,234,567", (1234567.0, "")),
        ("1e3", (1000.0, "")),
        ("1.5E-2", (0.015, "")),
        ("2x10^3", (2000.0, "")),
        ("2 \u00d7 10^3 m", (2000.0, "m")),
        ("2*10**3", (2000.0, "")),
        ("5 eV", (5.0, "eV")),
        ("\u22124", (-4.0, "")),
        ("1,2,3", None),
        ("3.1.4", None),
        ("12,34.5", None),
        ("abc", None),
        ("", None),
        ("cm 3", None),
    ],
)
def test_parse_number(text, expected):
    result = parse_number(text)
    if expected is None:
        assert result is None
    else:
        assert result[0] == pytest.approx(expected[0])
        assert result[1] == expected[1]


# --- numeric: grading ------------------------------------------------------------------------------------------


def pi():
    return cleaned(
        NUMERIC,
        {
            "answers": [
                {"value": 3.14, "tolerance": 0.01, "fraction": 1, "feedback": "Yes."},
                {"value": 3, "tolerance": 0.2, "fraction": 0.5, "feedback": "Roughly."},
            ]
        },
    )


@pytest.mark.parametrize(
    ("typed", "fraction", "state"),
    [
        ("3.14", 1.0, "right"),
        ("3.15", 1.0, "right"),  # exactly at the tolerance
        ("3.13", 1.0, "right"),
        ("3.1500001", 0.5, "partial"),  # just outside 3.14 ± 0.01, inside 3 ± 0.2
        ("3.2", 0.5, "partial"),  # exactly at the other tolerance
        ("3.2000001", 0.0, "wrong"),  # just outside both
        ("3.1299999", 0.5, "partial"),  # just outside 3.14 ± 0.01, inside 3 ± 0.2
        ("2.8", 0.5, "partial"),  # exactly at the other tolerance
        ("2.7999", 0.0, "wrong"),
        ("3,14", 1.0, "right"),
        ("314e-2", 1.0, "right"),
    ],
)
def test_numeric_tolerance_edges(typed, fraction, state):
    grade = NUMERIC.grade(pi(), {"value": typed})

    assert (grade.fraction, grade.state) == (fraction, state)


def test_numeric_best_fraction_wins_among_overlapping_answers():
    data = pi()

    # 3.13 is within both 3.14 ± 0.01 (100 %) and 3 ± 0.2 (50 %): the best wins, with its feedback.
    assert NUMERIC.grade(data, {"value": "3.13"}).feedback == ["Yes."]


def test_numeric_exact_value_without_tolerance():
    data = cleaned(NUMERIC, {"answers": [{"value": 42, "fraction": 1}]})

    assert data["answers"] == [{"value": 42.0, "tolerance": 0.0, "fraction": 1.0, "feedback": ""}]
    assert NUMERIC.grade(data, {"value": "42"}).state == "right"
    assert NUMERIC.grade(data, {"value": "42.000001"}).state == "wrong"
    assert NUMERIC.grade(data, {"value": 42}).state == "right"


def test_numeric_float_error_at_the_edge_is_inside():
    data = cleaned(NUMERIC, {"answers": [{"value": 0.3, "tolerance": 0.1, "fraction": 1}]})

    assert NUMERIC.grade(data, {"value": "0.2"}).state == "right"  # 0.3 - 0.1 = 0.19999999999999998
    assert NUMERIC.grade(data, {"value": "0.4"}).state == "right"


def test_numeric_ranges_are_inclusive():
    data = cleaned(
        NUMERIC, {"answers": [{"min": 1, "max": 2, "fraction": 1}, {"min": 2, "max": 3, "fraction": 0.5}]}
    )

    assert NUMERIC.grade(data, {"value": "1"}).state == "right"
    assert NUMERIC.grade(data, {"value": "2"}).fraction == 1.0
    assert NUMERIC.grade(data, {"value": "2.5"}).fraction == 0.5
    assert NUMERIC.grade(data, {"value": "3"}).fraction == 0.5
    assert NUMERIC.grade(data, {"value": "0.999"}).state == "wrong"
    assert NUMERIC.grade(data, {"value": "3.001"}).state == "wrong"


def test_numeric_catch_all_answer_matches_anything_else():
    data = cleaned(
        NUMERIC,
        {
            "answers": [
                {"value": 7, "fraction": 1},
                {"value": None, "fraction": 0, "feedback": "Count again."},
            ]
        },
    )

    assert NUMERIC.grade(data, {"value": "7"}).feedback == []
    other = NUMERIC.grade(data, {"value": "8"})
    assert (other.fraction, other.state, other.feedback) == (0.0, "wrong", ["Count again."])
    assert NUMERIC.random_guess(data) == 0.0


def test_numeric_not_a_number_is_wrong_with_a_reason():
    grade = NUMERIC.grade(pi(), {"value": "pi"})

    assert (grade.fraction, grade.state, grade.feedback) == (0.0, "wrong", ["Enter a number."])
    assert NUMERIC.validate_response(pi(), {"value": "pi"}) == "Enter a number."
    assert NUMERIC.validate_response(pi(), {"value": "3"}) is None


def test_numeric_without_units_refuses_one():
    grade = NUMERIC.grade(pi(), {"value": "3.14 cm"})

    assert (grade.state, grade.feedback) == ("wrong", ["Enter a number only, without a unit."])


def test_numeric_blank():
    assert NUMERIC.grade(pi(), {"value": "  "}).state == "blank"
    assert NUMERIC.is_blank(pi(), {})


def length(required):
    return cleaned(
        NUMERIC,
        {
            "answers": [{"value": 250, "tolerance": 1, "fraction": 1}],
            "units": ["cm", {"unit": "m", "multiplier": 0.01}, {"unit": "mm", "multiplier": 10}],
            "unit_required": required,
        },
    )


def test_numeric_units_choose_the_multiplier():
    data = cleaned(
        NUMERIC,
        {
            "answers": [{"value": 250, "tolerance": 1, "fraction": 1}],
            "units": [
                {"unit": "cm", "multiplier": 1},
                {"unit": "m", "multiplier": 0.01},
                {"unit": "mm", "multiplier": 10},
            ],
        },
    )

    assert NUMERIC.grade(data, {"value": "250 cm"}).state == "right"
    assert NUMERIC.grade(data, {"value": "2.5 m"}).state == "right"
    assert NUMERIC.grade(data, {"value": "2.51m"}).state == "right"  # 251 cm, at the tolerance
    assert NUMERIC.grade(data, {"value": "2500 mm"}).state == "right"
    assert NUMERIC.grade(data, {"value": "2.5 cm"}).state == "wrong"
    assert NUMERIC.grade(data, {"value": "250 m"}).state == "wrong"


def test_numeric_optional_unit_missing_is_the_first_unit():
    data = length(required=False)

    assert NUMERIC.grade(data, {"value": "250"}).state == "right"


def test_numeric_required_unit_missing_is_wrong_with_feedback():
    data = length(required=True)

    grade = NUMERIC.grade(data, {"value": "250"})

    assert (grade.fraction, grade.state) == (0.0, "wrong")
    assert grade.feedback == ["Give the unit: cm, m, mm."]


def test_numeric_unknown_unit_is_wrong_with_feedback():
    for required in (True, False):
        grade = NUMERIC.grade(length(required), {"value": "250 km"})
        assert (grade.state, grade.feedback) == ("wrong", ["The unit km is not one of cm, m, mm."])


def test_numeric_unit_names_are_case_sensitive():
    data = length(required=True)

    assert NUMERIC.grade(data, {"value": "2.5 M"}).state == "wrong"


def test_numeric_clean_response_joins_a_separate_unit():
    data = length(required=True)

    assert NUMERIC.clean_response(data, {"value": "2.5", "unit": "m"}) == {"value": "2.5 m"}
    assert NUMERIC.clean_response(data, {"value": 2.5}) == {"value": "2.5"}
    assert NUMERIC.clean_response(data, {"value": None}) == {}


def test_numeric_clean_errors_per_field():
    _, errors = NUMERIC.clean(
        {
            "answers": [
                {"value": 1, "tolerance": -0.1, "fraction": 1},
                {"min": 5, "max": 2, "fraction": 0.5},
                {"value": "x", "fraction": 0.5},
                {"value": 1, "min": 0, "max": 2},
                {"min": 1},
            ],
            "units": [
                {"unit": "cm", "multiplier": 1},
                {"unit": "cm", "multiplier": 0.5},
                {"unit": "m", "multiplier": 0},
                {"unit": "", "multiplier": 1},
            ],
        }
    )

    assert errors == {
        "answers.0.tolerance": ["The tolerance is 0 or more."],
        "answers.1.max": ["The maximum cannot be less than the minimum."],
        "answers.2.value": ["Enter a number."],
        "answers.3": ["Give either a value with a tolerance or a min and a max, not both."],
        "answers.4.max": ["Enter a number."],
        "units.1.unit": ["This unit is given twice."],
        "units.2.multiplier": ["Enter a number greater than 0."],
        "units.3.unit": ["Enter the unit."],
    }


def test_numeric_clean_needs_a_full_mark_answer_and_a_base_unit():
    assert NUMERIC.clean({"answers": [{"value": 1, "fraction": 0.5}]})[1] == {
        "answers": ["One of the answers must be worth 100 % (fraction 1)."]
    }
    assert NUMERIC.clean({"answers": []})[1] == {"answers": ["Give at least one answer."]}
    _, errors = NUMERIC.clean(
        {"answers": [{"value": 1, "fraction": 1}], "units": [{"unit": "m", "multiplier": 100}]}
    )
    assert errors == {
        "units.0.multiplier": ["The first unit is the one the answers are in: its multiplier is 1."]
    }
    _, errors = NUMERIC.clean({"answers": [{"value": 1, "fraction": 1}], "unit_required": True})
    assert errors == {"unit_required": ["Give the units before requiring one."]}


def test_numeric_catch_all_as_a_star():
    data = cleaned(NUMERIC, {"answers": [{"value": 1, "fraction": 1}, {"value": "*", "fraction": 0.2}]})

    assert data["answers"][1] == {"value": None, "fraction": 0.2, "feedback": ""}
    assert NUMERIC.random_guess(data) == pytest.approx(0.2)


def test_numeric_texts():
    assert NUMERIC.right_answer(pi()) == "3.14 \u00b1 0.01"
    assert NUMERIC.right_answer(length(True)) == "250 \u00b1 1 cm"
    ranged = cleaned(NUMERIC, {"answers": [{"min": 1, "max": 2.5, "fraction": 1}]})
    assert NUMERIC.right_answer(ranged) == "1\u20132.5"
    assert NUMERIC.response_summary(pi(), {"value": " 3.14 "}) == "3.14"
    assert NUMERIC.random_guess(pi()) == 0.0
    assert NUMERIC.learner_view(length(True), {}) == {"units": ["cm", "m", "mm"], "unit_required": True}


def test_numeric_clean_reads_numbers_as_people_type_them():
    data = cleaned(
        NUMERIC,
        {
            "answers": [{"value": "3,14", "tolerance": "0,01", "fraction": 1}, {"min": "1e3", "max": "2000"}],
            "units": [{"unit": "cm"}, {"unit": "m", "multiplier": "0,01"}],
        },
    )

    assert data["answers"][0] == {"value": 3.14, "tolerance": 0.01, "fraction": 1.0, "feedback": ""}
    assert data["answers"][1]["min"] == 1000.0
    assert data["units"] == [{"unit": "cm", "multiplier": 1.0}, {"unit": "m", "multiplier": 0.01}]
    assert NUMERIC.clean({"answers": [{"value": "3 cm", "fraction": 1}]})[1] == {
        "answers.0.value": ["Enter a number."]
    }


def test_empty_feedback_is_not_shown():
    data = cleaned(SHORTANSWER, {"answers": [{"text": "Paris", "fraction": 1, "feedback": "<p> </p>"}]})

    assert SHORTANSWER.grade(data, {"text": "Paris"}).feedback == []
