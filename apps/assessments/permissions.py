"""Who may do what with assessments: the one place that decides (selectors, services, pages and API ask here).

- The question bank: a course's categories and questions belong to the people who may edit the course
  (apps.courses.permissions.can_edit: its owner and co-teachers, the Branch Managers of all its branches, Org
  Admins); the organization's shared bank (categories with no course) to Org Admins. Authors see and reuse
  the questions of every course they may edit.
- A quiz is managed (settings, questions, overrides, results, grading, regrading, statistics) by the
  editors of its course; results and grading show only the learners the viewer may see (a Teacher never
  sees another branch's learners).
- A quiz is taken by learners enrolled in its course, while its lesson is published; each learner sees only
  their own attempts.
"""

from django.db.models import Q

from apps.accounts.permissions import scope_of
from apps.accounts.selectors import visible_people
from apps.courses import selectors as course_selectors
from apps.courses.permissions import can_edit_course


def editable_course_ids(viewer):
    """The ids of the courses the viewer may edit, as a subquery."""
    return course_selectors.course_list_editable(viewer=viewer).values("pk")


def bank_filter(viewer, *, field: str = "course") -> Q:
    """Rows of the bank (categories, questions) the viewer may see and use, as a filter on `field` (a course
    foreign key): Org Admins everything, other authors the rows of courses they may edit, others nothing."""
    scope = scope_of(viewer)
    if scope.is_org_admin:
        return Q()
    if not scope.can_author():
        return Q(pk__in=[])
    return Q(**{f"{field}__in": editable_course_ids(viewer)})


def can_use_bank_of(viewer, course) -> bool:
    """May the viewer add to (and use) the bank of `course` (None: the organization's shared bank)?"""
    scope = scope_of(viewer)
    if course is None:
        return scope.is_org_admin
    return can_edit_course(viewer, course)


def can_manage(viewer, assessment) -> bool:
    """Settings, questions, overrides, results, grading and statistics of this quiz."""
    return can_edit_course(viewer, assessment.course)


def learners_filter(viewer, *, field: str = "user_id") -> Q:
    """Rows of the learners the viewer may see (results, grading), as a filter on `field`."""
    scope = scope_of(viewer)
    if scope.is_org_admin:
        return Q()
    people = visible_people(viewer=viewer).values("pk")
    return Q(**{f"{field}__in": people})
