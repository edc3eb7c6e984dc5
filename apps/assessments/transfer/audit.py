"""The audit log's sentences for question imports, and the names and links of import jobs
(apps.audit.describe). `register()` is meant to be called from apps/assessments/audit.py (the lead's)."""

from django.utils.translation import gettext_lazy as _

from apps.audit.sentences import (
    Facts,
    Named,
    Sentence,
    link,
    pks,
    register_description,
    register_reference,
    short,
    visible,
)

from ..models import TransferJob
from .selectors import job_list


def _jobs(keys, viewer):
    jobs = TransferJob.objects.filter(pk__in=pks(keys)).only("pk", "file_format", "filename")
    return {
        str(j.pk): Named(f"{j} ({j.filename})", link(j, "assessments:import_detail", j.pk))
        for j in visible(jobs, job_list, viewer)
    }


def _created(facts: Facts) -> Sentence:
    name = facts.text("filename") or facts.target
    return Sentence(_("{actor} started importing questions from {file}"), file=name)


def _completed(facts: Facts) -> Sentence:
    return Sentence(
        _("The question import {target} by {actor} finished: {created} created, {skipped} skipped"),
        created=facts.int("created") or 0,
        skipped=facts.int("skipped") or 0,
    )


def _failed(facts: Facts) -> Sentence:
    reason = facts.text("reason")
    if not reason:
        return Sentence(_("The question import {target} by {actor} failed"))
    return Sentence(_("The question import {target} by {actor} failed: {reason}"), reason=short(reason))


def register() -> None:
    register_reference("assessments.transferjob", _jobs)
    register_description("question_import.created", _created)
    register_description("question_import.completed", _completed)
    register_description("question_import.failed", _failed)
