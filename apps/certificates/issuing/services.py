"""Writes of certificate issuing: rules, issue (automatic, manual, bulk, recertification), rendering, revoke,
reissue, sharing links, public verification and bulk jobs.

Pages, the API, the event subscribers (subscribers.py) and the tasks (tasks.py) all call these. Each write
runs in one transaction with its audit entry and raises its event after commit (apps.events). Automatic
issue is idempotent: one automatic certificate per learner and course (or quiz), held by the partial unique
constraints certificate_auto_once_* and a get-or-create in a savepoint, so redelivered and concurrent events
issue it once. The PDF is rendered in the background (tasks.render_certificate), only for the certificate's
newest `revision`.
"""

import calendar
import json
import logging
from datetime import datetime
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.permissions import scope_of
from apps.accounts.selectors import visible_people
from apps.assessments.models import Assessment, AssessmentGrade
from apps.audit.services import audit_record
from apps.core.errors import Conflict, InvalidState, PermissionDenied, PlanLimitReached, ValidationFailed
from apps.courses.models import Course, Enrollment
from apps.courses.selectors import viewer_can_edit
from apps.events import emit
from apps.hierarchy.models import SchoolClass
from tenants.identity import current_organization
from tenants.limits import current_subscription
from tenants.models import PlanFeature

from ..events import CERTIFICATE_ISSUED, CERTIFICATE_REISSUED, CERTIFICATE_REVOKED, CERTIFICATE_VERIFIED
from ..models import BulkJob, Certificate, CertificateRule, CertificateTemplate, TemplateVersion, Verification
from .codes import new_code

logger = logging.getLogger(__name__)

CODE_ATTEMPTS = 8
AUTO_CONSTRAINTS = ("certificate_auto_once_course", "certificate_auto_once_quiz")
MAX_REASON = 500
LINKEDIN_ADD = "https://www.linkedin.com/profile/add"


# --- the plan ------------------------------------------------------------------------------------------------


def organization():
    """The organization whose schema is active (the request's, or a task's through tenant-schemas-celery)."""
    return current_organization()


def plan_allows_certificates() -> bool:
    subscription = current_subscription()
    return subscription is not None and subscription.plan.has_feature(PlanFeature.CERTIFICATES)


def require_plan() -> None:
    if not plan_allows_certificates():
        raise PlanLimitReached(_("Your organization's plan does not include certificates."))


# --- templates: the version a certificate prints -----------------------------------------------------------


def _snapshot_of(template: CertificateTemplate) -> dict:
    """The templating part's snapshot (every field, files as storage names)."""
    from apps.certificates.templating.snapshots import snapshot_of

    return snapshot_of(template)


def current_version(template: CertificateTemplate, *, actor=None) -> TemplateVersion:
    """The TemplateVersion of the template's current `version` (written now if the template has none yet)."""
    version = TemplateVersion.objects.filter(template=template, number=template.version).first()
    if version is not None:
        return version
    try:
        with transaction.atomic():
            return TemplateVersion.objects.create(
                template=template, number=template.version, snapshot=_snapshot_of(template), created_by=actor
            )
    except IntegrityError:
        return TemplateVersion.objects.get(template=template, number=template.version)


def _usable_template(template_id, field: str = "template_id") -> CertificateTemplate:
    template = (
        CertificateTemplate.objects.filter(pk=template_id, status=CertificateTemplate.Status.ACTIVE).first()
        if str(template_id).isdigit()
        else None
    )
    if template is None:
        raise ValidationFailed({field: [_("No such active certificate template.")]})
    return template


# --- rules ---------------------------------------------------------------------------------------------------


def _clean_months(expiry_months):
    if expiry_months in (None, ""):
        return None
    if (
        isinstance(expiry_months, bool)
        or not str(expiry_months).isdigit()
        or not 1 <= int(expiry_months) <= 600
    ):
        raise ValidationFailed({"expiry_months": [_("Enter a number of months from 1 to 600, or nothing.")]})
    return int(expiry_months)


@transaction.atomic
def rule_set(
    *,
    actor,
    course: Course | None = None,
    assessment: Assessment | None = None,
    template_id,
    expiry_months=None,
    auto_issue: bool = True,
) -> CertificateRule:
    """Create or replace the certificate rule of a course (or of a quiz). Its editors only."""
    require_plan()
    target_course = course if course is not None else assessment.course
    if not viewer_can_edit(actor, target_course):
        raise PermissionDenied(_("Only this course's editors may change its certificate."))
    template = _usable_template(template_id)
    months = _clean_months(expiry_months)
    if not isinstance(auto_issue, bool):
        raise ValidationFailed({"auto_issue": [_("Must be true or false.")]})
    lookup = {"course": course} if course is not None else {"assessment": assessment}
    rule = CertificateRule.objects.select_for_update().filter(**lookup).first()
    created = rule is None
    if created:
        rule = CertificateRule(**lookup)
    rule.template, rule.expiry_months, rule.auto_issue = template, months, auto_issue
    rule.full_clean()
    rule.save()
    audit_record(
        actor=actor,
        action="certificate_rule.saved",
        target=target_course,
        changes={
            "template": template.pk,
            "expiry_months": months,
            "auto_issue": auto_issue,
            "assessment": assessment.pk if assessment is not None else None,
            "created": created,
        },
    )
    return rule


@transaction.atomic
def rule_delete(*, actor, rule: CertificateRule) -> None:
    course = rule.course if rule.course_id else rule.assessment.course
    if not viewer_can_edit(actor, course):
        raise PermissionDenied(_("Only this course's editors may change its certificate."))
    audit_record(
        actor=actor,
        action="certificate_rule.deleted",
        target=course,
        changes={"assessment": rule.assessment_id},
    )
    rule.delete()


def rule_of(*, course=None, assessment=None) -> CertificateRule | None:
    lookup = {"course": course} if course is not None else {"assessment": assessment}
    return CertificateRule.objects.filter(**lookup).select_related("template").first()


# --- issue ---------------------------------------------------------------------------------------------------


def add_months(moment: datetime, months: int) -> datetime:
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def verify_url(certificate: Certificate) -> str:
    """https://<org host>/verify/<verify uuid hex>: what the QR code holds."""
    return organization().url_for(reverse("certificates:verify_detail", args=[certificate.verify_uuid.hex]))


def share_url(certificate: Certificate) -> str:
    return organization().url_for(reverse("certificates:share", args=[certificate.verify_uuid.hex]))


def _quiz_grade(user, assessment: Assessment) -> str:
    grade = (
        AssessmentGrade.objects.filter(assessment=assessment, user=user)
        .values_list("grade", flat=True)
        .first()
    )
    if grade is None or not assessment.max_grade:
        return ""
    percent = float(grade) * 100 / float(assessment.max_grade)
    return f"{percent:.0f} %"


def _data(*, user, course, assessment, template_version, issued_at, expires_at, grade: str) -> dict:
    if assessment is not None:
        title = assessment.item.title
        course_title = assessment.course.title
    else:
        title = course_title = course.title
    return {
        "learner": user.get_full_name() or user.email,
        "course": title,
        "course_title": course_title,
        "grade": grade,
        "organization": organization().name,
        "issued_on": issued_at.date().isoformat(),
        "expires_on": expires_at.date().isoformat() if expires_at else "",
        "template_version": template_version.number,
    }


def _constraint(exc: IntegrityError) -> str:
    diag = getattr(getattr(exc, "__cause__", None), "diag", None)
    return getattr(diag, "constraint_name", "") or ""


def _existing_auto(user, course, assessment) -> Certificate | None:
    lookup = {"course": course} if assessment is None else {"assessment": assessment}
    return (
        Certificate.objects.filter(
            user=user, source=Certificate.Source.AUTOMATIC, replaces__isnull=True, **lookup
        )
        .order_by(F("status").asc(), "-pk")
        .first()
    )


def _valid_held(user, course, assessment) -> Certificate | None:
    lookup = {"course": course} if assessment is None else {"assessment": assessment}
    held = Certificate.objects.filter(user=user, status=Certificate.Status.ACTIVE, **lookup).order_by("-pk")
    return next((c for c in held[:5] if not c.is_expired), None)


def _issue(
    *, actor, user, course, assessment, template, expiry_months, source, replaces=None, grade: str = ""
) -> tuple[Certificate, bool]:
    """The one path that writes a Certificate: (certificate, created). Call inside a transaction."""
    if assessment is not None:
        course = None
    version = current_version(template, actor=actor)
    issued_at = timezone.now()
    expires_at = add_months(issued_at, expiry_months) if expiry_months else None
    data = _data(
        user=user,
        course=course,
        assessment=assessment,
        template_version=version,
        issued_at=issued_at,
        expires_at=expires_at,
        grade=grade,
    )
    for _attempt in range(CODE_ATTEMPTS):
        certificate = Certificate(
            code=new_code(user.get_full_name()),
            user=user,
            template=template,
            template_version=version,
            course=course,
            assessment=assessment,
            data=data,
            source=source,
            issued_at=issued_at,
            expires_at=expires_at,
            replaces=replaces,
            issued_by=actor if getattr(actor, "pk", None) else None,
        )
        try:
            with transaction.atomic():
                certificate.save(force_insert=True)
        except IntegrityError as exc:
            if _constraint(exc) in AUTO_CONSTRAINTS:
                return _existing_auto(user, course, assessment), False
            if Certificate.objects.filter(code=certificate.code).exists():
                continue  # the code was taken: draw another
            raise
        break
    else:  # pragma: no cover - 10**10 codes per pair of initials
        raise Conflict(_("No free certificate code was found; try again."))
    emit(
        CERTIFICATE_ISSUED,
        key=f"certificate.issued:{certificate.pk}",
        payload={
            **_payload(certificate),
            "source": source,
            "replaces_id": replaces.pk if replaces is not None else None,
            "issued_at": issued_at.isoformat(),
            "expires_at": expires_at.isoformat() if expires_at else None,
        },
        actor=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(
        actor=actor,
        action="certificate.issued",
        target=certificate,
        changes={
            "user": user.pk,
            "course": course.pk if course is not None else None,
            "assessment": assessment.pk if assessment is not None else None,
            "source": source,
            "replaces": replaces.pk if replaces is not None else None,
        },
    )
    queue_render(certificate)
    return certificate, True


def _payload(certificate: Certificate) -> dict:
    return {
        "certificate_id": certificate.pk,
        "verify_uuid": certificate.verify_uuid.hex,
        "user_id": certificate.user_id,
        "course_id": certificate.course_id,
        "assessment_id": certificate.assessment_id,
    }


def certificate_issue_automatic(
    *, user_id: int, course_id: int | None = None, assessment_id: int | None = None
):
    """From course.completed / assessment.passed: issue when the course's (quiz's) rule says so. Returns the
    certificate (new or the one issued before), or None when no rule issues one. Without the plan feature
    nothing is issued and the skip is recorded in the audit log."""
    lookup = {"course_id": course_id} if assessment_id is None else {"assessment_id": assessment_id}
    rule = CertificateRule.objects.filter(auto_issue=True, **lookup).select_related("template").first()
    if rule is None or rule.template.status != CertificateTemplate.Status.ACTIVE:
        return None
    user = get_user_model().objects.filter(pk=user_id).exclude(status="deactivated").first()
    if user is None:
        return None
    course = Course.objects.filter(pk=course_id).first() if assessment_id is None else None
    assessment = (
        Assessment.objects.select_related("item", "course").filter(pk=assessment_id).first()
        if assessment_id is not None
        else None
    )
    if course is None and assessment is None:
        return None
    with transaction.atomic():
        existing = _existing_auto(user, course, assessment)
        if existing is not None:
            return existing  # a redelivery, or issued before and revoked since: never issued twice
        held = _valid_held(user, course, assessment)
        if held is not None:
            return held  # issued by hand or in bulk before the event arrived
        if not plan_allows_certificates():
            audit_record(
                actor=None,
                action="certificate.skipped",
                target=course if course is not None else assessment.course,
                changes={"user": user.pk, "assessment": assessment_id, "reason": "plan"},
            )
            return None
        certificate, _created = _issue(
            actor=None,
            user=user,
            course=course,
            assessment=assessment,
            template=rule.template,
            expiry_months=rule.expiry_months,
            source=Certificate.Source.AUTOMATIC,
            grade=_quiz_grade(user, assessment) if assessment is not None else "",
        )
        return certificate


def _check_learner(actor, user) -> None:
    scope = scope_of(actor)
    if not scope.can_author():
        raise PermissionDenied(_("Only Teachers, Branch Managers and Org Admins may issue certificates."))
    if user is None or not visible_people(viewer=actor).filter(pk=user.pk).exists():
        raise ValidationFailed({"user_id": [_("No such learner.")]})


@transaction.atomic
def certificate_issue_manual(
    *,
    actor,
    user,
    course: Course | None = None,
    assessment: Assessment | None = None,
    template_id=None,
    source: str = Certificate.Source.MANUAL,
) -> Certificate:
    """Issue by hand (or for a bulk job): staff who may see the learner, for a course or a quiz they may see.
    The template is the one given, else the rule's. 409 while the learner holds a valid certificate for it."""
    require_plan()
    _check_learner(actor, user)
    if (course is None) == (assessment is None):
        raise ValidationFailed({"course_id": [_("Name a course or a quiz (not both).")]})
    rule = rule_of(course=course, assessment=assessment)
    if template_id not in (None, ""):
        template = _usable_template(template_id)
    elif rule is not None and rule.template.status == CertificateTemplate.Status.ACTIVE:
        template = rule.template
    else:
        raise ValidationFailed({"template_id": [_("This course names no certificate template: choose one.")]})
    if _valid_held(user, course, assessment) is not None:
        raise Conflict(
            _("This learner already holds a valid certificate for it: reissue or recertify that one.")
        )
    certificate, _created = _issue(
        actor=actor,
        user=user,
        course=course,
        assessment=assessment,
        template=template,
        expiry_months=rule.expiry_months if rule is not None else None,
        source=source,
        grade=_quiz_grade(user, assessment) if assessment is not None else "",
    )
    return certificate


# --- rendering -----------------------------------------------------------------------------------------------


def queue_render(certificate: Certificate) -> None:
    """Render the PDF in the background once the transaction commits (tasks.render_certificate)."""
    schema, pk, revision = connection.schema_name, certificate.pk, certificate.revision

    def queue():
        from django_tenants.utils import schema_context

        from .tasks import render_certificate

        with schema_context(schema):
            try:
                render_certificate.delay(certificate_id=pk, revision=revision)
            except (
                Exception
            ):  # the broker, or the render itself in eager mode: left pending, re-rendered later
                logger.exception("Rendering certificate %s failed to queue or run", pk)

    transaction.on_commit(queue, robust=True)


def certificate_pdf_bytes(certificate: Certificate) -> bytes:
    from apps.certificates.rendering import render_pdf

    return render_pdf(
        certificate.template_version.snapshot,
        {**certificate.data, "code": certificate.code},
        verify_url=verify_url(certificate),
        code=certificate.code,
    )


def certificate_render(*, certificate_id: int, revision: int) -> str:
    """Render one certificate's PDF (the task's body). Safe to run twice and out of order: a revision older
    than the certificate's is skipped (a reissue queued a newer one), a ready one is left alone. Returns what
    happened: "rendered", "stale", "done" or "missing"."""
    certificate = Certificate.objects.select_related("template_version").filter(pk=certificate_id).first()
    if certificate is None:
        return "missing"
    if certificate.revision != revision:
        return "stale"
    if certificate.render_state == Certificate.RenderState.READY and certificate.pdf:
        return "done"
    pdf = certificate_pdf_bytes(certificate)  # outside the lock: rendering takes a while
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().filter(pk=certificate_id).first()
        if locked is None:
            return "missing"
        if locked.revision != revision:
            return "stale"
        if locked.render_state == Certificate.RenderState.READY and locked.pdf:
            return "done"
        old = locked.pdf.name if locked.pdf else ""
        locked.pdf.save(f"{locked.code}.pdf", ContentFile(pdf), save=False)
        locked.render_state = Certificate.RenderState.READY
        locked.rendered_at = timezone.now()
        locked.save(update_fields=["pdf", "render_state", "rendered_at"])
        if old:
            storage = locked.pdf.storage
            transaction.on_commit(lambda: storage.delete(old), robust=True)
    return "rendered"


def certificate_render_failed(*, certificate_id: int, revision: int) -> None:
    Certificate.objects.filter(pk=certificate_id, revision=revision).exclude(
        render_state=Certificate.RenderState.READY
    ).update(render_state=Certificate.RenderState.FAILED)


# --- revoke, reissue, recertify ------------------------------------------------------------------------------


def _check_manager(actor, certificate: Certificate) -> None:
    from .selectors import may_manage

    if not may_manage(actor, certificate):
        raise PermissionDenied(_("Only staff in charge of this learner may change their certificate."))


@transaction.atomic
def certificate_revoke(*, actor, certificate: Certificate, reason) -> Certificate:
    _check_manager(actor, certificate)
    reason = " ".join(str(reason or "").split()) if isinstance(reason, str) else ""
    if not reason:
        raise ValidationFailed({"reason": [_("Say why the certificate is revoked.")]})
    if len(reason) > MAX_REASON:
        raise ValidationFailed({"reason": [_("At most 500 characters.")]})
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.status == Certificate.Status.REVOKED:
        raise InvalidState(_("This certificate is already revoked."))
    certificate.status = Certificate.Status.REVOKED
    certificate.revoked_at = timezone.now()
    certificate.revoked_by = actor
    certificate.revocation_reason = reason
    certificate.save(update_fields=["status", "revoked_at", "revoked_by", "revocation_reason"])
    emit(
        CERTIFICATE_REVOKED,
        key=f"certificate.revoked:{certificate.pk}",
        payload={**_payload(certificate), "revoked_at": certificate.revoked_at.isoformat()},
        actor=actor,
    )
    audit_record(actor=actor, action="certificate.revoked", target=certificate, changes={"reason": reason})
    return certificate


def _reissue(certificate: Certificate, *, actor) -> Certificate:
    """A new revision printed from the template's current version (same code, same link). Locked row."""
    version = current_version(certificate.template, actor=actor)
    certificate.template_version = version
    certificate.data = {**certificate.data, "template_version": version.number}
    certificate.revision += 1
    certificate.render_state = Certificate.RenderState.PENDING
    certificate.save(update_fields=["template_version", "data", "revision", "render_state"])
    emit(
        CERTIFICATE_REISSUED,
        key=f"certificate.reissued:{certificate.pk}:{certificate.revision}",
        payload={**_payload(certificate), "revision": certificate.revision},
        actor=actor if getattr(actor, "pk", None) else None,
    )
    queue_render(certificate)
    return certificate


@transaction.atomic
def certificate_reissue(*, actor, certificate: Certificate) -> Certificate:
    """Print again from the template's newest version (after a template fix): same code, revision + 1."""
    _check_manager(actor, certificate)
    certificate = Certificate.objects.select_for_update().select_related("template").get(pk=certificate.pk)
    if certificate.status == Certificate.Status.REVOKED:
        raise InvalidState(_("A revoked certificate cannot be reissued."))
    _reissue(certificate, actor=actor)
    audit_record(
        actor=actor,
        action="certificate.reissued",
        target=certificate,
        changes={"revision": certificate.revision, "version": certificate.template_version.number},
    )
    return certificate


@transaction.atomic
def certificate_recertify(*, actor, certificate: Certificate) -> Certificate:
    """Renew a valid certificate before it expires: a new one (new code and link) that `replaces` it."""
    _check_manager(actor, certificate)
    require_plan()
    old = Certificate.objects.select_for_update().select_related("template", "user").get(pk=certificate.pk)
    if old.status == Certificate.Status.REVOKED:
        raise InvalidState(_("A revoked certificate cannot be renewed."))
    if old.is_expired:
        raise InvalidState(_("This certificate has expired: issue a new one instead."))
    if Certificate.objects.filter(replaces=old).exists():
        raise Conflict(_("This certificate was renewed already."))
    rule = (
        rule_of(course=old.course, assessment=old.assessment)
        if (old.course_id or old.assessment_id)
        else None
    )
    template = rule.template if rule is not None and rule.template.status == "active" else old.template
    months = rule.expiry_months if rule is not None else None
    if months is None and old.expires_at is not None:
        months = max(1, round((old.expires_at - old.issued_at).days / 30.44))
    assessment = (
        Assessment.objects.select_related("item", "course").filter(pk=old.assessment_id).first()
        if old.assessment_id
        else None
    )
    new, _created = _issue(
        actor=actor,
        user=old.user,
        course=old.course,
        assessment=assessment,
        template=template,
        expiry_months=months,
        source=Certificate.Source.RECERTIFICATION,
        replaces=old,
        grade=old.data.get("grade", ""),
    )
    return new


# --- sharing -------------------------------------------------------------------------------------------------


def linkedin_url(certificate: Certificate) -> str:
    """LinkedIn's add-to-profile link (startTask=CERTIFICATION_NAME), the parameters LinkedIn documents."""
    params = {
        "startTask": "CERTIFICATION_NAME",
        "name": certificate.data.get("course") or str(certificate),
        "organizationName": certificate.data.get("organization") or organization().name,
        "issueYear": certificate.issued_at.year,
        "issueMonth": certificate.issued_at.month,
    }
    if certificate.expires_at is not None:
        params["expirationYear"] = certificate.expires_at.year
        params["expirationMonth"] = certificate.expires_at.month
    params["certUrl"] = verify_url(certificate)
    params["certId"] = certificate.code
    return f"{LINKEDIN_ADD}?{urlencode(params)}"


def certificate_share(*, actor, certificate: Certificate) -> dict:
    """The share links of a valid certificate: its share page and LinkedIn's add-to-profile link."""
    if certificate.status == Certificate.Status.REVOKED:
        raise InvalidState(_("A revoked certificate cannot be shared."))
    return {
        "share_url": share_url(certificate),
        "verify_url": verify_url(certificate),
        "linkedin_url": linkedin_url(certificate),
    }


# --- public verification -------------------------------------------------------------------------------------


def verification_record(
    *, certificate: Certificate | None, looked_up: str, channel: str, ip, user_agent: str
):
    """Log one public lookup (found or not); a found one raises certificate.verified (no personal data)."""
    with transaction.atomic():
        verification = Verification.objects.create(
            certificate=certificate,
            looked_up=str(looked_up)[:64],
            found=certificate is not None,
            channel=channel,
            ip=ip,
            user_agent=(user_agent or "")[:300],
        )
        if certificate is not None:
            emit(
                CERTIFICATE_VERIFIED,
                key=f"certificate.verified:{verification.pk}",
                payload={**_payload(certificate), "channel": channel},
            )
    return verification


# --- bulk jobs -----------------------------------------------------------------------------------------------


def _queue_job(job: BulkJob) -> None:
    schema, pk = connection.schema_name, job.pk

    def queue():
        from django_tenants.utils import schema_context

        from .tasks import run_bulk_job

        with schema_context(schema):
            try:
                run_bulk_job.delay(job_id=pk)
            except Exception:
                logger.exception("Bulk certificate job %s failed to queue or run", pk)

    transaction.on_commit(queue, robust=True)


@transaction.atomic
def bulk_issue_start(
    *, actor, course: Course | None = None, school_class: SchoolClass | None = None, template_id=None
) -> BulkJob:
    """Issue, in the background, to every learner who completed the course (of the class, if given), or to
    the class's learners for each course they completed that names a certificate."""
    require_plan()
    if course is None and school_class is None:
        raise ValidationFailed({"course_id": [_("Name a course or a class.")]})
    if course is not None and not viewer_can_edit(actor, course):
        raise PermissionDenied(_("Only this course's editors may issue its certificates in bulk."))
    if school_class is not None and not scope_of(actor).can_author():
        raise PermissionDenied(_("Only Teachers, Branch Managers and Org Admins may do this."))
    template = _usable_template(template_id) if template_id not in (None, "") else None
    if template is None and course is not None and rule_of(course=course) is None:
        raise ValidationFailed({"template_id": [_("This course names no certificate template: choose one.")]})
    job = BulkJob.objects.create(
        kind=BulkJob.Kind.ISSUE, course=course, school_class=school_class, template=template, created_by=actor
    )
    audit_record(
        actor=actor,
        action="certificate_job.started",
        target=job,
        changes={
            "kind": job.kind,
            "course": getattr(course, "pk", None),
            "class": getattr(school_class, "pk", None),
        },
    )
    _queue_job(job)
    return job


@transaction.atomic
def bulk_rerender_start(*, actor, template: CertificateTemplate) -> BulkJob:
    """Reissue every valid certificate of `template` from its current version, in the background."""
    if not scope_of(actor).is_org_admin:
        raise PermissionDenied(_("Only Org Admins may do this."))
    job = BulkJob.objects.create(kind=BulkJob.Kind.RERENDER, template=template, created_by=actor)
    audit_record(
        actor=actor,
        action="certificate_job.started",
        target=job,
        changes={"kind": job.kind, "template": template.pk},
    )
    _queue_job(job)
    return job


def _issue_pairs(job: BulkJob) -> list[tuple[int, int]]:
    """(user id, course id) of the learners a bulk issue is for, in a stable order."""
    enrollments = Enrollment.objects.filter(status=Enrollment.Status.COMPLETED)
    if job.course_id:
        enrollments = enrollments.filter(course_id=job.course_id)
    else:
        enrollments = enrollments.filter(course__certificate_rule__isnull=False)
    if job.school_class_id:
        enrollments = enrollments.filter(
            user__role_assignments__school_class_id=job.school_class_id,
            user__role_assignments__role="student",
        )
    return list(enrollments.order_by("user_id", "course_id").values_list("user_id", "course_id").distinct())


def bulk_issue_run(*, job_id: int) -> BulkJob | None:
    """The job's body (tasks.run_bulk_job). Each learner in a transaction of its own, so progress shows as it
    goes; a second run skips those done (the report names them) and those who hold a valid certificate."""
    job = BulkJob.objects.select_related("created_by", "template").filter(pk=job_id).first()
    if job is None or job.status in (BulkJob.Status.COMPLETED, BulkJob.Status.COMPLETED_WITH_ERRORS):
        return job
    actor = job.created_by
    if job.kind == BulkJob.Kind.RERENDER:
        items = list(
            Certificate.objects.filter(template_id=job.template_id, status=Certificate.Status.ACTIVE)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    else:
        items = _issue_pairs(job)
    seen = {tuple(entry.get("key", ())) for entry in job.report}
    BulkJob.objects.filter(pk=job.pk).update(
        status=BulkJob.Status.RUNNING, total=len(items), started_at=job.started_at or timezone.now()
    )
    for item in items:
        key = (item,) if job.kind == BulkJob.Kind.RERENDER else tuple(item)
        if key in seen:
            continue
        entry = _bulk_one(job, actor, item)
        entry["key"] = list(key)
        _append_report(job.pk, entry, done=1, failed=1 if entry["outcome"] == "failed" else 0)
    job.refresh_from_db()
    job.status = BulkJob.Status.COMPLETED_WITH_ERRORS if job.failed else BulkJob.Status.COMPLETED
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "finished_at"])
    return job


def _append_report(job_id: int, entry: dict, *, done: int = 0, failed: int = 0) -> None:
    """One entry added to the job's report and its counters, in one statement: PostgreSQL appends to the
    stored JSON (jsonb `||`), so a job of n learners does not read and rewrite its report n times."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE certificates_bulkjob SET report = report || %s::jsonb, done = done + %s, "
            "failed = failed + %s WHERE id = %s",
            [json.dumps([entry]), done, failed, job_id],
        )


def _bulk_one(job: BulkJob, actor, item) -> dict:
    try:
        with transaction.atomic():
            if job.kind == BulkJob.Kind.RERENDER:
                certificate = Certificate.objects.select_for_update().select_related("template").get(pk=item)
                _reissue(certificate, actor=actor)
                return {
                    "user_id": certificate.user_id,
                    "certificate_id": certificate.pk,
                    "outcome": "rendered",
                    "message": "",
                }
            user_id, course_id = item
            user = get_user_model().objects.get(pk=user_id)
            course = Course.objects.get(pk=course_id)
            held = Certificate.objects.filter(user=user, course=course, status=Certificate.Status.ACTIVE)
            if any(not c.is_expired for c in held):
                return {
                    "user_id": user_id,
                    "certificate_id": held[0].pk,
                    "outcome": "skipped",
                    "message": "holds a valid certificate",
                }
            certificate = certificate_issue_manual(
                actor=actor,
                user=user,
                course=course,
                template_id=job.template_id,
                source=Certificate.Source.BULK,
            )
            return {"user_id": user_id, "certificate_id": certificate.pk, "outcome": "issued", "message": ""}
    except (ValidationFailed, PermissionDenied, Conflict, InvalidState, PlanLimitReached) as exc:
        user_id = item[0] if isinstance(item, tuple) else None
        return {
            "user_id": user_id,
            "certificate_id": None,
            "outcome": "failed",
            "message": str(exc.message)[:200],
        }


def bulk_job_fail(*, job_id: int, reason: str) -> None:
    BulkJob.objects.filter(pk=job_id).exclude(status=BulkJob.Status.COMPLETED).update(
        status=BulkJob.Status.FAILED, finished_at=timezone.now()
    )
    _append_report(
        job_id, {"user_id": None, "certificate_id": None, "outcome": "failed", "message": reason[:200]}
    )
