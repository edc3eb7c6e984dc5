"""Item analysis for quizzes: Moodle's quiz statistics report, in pure Python.

No models and no database here: the caller (``apps.assessments.analytics``) picks the attempt set
(first, highest, last or all finished attempts), turns every attempt into an ``AttemptMarks`` and
passes them in, streamed if it likes. The definitions follow Moodle exactly:

- per question: ``question/classes/statistics/questions/calculator.php``
- per quiz: ``mod/quiz/report/statistics/classes/calculator.php``
- display scales and the "dubious" flag: ``mod/quiz/report/statistics/statistics_table.php``

Notation (Moodle's): ``s`` attempts, ``x`` the mark on a slot (fraction x max mark), ``X`` the sum
of the slot marks of the attempt, ``O = X - x`` the rest of the test. Sample statistics use ``s - 1``.

Per question (over the attempts that contain the slot):
    facility            mean(x) / max_mark                               (None when max_mark is 0)
    sd                  sqrt(sum((x - mean x)^2) / (s - 1))
    mark_variance V     sd^2;  other_mark_variance = var(O);  covariance C = cov(x, O)
    discrimination      100 * C / sqrt(V * var(O))   (item-rest Pearson r; None when V or var(O) is 0)
    covariance_max      the same sum as C with x and O each sorted ascending independently
    discr. efficiency   100 * C / covariance_max                         (None when covariance_max is 0)
    effective weight    100 * sqrt(cov(x, X)) / sum_j sqrt(cov(x_j, X)); the sum runs over the slots
                        with cov >= 0; None for a slot whose cov(x, X) < 0 ("negcovar") and for every
                        slot when the sum is 0
    intended weight     max_mark / sum of the slots' max marks (Moodle: maxmark / quiz.sumgrades)
    dubious             discriminative_efficiency < 15 (only when it is defined)

Per quiz (over the attempt totals, Moodle's ``sumgrades``):
    mean, median, sd (s - 1)
    m_k = sum((X - mean)^k) / s;  k2 = s m2 / (s-1);  k3 = s^2 m3 / ((s-1)(s-2))
    k4 = s^2 ((s+1) m4 - 3 (s-1) m2^2) / ((s-1)(s-2)(s-3))
    skewness = k3 / k2^1.5 (s > 2);  kurtosis = k4 / k2^2 (s > 3)
    cic = 100 P/(P-1) (1 - sum V_i / k2) for P > 1 slots (Moodle computes it only when s > 2)
    error_ratio = 100 sqrt(1 - cic/100);  standard_error = error_ratio * sd / 100

Choices made where Moodle leaves something open (all documented on the fields too):

- Ungraded marks: an attempt with a ``None`` mark on a slot whose max mark is > 0 (an essay not yet
  graded) is EXCLUDED from everything, as Moodle does (its attempt query requires
  ``quiza.sumgrades IS NOT NULL``, and ``sumgrades`` is NULL while any question needs grading). They
  are counted in ``QuizStats.excluded_ungraded``. An attempt with a non-finite or non-numeric mark or
  total is excluded too (``excluded_invalid``).
- A slot absent from ``AttemptMarks.marks`` means "this slot was not in that attempt" (Moodle has no
  step for it): the attempt does not count in that slot's ``s`` and adds nothing to its ``X``. A
  question the learner left blank must be passed as mark 0.0, as Moodle grades it.
- Only pass the slots to analyse; Moodle leaves out description items (no marks, no response).
  Marks for slots not in ``slots`` are ignored.
- ``AttemptMarks.total`` is the attempt's raw total in marks (Moodle's ``sumgrades``, not the
  rescaled quiz grade); ``None`` means "the sum of ``marks``". The quiz-level figures use it; the
  question-level ``X`` is the sum of the analysed slot marks, as in Moodle.
- Every undefined figure is ``None``; nothing here raises on data or returns NaN/inf. Variances
  smaller than rounding noise (all attempts with the same mark) count as exactly 0.
- Beyond Moodle: an ``error_ratio`` is only given for 0 <= cic <= 100 (Moodle would return NaN for a
  negative cic); ``facility`` of a slot with no attempts is None (Moodle shows 0); a slot with fewer
  than 2 attempts gets ``effective_weight`` None (Moodle shows 0). Random-question sub-question and
  variant breakdowns are not computed.

Memory: attempts are consumed once (any iterable); what is kept is one float per attempt and slot
in compact ``array('d')`` columns (needed for the sorted covariance_max and the median), never the
``AttemptMarks`` objects.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from operator import mul
from typing import Any

__all__ = [
    "AttemptMarks",
    "HistogramBin",
    "OptionCount",
    "QuestionStats",
    "QuizStats",
    "ResponseCounts",
    "SlotInfo",
    "quiz_statistics",
    "response_option_ids",
    "score_histogram",
]

DUBIOUS_DISCRIMINATIVE_EFFICIENCY = 15.0  # statistics_table.php is_dubious_question: DE < 15
_ZERO_REL = 1e-9  # deviations below 1e-9 of the data's magnitude are rounding noise


# --------------------------------------------------------------------------------------------- input


@dataclass(frozen=True)
class SlotInfo:
    """One analysed slot of the quiz.

    ``random_guess`` is the question type's random-guess score as a fraction 0..1 (``None`` when the
    type has none, e.g. essay); ``options`` are ``(id, label)`` pairs for choice-like types (the
    qtype's ``options_for_stats``), empty otherwise.
    """

    slot: int
    max_mark: float
    random_guess: float | None = None
    options: Sequence[tuple[str, str]] = ()


@dataclass
class AttemptMarks:
    """The marks of one attempt (latest step fraction x slot max mark per slot).

    ``marks[slot] = None`` means "needs grading" (the whole attempt is then left out); a slot
    missing from ``marks`` was not part of this attempt. ``responses[slot]`` is the canonical
    response dict (``{"choice": "a"}``, ``{"choices": [...]}``, ``{"answer": True}``), used only for
    the per-option counts.
    """

    attempt_id: Any
    total: float | None
    marks: Mapping[int, float | None]
    responses: Mapping[int, Any] | None = None


# -------------------------------------------------------------------------------------------- output


def _json_safe(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return value


class _ToDict:
    def to_dict(self) -> dict:
        """A JSON-safe dict (full precision; any non-finite float would become None)."""
        return _json_safe(asdict(self))


@dataclass
class OptionCount(_ToDict):
    id: str
    label: str
    count: int
    percent: float | None  # count / responses counted x 100


@dataclass
class ResponseCounts(_ToDict):
    """How many of the counted attempts chose each option (a multiple-response attempt counts once
    per option chosen). ``other`` counts ids not among the options (an option since removed)."""

    counted: int  # attempts of this slot that came with responses
    options: list[OptionCount]
    no_response: int
    other: int


@dataclass
class QuestionStats(_ToDict):
    slot: int
    max_mark: float
    s: int  # attempts counted for this slot
    mean_mark: float | None  # mean(x), in marks
    facility: float | None  # mean(x) / max_mark, 0..1 (Moodle's stored "facility")
    facility_percent: float | None  # facility x 100, as Moodle displays it
    sd: float | None  # in marks, s - 1
    sd_percent: float | None  # sd / max_mark x 100, as Moodle displays it
    random_guess_score: float | None  # 0..1
    random_guess_score_percent: float | None
    intended_weight: float | None  # max_mark / sum of slot max marks, 0..1
    intended_weight_percent: float | None
    effective_weight: float | None  # 0..1; None when cov(x, X) < 0
    effective_weight_percent: float | None  # Moodle's stored "effectiveweight"
    negative_covariance: bool  # cov(x, X) < 0 (Moodle's negcovar)
    discrimination_index: float | None  # 100 x Pearson r(x, O), -100..100 (Moodle's scale)
    discriminative_efficiency: float | None  # 100 x C / covariance_max (Moodle's scale)
    dubious: bool  # discriminative_efficiency < 15
    mark_variance: float | None
    other_mark_variance: float | None
    covariance: float | None  # cov(x, O)
    covariance_max: float | None
    covariance_with_total: float | None  # cov(x, X)
    response_counts: ResponseCounts | None  # None for types without options


@dataclass
class HistogramBin(_ToDict):
    lower: float
    upper: float  # exclusive, except for the last bin
    count: int
    lower_percent: float
    upper_percent: float


@dataclass
class QuizStats(_ToDict):
    attempt_count: int  # s: attempts used
    excluded_ungraded: int  # attempts left out because a mark still needs grading
    excluded_invalid: int  # attempts left out because a mark or the total was not a finite number
    slot_count: int  # P
    max_grade: float | None  # maximum total, defaults to the sum of slot max marks
    mean: float | None
    mean_percent: float | None  # of max_grade, as Moodle displays averages
    median: float | None
    median_percent: float | None
    sd: float | None
    sd_percent: float | None
    skewness: float | None
    kurtosis: float | None  # excess kurtosis (k4 / k2^2)
    cic: float | None  # Cronbach's alpha x 100
    cronbach_alpha: float | None  # cic / 100
    error_ratio: float | None  # percent
    standard_error: float | None  # in marks
    standard_error_percent: float | None
    questions: list[QuestionStats] = field(default_factory=list)
    histogram: list[HistogramBin] = field(default_factory=list)


# ---------------------------------------------------------------------------------------- utilities


def _finite_float(value: Any) -> float | None:
    """float(value) when it is a finite real number (int, float, Decimal), else None."""
    if isinstance(value, bool):
        return None
    try:
        result = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return result if math.isfinite(result) else None


def _pct(value: float | None, factor: float = 100.0) -> float | None:
    return None if value is None else value * factor


def _ratio(num: float | None, den: float | None) -> float | None:
    if num is None or den is None or den == 0:
        return None
    result = num / den
    return result if math.isfinite(result) else None


def _noise_floor(values: Iterable[float]) -> float:
    """The square of the smallest deviation that is not rounding noise, for data like ``values``."""
    scale = max((abs(v) for v in values), default=0.0)
    return (_ZERO_REL * max(scale, 1.0)) ** 2


def _snap(value: float, floor: float) -> float:
    return 0.0 if abs(value) <= floor else value


def _median(values: Sequence[float]) -> float | None:
    n = len(values)
    if n == 0:
        return None
    ordered = sorted(values)
    mid = n // 2
    return ordered[mid] if n % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def response_option_ids(response: Any) -> list[str]:
    """The option ids a canonical response names: ``{"choice": id}``, ``{"choices": [ids]}``,
    ``{"answer": bool}`` (-> "true"/"false"), a bare id, a list of ids, or a bool. Never raises."""
    if response is None:
        return []
    if isinstance(response, bool):
        return ["true" if response else "false"]
    if isinstance(response, str):
        return [response] if response else []
    if isinstance(response, int | float):
        return [str(response)]
    if isinstance(response, Mapping):
        for key in ("choice", "choices", "answer"):
            if key in response:
                return response_option_ids(response[key])
        return []
    if isinstance(response, list | tuple | set | frozenset):
        ids: list[str] = []
        for item in response:
            if isinstance(item, list | tuple | set | frozenset | Mapping):
                continue
            for one in response_option_ids(item):
                if one not in ids:
                    ids.append(one)
        return ids
    return []


# ---------------------------------------------------------------------------------------- histogram


def score_histogram(totals: Iterable[float], max_total: float, bins: int = 10) -> list[HistogramBin]:
    """Counts of totals in ``bins`` equal bands of 0..max_total (Moodle's overview grade bands).

    Bands are ``[lower, upper)``; the last one includes ``max_total``. Totals below 0 go to the first
    band and above ``max_total`` to the last; non-numeric or non-finite totals are skipped. Returns
    ``[]`` when ``max_total`` is not a positive number or ``bins`` < 1.
    """
    top = _finite_float(max_total)
    if top is None or top <= 0 or not isinstance(bins, int) or isinstance(bins, bool) or bins < 1:
        return []
    width = top / bins
    counts = [0] * bins
    for raw in totals:
        value = _finite_float(raw)
        if value is None:
            continue
        index = math.floor(value / width) if value > 0 else 0
        counts[min(max(index, 0), bins - 1)] += 1
    return [
        HistogramBin(
            lower=i * width,
            upper=top if i == bins - 1 else (i + 1) * width,
            count=counts[i],
            lower_percent=100.0 * i / bins,
            upper_percent=100.0 * (i + 1) / bins,
        )
        for i in range(bins)
    ]


# ----------------------------------------------------------------------------------------- the core


class _SlotColumn:
    """The marks of one slot and the matching attempt sums X, one float each per attempt."""

    __slots__ = ("info", "marks", "option_counts", "option_ids", "other", "responded", "silent", "sums")

    def __init__(self, info: SlotInfo):
        self.info = info
        self.marks = array("d")
        self.sums = array("d")
        self.option_ids = [str(option_id) for option_id, _label in info.options]
        self.option_counts = dict.fromkeys(self.option_ids, 0)
        self.responded = 0
        self.silent = 0
        self.other = 0

    def count_response(self, response: Any) -> None:
        self.responded += 1
        ids = response_option_ids(response)
        if not ids:
            self.silent += 1
        for option_id in ids:
            if option_id in self.option_counts:
                self.option_counts[option_id] += 1
            else:
                self.other += 1


def _read_attempt(
    attempt: AttemptMarks, columns: Sequence[_SlotColumn]
) -> tuple[str, list[float | None], float | None]:
    """("ok"|"ungraded"|"invalid", marks per column (None = slot absent), total)."""
    raw_marks = attempt.marks if isinstance(attempt.marks, Mapping) else {}
    marks: list[float | None] = []
    for column in columns:
        slot = column.info.slot
        if slot not in raw_marks:
            marks.append(None)
            continue
        raw = raw_marks[slot]
        if raw is None:
            if column.info.max_mark > 0:
                return "ungraded", [], None
            marks.append(0.0)
            continue
        mark = _finite_float(raw)
        if mark is None:
            return "invalid", [], None
        marks.append(mark)
    if attempt.total is None:
        total = math.fsum(m for m in marks if m is not None)
    else:
        total = _finite_float(attempt.total)
        if total is None:
            return "invalid", [], None
    return "ok", marks, total


def _question_stats(column: _SlotColumn, marks_total: float) -> tuple[QuestionStats, float | None]:
    """One slot's statistics, and cov(x, X) (None when undefined) for the effective weights."""
    info = column.info
    xs, big_xs = column.marks, column.sums
    s = len(xs)
    max_mark = float(info.max_mark)

    mean_x = math.fsum(xs) / s if s else None
    facility = _ratio(mean_x, max_mark)
    variance = other_variance = covariance = covariance_max = covariance_total = sd = None
    discrimination = efficiency = None

    if s > 1:
        others = array("d", map(float.__sub__, big_xs, xs))
        mean_o = math.fsum(others) / s
        mean_big = math.fsum(big_xs) / s
        dx = [x - mean_x for x in xs]
        do = [o - mean_o for o in others]
        dbig = [v - mean_big for v in big_xs]
        sorted_dx = [x - mean_x for x in sorted(xs)]
        sorted_do = [o - mean_o for o in sorted(others)]
        floor_x = _noise_floor(xs)
        floor_o = _noise_floor(others)
        floor_xo = math.sqrt(floor_x * floor_o)
        floor_xbig = math.sqrt(floor_x * _noise_floor(big_xs))
        n1 = s - 1
        variance = _snap(math.fsum(map(mul, dx, dx)) / n1, floor_x)
        other_variance = _snap(math.fsum(map(mul, do, do)) / n1, floor_o)
        covariance = _snap(math.fsum(map(mul, dx, do)) / n1, floor_xo)
        covariance_max = _snap(math.fsum(map(mul, sorted_dx, sorted_do)) / n1, floor_xo)
        covariance_total = _snap(math.fsum(map(mul, dx, dbig)) / n1, floor_xbig)
        sd = math.sqrt(variance)
        if variance > 0 and other_variance > 0:
            discrimination = 100.0 * covariance / math.sqrt(variance * other_variance)
            discrimination = max(-100.0, min(100.0, discrimination))  # |r| <= 1 up to rounding
        if covariance_max != 0:
            efficiency = 100.0 * covariance / covariance_max

    random_guess = _finite_float(info.random_guess) if info.random_guess is not None else None
    intended = _ratio(max_mark, marks_total)
    counts = None
    if column.option_ids:
        labels = {str(option_id): str(label) for option_id, label in info.options}
        counts = ResponseCounts(
            counted=column.responded,
            options=[
                OptionCount(
                    id=option_id,
                    label=labels[option_id],
                    count=column.option_counts[option_id],
                    percent=_ratio(100.0 * column.option_counts[option_id], column.responded),
                )
                for option_id in column.option_ids
            ],
            no_response=column.silent,
            other=column.other,
        )
    stats = QuestionStats(
        slot=info.slot,
        max_mark=max_mark,
        s=s,
        mean_mark=mean_x,
        facility=facility,
        facility_percent=_pct(facility),
        sd=sd,
        sd_percent=_ratio(None if sd is None else 100.0 * sd, max_mark),
        random_guess_score=random_guess,
        random_guess_score_percent=_pct(random_guess),
        intended_weight=intended,
        intended_weight_percent=_pct(intended),
        effective_weight=None,
        effective_weight_percent=None,
        negative_covariance=covariance_total is not None and covariance_total < 0,
        discrimination_index=discrimination,
        discriminative_efficiency=efficiency,
        dubious=efficiency is not None and efficiency < DUBIOUS_DISCRIMINATIVE_EFFICIENCY,
        mark_variance=variance,
        other_mark_variance=other_variance,
        covariance=covariance,
        covariance_max=covariance_max,
        covariance_with_total=covariance_total,
        response_counts=counts,
    )
    return stats, covariance_total


def _test_moments(totals: Sequence[float], slot_count: int, sum_mark_variance: float) -> dict:
    """Moodle's quiz-level figures (mod/quiz/report/statistics/classes/calculator.php)."""
    s = len(totals)
    out: dict[str, float | None] = dict.fromkeys(
        ("mean", "median", "sd", "skewness", "kurtosis", "cic", "error_ratio", "standard_error")
    )
    if s == 0:
        return out
    mean = math.fsum(totals) / s
    out["mean"] = mean
    out["median"] = _median(totals)
    if s < 2:
        return out
    floor = _noise_floor(totals)
    deviations = [t - mean for t in totals]
    squares = [d * d for d in deviations]
    power2 = math.fsum(squares)
    power3 = math.fsum(map(mul, squares, deviations))
    power4 = math.fsum(map(mul, squares, squares))
    variance = _snap(power2 / (s - 1), floor)
    out["sd"] = math.sqrt(variance)
    if s < 3 or variance == 0:
        return out
    m2, m3, m4 = power2 / s, power3 / s, power4 / s
    k2 = s * m2 / (s - 1)
    k3 = s * s * m3 / ((s - 1) * (s - 2))
    out["skewness"] = k3 / k2**1.5
    if s > 3:
        k4 = s * s * ((s + 1) * m4 - 3 * (s - 1) * m2 * m2) / ((s - 1) * (s - 2) * (s - 3))
        out["kurtosis"] = k4 / (k2 * k2)
    if slot_count > 1:
        cic = (100.0 * slot_count / (slot_count - 1)) * (1 - sum_mark_variance / k2)
        out["cic"] = cic
        remainder = 1 - cic / 100
        if cic >= 0 and remainder >= -1e-12:
            error_ratio = 100.0 * math.sqrt(max(remainder, 0.0))
            out["error_ratio"] = error_ratio
            out["standard_error"] = error_ratio * out["sd"] / 100
    return out


def quiz_statistics(
    slots: Sequence[SlotInfo],
    attempts: Iterable[AttemptMarks],
    *,
    max_grade: float | None = None,
    histogram_bins: int = 10,
) -> QuizStats:
    """Moodle's quiz and question statistics over ``attempts`` (consumed once, may be a generator).

    ``max_grade`` is the maximum attainable total in the units of ``AttemptMarks.total`` (Moodle's
    ``quiz.sumgrades``); it defaults to the sum of the slots' max marks and scales the ``*_percent``
    fields and the histogram. Never raises on data; undefined figures are None.
    """
    columns = [_SlotColumn(info) for info in slots]
    totals = array("d")
    ungraded = invalid = 0

    for attempt in attempts:
        status, marks, total = _read_attempt(attempt, columns)
        if status == "ungraded":
            ungraded += 1
            continue
        if status == "invalid" or total is None:
            invalid += 1
            continue
        totals.append(total)
        summarks = math.fsum(m for m in marks if m is not None)
        responses = attempt.responses if isinstance(attempt.responses, Mapping) else None
        for column, mark in zip(columns, marks, strict=True):
            if mark is None:
                continue
            column.marks.append(mark)
            column.sums.append(summarks)
            if column.option_ids and responses is not None:
                column.count_response(responses.get(column.info.slot))

    marks_total = math.fsum(max(float(info.max_mark), 0.0) for info in slots)
    grade_max = marks_total if max_grade is None else _finite_float(max_grade)
    grade_max = grade_max if grade_max and grade_max > 0 else None

    questions: list[QuestionStats] = []
    covariances: list[float | None] = []
    for column in columns:
        stats, covariance_total = _question_stats(column, marks_total)
        questions.append(stats)
        covariances.append(covariance_total)

    # Effective weights: Moodle sums sqrt(cov(x, X)) over the slots with a non-negative covariance.
    sqrt_sum = math.fsum(math.sqrt(c) for c in covariances if c is not None and c >= 0)
    if sqrt_sum > 0:
        for stats, covariance_total in zip(questions, covariances, strict=True):
            if covariance_total is not None and covariance_total >= 0:
                stats.effective_weight = math.sqrt(covariance_total) / sqrt_sum
                stats.effective_weight_percent = 100.0 * stats.effective_weight

    sum_mark_variance = math.fsum(q.mark_variance for q in questions if q.mark_variance is not None)
    moments = _test_moments(totals, len(columns), sum_mark_variance)
    cic = moments["cic"]
    return QuizStats(
        attempt_count=len(totals),
        excluded_ungraded=ungraded,
        excluded_invalid=invalid,
        slot_count=len(columns),
        max_grade=grade_max,
        mean=moments["mean"],
        mean_percent=_ratio(_pct(moments["mean"]), grade_max),
        median=moments["median"],
        median_percent=_ratio(_pct(moments["median"]), grade_max),
        sd=moments["sd"],
        sd_percent=_ratio(_pct(moments["sd"]), grade_max),
        skewness=moments["skewness"],
        kurtosis=moments["kurtosis"],
        cic=cic,
        cronbach_alpha=None if cic is None else cic / 100,
        error_ratio=moments["error_ratio"],
        standard_error=moments["standard_error"],
        standard_error_percent=_ratio(_pct(moments["standard_error"]), grade_max),
        questions=questions,
        histogram=score_histogram(totals, grade_max, histogram_bins) if grade_max else [],
    )
