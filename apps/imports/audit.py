"""The audit log's sentences for bulk imports, and the names and links of import jobs (apps.audit.describe,
registered from ImportsConfig.ready())."""

from django.utils.translation import gettext_lazy as _

from apps.audit.sentences import (
    Facts,
    Named,
    Sentence,
    and_list,
    link,
    pks,
    register_description,
    register_reference,
    short,
    visible,
)

from .models import ImportJob
from .selectors import import_list


def _import_jobs(keys, viewer):
    jobs = ImportJob.objects.filter(pk__in=pks(keys)).only("pk", "filename")
    return {
        str(j.pk): Named(str(j), link(j, "imports:detail", j.pk)) for j in visible(jobs, import_list, viewer)
    }


def _counts(facts: Facts) -> Sentence | None:
    labels = {
        "created": _("created"),
        "updated": _("updated"),
        "unchanged": _("unchanged"),
        "failed": _("failed"),
    }
    parts = [f"{facts.int(key)} {label}" for key, label in labels.items() if facts.int(key)]
    return and_list(parts) if parts else None


def _import_created(facts: Facts) -> Sentence:
    name = facts.text("filename") or facts.target
    rows = facts.int("rows")
    if rows is None:
        return Sentence(_("{actor} started importing people from {file}"), file=name)
    return Sentence(_("{actor} started importing people from {file} ({rows} rows)"), file=name, rows=rows)


def _import_completed(facts: Facts) -> Sentence:
    counts = _counts(facts)
    if counts is None:
        return Sentence(_("The import {target} by {actor} finished"))
    return Sentence(_("The import {target} by {actor} finished: {counts}"), counts=counts)


def _import_failed(facts: Facts) -> Sentence:
    reason = facts.text("reason")
    if not reason:
        return Sentence(_("The import {target} by {actor} failed"))
    return Sentence(_("The import {target} by {actor} failed: {reason}"), reason=short(reason))


def register() -> None:
    register_reference("imports.importjob", _import_jobs)
    register_description("import.created", _import_created)
    register_description("import.completed", _import_completed)
    register_description("import.failed", _import_failed)
