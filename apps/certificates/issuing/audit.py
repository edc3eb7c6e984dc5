"""The audit log's sentences for certificate issuing (registered from issuing/registry.py), and the names and
links of certificates and bulk jobs. A certificate is named by its code, linked to its page for viewers who
may see it (issuing.selectors.certificate_list); a learner is named only to viewers who may see them."""

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.accounts.selectors import visible_people
from apps.audit.sentences import (
    Facts,
    Named,
    Sentence,
    pks,
    register_description,
    register_reference,
    short,
    visible,
)

from ..models import BulkJob, Certificate
from .selectors import certificate_list, job_list

CERTIFICATE = "certificates.certificate"
JOB = "certificates.bulkjob"
LEARNER = "certificates.learner"
COURSE = "courses.course"


def _certificates(keys, viewer):
    rows = visible(Certificate.objects.filter(pk__in=pks(keys)).only("pk", "code"), certificate_list, viewer)
    return {
        str(c.pk): Named(
            c.code, reverse("certificates:certificate_detail", args=[c.pk]) if c.visible else None
        )
        for c in rows
    }


def _jobs(keys, viewer):
    rows = visible(BulkJob.objects.filter(pk__in=pks(keys)).only("pk", "kind"), job_list, viewer)
    return {
        str(j.pk): Named(
            _("bulk job %(number)s") % {"number": j.pk},
            reverse("certificates:bulk_job", args=[j.pk]) if j.visible else None,
        )
        for j in rows
    }


def _learners(keys, viewer):
    people = get_user_model().objects.filter(pk__in=pks(keys)).only("pk", "full_name", "email")
    if viewer is None:
        return {}
    shown = set(visible_people(viewer=viewer).filter(pk__in=pks(keys)).values_list("pk", flat=True))
    return {
        str(u.pk): Named(u.get_full_name(), reverse("hierarchy:person", args=[u.pk]))
        for u in people
        if u.pk in shown
    }


def _learner(facts: Facts):
    return facts.ref(LEARNER, facts.int("user"), _("a learner"))


def _issued(facts: Facts) -> Sentence:
    source = facts.text("source")
    learner = _learner(facts)
    if source == "automatic":
        return Sentence(_("{learner} earned the certificate {target}"), learner=learner)
    if source == "recertification":
        old = facts.ref(CERTIFICATE, facts.int("replaces"), _("an earlier certificate"))
        return Sentence(_("{actor} renewed {old} for {learner} as {target}"), old=old, learner=learner)
    if source == "bulk":
        return Sentence(_("{actor} issued the certificate {target} to {learner} in bulk"), learner=learner)
    return Sentence(_("{actor} issued the certificate {target} to {learner}"), learner=learner)


def _revoked(facts: Facts) -> Sentence:
    return Sentence(
        _("{actor} revoked the certificate {target}: {reason}"), reason=short(facts.text("reason"))
    )


def _reissued(facts: Facts) -> Sentence:
    return Sentence(
        _("{actor} reissued the certificate {target} from template version {version}"),
        version=facts.int("version") or "?",
    )


def _skipped(facts: Facts) -> Sentence:
    return Sentence(
        _("No certificate was issued to {learner} for {target}: the plan does not include certificates"),
        learner=_learner(facts),
    )


def _rule_saved(facts: Facts) -> Sentence:
    if facts.int("assessment") is not None:
        return Sentence(_("{actor} changed the certificate of a quiz of {target}"))
    return Sentence(_("{actor} changed the certificate rule of {target}"))


def _rule_deleted(facts: Facts) -> Sentence:
    if facts.int("assessment") is not None:
        return Sentence(_("{actor} removed the certificate of a quiz of {target}"))
    return Sentence(_("{actor} removed the certificate rule of {target}"))


def _job_started(facts: Facts) -> Sentence:
    if facts.text("kind") == "rerender":
        return Sentence(_("{actor} started re-rendering the certificates of a template ({target})"))
    if facts.int("course") is not None:
        course = facts.ref(COURSE, facts.int("course"), _("a deleted course"))
        return Sentence(
            _("{actor} started issuing the certificates of {course} in bulk ({target})"), course=course
        )
    return Sentence(_("{actor} started issuing the certificates of a class in bulk ({target})"))


def register() -> None:
    register_reference(CERTIFICATE, _certificates)
    register_reference(JOB, _jobs)
    register_reference(LEARNER, _learners)
    d = register_description
    d("certificate.issued", _issued)
    d("certificate.revoked", _revoked)
    d("certificate.reissued", _reissued)
    d("certificate.skipped", _skipped)
    d("certificate_rule.saved", _rule_saved)
    d("certificate_rule.deleted", _rule_deleted)
    d("certificate_job.started", _job_started)
