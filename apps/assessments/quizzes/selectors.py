"""Reads on quizzes, scoped by the viewer.

Editors of a course (apps.courses.permissions.can_edit: its owner and co-teachers, the managers of all its
branches, Org Admins) see its quizzes, drafts included. Everyone else sees a quiz only while its lesson is
published in a published course they can see and are enrolled in (not withdrawn). Anything else is simply
not in the queryset, so pages and the API answer 404.

effective_settings() resolves overrides as Moodle does (quiz_update_effective_access): a person's own
override wins for each setting it sets; for the others, the most generous of their classes' overrides
(earlier open, later close, longer time limit, more attempts; 0 = no limit / unlimited wins); then the quiz.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from apps.accounts.models import RoleAssignment
from apps.accounts.permissions import scope_of
from apps.courses import selectors as course_selectors
from apps.courses.models import Course, Enrollment

from ..models import REVIEW_FIELDS, REVIEW_MOMENTS, Assessment, Attempt, Override, Slot
from ..permissions import editable_course_ids


def _digits(pk) -> bool:
    return str(pk).isdigit()


def _learner_condition(viewer) -> Q:
    enrolled = Enrollment.objects.filter(
        course_id=OuterRef("course_id"), user_id=scope_of(viewer).user_id or 0
    )
    return (
        Q(item__published_version__isnull=False)
        & Q(course__status=Course.Status.PUBLISHED)
        & Q(course_id__in=course_selectors.visible_courses(viewer=viewer).values("pk"))
        & Exists(enrolled.exclude(status=Enrollment.Status.WITHDRAWN))
    )


def assessment_list(*, viewer, course=None) -> QuerySet[Assessment]:
    """The quizzes the viewer may see, each with `viewer_edits` (may they manage it), its lesson, module and
    course, `slot_count` and `total_marks`."""
    scope = scope_of(viewer)
    queryset = Assessment.objects.all()
    if scope.is_org_admin:
        queryset = queryset.annotate(viewer_edits=Value(True))
    elif scope.user_id is None:
        return Assessment.objects.none()
    else:
        editable = Q(course_id__in=editable_course_ids(viewer))
        queryset = queryset.filter(editable | _learner_condition(viewer)).annotate(
            viewer_edits=Exists(editable_course_ids(viewer).filter(pk=OuterRef("course_id")))
        )
    if course is not None:
        queryset = queryset.filter(course=course)
    slots = Slot.objects.filter(assessment_id=OuterRef("pk")).order_by().values("assessment_id")
    return (
        queryset.annotate(
            slot_count=Coalesce(Subquery(slots.annotate(n=Count("pk")).values("n")), Value(0)),
            total_marks=Coalesce(Subquery(slots.annotate(t=Sum("mark")).values("t")), Value(Decimal(0))),
            has_attempts=Exists(Attempt.objects.filter(assessment_id=OuterRef("pk"), preview=False)),
        )
        .select_related("item", "item__module", "item__published_version", "course")
        .order_by("course_id", "item__module__position", "item__position", "pk")
    )


def assessment_get(*, viewer, pk) -> Assessment | None:
    return assessment_list(viewer=viewer).filter(pk=pk).first() if _digits(pk) else None


def assessment_for_item(item) -> Assessment | None:
    """The quiz of a lesson of kind "quiz" (None for another kind, or a quiz lesson made without one)."""
    if getattr(item, "kind", None) != "quiz":
        return None
    return Assessment.objects.filter(item_id=item.pk).select_related("item", "course").first()


def slot_list(*, assessment: Assessment) -> QuerySet[Slot]:
    """The quiz's slots in order, with their questions, versions, categories and tags (for editors)."""
    return (
        Slot.objects.filter(assessment=assessment)
        .select_related(
            "question",
            "question__latest_version",
            "question_version",
            "random_category",
            "random_tag",
        )
        .order_by("position")
    )


def slot_get(*, assessment: Assessment, pk) -> Slot | None:
    return slot_list(assessment=assessment).filter(pk=pk).first() if _digits(pk) else None


def override_list(*, assessment: Assessment) -> QuerySet[Override]:
    return (
        Override.objects.filter(assessment=assessment)
        .select_related("user", "school_class", "school_class__branch")
        .order_by("school_class_id", "user_id", "pk")
    )


def override_get(*, assessment: Assessment, pk) -> Override | None:
    return override_list(assessment=assessment).filter(pk=pk).first() if _digits(pk) else None


def has_real_attempts(assessment: Assessment) -> bool:
    return Attempt.objects.filter(assessment=assessment, preview=False).exists()


@dataclass(frozen=True)
class Effective:
    open_at: datetime | None
    close_at: datetime | None
    time_limit: int | None  # seconds; None: no limit
    attempts_allowed: int  # 0: unlimited


def _generous_open(values):
    return min(values)


def _generous_close(values):
    return max(values)


def _generous_count(values):
    """Time limits and attempts: 0 means none / unlimited, the most generous."""
    return 0 if 0 in values else max(values)


def effective_settings(assessment: Assessment, user) -> Effective:
    """The window, time limit and attempts that apply to `user`, overrides resolved."""
    user_id = getattr(user, "pk", user)
    class_ids = RoleAssignment.objects.filter(user_id=user_id, school_class__isnull=False).values(
        "school_class_id"
    )
    rows = list(
        Override.objects.filter(assessment=assessment).filter(
            Q(user_id=user_id) | Q(school_class_id__in=class_ids)
        )
    )
    person = next((row for row in rows if row.user_id is not None), None)
    classes = [row for row in rows if row.school_class_id is not None]
    resolved = {}
    for name, pick in (
        ("open_at", _generous_open),
        ("close_at", _generous_close),
        ("time_limit", _generous_count),
        ("attempts_allowed", _generous_count),
    ):
        if person is not None and getattr(person, name) is not None:
            resolved[name] = getattr(person, name)
            continue
        values = [getattr(row, name) for row in classes if getattr(row, name) is not None]
        resolved[name] = pick(values) if values else None
    time_limit = resolved["time_limit"]
    if time_limit is None:
        time_limit = assessment.time_limit
    elif time_limit == 0:
        time_limit = None
    open_at = assessment.open_at if resolved["open_at"] is None else resolved["open_at"]
    close_at = assessment.close_at if resolved["close_at"] is None else resolved["close_at"]
    attempts = resolved["attempts_allowed"]
    if attempts is None:
        attempts = assessment.attempts_allowed
    return Effective(
        open_at=open_at,
        close_at=close_at,
        time_limit=time_limit,
        attempts_allowed=attempts,
    )


def review_allowed(assessment: Assessment, moment: str) -> set[str]:
    """The review fields (models.REVIEW_FIELDS) a learner sees at `moment` (models.REVIEW_MOMENTS)."""
    if moment not in REVIEW_MOMENTS:
        return set()
    review = assessment.review or {}
    return {name for name in REVIEW_FIELDS if moment in (review.get(name) or [])}
