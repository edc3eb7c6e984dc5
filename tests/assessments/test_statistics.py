"""Item analysis (apps.assessments.statistics) against figures worked out by hand.

Every expected number below is derived in the comments from the raw marks, and most are checked a
second time by an independent route written differently from the implementation (the standard
library's statistics.stdev / correlation / covariance, a brute-force maximum over all pairings for
covariance_max, the textbook Cronbach formula from item variances, the adjusted Fisher-Pearson
forms of skewness and kurtosis).
"""

import itertools
import json
import math
import random
import statistics
import time

import pytest

from apps.assessments.statistics import (
    AttemptMarks,
    SlotInfo,
    quiz_statistics,
    response_option_ids,
    score_histogram,
)

TOL = 1e-6

# ---------------------------------------------------------------------------------------------------
# The worked example: 5 attempts x 3 questions (max marks 1, 1, 2; quiz max 4).
#
#   attempt   q1  q2  q3 | X (total)
#   A          1   1   2 | 4
#   B          1   1   1 | 3
#   C          1   0   2 | 3
#   D          0   1   0 | 1
#   E          0   0   1 | 1
#
# Test level (s = 5):
#   mean = 12/5 = 2.4; median = 3 (sorted 1 1 3 3 4)
#   X - mean = 1.6 .6 .6 -1.4 -1.4
#   sum d^2 = 2.56+.36+.36+1.96+1.96 = 7.2        -> sd = sqrt(7.2/4) = sqrt(1.8)
#   sum d^3 = 4.096+.216+.216-2.744-2.744 = -0.96
#   sum d^4 = 6.5536+.1296+.1296+3.8416+3.8416 = 14.496
#   m2 = 1.44, m3 = -0.192, m4 = 2.8992
#   k2 = 5*1.44/4 = 1.8;  k3 = 25*(-0.192)/(4*3) = -0.4
#   skewness = -0.4 / 1.8^1.5
#   k4 = 25*(6*2.8992 - 3*4*1.44^2)/(4*3*2) = 25*(17.3952 - 24.8832)/24 = -7.8
#   kurtosis = -7.8 / 1.8^2 = -7.8/3.24
#   item variances (below) 0.3 + 0.3 + 0.7 = 1.3
#   CIC = 100 * 3/2 * (1 - 1.3/1.8) = 150 * 0.5/1.8 = 41.666...
#   error ratio = 100 * sqrt(1 - 0.41666...) = 100 * sqrt(7/12)
#   standard error = sqrt(7/12) * sqrt(1.8) = sqrt(1.05)
#
# q1: x = 1 1 1 0 0, O = X - x = 3 2 2 1 1
#   mean x = .6 -> facility .6; dx = .4 .4 .4 -.6 -.6; V = (3*.16 + 2*.36)/4 = 0.3
#   mean O = 1.8; dO = 1.2 .2 .2 -.8 -.8; var(O) = (1.44+.04+.04+.64+.64)/4 = 0.7
#   C = (.48+.08+.08+.48+.48)/4 = 0.4;  DI = 100*.4/sqrt(.3*.7) = 40/sqrt(.21)
#   sorted x 0 0 1 1 1 vs sorted O 1 1 2 2 3 -> (.48+.48+.08+.08+.48)/4 = 0.4 -> DE = 100
#   cov(x, X) = C + V = 0.7
# q2: x = 1 1 0 1 0, O = 3 2 3 0 1
#   mean x = .6; V = 0.3; mean O = 1.8; dO = 1.2 .2 1.2 -1.8 -.8; var(O) = 6.8/4 = 1.7
#   C = (.48+.08-.72-.72+.48)/4 = -0.1;  DI = -10/sqrt(.51)
#   sorted x 0 0 1 1 1 vs sorted O 0 1 2 3 3: dO -1.8 -.8 .2 1.2 1.2
#     -> (1.08+.48+.08+.48+.48)/4 = 0.65 -> DE = -10/.65 = -15.3846... (dubious)
#   cov(x, X) = -0.1 + 0.3 = 0.2
# q3: x = 2 1 2 0 1, O = 2 2 1 1 0
#   mean x = 1.2 -> facility .6; dx = .8 -.2 .8 -1.2 -.2; V = 2.8/4 = 0.7; sd% = 100*sqrt(.7)/2
#   mean O = 1.2; dO = .8 .8 -.2 -.2 -1.2; var(O) = 2.8/4 = 0.7
#   C = (.64-.16-.16+.24+.24)/4 = 0.2;  DI = 20/.7
#   sorted x 0 1 1 2 2 vs sorted O 0 1 1 2 2 -> 2.8/4 = 0.7 -> DE = 20/.7
#   cov(x, X) = 0.2 + 0.7 = 0.9
# Effective weights: 100*sqrt(c)/(sqrt(.7)+sqrt(.2)+sqrt(.9)) for c = .7, .2, .9
# Intended weights: 1/4, 1/4, 2/4.
# ---------------------------------------------------------------------------------------------------

EXAMPLE_MARKS = {
    "A": (1, 1, 2),
    "B": (1, 1, 1),
    "C": (1, 0, 2),
    "D": (0, 1, 0),
    "E": (0, 0, 1),
}
SLOTS = [
    SlotInfo(slot=1, max_mark=1.0, random_guess=0.25, options=[("a", "Paris"), ("b", "Lyon")]),
    SlotInfo(slot=2, max_mark=1.0, random_guess=0.5),
    SlotInfo(slot=3, max_mark=2.0, random_guess=None),
]


def _attempts(rows=EXAMPLE_MARKS, slots=(1, 2, 3), with_total=True):
    for attempt_id, marks in rows.items():
        yield AttemptMarks(
            attempt_id=attempt_id,
            total=float(sum(marks)) if with_total else None,
            marks=dict(zip(slots, (float(m) for m in marks), strict=True)),
        )


def _columns(rows=EXAMPLE_MARKS):
    return [list(col) for col in zip(*rows.values(), strict=True)]


@pytest.fixture
def example():
    return quiz_statistics(SLOTS, _attempts())


def test_quiz_level_figures_match_the_hand_computation(example):
    assert example.attempt_count == 5
    assert example.slot_count == 3
    assert example.max_grade == pytest.approx(4.0, abs=TOL)
    assert example.mean == pytest.approx(2.4, abs=TOL)
    assert example.median == pytest.approx(3.0, abs=TOL)
    assert example.sd == pytest.approx(math.sqrt(1.8), abs=TOL)
    assert example.skewness == pytest.approx(-0.4 / 1.8**1.5, abs=TOL)
    assert example.kurtosis == pytest.approx(-7.8 / 3.24, abs=TOL)
    assert example.cic == pytest.approx(150 * 0.5 / 1.8, abs=TOL)
    assert example.cronbach_alpha == pytest.approx(1.5 * 0.5 / 1.8, abs=TOL)
    assert example.error_ratio == pytest.approx(100 * math.sqrt(7 / 12), abs=TOL)
    assert example.standard_error == pytest.approx(math.sqrt(1.05), abs=TOL)
    assert example.mean_percent == pytest.approx(60.0, abs=TOL)
    assert example.median_percent == pytest.approx(75.0, abs=TOL)
    assert example.sd_percent == pytest.approx(100 * math.sqrt(1.8) / 4, abs=TOL)
    assert example.standard_error_percent == pytest.approx(100 * math.sqrt(1.05) / 4, abs=TOL)


def test_quiz_level_figures_match_a_second_independent_computation(example):
    totals = [float(sum(m)) for m in EXAMPLE_MARKS.values()]
    n = len(totals)
    assert example.mean == pytest.approx(statistics.mean(totals), abs=TOL)
    assert example.median == pytest.approx(statistics.median(totals), abs=TOL)
    assert example.sd == pytest.approx(statistics.stdev(totals), abs=TOL)
    # Adjusted Fisher-Pearson coefficients (what spreadsheets call SKEW and KURT).
    mean = statistics.fmean(totals)
    m2 = sum((t - mean) ** 2 for t in totals) / n
    g1 = (sum((t - mean) ** 3 for t in totals) / n) / m2**1.5
    g2 = (sum((t - mean) ** 4 for t in totals) / n) / m2**2 - 3
    assert example.skewness == pytest.approx(math.sqrt(n * (n - 1)) / (n - 2) * g1, abs=TOL)
    assert example.kurtosis == pytest.approx(((n + 1) * g2 + 6) * (n - 1) / ((n - 2) * (n - 3)), abs=TOL)
    # Cronbach's alpha, textbook form: k/(k-1) * (1 - sum item variances / variance of totals).
    items = _columns()
    k = len(items)
    alpha = k / (k - 1) * (1 - sum(statistics.variance(i) for i in items) / statistics.variance(totals))
    assert example.cronbach_alpha == pytest.approx(alpha, abs=TOL)
    assert example.cic == pytest.approx(100 * alpha, abs=TOL)


@pytest.mark.parametrize(
    ("index", "expected"),
    [
        (
            0,
            {
                "s": 5,
                "mean_mark": 0.6,
                "facility": 0.6,
                "facility_percent": 60.0,
                "sd": math.sqrt(0.3),
                "sd_percent": 100 * math.sqrt(0.3),
                "mark_variance": 0.3,
                "other_mark_variance": 0.7,
                "covariance": 0.4,
                "covariance_max": 0.4,
                "covariance_with_total": 0.7,
                "discrimination_index": 40 / math.sqrt(0.21),
                "discriminative_efficiency": 100.0,
                "random_guess_score": 0.25,
                "random_guess_score_percent": 25.0,
                "intended_weight": 0.25,
                "intended_weight_percent": 25.0,
            },
        ),
        (
            1,
            {
                "s": 5,
                "facility": 0.6,
                "sd": math.sqrt(0.3),
                "other_mark_variance": 1.7,
                "covariance": -0.1,
                "covariance_max": 0.65,
                "covariance_with_total": 0.2,
                "discrimination_index": -10 / math.sqrt(0.51),
                "discriminative_efficiency": -10 / 0.65,
                "random_guess_score_percent": 50.0,
                "intended_weight_percent": 25.0,
            },
        ),
        (
            2,
            {
                "s": 5,
                "mean_mark": 1.2,
                "facility": 0.6,
                "facility_percent": 60.0,
                "sd": math.sqrt(0.7),
                "sd_percent": 100 * math.sqrt(0.7) / 2,
                "other_mark_variance": 0.7,
                "covariance": 0.2,
                "covariance_max": 0.7,
                "covariance_with_total": 0.9,
                "discrimination_index": 20 / 0.7,
                "discriminative_efficiency": 20 / 0.7,
                "intended_weight": 0.5,
                "intended_weight_percent": 50.0,
            },
        ),
    ],
)
def test_question_figures_match_the_hand_computation(example, index, expected):
    question = example.questions[index]
    assert question.slot == index + 1
    for name, value in expected.items():
        assert getattr(question, name) == pytest.approx(value, abs=TOL), name


def test_question_without_a_random_guess_score_reports_none(example):
    assert example.questions[2].random_guess_score is None
    assert example.questions[2].random_guess_score_percent is None


def test_effective_weights_follow_moodles_square_root_shares(example):
    roots = [math.sqrt(0.7), math.sqrt(0.2), math.sqrt(0.9)]
    for question, root in zip(example.questions, roots, strict=True):
        assert question.effective_weight_percent == pytest.approx(100 * root / sum(roots), abs=TOL)
        assert question.effective_weight == pytest.approx(root / sum(roots), abs=TOL)
        assert question.negative_covariance is False
    assert sum(q.effective_weight_percent for q in example.questions) == pytest.approx(100.0, abs=TOL)


def test_question_figures_match_a_second_independent_computation(example):
    items = _columns()
    totals = [float(sum(m)) for m in EXAMPLE_MARKS.values()]
    for question, xs in zip(example.questions, items, strict=True):
        rest = [t - x for t, x in zip(totals, xs, strict=True)]
        assert question.sd == pytest.approx(statistics.stdev(xs), abs=TOL)
        assert question.facility == pytest.approx(statistics.mean(xs) / question.max_mark, abs=TOL)
        assert question.discrimination_index == pytest.approx(100 * statistics.correlation(xs, rest), abs=TOL)
        assert question.covariance == pytest.approx(statistics.covariance(xs, rest), abs=TOL)
        assert question.covariance_with_total == pytest.approx(statistics.covariance(xs, totals), abs=TOL)
        # covariance_max is the largest covariance over every re-pairing of x with O.
        best = max(statistics.covariance(xs, list(p)) for p in itertools.permutations(rest))
        assert question.covariance_max == pytest.approx(best, abs=TOL)
        assert question.discriminative_efficiency == pytest.approx(100 * question.covariance / best, abs=TOL)


def test_dubious_flags_exactly_the_questions_below_15_percent_efficiency(example):
    assert [q.dubious for q in example.questions] == [False, True, False]


def test_totals_default_to_the_sum_of_marks_and_generators_are_accepted():
    from_generator = quiz_statistics(SLOTS, _attempts(with_total=False))
    assert from_generator.attempt_count == 5
    assert from_generator.cic == pytest.approx(150 * 0.5 / 1.8, abs=TOL)
    assert from_generator.mean == pytest.approx(2.4, abs=TOL)


def test_negative_covariance_with_the_total_gives_no_effective_weight():
    # q1 = q2 = 1 1 0 0, q3 = 0 0 0 1 -> X = 2 2 0 1, mean 1.25, dX = .75 .75 -1.25 -.25
    # cov(q3, X): dx = -.25 -.25 -.25 .75 -> (-.1875 - .1875 + .3125 - .1875)/3 = -1/12 < 0
    # cov(q1, X) = cov(q2, X): dx = .5 .5 -.5 -.5 -> (.375 + .375 + .625 + .125)/3 = 0.5
    # -> EW(q1) = EW(q2) = 100 sqrt(.5) / (2 sqrt(.5)) = 50; EW(q3) = None
    rows = {"a": (1, 1, 0), "b": (1, 1, 0), "c": (0, 0, 0), "d": (0, 0, 1)}
    slots = [SlotInfo(slot=n, max_mark=1.0) for n in (1, 2, 3)]
    stats = quiz_statistics(slots, _attempts(rows))
    q1, q2, q3 = stats.questions
    assert q3.covariance_with_total == pytest.approx(-1 / 12, abs=TOL)
    assert q3.negative_covariance is True
    assert q3.effective_weight is None
    assert q3.effective_weight_percent is None
    assert q1.covariance_with_total == pytest.approx(0.5, abs=TOL)
    assert q1.effective_weight_percent == pytest.approx(50.0, abs=TOL)
    assert q2.effective_weight_percent == pytest.approx(50.0, abs=TOL)


def test_negative_cic_has_no_error_ratio_or_standard_error():
    # q1 = 1 0 1 0 1, q2 = 0 1 0 1 1 -> X = 1 1 1 1 2; var(X) = (4*.04 + .64)/4 = 0.2
    # V1 = V2 = 0.3 -> CIC = 100 * 2 * (1 - 0.6/0.2) = -400
    rows = {"a": (1, 0), "b": (0, 1), "c": (1, 0), "d": (0, 1), "e": (1, 1)}
    slots = [SlotInfo(slot=1, max_mark=1.0), SlotInfo(slot=2, max_mark=1.0)]
    stats = quiz_statistics(slots, _attempts(rows, slots=(1, 2)))
    assert stats.cic == pytest.approx(-400.0, abs=TOL)
    assert stats.error_ratio is None
    assert stats.standard_error is None
    assert stats.standard_error_percent is None
    assert stats.sd == pytest.approx(math.sqrt(0.2), abs=TOL)


def _assert_json_safe(stats):
    payload = stats.to_dict()
    json.dumps(payload, allow_nan=False)  # raises on NaN/inf
    return payload


def test_no_attempts_gives_nulls_everywhere():
    stats = quiz_statistics(SLOTS, [])
    assert stats.attempt_count == 0
    for name in ("mean", "median", "sd", "skewness", "kurtosis", "cic", "error_ratio", "standard_error"):
        assert getattr(stats, name) is None, name
    for question in stats.questions:
        assert question.s == 0
        assert question.facility is None
        assert question.sd is None
        assert question.discrimination_index is None
        assert question.effective_weight is None
    assert [b.count for b in stats.histogram] == [0] * 10
    _assert_json_safe(stats)


def test_one_attempt_has_a_mean_but_no_spread():
    stats = quiz_statistics(SLOTS, _attempts({"a": (1, 0, 2)}))
    assert stats.attempt_count == 1
    assert stats.mean == pytest.approx(3.0, abs=TOL)
    assert stats.median == pytest.approx(3.0, abs=TOL)
    assert stats.sd is None
    assert stats.skewness is None
    assert stats.cic is None
    q1 = stats.questions[0]
    assert q1.facility == pytest.approx(1.0, abs=TOL)
    assert q1.sd is None
    assert q1.discrimination_index is None
    assert q1.discriminative_efficiency is None
    assert q1.effective_weight is None
    assert q1.dubious is False
    _assert_json_safe(stats)


def test_two_attempts_have_an_sd_but_no_skewness_and_no_cic_as_in_moodle():
    # totals 4 and 2: mean 3, median 3, sd = sqrt(2/1)
    stats = quiz_statistics(SLOTS, _attempts({"a": (1, 1, 2), "b": (0, 1, 1)}))
    assert stats.sd == pytest.approx(math.sqrt(2), abs=TOL)
    assert stats.median == pytest.approx(3.0, abs=TOL)
    assert stats.skewness is None
    assert stats.kurtosis is None
    assert stats.cic is None  # Moodle computes CIC inside its s > 2 branch
    assert stats.error_ratio is None


def test_three_attempts_have_skewness_but_no_kurtosis():
    # totals 4 3 3: mean 10/3, d = 2/3 -1/3 -1/3; m2 = (6/9)/3 = 2/9, m3 = (6/27)/3 = 2/27
    # k2 = 3*(2/9)/2 = 1/3, k3 = 9*(2/27)/(2*1) = 1/3 -> skewness = (1/3)/(1/3)^1.5 = sqrt(3)
    stats = quiz_statistics(SLOTS, _attempts({"a": (1, 1, 2), "b": (1, 1, 1), "c": (1, 0, 2)}))
    assert stats.skewness == pytest.approx(math.sqrt(3), abs=TOL)
    assert stats.kurtosis is None


def test_identical_attempts_have_zero_sd_and_no_shape_or_discrimination():
    # 0.1-mark steps make the mean inexact in binary; rounding noise must still count as zero.
    slots = [SlotInfo(slot=1, max_mark=1.0), SlotInfo(slot=2, max_mark=1.0)]
    rows = {str(i): (0.1, 0.7) for i in range(7)}
    stats = quiz_statistics(slots, _attempts(rows, slots=(1, 2)))
    assert stats.sd == 0.0
    assert stats.skewness is None
    assert stats.kurtosis is None
    assert stats.cic is None
    assert stats.error_ratio is None
    for question in stats.questions:
        assert question.sd == 0.0
        assert question.discrimination_index is None
        assert question.discriminative_efficiency is None
        assert question.effective_weight is None
        assert question.dubious is False
    assert stats.questions[0].facility == pytest.approx(0.1, abs=TOL)
    _assert_json_safe(stats)


def test_a_single_slot_has_no_cic_and_no_discrimination():
    # One question: O = X - x is 0 for everybody, so var(O) = 0 and covariance_max = 0.
    # x = 1 0 1 1 -> mean .75, V = (3*.0625 + .5625)/3 = 0.25 = cov(x, X) -> EW = 100 %
    slots = [SlotInfo(slot=1, max_mark=1.0)]
    rows = {"a": (1,), "b": (0,), "c": (1,), "d": (1,)}
    stats = quiz_statistics(slots, _attempts(rows, slots=(1,)))
    assert stats.cic is None
    assert stats.error_ratio is None
    assert stats.skewness is not None
    (question,) = stats.questions
    assert question.other_mark_variance == 0.0
    assert question.discrimination_index is None
    assert question.discriminative_efficiency is None
    assert question.mark_variance == pytest.approx(0.25, abs=TOL)
    assert question.effective_weight_percent == pytest.approx(100.0, abs=TOL)


def test_attempts_with_an_ungraded_mark_are_excluded_as_moodle_does():
    attempts = [
        *_attempts(),
        AttemptMarks(attempt_id="essay", total=None, marks={1: 1.0, 2: 1.0, 3: None}),
    ]
    stats = quiz_statistics(SLOTS, attempts)
    assert stats.excluded_ungraded == 1
    assert stats.attempt_count == 5
    assert stats.cic == pytest.approx(150 * 0.5 / 1.8, abs=TOL)
    assert [q.s for q in stats.questions] == [5, 5, 5]


def test_a_none_mark_on_a_zero_mark_slot_counts_as_zero():
    slots = [*SLOTS, SlotInfo(slot=4, max_mark=0.0)]
    attempts = [
        AttemptMarks(attempt_id=a.attempt_id, total=a.total, marks={**a.marks, 4: None}) for a in _attempts()
    ]
    stats = quiz_statistics(slots, attempts)
    assert stats.attempt_count == 5
    assert stats.excluded_ungraded == 0
    zero = stats.questions[3]
    assert zero.facility is None  # max mark 0
    assert zero.sd == 0.0
    assert zero.intended_weight == 0.0


def test_junk_marks_exclude_the_attempt_and_never_raise():
    attempts = [
        *_attempts(),
        AttemptMarks(attempt_id="nan", total=None, marks={1: float("nan"), 2: 1.0, 3: 1.0}),
        AttemptMarks(attempt_id="text", total=None, marks={1: "one", 2: 1.0, 3: 1.0}),
        AttemptMarks(attempt_id="inf", total=float("inf"), marks={1: 1.0, 2: 1.0, 3: 1.0}),
    ]
    stats = quiz_statistics(SLOTS, attempts)
    assert stats.excluded_invalid == 3
    assert stats.attempt_count == 5
    assert stats.mean == pytest.approx(2.4, abs=TOL)


def test_a_slot_missing_from_an_attempt_is_left_out_of_that_slot_only():
    # F has no slot 3 (not in that attempt): slots 1 and 2 count 6 attempts, slot 3 counts 5.
    attempts = [*_attempts(), AttemptMarks(attempt_id="F", total=None, marks={1: 1.0, 2: 1.0})]
    stats = quiz_statistics(SLOTS, attempts)
    assert stats.attempt_count == 6
    assert [q.s for q in stats.questions] == [6, 6, 5]
    # q1 = 1 1 1 0 0 1 -> facility 4/6; X for F is 2 -> mean total = 14/6
    assert stats.questions[0].facility == pytest.approx(4 / 6, abs=TOL)
    assert stats.mean == pytest.approx(14 / 6, abs=TOL)
    # q3 keeps the five-attempt figures of the worked example
    assert stats.questions[2].discrimination_index == pytest.approx(20 / 0.7, abs=TOL)


def test_max_grade_scales_the_percent_fields_only():
    stats = quiz_statistics(SLOTS, _attempts(), max_grade=8.0)
    assert stats.max_grade == 8.0
    assert stats.mean == pytest.approx(2.4, abs=TOL)
    assert stats.mean_percent == pytest.approx(30.0, abs=TOL)
    assert stats.questions[2].intended_weight_percent == pytest.approx(50.0, abs=TOL)
    assert [b.upper for b in stats.histogram][-1] == pytest.approx(8.0, abs=TOL)


def test_per_option_response_counts():
    slots = [
        SlotInfo(slot=1, max_mark=1.0, options=[("a", "Paris"), ("b", "Lyon"), ("c", "Nice")]),
        SlotInfo(slot=2, max_mark=1.0, options=[("a", "Red"), ("b", "Blue"), ("c", "Green")]),
        SlotInfo(slot=3, max_mark=1.0, options=[("true", "True"), ("false", "False")]),
        SlotInfo(slot=4, max_mark=1.0),
    ]
    responses = [
        {1: {"choice": "a"}, 2: {"choices": ["a", "b"]}, 3: {"answer": True}, 4: {"text": "x"}},
        {1: {"choice": "a"}, 2: {"choices": ["b"]}, 3: {"answer": False}},
        {1: {"choice": "b"}, 2: {"choices": []}, 3: {"answer": True}},
        {1: {}, 2: {"choices": ["zz"]}},
    ]
    attempts = [
        AttemptMarks(attempt_id=i, total=None, marks=dict.fromkeys((1, 2, 3, 4), 1.0), responses=r)
        for i, r in enumerate(responses)
    ]
    attempts.append(
        AttemptMarks(attempt_id="no-responses", total=None, marks=dict.fromkeys((1, 2, 3, 4), 0.0))
    )
    stats = quiz_statistics(slots, attempts)
    q1, q2, q3, q4 = (q.response_counts for q in stats.questions)
    assert q1.counted == 4
    assert [(o.id, o.label, o.count) for o in q1.options] == [
        ("a", "Paris", 2),
        ("b", "Lyon", 1),
        ("c", "Nice", 0),
    ]
    assert q1.options[0].percent == pytest.approx(50.0, abs=TOL)
    assert (q1.no_response, q1.other) == (1, 0)
    assert [o.count for o in q2.options] == [1, 2, 0]
    assert (q2.no_response, q2.other) == (1, 1)
    assert [o.count for o in q3.options] == [2, 1]
    assert q3.no_response == 1
    assert q4 is None


@pytest.mark.parametrize(
    ("response", "ids"),
    [
        ({"choice": "a"}, ["a"]),
        ({"choices": ["a", "c", "a"]}, ["a", "c"]),
        ({"answer": False}, ["false"]),
        ({"choice": ""}, []),
        ({"text": "free"}, []),
        (None, []),
        ("b", ["b"]),
        ({"choices": [["nested"], {"x": 1}, "d"]}, ["d"]),
        (object(), []),
    ],
)
def test_response_option_ids(response, ids):
    assert response_option_ids(response) == ids


def test_score_histogram_bands():
    # max 10, 5 bands of width 2: [0,2) [2,4) [4,6) [6,8) [8,10]
    bins = score_histogram([-1, 0, 1.99, 2, 5, 7.999, 8, 10, 12, float("nan"), "x"], 10, bins=5)
    assert [b.count for b in bins] == [3, 1, 1, 1, 3]
    assert [(b.lower, b.upper) for b in bins] == [(0, 2), (2, 4), (4, 6), (6, 8), (8, 10)]
    assert [b.upper_percent for b in bins] == [20, 40, 60, 80, 100]
    json.dumps([b.to_dict() for b in bins], allow_nan=False)


def test_score_histogram_of_the_example(example):
    # totals 4 3 3 1 1 over 0..4 in 10 bands of 0.4: 1,1 -> [0.8,1.2) band 2; 3,3 -> [2.8,3.2) band 7; 4 -> last
    assert [b.count for b in example.histogram] == [0, 0, 2, 0, 0, 0, 0, 2, 0, 1]


@pytest.mark.parametrize(("max_total", "bins"), [(0, 10), (-5, 10), (float("nan"), 10), (10, 0), (10, 2.5)])
def test_score_histogram_undefined_cases_are_empty(max_total, bins):
    assert score_histogram([1, 2, 3], max_total, bins=bins) == []


def test_to_dict_is_json_safe_and_keeps_full_precision(example):
    payload = _assert_json_safe(example)
    assert payload["cic"] == example.cic
    assert payload["questions"][1]["dubious"] is True
    assert payload["questions"][0]["response_counts"]["options"][0]["id"] == "a"
    assert len(payload["histogram"]) == 10


def test_ten_thousand_attempts_of_fifty_questions_run_streamed(capsys):
    rng = random.Random(12)
    slots = [SlotInfo(slot=n, max_mark=float(1 + n % 3), random_guess=0.25) for n in range(1, 51)]
    ability = [rng.random() for _ in range(10_000)]

    def stream():
        for i, a in enumerate(ability):
            marks = {s.slot: s.max_mark * (1.0 if rng.random() < a else 0.0) for s in slots}
            yield AttemptMarks(attempt_id=i, total=None, marks=marks)

    started = time.perf_counter()
    stats = quiz_statistics(slots, stream())
    elapsed = time.perf_counter() - started
    with capsys.disabled():
        print(f"\nstatistics 10000 x 50: {elapsed:.2f} s")
    assert stats.attempt_count == 10_000
    assert all(q.s == 10_000 for q in stats.questions)
    # Marks driven by one ability: items discriminate and the test is consistent.
    assert all(q.discrimination_index is not None and q.discrimination_index > 0 for q in stats.questions)
    assert stats.cic is not None
    assert stats.cic > 75
    assert sum(q.effective_weight_percent for q in stats.questions) == pytest.approx(100.0, abs=TOL)
    _assert_json_safe(stats)
