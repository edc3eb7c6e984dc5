"""Reads of item analysis: which quiz a viewer may analyse, which attempts count, and the figures themselves.

`calculate(assessment, which)` runs Moodle's statistics (apps.assessments.statistics) over the stored attempts
without writing anything; services.compute() stores what it returns in a StatisticsCache. `report()` is what the
API and the page show: the cache when there is one (saying whether it is stale), else the figures computed on
the spot for a small attempt set, else "computing" (the caller queues the background computation).

The attempt sets (Moodle's "Calculate statistics from"), over finished attempts that are not previews:
    first    each learner's lowest-numbered finished attempt
    highest  each learner's attempt with the highest grade; ties go to the earliest (lowest number)
    last     each learner's highest-numbered finished attempt
    all      every finished attempt

Memory: the marks are streamed from one query (QuestionAttempt grouped by attempt in the database, one row per
attempt, fetched in chunks by a server-side cursor) and turned into one AttemptMarks at a time; nothing per
attempt is kept here beyond the attempts' totals (one number each).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.postgres.aggregates import ArrayAgg
from django.db import connection
from django.db.models import Count, F, FloatField, TextField, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast
from django.db.models.sql.constants import MULTI
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.assessments import permissions
from apps.assessments.models import Assessment, Attempt, QuestionAttempt, QuestionVersion, StatisticsCache
from apps.assessments.qtypes import qtype_for
from apps.assessments.quizzes import selectors as quiz_selectors
from apps.assessments.statistics import AttemptMarks, SlotInfo, quiz_statistics

WHICH = tuple(StatisticsCache.Which.values)  # first, highest, last, all
DEFAULT_WHICH = StatisticsCache.Which.FIRST
# Without a cache, an attempt set up to this size is computed during the request; a larger one is queued.
SYNC_LIMIT = 500
CHUNK = 5000  # rows fetched per round trip (the attempts' totals)
ATTEMPT_CHUNK = 500  # attempts (each a row of arrays, one entry per question) per round trip of the marks
SKIPPED_QTYPES = ("description",)  # Moodle leaves text-only items out of the analysis


# --------------------------------------------------------------------------------------------- lookups


def assessment_for_stats(*, viewer, pk) -> Assessment | None:
    """The quiz `pk` when the viewer may see it (quizzes.selectors.assessment_get: its course's editors, and
    the learners enrolled while its lesson is published), else None (404). Whether they may read its
    statistics is `may_analyse` (403 for those who see the quiz but do not manage it)."""
    return quiz_selectors.assessment_get(viewer=viewer, pk=pk)


def may_analyse(viewer, assessment) -> bool:
    """Statistics are for the editors of the quiz's course (permissions.can_manage)."""
    edits = getattr(assessment, "viewer_edits", None)
    return bool(edits) if edits is not None else permissions.can_manage(viewer, assessment)


def clean_which(value: Any) -> str | None:
    """The attempt set named by `value` (None or "" -> the default), or None when it names none."""
    if value in (None, ""):
        return DEFAULT_WHICH
    return value if value in WHICH else None


def cache_get(assessment, which: str) -> StatisticsCache | None:
    return StatisticsCache.objects.filter(assessment=assessment, which=which).first()


# --------------------------------------------------------------------------------------- attempt sets


def finished_attempts(assessment):
    return Attempt.objects.filter(
        assessment=assessment, state=Attempt.State.FINISHED, preview=False
    ).order_by()


def attempt_set(assessment, which: str):
    """The attempts of the set, as a queryset (usable as a subquery of their ids)."""
    attempts = finished_attempts(assessment)
    if which == StatisticsCache.Which.ALL:
        return attempts
    order = {
        StatisticsCache.Which.FIRST: ("user_id", "number"),
        StatisticsCache.Which.LAST: ("user_id", "-number"),
        StatisticsCache.Which.HIGHEST: ("user_id", F("grade").desc(nulls_last=True), "number"),
    }[which]
    chosen = attempts.order_by(*order).distinct("user_id").values("pk")
    return Attempt.objects.filter(pk__in=chosen).order_by()


def attempt_count(assessment, which: str) -> int:
    return attempt_set(assessment, which).count()


# ------------------------------------------------------------------------------------------- the slots


@dataclass
class SlotMeta:
    """What the question rows show beside the figures: the question of a slot and how it was chosen."""

    slot: int
    max_mark: float
    question_id: int | None
    question_name: str
    qtype: str | None
    qtype_label: str
    random: bool
    version_id: int | None
    versions_used: int  # distinct question versions the attempts of this set got in this slot
    note: str = ""
    info: SlotInfo | None = None


def slot_metas(assessment, attempts) -> list[SlotMeta]:
    """The analysed slots of the quiz in order (description slots left out), each described by the version
    its attempts used most (a random slot, or a question edited between attempts, has several): two queries
    for the usage and the versions, one for the slots."""
    slots = list(
        assessment.slots.order_by("position").values(
            "position",
            "mark",
            "question_id",
            "question_version_id",
            "question__latest_version_id",
            "random_category__name",
        )
    )
    usage: dict[int, Counter] = {}
    for row in (
        QuestionAttempt.objects.filter(attempt_id__in=attempts.values("pk"))
        .order_by()
        .values("slot", "question_version_id")
        .annotate(n=Count("pk"))
    ):
        usage.setdefault(row["slot"], Counter())[row["question_version_id"]] = row["n"]
    chosen: dict[int, int | None] = {}
    for slot in slots:
        counter = usage.get(slot["position"])
        if counter:  # the most used version; ties to the lowest id (the oldest), so the choice is stable
            chosen[slot["position"]] = min(counter, key=lambda pk: (-counter[pk], pk))
        else:
            chosen[slot["position"]] = slot["question_version_id"] or slot["question__latest_version_id"]
    versions = {
        v["pk"]: v
        for v in QuestionVersion.objects.filter(pk__in=[pk for pk in chosen.values() if pk]).values(
            "pk", "question_id", "name", "qtype", "data"
        )
    }
    metas = []
    for slot in slots:
        position = slot["position"]
        version = versions.get(chosen[position])
        qtype_code = version["qtype"] if version else None
        if qtype_code in SKIPPED_QTYPES:
            continue
        qtype = qtype_for(qtype_code)
        random = slot["question_id"] is None
        used = len(usage.get(position, ()))
        if random:
            name = _("Random question from %(category)s") % {"category": slot["random_category__name"]}
            if version:
                name = f"{name}: {version['name']}"
        else:
            name = version["name"] if version else _("Question")
        note = ""
        if used > 1:
            note = (
                _("%(count)d questions were drawn in this slot; the type, random guess and options shown are "
                  "those of the most used one.")
                if random
                else _("Attempts used %(count)d versions of this question; the type, random guess and options "
                       "shown are those of the most used one.")
            ) % {"count": used}  # fmt: skip
        max_mark = float(slot["mark"])
        data = version["data"] if version else {}
        guess = _call(qtype.random_guess, data) if qtype else None
        options = list(_call(qtype.options_for_stats, data) or []) if qtype else []
        metas.append(
            SlotMeta(
                slot=position,
                max_mark=max_mark,
                question_id=version["question_id"] if version else None,
                question_name=name,
                qtype=qtype_code,
                qtype_label=str(qtype.label) if qtype else (qtype_code or ""),
                random=random,
                version_id=version["pk"] if version else None,
                versions_used=used,
                note=note,
                info=SlotInfo(
                    slot=position,
                    max_mark=max_mark,
                    random_guess=guess,
                    options=[(str(option_id), str(label)) for option_id, label in options],
                ),
            )
        )
    return metas


def _call(function, data):
    """A qtype's statistics hook on stored data; a malformed question gives nothing rather than a 500."""
    try:
        return function(data if isinstance(data, dict) else {})
    except Exception:  # stored data from an import or an older version of a type
        return None


# ------------------------------------------------------------------------------------------ the marks


SEPARATOR = "\x1f"  # between the option ids of a multiple-response answer, as the query returns them


def _chosen_ids_sql(option_slots: list[int]) -> RawSQL:
    """The option ids a stored response names, as text, for the slots with per-option counts (else NULL):
    {"choice": id} -> id, {"choices": [ids]} -> the ids joined by SEPARATOR, {"answer": true} -> "true" (the
    shapes statistics.response_option_ids reads, in its order). Done in SQL so that no JSON is decoded in
    Python; the array is only unnested for a response that has one."""
    table = connection.ops.quote_name(QuestionAttempt._meta.db_table)
    column = f"{table}.{connection.ops.quote_name('response')}"
    # Only the quoted table and column names are formatted in; the slots and the separator are parameters.
    return RawSQL(  # noqa: S611
        f"CASE WHEN {table}.{connection.ops.quote_name('slot')} = ANY(%s) THEN COALESCE("  # noqa: S608
        f"{column} ->> 'choice', "
        f"CASE WHEN jsonb_typeof({column} -> 'choices') = 'array' THEN "
        f"(SELECT string_agg(e, %s) FROM jsonb_array_elements_text({column} -> 'choices') AS e) END, "
        f"{column} ->> 'answer') END",
        [option_slots, SEPARATOR],
        output_field=TextField(),
    )


def _raw_rows(queryset, chunk: int = CHUNK) -> Iterator[tuple]:
    """The rows of a values_list queryset as the database driver returns them, fetched CHUNK at a time by a
    server-side cursor (what .iterator() does) but without Django's per-row converters: the columns are
    already ints, floats (cast in SQL), text and arrays of them."""
    compiler = queryset.query.get_compiler(using=queryset.db)
    for rows in compiler.execute_sql(MULTI, chunked_fetch=True, chunk_size=chunk) or ():
        yield from rows


def stream_marks(attempts, metas: list[SlotMeta]) -> Iterator[AttemptMarks]:
    """One AttemptMarks per attempt of `attempts`, streamed: one query over QuestionAttempt grouped by attempt
    in the database (one row per attempt: its slots, their marks as floats and, for the slots with per-option
    counts, the chosen option ids as text), ATTEMPT_CHUNK attempts per round trip, plus one query for the attempts'
    totals. No Django converter and no JSON decoding runs per question attempt."""
    totals = dict(
        attempts.annotate(total=Cast("sum_marks", FloatField())).values_list("pk", "total").iterator(CHUNK)
    )
    option_slots = [m.slot for m in metas if m.info and m.info.options]
    analysed = [m.slot for m in metas]
    chosen = _chosen_ids_sql(option_slots) if option_slots else Value(None, output_field=TextField())
    query = (
        QuestionAttempt.objects.filter(attempt_id__in=attempts.values("pk"), slot__in=analysed)
        .order_by()
        .values("attempt_id")
        .annotate(  # aggregates of one group advance together, row by row: the three arrays line up
            slots=ArrayAgg("slot"),
            marks=ArrayAgg(Cast("mark", FloatField())),
            chosen=ArrayAgg(chosen),
        )
        .order_by("attempt_id")
        .values_list("attempt_id", "slots", "marks", "chosen")
    )
    with_responses = bool(option_slots)
    seen: set[int] = set()
    for attempt_id, slots, marks, chosen_ids in _raw_rows(query, ATTEMPT_CHUNK):
        responses = None
        if with_responses:
            responses = {
                slot: ids.split(SEPARATOR) if SEPARATOR in ids else ids
                for slot, ids in zip(slots, chosen_ids, strict=True)
                if ids is not None
            }
        seen.add(attempt_id)
        yield AttemptMarks(
            attempt_id, totals.get(attempt_id), dict(zip(slots, marks, strict=True)), responses
        )
    for attempt_id, total in totals.items():  # attempts with no analysed question (only descriptions)
        if attempt_id not in seen:
            yield AttemptMarks(attempt_id, total, {}, {} if with_responses else None)


# ------------------------------------------------------------------------------------------ the figures


def calculate(assessment, which: str) -> dict:
    """Moodle's quiz and question statistics over the attempt set, as stored in StatisticsCache.data: the
    quiz figures at the top level (QuizStats.to_dict()), each question row with its question's name, type,
    slot and options beside the figures, and `notes`. Reads only."""
    attempts = attempt_set(assessment, which)
    metas = slot_metas(assessment, attempts)
    stats = quiz_statistics([m.info for m in metas], stream_marks(attempts, metas))
    data = stats.to_dict()
    for row, meta in zip(data["questions"], metas, strict=True):
        row.update(
            question_id=meta.question_id,
            question_name=meta.question_name,
            qtype=meta.qtype,
            qtype_label=meta.qtype_label,
            random=meta.random,
            version_id=meta.version_id,
            versions_used=meta.versions_used,
            note=meta.note,
        )
    data["which"] = which
    data["notes"] = [m.note for m in metas if m.note]
    return data


# ------------------------------------------------------------------------------------------- the report


READY = "ready"
COMPUTING = "computing"
STALE_REQUEUE_SECONDS = 600  # a stale cache this old had its recomputation lost: queue another


@dataclass
class Report:
    """What the API and the page show for one attempt set."""

    assessment: Assessment
    which: str
    state: str  # "ready" | "computing"
    stale: bool
    computed_at: datetime | None
    stale_since: datetime | None
    attempt_count: int | None
    data: dict | None
    cached: bool  # served from a StatisticsCache (False: computed for this request, not stored)
    queue: bool = False  # the caller should queue a computation (none exists, or it looks lost)
    quiz: dict = field(default_factory=dict)
    questions: list[dict] = field(default_factory=list)
    histogram: list[dict] = field(default_factory=list)


def report(*, assessment, which: str, sync_limit: int | None = None) -> Report:
    limit = SYNC_LIMIT if sync_limit is None else sync_limit
    cache = cache_get(assessment, which)
    if cache is not None and cache.computed_at is not None:
        lost = (
            cache.stale
            and cache.stale_since is not None
            and (timezone.now() - cache.stale_since).total_seconds() > STALE_REQUEUE_SECONDS
        )
        return _filled(
            Report(
                assessment=assessment,
                which=which,
                state=READY,
                stale=cache.stale,
                computed_at=cache.computed_at,
                stale_since=cache.stale_since if cache.stale else None,
                attempt_count=cache.attempt_count,
                data=cache.data,
                cached=True,
                queue=lost,
            )
        )
    count = attempt_count(assessment, which)
    if count > limit:
        return Report(
            assessment=assessment,
            which=which,
            state=COMPUTING,
            stale=False,
            computed_at=None,
            stale_since=None,
            attempt_count=count,
            data=None,
            cached=False,
            queue=True,
        )
    moment = timezone.now()
    data = calculate(assessment, which)
    return _filled(
        Report(
            assessment=assessment,
            which=which,
            state=READY,
            stale=False,
            computed_at=moment,
            stale_since=None,
            attempt_count=data.get("attempt_count", count),
            data=data,
            cached=False,
        )
    )


QUIZ_KEYS = (
    "attempt_count",
    "excluded_ungraded",
    "excluded_invalid",
    "slot_count",
    "max_grade",
    "mean",
    "mean_percent",
    "median",
    "median_percent",
    "sd",
    "sd_percent",
    "skewness",
    "kurtosis",
    "cic",
    "cronbach_alpha",
    "error_ratio",
    "standard_error",
    "standard_error_percent",
)


def _filled(result: Report) -> Report:
    data = result.data or {}
    result.quiz = {key: data.get(key) for key in QUIZ_KEYS}
    result.questions = list(data.get("questions") or [])
    result.histogram = list(data.get("histogram") or [])
    return result


# ------------------------------------------------------------------------------- Moodle's hints (page)


def quiz_hints(quiz: dict) -> list[dict]:
    """Moodle's reading of the quiz figures (its statistics report help): the average between 50 and 75 %,
    the standard deviation between 12 and 18 %, a CIC above 75 % satisfactory and below 64 % unsatisfactory.
    Each hint: key, level ("good" | "warn" | "bad"), text."""
    hints = []
    mean, sd, cic = quiz.get("mean_percent"), quiz.get("sd_percent"), quiz.get("cic")
    if _number(mean):
        good = 50 <= mean <= 75
        hints.append(
            {
                "key": "mean",
                "level": "good" if good else "warn",
                "text": _("The average is between 50 and 75 %, as Moodle advises.")
                if good
                else (
                    _("The average is below 50 %: the quiz may be too hard.")
                    if mean < 50
                    else _("The average is above 75 %: the quiz may be too easy.")
                ),
            }
        )
    if _number(sd):
        good = 12 <= sd <= 18
        hints.append(
            {
                "key": "sd",
                "level": "good" if good else "warn",
                "text": _(
                    "The standard deviation is between 12 and 18 %: the quiz spreads the learners well."
                )
                if good
                else (
                    _("The standard deviation is below 12 %: the quiz does not separate the learners much.")
                    if sd < 12
                    else _("The standard deviation is above 18 %: the marks are very spread out.")
                ),
            }
        )
    if _number(cic):
        level = "good" if cic > 75 else ("bad" if cic < 64 else "warn")
        hints.append(
            {
                "key": "cic",
                "level": level,
                "text": {
                    "good": _("The internal consistency (CIC) is above 75 %: satisfactory."),
                    "warn": _("The internal consistency (CIC) is between 64 and 75 %: could be improved."),
                    "bad": _("The internal consistency (CIC) is below 64 %: unsatisfactory."),
                }[level],
            }
        )
    return hints


def _number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
