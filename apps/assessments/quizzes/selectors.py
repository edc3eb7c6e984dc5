"""Reads on quizzes, scoped by the viewer.

Editors of a course (apps.courses.permissions.can_edit: its owner and co-teachers, the managers of all its
branches, Org Admins) see its quizzes, drafts included. Everyone else sees a quiz only while its lesson is
published in a published course they can see and are enrolled in (not withdrawn). Anything else is simply
not in the queryset, so pages and the API answer 404.

effective_settings() resolves overrides as Moodle does (quiz_update_effective_access): a person's own
override wins for each setting it sets; for the others, the most generous of their classes' overrides
(earlier open, later close, longer time limit, more attempts; 0 = no limit / unlimited wins); then the quiz.
A password is the person's override's, else any of their classes' overrides' passwords, else the quiz's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    Field,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.db.models.query import ModelIterable

from apps.accounts.models import RoleAssignment
from apps.accounts.permissions import scope_of
from apps.courses import selectors as course_selectors
from apps.courses.models import ContentVersion, Course, Enrollment
from apps.courses.selectors import RowSql

from ..models import REVIEW_FIELDS, REVIEW_MOMENTS, Assessment, Attempt, Override, Slot


def _digits(pk) -> bool:
    return str(pk).isdigit()


# A learner's rows: the quiz's lesson published (`{version}`: its published version), its course (`{course}`,
# `{status}`) published, and an enrollment of the viewer in it that is not withdrawn.
_LEARNER_SQL = (
    '({version} IS NOT NULL AND {status} = %s AND EXISTS (SELECT 1 FROM "'  # noqa: S608 (names only)
    f'{Enrollment._meta.db_table}" ls_e '
    'WHERE ls_e."course_id" = {course} AND ls_e."user_id" = %s AND ls_e."status" <> %s))'
)
_LEARNER_COLUMNS = {
    "version": "item__published_version_id",
    "status": "course__status",
    "course": "course_id",
}


def _learner_condition(viewer) -> RowSql:
    """Published quiz lessons of published courses the viewer may see and is enrolled in (not withdrawn),
    on the quiz's joined course (apps.courses.selectors' visibility rule over the row's course), as one
    fragment (nothing to build per request but its parameters)."""
    # No visibility term: apps.courses.selectors' rule lets anyone see a course they have an enrollment in
    # unless it is a draft, and this asks for a published course and an enrollment (not withdrawn), so the
    # term would always hold; it cost the learner's list a large fragment to compile and plan.
    params = [Course.Status.PUBLISHED, scope_of(viewer).user_id or 0, Enrollment.Status.WITHDRAWN]
    return RowSql(_LEARNER_SQL, _LEARNER_COLUMNS, params, output_field=BooleanField())


def _scoped(viewer) -> QuerySet[Assessment] | None:
    """The quizzes the viewer may see, each with `viewer_edits` (None: none at all). The courses a viewer
    may edit (permissions.editable_course_ids: visible and editable; every editable course is visible) are
    the same rule as apps.courses.selectors' editable filter over the row's course, used here as it is
    (one fragment, no subquery of courses to build, resolve and compile twice)."""
    scope = scope_of(viewer)
    queryset = Assessment.objects.all()
    if scope.is_org_admin:
        return queryset.annotate(viewer_edits=Value(True))
    if scope.user_id is None:
        return None
    editable = course_selectors.course_editable_filter(scope, prefix="course__")
    return queryset.annotate(viewer_edits=editable).filter(
        Q(viewer_edits=True) | Q(_learner_condition(viewer))
    )


QUIZ_ORDER = ("course_id", "item__module__position", "item__position", "pk")


def assessment_list(*, viewer, course=None) -> QuerySet[Assessment]:
    """The quizzes the viewer may see, each with `viewer_edits` (may they manage it), its lesson, module and
    course, `slot_count` and `total_marks`."""
    queryset = _scoped(viewer)
    if queryset is None:
        return Assessment.objects.none()
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
        .order_by(*QUIZ_ORDER)
    )


def assessment_ref(*, viewer, pk) -> Assessment | None:
    """A quiz the viewer may see (assessment_get's rule) with `viewer_edits`, none of the counts: what the
    API's sub-resources (slots, overrides, attempts, results, grading) need. Its course comes along for
    those whose management permissions.can_manage() decides from it (not Org Admins: they manage all)."""
    queryset = _scoped(viewer) if _digits(pk) else None
    if queryset is None:
        return None
    if not scope_of(viewer).is_org_admin:
        queryset = queryset.select_related("course")
    found = list(queryset.filter(pk=pk)[:1])
    return found[0] if found else None


# The course of a quiz (`%s`: its id), for an Org Admin's lookups of quizzes they manage (assessment_key).
_QUIZ_COURSE_SQL = f'SELECT "course_id" FROM "{Assessment._meta.db_table}" WHERE "id" = %s'  # noqa: S608
_MAX_ID = 2**63 - 1


def assessment_key(*, viewer, pk) -> Assessment | None:
    """assessment_ref() for the sub-resources that read nothing of the quiz but its id (results, grading):
    an Org Admin, who sees and manages every quiz, gets it with its id and course id only (the rest
    deferred), read without a queryset to build; anyone else gets assessment_ref()."""
    if not scope_of(viewer).is_org_admin:
        return assessment_ref(viewer=viewer, pk=pk)
    if not _digits(pk) or int(pk) > _MAX_ID:
        return None
    with connection.cursor() as cursor:
        cursor.execute(_QUIZ_COURSE_SQL, [int(pk)])
        row = cursor.fetchone()
    if row is None:
        return None
    assessment = Assessment.from_db(connection.alias, ["id", "course_id"], [int(pk), row[0]])
    assessment.viewer_edits = True
    return assessment


class _AssessmentRows(QuerySet):
    """assessment_rows()' quizzes, their `facts` and `editor_columns` decoded when the rows are fetched
    (_decode_row)."""

    def _fetch_all(self):
        fresh = self._result_cache is None
        super()._fetch_all()
        if fresh and self._iterable_class is ModelIterable:
            for assessment in self._result_cache:
                _decode_row(assessment)


# What a row of the API's quizzes shows beside the quiz's own columns, as one JSON array read for the page's
# rows only (`{quiz}`, `{module}`, `{title}`, `{version}`: the quiz, its lesson's module, title and
# published version): the module, the title, the published flag, the slots' count and marks (one pass over
# them; the marks as text, decoded as the numeric column reads), whether a learner (no preview) attempted
# it, and for viewers other than an Org Admin (who edit every quiz: the lesson's own title) the published
# version's title.
_FACTS = ("item_module_id", "item_title", "item_published", "slot_count", "total_marks", "has_attempts")
_SLOTS, _ATTEMPTS, _VERSIONS = Slot._meta.db_table, Attempt._meta.db_table, ContentVersion._meta.db_table
_FACTS_HEAD = (
    "(SELECT json_build_array({module}, {title}, {version} IS NOT NULL, COUNT(*), "  # noqa: S608 (names only)
    'COALESCE(SUM(ls_s."mark"), 0)::text, '
    f'EXISTS (SELECT 1 FROM "{_ATTEMPTS}" ls_t '
    'WHERE ls_t."assessment_id" = {quiz} AND NOT ls_t."preview")'
)
_FACTS_TAIL = f') FROM "{_SLOTS}" ls_s WHERE ls_s."assessment_id" = {{quiz}})'
_PUBLISHED_TITLE = f', (SELECT ls_v."title" FROM "{_VERSIONS}" ls_v WHERE ls_v."id" = {{version}})'  # noqa: S608
_FACTS_SQL = {False: _FACTS_HEAD + _FACTS_TAIL, True: _FACTS_HEAD + _PUBLISHED_TITLE + _FACTS_TAIL}
_FACTS_COLUMNS = {
    "quiz": "pk",
    "module": "item__module_id",
    "title": "item__title",
    "version": "item__published_version_id",
}
# The settings only the quiz's editors are shown (quizzes/serializers.py EDITOR_FIELDS), read for a row the
# viewer edits only, as one JSON array (`editor_columns`; NULL: a learner's row). It names the quiz's table:
# assessment_rows() are evaluated (a page, one quiz), never nested in another query. (The password is an
# editor field too, but read on every row: effective_settings() needs it, and the learner's serializer
# leaves it out.)
_EDITOR_COLUMNS = ("shuffle_questions", "shuffle_answers", "review", "overall_feedback", "subnets")
_EDITOR_SQL = (
    "json_build_array("
    + ", ".join(f'"{Assessment._meta.db_table}"."{name}"' for name in _EDITOR_COLUMNS)
    + ")"
)


# Built once: a query resolves copies of them, and their identity (what compiling the ORDER BY hashes every
# selected expression by) is computed once per process.
_FACTS_OF = {
    published: RowSql(_FACTS_SQL[published], _FACTS_COLUMNS, output_field=Field()) for published in _FACTS_SQL
}
_EDITOR_ROW = RawSQL(_EDITOR_SQL, (), output_field=Field())  # noqa: S611 (names only)


def _decode_row(assessment: Assessment) -> None:
    """The row's `facts` and `editor_columns` as the attributes assessment_list() gives (`viewer_edits`,
    the counts, the editors' settings), and the lesson's `item_*` and `published_title`."""
    values = assessment.__dict__
    facts = values.pop("facts")
    values.update(zip(_FACTS, facts, strict=False))
    values["total_marks"] = Decimal(values["total_marks"])
    if len(facts) > len(_FACTS):
        values["published_title"] = facts[-1]
    if "editor_columns" in values:
        editor = values.pop("editor_columns")
        values["viewer_edits"] = editor is not None
        if editor is not None:
            values.update(zip(_EDITOR_COLUMNS, editor, strict=True))
    else:
        values["viewer_edits"] = True


def assessment_rows(*, viewer) -> QuerySet[Assessment]:
    """assessment_list() for the API's representation (quizzes/serializers.py): the same quizzes in the same
    order, with `viewer_edits` and the same counts, the lesson's module, titles and published flag set as
    attributes (`item_module_id`, `item_title`, `published_title`, `item_published`) instead of loaded as
    objects; the editors' settings read only on the rows the viewer edits."""
    scope = scope_of(viewer)
    queryset = _AssessmentRows(model=Assessment)
    if scope.is_org_admin:  # every quiz, every one edited: the lesson's own title
        return queryset.annotate(facts=_FACTS_OF[False]).order_by(*QUIZ_ORDER)
    if scope.user_id is None:
        return Assessment.objects.none()
    editable = course_selectors.course_editable_filter(scope, prefix="course__")
    return (
        queryset.filter(Q(editable) | Q(_learner_condition(viewer)))
        .defer(*_EDITOR_COLUMNS)
        .annotate(
            facts=_FACTS_OF[True],
            editor_columns=Case(When(editable, then=_EDITOR_ROW), output_field=Field()),
        )
        .order_by(*QUIZ_ORDER)
    )


def assessment_row(*, viewer, pk) -> Assessment | None:
    """One quiz of assessment_rows()."""
    return assessment_rows(viewer=viewer).filter(pk=pk).first() if _digits(pk) else None


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


def slot_rows(*, assessment: Assessment) -> QuerySet[Slot]:
    """slot_list() for the API's representation: the question's name, type and latest version number, the
    pinned version's number, the random category's and tag's names annotated (`question_name`,
    `question_qtype`, `question_latest`, `version_number`, `category_name`, `tag_name`)."""
    return (
        Slot.objects.filter(assessment=assessment)
        .annotate(
            question_name=F("question__name"),
            question_qtype=F("question__qtype"),
            question_latest=F("question__latest_version__number"),
            version_number=F("question_version__number"),
            category_name=F("random_category__name"),
            tag_name=F("random_tag__name"),
        )
        .order_by("position")
    )


def slot_row(*, assessment: Assessment, pk) -> Slot | None:
    return slot_rows(assessment=assessment).filter(pk=pk).first() if _digits(pk) else None


def override_rows(*, assessment: Assessment) -> QuerySet[Override]:
    """override_list() for the API's representation: the person's name and email and the class's name
    annotated (`user_full_name`, `user_email`, `class_name`)."""
    return (
        Override.objects.filter(assessment=assessment)
        .annotate(
            user_full_name=F("user__full_name"),
            user_email=F("user__email"),
            class_name=F("school_class__name"),
        )
        .order_by("school_class_id", "user_id", "pk")
    )


def override_row(*, assessment: Assessment, pk) -> Override | None:
    return override_rows(assessment=assessment).filter(pk=pk).first() if _digits(pk) else None


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
    passwords: tuple[str, ...] = ()  # any of them starts an attempt; none: no password asked


def _generous_open(values):
    return min(values)


def _generous_close(values):
    return max(values)


def _generous_count(values):
    """Time limits and attempts: 0 means none / unlimited, the most generous."""
    return 0 if 0 in values else max(values)


@dataclass(frozen=True)
class _OverrideRow:
    user_id: int | None
    school_class_id: int | None
    open_at: datetime | None
    close_at: datetime | None
    time_limit: int | None
    attempts_allowed: int | None
    password: str


# The quiz's overrides of a person and of the classes they are in (what effective_settings() resolves),
# written out: read on every quiz, attempt and review a learner opens.
_OVERRIDE_TABLES = {"override": Override._meta.db_table, "role": RoleAssignment._meta.db_table}
_OVERRIDES_SQL = (  # noqa: S608 (table names only)
    "SELECT o.user_id, o.school_class_id, o.open_at, o.close_at, o.time_limit, o.attempts_allowed,"
    " o.password"
    ' FROM "{override}" o WHERE o.assessment_id = %s AND (o.user_id = %s'
    ' OR o.school_class_id IN (SELECT r.school_class_id FROM "{role}" r'
    " WHERE r.user_id = %s AND r.school_class_id IS NOT NULL))"
).format(**_OVERRIDE_TABLES)


def effective_settings(assessment: Assessment, user) -> Effective:
    """The window, time limit, attempts and passwords that apply to `user`, overrides resolved."""
    user_id = getattr(user, "pk", user)
    if user_id is None:
        class_ids = RoleAssignment.objects.filter(user_id=None, school_class__isnull=False).values(
            "school_class_id"
        )
        rows = list(
            Override.objects.filter(assessment=assessment).filter(
                Q(user_id=None) | Q(school_class_id__in=class_ids)
            )
        )
    else:
        with connection.cursor() as cursor:
            cursor.execute(_OVERRIDES_SQL, [assessment.pk, user_id, user_id])
            rows = [_OverrideRow(*row) for row in cursor.fetchall()]
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
    if person is not None and person.password:
        passwords = (person.password,)
    else:
        passwords = tuple(dict.fromkeys(row.password for row in classes if row.password))
    return Effective(
        open_at=open_at,
        close_at=close_at,
        time_limit=time_limit,
        attempts_allowed=attempts,
        passwords=passwords or ((assessment.password,) if assessment.password else ()),
    )


def review_allowed(assessment: Assessment, moment: str) -> set[str]:
    """The review fields (models.REVIEW_FIELDS) a learner sees at `moment` (models.REVIEW_MOMENTS)."""
    if moment not in REVIEW_MOMENTS:
        return set()
    review = assessment.review or {}
    return {name for name in REVIEW_FIELDS if moment in (review.get(name) or [])}
