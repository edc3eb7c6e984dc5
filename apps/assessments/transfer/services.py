"""Imports of questions from GIFT and QTI files, as background jobs with a report per question.

    transfer_create(actor=, upload=, category=, file_format=None, assessment=None, apply_settings=False)
        -> TransferJob (queued; runs after commit, in the organization it was made in)
    transfer_run(job_id=, apply_settings=False) -> TransferJob | None   (the task's body; safe to run again)

What is refused before anything is stored: a file larger than its format allows (GIFT: what the GIFT parser
reads, 2 MB; QTI packages: 20 MB) with 413 PAYLOAD_TOO_LARGE, an empty file, an unknown format, a bank the
actor may not use, a quiz they may not manage or that learners have attempted (its questions are fixed).
The format is the one asked for, or read from the bytes: a ZIP or XML file is QTI, anything else GIFT.

One transaction per job. The whole import (categories, questions, quiz slots, quiz settings, the report and
the final counts) commits at once or not at all: a file the parser refuses (not GIFT, a hostile archive),
a crash or a lost worker leaves nothing written, the job failed with a message (or, for a lost worker,
still "running" until the task is redelivered), and its file kept in the job so it can run again. Inside
that transaction each question has its own savepoint: a question the bank's services refuse (its data
does not validate, a category path too deep) is rolled back alone and reported as skipped with the
service's reason, and the others go on, as the parser's own skipped questions are reported with theirs.

Progress: the counts move in the job's row only when the job commits (it is one transaction); while it runs,
the processed / created / skipped counts are published after each question in the tenant-aware cache
(`progress_of` in selectors reads them), so the page and the API show the job moving.

Running again: a completed job is left alone; a queued, running (its worker died: its transaction was rolled
back) or failed job is run again from the start, cleanly, since nothing of a failed run was kept. Two workers
cannot run the same job together: the run holds the job's row lock (the second sees it taken and stops).

QTI groups ("pick N of these") become a subcategory of the target named after the group holding its
questions; when importing into a quiz, N random slots draw from it, each worth the group's points per item.
GIFT `$CATEGORY` paths (and a QTI question's own category path) become subcategories below the target.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass, field

from celery.exceptions import SoftTimeLimitExceeded
from django.core.cache import cache
from django.db import InterfaceError, OperationalError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django_tenants.utils import schema_context

from apps.accounts.permissions import scope_of
from apps.audit.services import audit_record
from apps.core.errors import (
    ApplicationError,
    ErrorCode,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)

from ..bank import services as bank_services
from ..formats import gift as gift_format
from ..formats.base import FormatError, ParsedGroup, ParsedQuestion, ParsedQuiz
from ..formats.gift import parse_gift
from ..formats.qti import parse_qti
from ..models import Assessment, QuestionCategory, TransferJob
from ..permissions import can_manage, can_use_bank_of
from ..quizzes import services as quiz_services
from ..quizzes.selectors import has_real_attempts

logger = logging.getLogger(__name__)

MB = 1024 * 1024
GIFT, QTI = TransferJob.Format.GIFT.value, TransferJob.Format.QTI.value
FORMATS = (GIFT, QTI)
# GIFT: the most the GIFT parser reads; QTI: the most formats/archive.open_zip accepts.
MAX_BYTES = {GIFT: gift_format.MAX_BYTES, QTI: 20 * MB}
PROGRESS_TTL = 3600
# Quiz settings a QTI package's assessment_meta may set (the quiz's title too).
QTI_SETTINGS = (
    "description",
    "time_limit",
    "attempts_allowed",
    "shuffle_answers",
    "navigation",
    "questions_per_page",
    "grade_method",
)
_LINE_REF = re.compile(r"^line (\d+)$")


class UploadTooLarge(ApplicationError):
    """413: the file is larger than its format allows (nothing is stored)."""

    code = ErrorCode.PAYLOAD_TOO_LARGE
    status_code = 413

    def __init__(self, file_format: str, size: int) -> None:
        limit = MAX_BYTES[file_format]
        message = gettext(
            "The file is too large: %(size)s for a %(format)s import, which may be at most %(max)s MB."
        ) % {
            "size": _megabytes(size),
            "format": file_format.upper(),
            "max": f"{limit / MB:g}",
        }
        super().__init__(message, details={"file": [message]})


def _megabytes(size: int) -> str:
    return f"{size / MB:.1f} MB" if size >= MB / 10 else f"{size:,} bytes"


def max_bytes(file_format: str) -> int:
    return MAX_BYTES[file_format]


def sniff_format(head: bytes) -> str:
    """QTI for a ZIP package or an XML file, GIFT for anything else (GIFT is text)."""
    stripped = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if head[:2] == b"PK" or stripped[:1] == b"<":
        return QTI
    return GIFT


def may_import(user) -> bool:
    """Teachers, Branch Managers and Org Admins (into the banks they may use)."""
    return scope_of(user).can_author()


def _read_upload(upload, filename: str | None) -> tuple[str, int, bytes | None, object]:
    """(filename, size, bytes if `upload` is bytes, the file object otherwise)."""
    if isinstance(upload, bytes | bytearray | memoryview):
        content = bytes(upload)
        return filename or "upload", len(content), content, None
    name = filename or getattr(upload, "name", "") or "upload"
    size = getattr(upload, "size", None)
    if size is None:
        content = upload.read()
        return name, len(content), content, None
    return name, int(size), None, upload


def _head(content: bytes | None, handle) -> bytes:
    if content is not None:
        return content[:64]
    handle.seek(0)
    head = handle.read(64)
    handle.seek(0)
    return head


def _bounded_bytes(handle, limit: int) -> bytes:
    """Read at most limit + 1 bytes (a file whose declared size lied is caught after reading)."""
    handle.seek(0)
    chunks, total = [], 0
    for chunk in handle.chunks() if hasattr(handle, "chunks") else iter(lambda: handle.read(64 * 1024), b""):
        chunks.append(chunk)
        total += len(chunk)
        if total > limit:
            break
    return b"".join(chunks)


def transfer_create(
    *,
    actor,
    upload,
    category: QuestionCategory,
    file_format: str | None = None,
    assessment: Assessment | None = None,
    apply_settings: bool = False,
    filename: str | None = None,
) -> TransferJob:
    """Check and store the upload as a queued job, run after commit. `upload` is an uploaded file (or the
    bytes, with `filename`). Refusals raise before anything is written (see the module docstring)."""
    if actor is None or not may_import(actor):
        raise PermissionDenied(gettext("Only Teachers, Branch Managers and Org Admins may import questions."))
    if not isinstance(category, QuestionCategory):
        raise ValidationFailed({"category": [gettext("Choose a category.")]})
    if not can_use_bank_of(actor, category.course):
        raise PermissionDenied(
            gettext(
                "Only the teachers of this course, its branches' managers and Org Admins may use its bank."
            )
        )
    if assessment is not None:
        if not can_manage(actor, assessment):
            raise PermissionDenied(
                gettext("Only this course's teachers, its branches' managers and Org Admins may change it.")
            )
        if has_real_attempts(assessment):
            raise quiz_services.AttemptsExist()
    file_format = (file_format or "").strip().lower() or None
    if file_format is not None and file_format not in FORMATS:
        raise ValidationFailed({"format": [gettext("Use gift or qti.")]})
    name, size, content, handle = _read_upload(upload, filename)
    name = os.path.basename(str(name).replace("\\", "/")).strip()[:255] or "upload"
    if size == 0:
        raise ValidationFailed({"file": [gettext("The file is empty.")]})
    file_format = file_format or sniff_format(_head(content, handle))
    limit = MAX_BYTES[file_format]
    if size > limit:
        raise UploadTooLarge(file_format, size)
    if content is None:
        content = _bounded_bytes(handle, limit)
    if len(content) > limit:
        raise UploadTooLarge(file_format, len(content))
    if not content:
        raise ValidationFailed({"file": [gettext("The file is empty.")]})
    with transaction.atomic():
        job = TransferJob.objects.create(
            file_format=file_format,
            filename=name,
            size_bytes=len(content),
            data=content,
            category=category,
            course=category.course,
            assessment=assessment,
            apply_settings=bool(apply_settings and assessment is not None),
            created_by=actor,
        )
        audit_record(
            actor=actor,
            action="question_import.created",
            target=job,
            changes={
                "filename": name,
                "format": file_format,
                "category": category.pk,
                "assessment": assessment.pk if assessment else None,
                "apply_settings": bool(apply_settings),
            },
        )
        schema_name = connection.schema_name
        job_id, settings_too = job.pk, bool(apply_settings and assessment is not None)
        transaction.on_commit(lambda: queue_transfer(schema_name, job_id, settings_too))
    return job


def queue_transfer(schema_name: str, job_id: int, apply_settings: bool = False) -> None:
    """Hand the job to a worker (or, with CELERY_TASK_ALWAYS_EAGER, run it now) in its organization."""
    from .tasks import run_transfer

    with schema_context(schema_name):
        run_transfer.delay(job_id=job_id, apply_settings=apply_settings)


# --- running ---------------------------------------------------------------------------------------------


def progress_key(job_id: int) -> str:
    return f"assessments:transfer:{job_id}:progress"


class _JobFailed(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def transfer_run(*, job_id: int, apply_settings: bool = False) -> TransferJob | None:
    """Run a job to its end (see the module docstring). Returns the job, or None if it does not exist."""
    with transaction.atomic():
        job = TransferJob.objects.select_for_update(skip_locked=True).defer("data").filter(pk=job_id).first()
        if job is None:  # missing, or another worker is running it right now
            return TransferJob.objects.defer("data").filter(pk=job_id).first()
        if job.status == TransferJob.Status.COMPLETED:
            return job
        job.status = TransferJob.Status.RUNNING
        job.started_at = timezone.now()
        job.finished_at = None
        job.error = ""
        job.total = job.processed = job.created_count = job.skipped_count = 0
        job.report = []
        job.save()
    cache.delete(progress_key(job_id))
    try:
        return _run(job_id, apply_settings)
    except _JobFailed as failed:
        return _fail(job_id, failed.message)
    except SoftTimeLimitExceeded:
        return _fail(job_id, gettext("The import took too long and was stopped; nothing was imported."))
    except (OperationalError, InterfaceError):
        raise  # the database went away: the task retries, and the job runs again from the start
    except Exception as exc:
        logger.exception("Question import %s in %s failed", job_id, connection.schema_name)
        return _fail(
            job_id,
            gettext("The import stopped on an unexpected error (%(error)s); nothing was imported.")
            % {"error": type(exc).__name__},
        )
    finally:
        cache.delete(progress_key(job_id))


def transfer_fail(*, job_id: int, reason: str) -> TransferJob | None:
    """Mark an unfinished job failed (the task gives up on it); a completed job is left as it is."""
    return _fail(job_id, reason)


def _fail(job_id: int, reason: str) -> TransferJob | None:
    with transaction.atomic():
        job = TransferJob.objects.select_for_update().defer("data").filter(pk=job_id).first()
        if job is None or job.status == TransferJob.Status.COMPLETED:
            return job
        job.status = TransferJob.Status.FAILED
        job.error = reason
        job.processed = job.created_count = job.skipped_count = 0
        job.report = []
        job.finished_at = timezone.now()
        job.save()
        audit_record(
            actor=job.created_by, action="question_import.failed", target=job, changes={"reason": reason}
        )
    return job


def _parse(job: TransferJob) -> ParsedQuiz:
    content = bytes(job.data)
    try:
        return parse_gift(content) if job.file_format == GIFT else parse_qti(content)
    except FormatError as error:
        raise _JobFailed(
            gettext("The file could not be imported: %(reason)s Nothing was imported.")
            % {"reason": _sentence(error.message)}
        ) from None
    except RecursionError:
        raise _JobFailed(gettext("The file is nested too deeply to read; nothing was imported.")) from None


def _sentence(text: str) -> str:
    text = str(text).strip()
    return text if text.endswith((".", "!", "?")) else f"{text}."


def _reason(exc: ApplicationError) -> str:
    if isinstance(exc, ValidationFailed) and exc.field_errors:
        parts = []
        for key, messages in exc.field_errors.items():
            text = " ".join(str(m) for m in messages)
            parts.append(f"{key}: {text}" if key not in ("", "non_field_errors") else text)
        return "; ".join(parts)
    return exc.message


@dataclass
class _Run:
    job: TransferJob
    actor: object
    root: QuestionCategory
    assessment: Assessment | None
    total: int
    rows: list = field(default_factory=list)
    processed: int = 0
    created: int = 0
    skipped: int = 0
    categories: dict = field(default_factory=dict)

    def publish(self) -> None:
        cache.set(
            progress_key(self.job.pk),
            {
                "total": self.total,
                "processed": self.processed,
                "created": self.created,
                "skipped": self.skipped,
            },
            PROGRESS_TTL,
        )

    def skip(self, ref: str, name: str, reason: str, qtype: str = "") -> None:
        self.rows.append(
            {
                "kind": "question",
                "ref": ref,
                "name": name,
                "qtype": qtype,
                "outcome": "skipped",
                "reason": reason,
                "question_id": None,
            }
        )
        self.processed += 1
        self.skipped += 1
        self.publish()

    def category_at(self, path: str, parent: QuestionCategory | None = None) -> QuestionCategory:
        """The category at `path` below `parent` (the target by default), made once per run (a savepoint
        of its own, so a question refused later never takes its category with it)."""
        parent = parent or self.root
        key = (parent.pk, path.strip().strip("/").lower())
        if not key[1]:
            return parent
        if key not in self.categories:
            with transaction.atomic():
                self.categories[key] = bank_services.category_for_path(
                    actor=self.actor, course=self.root.course, path=path, parent=parent
                )
        return self.categories[key]


def _run(job_id: int, apply_settings: bool) -> TransferJob:
    with transaction.atomic():
        job = (
            TransferJob.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("created_by", "category", "category__course", "assessment")
            .filter(pk=job_id)
            .first()
        )
        if job is None or job.status != TransferJob.Status.RUNNING:
            return TransferJob.objects.defer("data").get(pk=job_id) if job is None else job
        actor, root, assessment = job.created_by, job.category, job.assessment
        if actor is None or not may_import(actor):
            raise _JobFailed(gettext("The person who uploaded this file may no longer import questions."))
        if root is None:
            raise _JobFailed(gettext("The target category was deleted; nothing was imported."))
        if not can_use_bank_of(actor, root.course):
            raise _JobFailed(gettext("The uploader may no longer use the target category's bank."))
        if assessment is not None:
            if not can_manage(actor, assessment):
                raise _JobFailed(gettext("The uploader may no longer change the quiz."))
            if has_real_attempts(assessment):
                raise _JobFailed(
                    gettext("Learners have attempted the quiz since the upload: its questions are fixed.")
                )
        parsed = _parse(job)
        questions = sum(len(i.questions) if isinstance(i, ParsedGroup) else 1 for i in parsed.questions)
        run = _Run(
            job=job, actor=actor, root=root, assessment=assessment, total=questions + len(parsed.skipped)
        )
        run.publish()
        for skipped in parsed.skipped:
            run.skip(skipped.ref, "", skipped.reason)
        if assessment is not None and (apply_settings or job.apply_settings) and parsed.settings:
            _apply_settings(run, parsed)
        for item in parsed.questions:
            if isinstance(item, ParsedGroup):
                _import_group(run, item)
            else:
                _import_question(run, item, category=None, into_quiz=True)
        job.status = TransferJob.Status.COMPLETED
        job.total, job.processed = run.total, run.processed
        job.created_count, job.skipped_count = run.created, run.skipped
        job.report = _ordered(run.rows)
        job.finished_at = timezone.now()
        job.save()
        audit_record(
            actor=actor,
            action="question_import.completed",
            target=job,
            changes={"total": run.total, "created": run.created, "skipped": run.skipped},
        )
    return job


def _ordered(rows: list[dict]) -> list[dict]:
    """Rows in file order where the refs say it (GIFT "line N"); as they came otherwise."""
    lines = [_LINE_REF.match(str(row.get("ref", ""))) for row in rows]
    if rows and all(lines):
        order = sorted(range(len(rows)), key=lambda i: int(lines[i].group(1)))
        return [rows[i] for i in order]
    return rows


def _import_question(
    run: _Run, parsed: ParsedQuestion, *, category: QuestionCategory | None, into_quiz: bool
):
    """Create one question (in `category`, or at its own path below the target) and, when importing into
    a quiz and `into_quiz`, add it there. Returns the question, or None when it was skipped."""
    ref, name = parsed.source_ref, parsed.name
    try:
        target = category or run.category_at(parsed.category)
        with transaction.atomic():
            question = bank_services.question_create(
                actor=run.actor,
                category=target,
                qtype=parsed.qtype,
                name=parsed.name,
                text=parsed.text,
                general_feedback=parsed.general_feedback,
                default_mark=parsed.default_mark,
                penalty=parsed.penalty,
                hints=list(parsed.hints or ()),
                data=parsed.data,
                tags=list(parsed.tags or ()),
            )
    except (ValidationFailed, NotFound, PermissionDenied) as exc:
        run.skip(ref, name, _reason(exc), parsed.qtype)
        return None
    row = {
        "kind": "question",
        "ref": ref,
        "name": question.name,
        "qtype": question.qtype,
        "outcome": "created",
        "reason": "",
        "question_id": question.pk,
        "category_id": target.pk,
    }
    if run.assessment is not None and into_quiz:
        try:
            with transaction.atomic():
                slot = quiz_services.slot_add_question(
                    actor=run.actor, assessment=run.assessment, question=question
                )
            row["slot"] = slot.position
        except ApplicationError as exc:
            row["reason"] = gettext("Created in the bank, but not added to the quiz: %(reason)s") % {
                "reason": _reason(exc)
            }
    run.rows.append(row)
    run.processed += 1
    run.created += 1
    run.publish()
    return question


def _import_group(run: _Run, group: ParsedGroup) -> None:
    """The group's questions in a subcategory named after it; in a quiz, `pick` random slots from it."""
    name = " ".join(str(group.name or "").split())[:200] or gettext("Question group")
    row = {"kind": "group", "ref": name, "name": name, "outcome": "created", "reason": "", "pick": group.pick}
    try:
        subcategory = run.category_at(name.replace("/", "-"))
    except (ValidationFailed, NotFound, PermissionDenied) as exc:
        row.update(outcome="skipped", reason=_reason(exc))
        run.rows.append(row)
        for parsed in group.questions:
            run.skip(parsed.source_ref, parsed.name, _reason(exc), parsed.qtype)
        return
    row["category_id"] = subcategory.pk
    run.rows.append(row)
    created = [
        q
        for q in (_import_question(run, p, category=subcategory, into_quiz=False) for p in group.questions)
        if q
    ]
    if run.assessment is None:
        return
    pick = min(max(int(group.pick or 0), 0), len(created))
    if pick == 0:
        row.update(outcome="skipped", reason=gettext("No question of the group could be imported."))
        return
    mark = group.points_per_item
    try:
        with transaction.atomic():
            slots = quiz_services.slot_add_random(
                actor=run.actor,
                assessment=run.assessment,
                category=subcategory,
                count=pick,
                subcategories=False,
                mark=mark if mark is not None else None,
            )
        row["slots"] = [slot.position for slot in slots]
        if pick < group.pick:
            row["reason"] = gettext(
                "The group asks for %(pick)s questions but only %(count)s could be imported: %(count)s "
                "random slots were added."
            ) % {"pick": group.pick, "count": pick}
    except ApplicationError as exc:
        row.update(
            outcome="skipped",
            reason=gettext("The questions are in the bank, but no random slots were added: %(reason)s")
            % {"reason": _reason(exc)},
        )


def _apply_settings(run: _Run, parsed: ParsedQuiz) -> None:
    values = {key: parsed.settings[key] for key in QTI_SETTINGS if key in parsed.settings}
    title = str(parsed.settings.get("title") or parsed.title or "").strip()[:200] or None
    row = {
        "kind": "settings",
        "ref": "assessment_meta",
        "name": gettext("Quiz settings"),
        "outcome": "applied",
        "reason": "",
        "fields": sorted([*values, *(["title"] if title else [])]),
    }
    try:
        with transaction.atomic():
            run.assessment = quiz_services.assessment_update(
                actor=run.actor, assessment=run.assessment, title=title, **values
            )
    except ApplicationError as exc:
        row.update(outcome="skipped", reason=_reason(exc))
    run.rows.append(row)
