"""Bulk import of people: accept a file (refusing a bad one before anything is written), then run it as a
background job that commits its progress every CHUNK_SIZE rows and ends with a per-row report.

    import_create(actor=, filename=, content=, send_invitations=)  -> ImportJob (queued; runs after commit)
    import_run(job_id=)                                             -> the task's body; safe to run again

Running a job twice, or importing the same file twice, changes nothing the second time: every row of the
second report says "unchanged". A job picks up where it stopped (processed_rows is committed together with
the rows it counts), so a retried task never applies a row twice.

Time budget: a job may run IMPORT_JOB_TIME_LIMIT_SECONDS from its first start (retries and redeliveries
included). Past it, the job stops between two chunks as failed, with a message saying how far it got; the
rows committed before stay, and uploading the same file again finishes the rest. The Celery task's soft
limit (a little later) stops a chunk that hangs, rolling it back, and ends the job the same way; its hard
limit kills the worker, after which the redelivered task finds the budget spent and fails the job at once.

Auditing: the job writes "import.created" (on upload), "class.created" for each class it creates (through
hierarchy's class_create) and one "import.completed" (or "import.failed") with the counts; the per-row
detail is the job's report. One audit_record per person would cost about 8 s more for 10,000 rows (measured:
10,000 audit_record calls 8.2 s against the whole import's 6 to 9 s on the 2-core dev machine).
"""

import logging
import os
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django_tenants.utils import schema_context

from apps.accounts.models import User
from apps.accounts.permissions import scope_of
from apps.audit.context import current_origin, origin
from apps.audit.services import audit_record
from apps.core.errors import PermissionDenied, ValidationFailed
from apps.events import emit

from .events import IMPORT_FINISHED
from .models import ImportJob, ImportRow
from .parsing import FileRefusedError, parse_people_file
from .rows import ChunkResult, JobContext, apply_chunk

logger = logging.getLogger(__name__)

# Rows applied (and committed, with their report rows and the job's counters) per transaction. Another
# request sees the job's progress move in steps of this size.
CHUNK_SIZE = 250
CHUNK_ATTEMPTS = 3
COUNT_FIELDS = {
    "created": "created_count",
    "updated": "updated_count",
    "unchanged": "unchanged_count",
    "failed": "failed_count",
}


def may_import(user) -> bool:
    scope = scope_of(user)
    return scope.is_org_admin or scope.is_branch_manager


def _require_importer(actor) -> None:
    if not may_import(actor):
        raise PermissionDenied(gettext("Only Org Admins and Branch Managers may import people."))


def import_create(*, actor, filename: str, content: bytes, send_invitations: bool = False) -> ImportJob:
    """Check the whole file and queue its import. A bad file raises ValidationFailed({"file": [...]}) and
    nothing is written."""
    _require_importer(actor)
    filename = os.path.basename((filename or "").replace("\\", "/")).strip()[:255] or "upload"
    try:
        parsed = parse_people_file(filename=filename, content=content)
    except FileRefusedError as refused:
        raise ValidationFailed({"file": [refused.message]}, message=refused.message) from None
    where = current_origin()
    with transaction.atomic():
        job = ImportJob.objects.create(
            created_by=actor,
            created_by_email=actor.email,
            filename=filename,
            file_format=parsed.file_format,
            size_bytes=len(content),
            source=content,
            send_invitations=send_invitations,
            total_rows=len(parsed.rows),
            ip_address=where.ip_address,
            user_agent=where.user_agent,
        )
        audit_record(
            actor=actor,
            action="import.created",
            target=job,
            changes={"filename": filename, "rows": job.total_rows, "send_invitations": send_invitations},
        )
        schema_name = connection.schema_name
        transaction.on_commit(lambda: queue_import(schema_name, job.pk))
    return job


def queue_import(schema_name: str, job_id: int) -> None:
    """Hand the job to a worker (or, with CELERY_TASK_ALWAYS_EAGER, run it now) in its organization."""
    from .tasks import run_import

    with schema_context(schema_name):
        run_import.delay(job_id=job_id)


def import_run(*, job_id: int) -> ImportJob | None:
    """Run (or go on running) a job to its end. Returns the job, or None if it does not exist."""
    job = ImportJob.objects.filter(pk=job_id).select_related("created_by").first()
    if job is None or job.is_finished:
        return job
    with origin(job.ip_address, job.user_agent):
        try:
            return _run(job)
        except SoftTimeLimitExceeded:  # the task's soft time limit: this run's chunk was rolled back
            return _fail_over_budget(job_id)
        except (OperationalError, InterfaceError):
            raise  # the database went away: the task retries, and the job resumes where it stopped
        except Exception as exc:
            logger.exception("Import %s in %s failed", job_id, connection.schema_name)
            reason = f"The import stopped on an unexpected error ({type(exc).__name__})."
            return import_fail(job_id=job_id, reason=reason)


def import_fail(*, job_id: int, reason: str) -> ImportJob | None:
    with transaction.atomic():
        job = (
            ImportJob.objects.select_for_update(of=("self",))
            .defer("source")
            .select_related("created_by")
            .filter(pk=job_id)
            .first()
        )
        if job is None or job.is_finished:
            return job
        job.status = ImportJob.Status.FAILED
        job.error = reason
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])
        audit_record(
            actor=job.created_by,
            action="import.failed",
            target=job,
            changes={"reason": reason, **_counts(job)},
        )
        _emit_finished(job)
    return job


def _emit_finished(job: ImportJob) -> None:
    """import.finished, once per job (a job finishes once: completed or failed)."""
    emit(
        IMPORT_FINISHED,
        key=f"{IMPORT_FINISHED}:{job.pk}",
        payload={"import_id": job.pk, "outcome": job.status, **_counts(job)},
        actor=job.created_by,
    )


def time_budget() -> timedelta:
    return timedelta(seconds=settings.IMPORT_JOB_TIME_LIMIT_SECONDS)


def _clock():
    return timezone.now()


def _over_budget(job: ImportJob) -> bool:
    return job.started_at is not None and _clock() - job.started_at > time_budget()


def _fail_over_budget(job_id: int) -> ImportJob | None:
    job = ImportJob.objects.defer("source").filter(pk=job_id).first()
    if job is None:
        return None
    minutes = settings.IMPORT_JOB_TIME_LIMIT_SECONDS / 60
    reason = (
        f"The import was stopped: it ran longer than {minutes:g} minute{'s' if minutes != 1 else ''}, the "
        f"most one import may take. {job.processed_rows:,} of {job.total_rows:,} rows were imported; upload "
        "the same file again to import the rest (the rows already imported will be reported as unchanged)."
    )
    return import_fail(job_id=job_id, reason=reason)


def _counts(job: ImportJob) -> dict[str, int]:
    return {
        "rows": job.total_rows,
        "processed": job.processed_rows,
        **{outcome: getattr(job, attr) for outcome, attr in COUNT_FIELDS.items()},
    }


def _run(job: ImportJob) -> ImportJob:
    actor = job.created_by
    if actor is None or not may_import(actor):
        return import_fail(
            job_id=job.pk, reason="The person who uploaded this file may no longer import people."
        )
    if _over_budget(job):  # e.g. redelivered after the hard time limit killed its worker
        return _fail_over_budget(job.pk)
    try:
        rows = parse_people_file(filename=job.filename, content=bytes(job.source)).rows
    except FileRefusedError as refused:  # checked on upload; only a change of the rules could bring this here
        return import_fail(job_id=job.pk, reason=refused.message)
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().defer("source").get(pk=job.pk)
        if job.is_finished:
            return job
        job.status = ImportJob.Status.RUNNING
        job.started_at = job.started_at or _clock()
        job.total_rows = len(rows)
        job.save(update_fields=["status", "started_at", "total_rows"])
    context = _context(job, actor)
    while True:
        if _over_budget(job):
            return _fail_over_budget(job.pk)
        for attempt in range(1, CHUNK_ATTEMPTS + 1):
            try:
                job, done = _run_chunk(job.pk, rows, context)
                break
            except IntegrityError:
                # Someone created one of these people (or classes) meanwhile: read again and redo the chunk.
                if attempt == CHUNK_ATTEMPTS:
                    raise
                context = _context(job, actor)
        if done:
            return job


def _context(job: ImportJob, actor) -> JobContext:
    from tenants.limits import current_subscription, effective_limit

    subscription = current_subscription()
    seat_limit = effective_limit(subscription, "max_active_users") if subscription else None
    return JobContext.load(
        actor=actor,
        scope=scope_of(actor),
        seat_limit=seat_limit,
        plan_name=subscription.plan.name if subscription else "",
        send_invitations=job.send_invitations,
    )


def _run_chunk(job_id: int, rows: list, context: JobContext) -> tuple[ImportJob, bool]:
    """Apply the next chunk, record its report rows and counters, all in one transaction."""
    with transaction.atomic():
        job = (
            ImportJob.objects.select_for_update(of=("self",))
            .defer("source")
            .select_related("created_by")
            .get(pk=job_id)
        )
        if job.status != ImportJob.Status.RUNNING:
            return job, True  # finished (or failed) by another run meanwhile
        start = job.processed_rows
        chunk = rows[start : start + CHUNK_SIZE]
        result = apply_chunk(context, chunk, job_id=job.pk) if chunk else ChunkResult()
        ImportRow.objects.bulk_create(result.report)
        job.processed_rows = start + len(chunk)
        for outcome, attr in COUNT_FIELDS.items():
            setattr(job, attr, getattr(job, attr) + result.counts[outcome])
        fields = ["processed_rows", *COUNT_FIELDS.values()]
        done = job.processed_rows >= len(rows)
        if done:
            job.status = ImportJob.Status.COMPLETED
            job.finished_at = timezone.now()
            fields += ["status", "finished_at"]
        job.save(update_fields=fields)
        if done:
            audit_record(actor=job.created_by, action="import.completed", target=job, changes=_counts(job))
            _emit_finished(job)
        if context.send_invitations and result.invited:
            invited = [user.pk for user in result.invited]
            schema_name = connection.schema_name
            transaction.on_commit(lambda: _send_invitations(schema_name, invited))
    return job, done


def _send_invitations(schema_name: str, user_ids: list[int]) -> None:
    from apps.accounts.services import invitation_path
    from apps.accounts.tasks import send_invitation_email
    from tenants.limits import organization_for_schema

    with schema_context(schema_name):
        organization = organization_for_schema(schema_name)
        base_url = organization.base_url if organization else ""
        for user in User.objects.filter(pk__in=user_ids, status=User.Status.INVITED):
            send_invitation_email.delay(user_id=user.pk, url=base_url + invitation_path(user))
