"""Matching (pairs, distractors, per-attempt choice ids) and ordering (positions and longest ordered
subset)."""

import random

import pytest

from apps.assessments.qtypes import qtype_for
from apps.assessments.qtypes.structured import longest_ordered_subset

MATCHING = qtype_for("matching")
ORDERING = qtype_for("ordering")


def cleaned(qtype, data):
    result, errors = qtype.clean(data)
    assert errors == {}
    return result


def animals():
    return cleaned(
        MATCHING,
        {
            "pairs": [
                {"prompt": "<p>Cat</p>", "answer": "Meow"},
                {"prompt": "<p>Dog</p>", "answer": "Woof"},
                {"prompt": "<p>Cow</p>", "answer": "Moo"},
                {"prompt": "<p>Kitten</p>", "answer": "Meow"},
            ],
            "distractors": ["Quack", "Woof", ""],
        },
    )


def choice_id(order, text):
    return next(c["id"] for c in order["choices"] if c["text"] == text)


# --- matching: clean ---------------------------------------------------------------------------------------------


def test_matching_clean_numbers_pairs_and_keeps_distractors_once():
    data = animals()

    assert [p["id"] for p in data["pairs"]] == ["p1", "p2", "p3", "p4"]
    assert data["distractors"] == ["Quack"]  # "Woof" is already an answer; "" is nothing
    assert data["shuffle"] is True


def test_matching_clean_needs_two_pairs_with_answers():
    assert MATCHING.clean({"pairs": [{"prompt": "A", "answer": "1"}]})[1] == {
        "pairs": ["Give at least two pairs."]
    }
    _, errors = MATCHING.clean({"pairs": [{"prompt": "A", "answer": "1"}, {"prompt": "B", "answer": " "}]})
    assert errors == {"pairs.1.answer": ["Enter the answer that matches this prompt."]}


def test_matching_pair_without_prompt_becomes_a_distractor():
    data = cleaned(
        MATCHING,
        {
            "pairs": [
                {"prompt": "A", "answer": "1"},
                {"prompt": "", "answer": "9"},
                {"prompt": "B", "answer": "2"},
            ]
        },
    )

    assert [p["answer"] for p in data["pairs"]] == ["1", "2"]
    assert data["distractors"] == ["9"]


# --- matching: order and grading ---------------------------------------------------------------------------------


def test_matching_order_numbers_the_distinct_choices_in_the_shown_order():
    data = animals()

    order = MATCHING.shuffle_order(data, random.Random(7), True)

    assert sorted(order["prompts"]) == ["p1", "p2", "p3", "p4"]
    assert [c["id"] for c in order["choices"]] == ["c1", "c2", "c3", "c4"]
    assert sorted(c["text"] for c in order["choices"]) == ["Meow", "Moo", "Quack", "Woof"]
    assert order == MATCHING.shuffle_order(data, random.Random(7), True)


def test_matching_choices_are_shuffled_even_when_prompts_are_not():
    data = animals()

    orders = [MATCHING.shuffle_order(data, random.Random(seed), False) for seed in range(6)]

    assert all(o["prompts"] == ["p1", "p2", "p3", "p4"] for o in orders)
    assert len({tuple(c["text"] for c in o["choices"]) for o in orders}) > 1


def test_matching_all_right():
    data = animals()
    order = MATCHING.shuffle_order(data, random.Random(3), True)
    meow, woof, moo = (choice_id(order, t) for t in ("Meow", "Woof", "Moo"))

    grade = MATCHING.grade(data, {"matches": {"p1": meow, "p2": woof, "p3": moo, "p4": meow}}, order)

    assert (grade.fraction, grade.state) == (1.0, "right")


def test_matching_partial_credit_per_pair_and_distractors_are_wrong():
    data = animals()
    order = MATCHING.shuffle_order(data, random.Random(3), True)
    meow, quack = choice_id(order, "Meow"), choice_id(order, "Quack")

    grade = MATCHING.grade(data, {"matches": {"p1": meow, "p2": quack, "p4": meow}}, order)

    assert (grade.fraction, grade.state) == (0.5, "partial")


def test_matching_ids_mean_what_the_attempt_showed():
    data = animals()
    one = MATCHING.shuffle_order(data, random.Random(1), True)
    other = next(
        o
        for o in (MATCHING.shuffle_order(data, random.Random(s), True) for s in range(2, 50))
        if choice_id(o, "Meow") != choice_id(one, "Meow")
    )
    response = {"matches": {"p1": choice_id(one, "Meow")}}

    assert MATCHING.grade(data, response, one).fraction == 0.25
    assert MATCHING.grade(data, response, other).fraction == 0.0


def test_matching_without_an_order_uses_alphabetical_choices():
    data = animals()

    view = MATCHING.learner_view(data, None)

    assert view["choices"] == [
        {"id": "c1", "text": "Meow"},
        {"id": "c2", "text": "Moo"},
        {"id": "c3", "text": "Quack"},
        {"id": "c4", "text": "Woof"},
    ]
    assert (
        MATCHING.grade(data, {"matches": {"p1": "c1", "p2": "c4", "p3": "c2", "p4": "c1"}}).state == "right"
    )


def test_matching_blank_and_clean_response():
    data = animals()
    order = MATCHING.shuffle_order(data, random.Random(3), True)

    assert MATCHING.grade(data, {"matches": {}}, order).state == "blank"
    assert MATCHING.is_blank(data, {"matches": {"p1": ""}})
    raw = {"matches": {"p1": "c2", "p9": "c1", "p2": "c99", "p3": 4}}
    assert MATCHING.clean_response(data, raw, order) == {"matches": {"p1": "c2"}}
    assert MATCHING.clean_response(data, {"matches": "c1"}, order) == {}


def test_matching_texts_and_random_guess():
    data = animals()
    order = MATCHING.shuffle_order(data, random.Random(3), True)

    assert (
        MATCHING.right_answer(data) == "Cat \u2192 Meow; Dog \u2192 Woof; Cow \u2192 Moo; Kitten \u2192 Meow"
    )
    summary = MATCHING.response_summary(
        data, {"matches": {"p2": choice_id(order, "Quack"), "p1": choice_id(order, "Meow")}}, order
    )
    assert summary == "Cat \u2192 Meow; Dog \u2192 Quack"
    assert MATCHING.random_guess(data) == pytest.approx(1 / 4)
    assert MATCHING.options_for_stats(data) == []


def test_matching_learner_view_follows_the_order():
    data = animals()
    order = {"prompts": ["p3", "p1"], "choices": [{"id": "c1", "text": "Woof"}, {"id": "c2", "text": "Meow"}]}

    view = MATCHING.learner_view(data, order)

    assert [p["id"] for p in view["prompts"]] == ["p3", "p1", "p2", "p4"]
    assert view["prompts"][0] == {"id": "p3", "text": "<p>Cow</p>"}
    assert view["choices"] == [{"id": "c1", "text": "Woof"}, {"id": "c2", "text": "Meow"}]


# --- ordering ------------------------------------------------------------------------------------------------------


def steps(scoring="positions"):
    return cleaned(
        ORDERING,
        {
            "items": [{"id": f"s{n}", "text": f"<p>Step {n}</p>"} for n in range(1, 6)],
            "scoring": scoring,
        },
    )


def test_ordering_clean_gives_opaque_ids_and_checks_fields():
    data = cleaned(ORDERING, {"items": ["First", {"text": "Second"}, {"id": "x", "text": "Third"}]})

    ids = [i["id"] for i in data["items"]]
    assert ids[2] == "x"
    assert len(set(ids)) == 3
    assert all(i.startswith("i") and len(i) == 7 for i in ids[:2])
    assert data["scoring"] == "positions"

    assert ORDERING.clean({"items": ["Only"]})[1] == {"items": ["Give at least two items."]}
    assert ORDERING.clean({"items": ["A", "B"], "scoring": "best"})[1] == {
        "scoring": ["Choose positions or subset."]
    }


def test_ordering_shuffle_is_never_the_right_order():
    data = cleaned(ORDERING, {"items": [{"id": "a", "text": "A"}, {"id": "b", "text": "B"}]})

    for seed in range(30):
        assert ORDERING.shuffle_order(data, random.Random(seed), False) == {"items": ["b", "a"]}


def test_ordering_shuffle_is_deterministic_for_a_seed():
    data = steps()

    order = ORDERING.shuffle_order(data, random.Random(11), True)

    assert order == ORDERING.shuffle_order(data, random.Random(11), True)
    assert sorted(order["items"]) == ["s1", "s2", "s3", "s4", "s5"]
    assert order["items"] != ["s1", "s2", "s3", "s4", "s5"]
    assert [i["id"] for i in ORDERING.learner_view(data, order)["items"]] == order["items"]


def test_ordering_learner_view_without_order_is_not_the_right_order():
    data = steps()

    ids = [i["id"] for i in ORDERING.learner_view(data, None)["items"]]

    assert ids != ["s1", "s2", "s3", "s4", "s5"]
    assert sorted(ids) == ["s1", "s2", "s3", "s4", "s5"]


@pytest.mark.parametrize(
    ("answer", "positions", "subset"),
    [
        (["s1", "s2", "s3", "s4", "s5"], 1.0, 1.0),
        (["s2", "s1", "s3", "s4", "s5"], 0.6, 0.8),  # 3 in place; s1 s3 s4 s5 in order
        (["s5", "s1", "s2", "s3", "s4"], 0.0, 0.8),  # none in place; s1..s4 in order
        (["s5", "s4", "s3", "s2", "s1"], 0.2, 0.0),  # s3 in place; no two in order
        (["s1", "s3", "s5", "s2", "s4"], 0.2, 0.6),  # s1 s3 s5 / s1 s2 s4 ...
    ],
)
def test_ordering_both_scoring_methods(answer, positions, subset):
    by_positions = ORDERING.grade(steps("positions"), {"order": answer})
    by_subset = ORDERING.grade(steps("subset"), {"order": answer})

    assert by_positions.fraction == pytest.approx(positions)
    assert by_subset.fraction == pytest.approx(subset)


def test_ordering_states():
    assert ORDERING.grade(steps(), {"order": ["s1", "s2", "s3", "s4", "s5"]}).state == "right"
    assert ORDERING.grade(steps(), {"order": ["s2", "s1", "s3", "s4", "s5"]}).state == "partial"
    assert ORDERING.grade(steps("subset"), {"order": ["s5", "s4", "s3", "s2", "s1"]}).state == "wrong"
    assert ORDERING.grade(steps(), {"order": []}).state == "blank"
    assert ORDERING.grade(steps(), {}).state == "blank"


def test_longest_ordered_subset():
    assert longest_ordered_subset(["c", "a", "d", "b", "e"], ["a", "b", "c", "d", "e"]) == 3
    assert longest_ordered_subset([], ["a"]) == 0
    assert longest_ordered_subset(["x", "a"], ["a", "b"]) == 1


def test_ordering_clean_response_forms():
    data = steps()
    order = {"items": ["s3", "s1", "s2", "s5", "s4"]}

    assert ORDERING.clean_response(data, {"order": ["s2", "s2", "zz", "s1"]}) == {"order": ["s2", "s1"]}
    assert ORDERING.clean_response(data, {"order": "s2, s1"}) == {"order": ["s2", "s1"]}
    positions = {"s1": "1", "s2": "2", "s3": "3", "s4": "4", "s5": "4", "zz": "1", "s9": "x"}
    assert ORDERING.clean_response(data, {"positions": positions}, order) == {
        "order": ["s1", "s2", "s3", "s5", "s4"]
    }
    assert ORDERING.clean_response(data, {"order": 5}) == {}


def test_ordering_texts():
    data = steps()

    assert ORDERING.right_answer(data) == "Step 1, Step 2, Step 3, Step 4, Step 5"
    assert ORDERING.response_summary(data, {"order": ["s2", "s1"]}) == "Step 2, Step 1"
    assert ORDERING.random_guess(data) is None
