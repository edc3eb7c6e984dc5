"""Reads on certificates, their rules and bulk jobs, scoped by the viewer (apps.accounts.permissions).

Who sees a certificate: its learner; the staff who may see the learner (a Teacher the learners of their
classes, a Branch Manager the people of their branches, an Org Admin everyone: apps.accounts' visible_people).
A certificate outside the viewer's scope is not in the queryset, so it answers 404 like a missing one.
The public lookups (by code or verify uuid) take no viewer: anyone may verify a certificate.
"""

import re
import uuid

from django.db.models import F, Q, QuerySet, Subquery

from apps.accounts.permissions import scope_of
from apps.accounts.selectors import visible_people
from apps.courses.selectors import course_find, viewer_can_edit

from ..models import BulkJob, Certificate, CertificateRule

CODE = re.compile(r"^[0-9]{10}[A-Z]{2}$")


def _digits(pk) -> bool:
    return str(pk).isdigit() and len(str(pk)) < 19


def _learners(viewer) -> Q:
    scope = scope_of(viewer)
    if not scope.managed_branch_ids and not scope.teaching_class_ids:
        return Q(user_id=scope.user_id or 0)
    return Q(user_id__in=Subquery(visible_people(viewer=viewer).values("pk")))


def certificate_list(*, viewer, user=None, course=None, status: str | None = None) -> QuerySet[Certificate]:
    """The certificates the viewer may see (their own at least), newest first."""
    scope = scope_of(viewer)
    queryset = Certificate.objects.all()
    if scope.user_id is None:
        return queryset.none()
    if not scope.is_org_admin:
        queryset = queryset.filter(_learners(viewer))
    if user is not None:
        queryset = queryset.filter(user=user)
    if course is not None:
        queryset = queryset.filter(course=course)
    if status:
        queryset = queryset.filter(status=status)
    return queryset.select_related("user", "course", "assessment__item", "template", "template_version")


def certificate_get(*, viewer, pk) -> Certificate | None:
    return certificate_list(viewer=viewer).filter(pk=pk).first() if _digits(pk) else None


# What the API's CertificateSerializer prints: these columns, the learner's name and email and the version's
# number (annotated: no user or version instance per row). Nothing else is read (the template, course and
# quiz rows, the version's snapshot).
API_COLUMNS = (
    "verify_uuid",
    "code",
    "user",
    "template",
    "template_version",
    "course",
    "assessment",
    "data",
    "source",
    "issued_at",
    "expires_at",
    "status",
    "revoked_at",
    "revocation_reason",
    "replaces",
    "render_state",
    "revision",
)


def for_api(queryset: QuerySet[Certificate]) -> QuerySet[Certificate]:
    """`queryset` (of certificate_list) loading only what the API prints: for reading, not for changes."""
    return (
        queryset.select_related(None)
        .only(*API_COLUMNS)
        .annotate(
            holder_name=F("user__full_name"),
            holder_email=F("user__email"),
            version_number=F("template_version__number"),
        )
    )


def certificate_api_get(*, viewer, pk) -> Certificate | None:
    if not _digits(pk):
        return None
    found = list(for_api(certificate_list(viewer=viewer)).filter(pk=pk).order_by()[:1])
    return found[0] if found else None


def learner_certificates(viewer, user) -> QuerySet[Certificate]:
    """`user`'s certificates, newest first, when the viewer may see them (themselves, or staff in scope);
    else none. Revoked ones are included: their `state` says so."""
    return certificate_list(viewer=viewer, user=user)


def may_manage(viewer, certificate: Certificate) -> bool:
    """Revoke, reissue, recertify: staff who may see the learner (Teachers, Branch Managers, Org Admins)."""
    scope = scope_of(viewer)
    return (scope.can_author() and certificate.user_id != scope.user_id) or scope.is_org_admin


# --- public lookups ------------------------------------------------------------------------------------------


def certificate_by_code(code: str) -> Certificate | None:
    """By the short human code (spaces and case forgiven); None for anything not shaped like one."""
    code = "".join(str(code or "").split()).upper()
    if not CODE.match(code):
        return None
    return _public().filter(code=code).first()


def certificate_by_uuid(value: str) -> Certificate | None:
    """By the verify uuid (32 hex, or dashed); None for anything else."""
    try:
        parsed = uuid.UUID(str(value))
    except (ValueError, AttributeError, TypeError):
        return None
    return _public().filter(verify_uuid=parsed).first()


def _public():
    return Certificate.objects.select_related("user", "course", "assessment__item", "template")


# --- rules ---------------------------------------------------------------------------------------------------


def rule_for_course(*, viewer, course_id) -> tuple:
    """(course, rule or None, viewer may edit) for a course the viewer may see; (None, None, False) else."""
    course = course_find(viewer=viewer, pk=course_id)
    if course is None:
        return None, None, False
    rule = CertificateRule.objects.filter(course=course).select_related("template").first()
    return course, rule, viewer_can_edit(viewer, course)


def rule_for_quiz(*, viewer, assessment_id):
    from apps.assessments.quizzes.selectors import assessment_get

    assessment = assessment_get(viewer=viewer, pk=assessment_id)
    if assessment is None:
        return None, None, False
    rule = CertificateRule.objects.filter(assessment=assessment).select_related("template").first()
    return assessment, rule, bool(getattr(assessment, "viewer_edits", False))


def quiz_rules(*, viewer, course) -> list[tuple]:
    """(quiz, its rule or None) for each quiz of `course` the viewer may manage, in the course's order: what
    the course's certificate page lists under its own rule."""
    from apps.assessments.quizzes.selectors import assessment_list

    quizzes = list(assessment_list(viewer=viewer, course=course).filter(viewer_edits=True))
    rules = CertificateRule.objects.filter(assessment__in=[q.pk for q in quizzes]).select_related("template")
    by_quiz = {rule.assessment_id: rule for rule in rules}
    return [(quiz, by_quiz.get(quiz.pk)) for quiz in quizzes]


def learner_by_email(*, viewer, email: str):
    """The person of that email (any case: addresses are stored in lower case) among those the viewer may
    see, or None."""
    return visible_people(viewer=viewer).filter(email=email.strip().lower()).first()


def rule_row(*, viewer, target: str, pk) -> CertificateRule | None:
    """The rule of a course (`target` "course") or quiz ("assessment") the viewer may see, for reading
    (the API's GET): the same visibility as rule_for_course / rule_for_quiz, without the template's row
    and without the quiz's counts."""
    if target == "course":
        found = course_find(viewer=viewer, pk=pk)
    else:
        from apps.assessments.quizzes.selectors import assessment_ref

        found = assessment_ref(viewer=viewer, pk=pk)
    if found is None:
        return None
    rules = list(CertificateRule.objects.filter(**{f"{target}_id": found.pk})[:1])
    return rules[0] if rules else None


# --- bulk jobs -----------------------------------------------------------------------------------------------


def job_list(*, viewer) -> QuerySet[BulkJob]:
    """Org Admins see every job; other staff the jobs they started, and those of the courses they edit and
    of the classes they see."""
    scope = scope_of(viewer)
    queryset = BulkJob.objects.select_related("course", "school_class", "template", "created_by")
    if scope.is_org_admin:
        return queryset
    if not scope.can_author():
        return queryset.none()
    from apps.courses.selectors import course_list_editable
    from apps.hierarchy.selectors import class_list

    return queryset.filter(
        Q(created_by_id=scope.user_id)
        | Q(course_id__in=Subquery(course_list_editable(viewer=viewer).values("pk")))
        | Q(school_class_id__in=Subquery(class_list(viewer=viewer).values("pk")))
    )


def job_get(*, viewer, pk) -> BulkJob | None:
    return job_list(viewer=viewer).filter(pk=pk).first() if _digits(pk) else None


def job_api_get(*, viewer, pk) -> BulkJob | None:
    """job_get for the API, whose serializer prints the job's own columns only (no joined rows)."""
    return job_list(viewer=viewer).select_related(None).filter(pk=pk).first() if _digits(pk) else None
