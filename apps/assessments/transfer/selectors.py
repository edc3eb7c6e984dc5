"""Reads of imports and exports, scoped by the viewer.

Import jobs: Org Admins see every job; other authors (Teachers, Branch Managers) the jobs they uploaded and
the jobs into a bank they may use (the course's editors share its bank and what was imported into it);
anyone else none. A job outside the viewer's scope is not in the queryset, so pages and the API answer 404.

Exports build a file of questions (GIFT text or a QTI 1.2 package) for the editors of what is exported:
    category_export(viewer=, category=, file_format=)     a category's questions, its subcategories' as
                                                          GIFT $CATEGORY paths / QTI category paths below it
    assessment_export(viewer=, assessment=, file_format=) a quiz's questions in slot order (each worth its
                                                          slot's mark), random slots as groups ("pick N"),
                                                          its settings as QTI assessment_meta
Both are reads: nothing is written.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import F, Prefetch, Q, QuerySet
from django.utils.text import slugify
from django.utils.translation import gettext

from apps.accounts.permissions import scope_of
from apps.core.errors import ValidationFailed
from apps.courses.models import Tag

from ..bank.selectors import category_tree_ids
from ..formats.base import ParsedGroup, ParsedQuestion
from ..formats.gift import export_gift
from ..formats.qti import export_qti
from ..models import Assessment, Question, QuestionCategory, Slot, TransferJob
from ..permissions import bank_filter, can_manage
from ..quizzes.services import eligible_for_random
from .services import FORMATS, GIFT, progress_key

CONTENT_TYPES = {"gift": "text/plain; charset=utf-8", "qti": "application/zip"}
EXTENSIONS = {"gift": "gift.txt", "qti": "qti.zip"}


def _visible(viewer, queryset: QuerySet[TransferJob]) -> QuerySet[TransferJob]:
    scope = scope_of(viewer)
    if scope.is_org_admin:
        return queryset
    if not scope.can_author():
        return queryset.none()
    return queryset.filter(Q(created_by_id=scope.user_id) | (Q(course__isnull=False) & bank_filter(viewer)))


def job_list(*, viewer) -> QuerySet[TransferJob]:
    return _visible(
        viewer,
        TransferJob.objects.defer("data").select_related(
            "created_by", "category", "course", "assessment", "assessment__item"
        ),
    )


def _digits(pk) -> bool:
    return str(pk).isdigit() and len(str(pk)) <= 12


def job_get(*, viewer, pk) -> TransferJob | None:
    if not _digits(pk):
        return None
    return job_list(viewer=viewer).filter(pk=pk).first()


JOB_ROW_FIELDS = (
    "id",
    "file_format",
    "status",
    "filename",
    "size_bytes",
    "category_id",
    "course_id",
    "assessment_id",
    "total",
    "processed",
    "created_count",
    "skipped_count",
    "error",
    "created_by_id",
    "created_at",
    "started_at",
    "finished_at",
)


def job_rows(*, viewer, report: bool = False) -> QuerySet[TransferJob]:
    """job_list for the API (issue 11): the same jobs, only the columns the API writes (`report` too when
    asked), the uploader's address in `created_by_email`, no related object loaded."""
    fields = (*JOB_ROW_FIELDS, "report") if report else JOB_ROW_FIELDS
    return _visible(
        viewer, TransferJob.objects.only(*fields).annotate(created_by_email=F("created_by__email"))
    )


def job_row(*, viewer, pk) -> TransferJob | None:
    """job_get for the API: with the report."""
    if not _digits(pk):
        return None
    return next(iter(job_rows(viewer=viewer, report=True).filter(pk=pk).order_by()[:1]), None)


@dataclass(frozen=True)
class Progress:
    total: int
    processed: int
    created: int
    skipped: int

    @property
    def percent(self) -> int:
        if not self.total:
            return 0
        return min(100, round(100 * self.processed / self.total))


def progress_of(job: TransferJob) -> Progress:
    """The job's counts: while it runs, as it last published them; otherwise as stored."""
    if job.status == TransferJob.Status.RUNNING:
        live = cache.get(progress_key(job.pk))
        if live:
            return Progress(live["total"], live["processed"], live["created"], live["skipped"])
    return Progress(job.total, job.processed, job.created_count, job.skipped_count)


# --- exports ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportFile:
    filename: str
    content_type: str
    content: bytes


def _parsed(question: Question, *, category: str = "", mark=None) -> ParsedQuestion:
    version = question.latest_version
    return ParsedQuestion(
        qtype=version.qtype,
        name=version.name,
        text=version.text,
        general_feedback=version.general_feedback,
        default_mark=float(version.default_mark if mark is None else mark),
        penalty=float(version.penalty),
        hints=list(version.hints or []),
        data=copy.deepcopy(version.data or {}),
        category=category,
        tags=[tag.name for tag in question.tags.all()],
        source_ref=str(question.pk),
    )


def _questions(queryset) -> QuerySet[Question]:
    return (
        queryset.filter(latest_version__isnull=False)
        .select_related("latest_version")
        .prefetch_related(Prefetch("tags", queryset=Tag.objects.order_by("name")))
    )


def _filename(title: str, file_format: str) -> str:
    stem = slugify(title)[:60] or "questions"
    return f"{stem}.{EXTENSIONS[file_format]}"


def _file(title: str, items: list, file_format: str, settings: dict | None = None) -> ExportFile:
    if file_format == GIFT:
        content = export_gift(items).encode("utf-8")
    else:
        content = export_qti(title, items, settings or {})
    return ExportFile(_filename(title, file_format), CONTENT_TYPES[file_format], content)


def _check_format(file_format: str) -> str:
    file_format = str(file_format or "").strip().lower()
    if file_format not in FORMATS:
        raise ValidationFailed({"format": [gettext("Use gift or qti.")]})
    return file_format


def _relative_paths(root: QuestionCategory) -> dict[int, str]:
    """Each category of root's tree -> its path below root ("" for root itself), from one query."""
    ids = category_tree_ids(root)
    rows = {c.pk: c for c in QuestionCategory.objects.filter(pk__in=ids).only("pk", "parent_id", "name")}
    paths: dict[int, str] = {root.pk: ""}

    def path_of(pk: int) -> str:
        if pk in paths:
            return paths[pk]
        category = rows[pk]
        name = re.sub(r"\s*/\s*", "-", category.name)
        parent = path_of(category.parent_id)
        paths[pk] = f"{parent}/{name}" if parent else name
        return paths[pk]

    for pk in rows:
        path_of(pk)
    return paths


def category_export(*, viewer, category: QuestionCategory, file_format: str) -> ExportFile | None:
    """A category's visible questions with its subcategories' (None: not a bank the viewer may use)."""
    file_format = _check_format(file_format)
    if not QuestionCategory.objects.filter(bank_filter(viewer), pk=category.pk).exists():
        return None
    paths = _relative_paths(category)
    questions = _questions(
        Question.objects.filter(bank_filter(viewer), category_id__in=list(paths), hidden=False)
    )
    ordered = sorted(questions, key=lambda q: (paths[q.category_id].lower(), q.name.lower(), q.pk))
    items = [_parsed(q, category=paths[q.category_id]) for q in ordered]
    return _file(category.name, items, file_format)


def _settings(assessment: Assessment) -> dict:
    return {
        "description": assessment.description,
        "time_limit": assessment.time_limit,
        "attempts_allowed": assessment.attempts_allowed,
        "shuffle_answers": assessment.shuffle_answers,
        "navigation": assessment.navigation,
        "questions_per_page": assessment.questions_per_page,
        "grade_method": assessment.grade_method,
    }


def assessment_export(*, viewer, assessment: Assessment, file_format: str) -> ExportFile | None:
    """A quiz's questions in order (None: the viewer may not manage the quiz)."""
    file_format = _check_format(file_format)
    if not can_manage(viewer, assessment):
        return None
    slots = list(
        Slot.objects.filter(assessment=assessment)
        .select_related("random_category", "random_tag")
        .order_by("position")
    )
    fixed = {
        q.pk: q
        for q in _questions(Question.objects.filter(pk__in=[s.question_id for s in slots if s.question_id]))
    }
    items: list = []
    previous = None
    for slot in slots:
        if slot.question_id:
            question = fixed.get(slot.question_id)
            if question is not None:
                items.append(_parsed(question, mark=slot.mark))
            previous = None
            continue
        key = (slot.random_category_id, slot.random_subcategories, slot.random_tag_id, slot.mark)
        if previous is not None and previous[0] == key:
            previous[1].pick += 1
            continue
        name = slot.random_category.name
        pool = _questions(
            eligible_for_random(
                slot.random_category, subcategories=slot.random_subcategories, tag=slot.random_tag
            )
        ).order_by("name", "pk")
        group = ParsedGroup(
            name=name,
            pick=1,
            points_per_item=float(slot.mark),
            questions=[_parsed(q, category=name, mark=slot.mark) for q in pool],
        )
        items.append(group)
        previous = (key, group)
    title = assessment.item.title if assessment.item_id else f"quiz-{assessment.pk}"
    return _file(title, items, file_format, _settings(assessment))
