"""Course analytics: enrollment count, completion rate and average progress, overall and by the branch and
class the learners are in, counting only the learners the viewer may see."""

import pytest
from model_bakery import baker

from apps.accounts.models import RoleAssignment
from apps.courses import selectors, services
from apps.hierarchy.models import Branch, SchoolClass
from tests.conftest import in_org, person

from .conftest import build_course


@pytest.fixture
def course(acme, acme_admin):
    """An organization-wide course of 4 lessons with five learners:
    student@ (north, Algebra 1) 100%, algebra-2@ (north, Algebra 1) 50%, geometry@ (north, Geometry) 25%,
    south-student@ (south, Biology 1) 50%, and withdrawn@ (south, Biology 1) withdrawn at 75%."""
    course = build_course(acme, owner=acme_admin, title="Everyone", modules=2, items_per_module=2)
    with in_org(acme):
        north = Branch.objects.get(code="north")
        algebra, biology = (
            SchoolClass.objects.get(name="Algebra 1"),
            SchoolClass.objects.get(name="Biology 1"),
        )
        geometry = baker.make_recipe("hierarchy.school_class", branch=north, name="Geometry")
        people = {
            "student": (person(acme, "student"), 4, 60),
            "algebra-2": (_learner("algebra-2", algebra), 2, 30),
            "geometry": (_learner("geometry", geometry), 1, 20),
            "south-student": (person(acme, "south-student"), 2, 40),
            "withdrawn": (_learner("withdrawn", biology), 3, 100),
        }
        items = list(course.items.order_by("module__position", "position"))
        for learner, done, seconds in people.values():
            services.enroll_self(actor=learner, course=course)
            for item in items[:done]:
                services.progress_record(actor=learner, item=item, completed=True, time_spent_seconds=seconds)
        services.enrollment_withdraw(
            actor=people["withdrawn"][0], enrollment=course.enrollments.get(user=people["withdrawn"][0])
        )
    return course


def _learner(local, school_class):
    return baker.make_recipe(
        "accounts.student",
        email=f"{local}@acme.example.com",
        full_name=local.title(),
        school_class=school_class,
    )


def analytics(acme, who, course):
    with in_org(acme):
        return selectors.course_analytics(viewer=who, course=course)


def row(name, enrolled, completed, average):
    return {
        "name": name,
        "enrolled": enrolled,
        "completed": completed,
        "completion_rate": round(completed / enrolled, 4),
        "average_progress": average,
    }


def without_ids(rows):
    return [{k: v for k, v in r.items() if k != "id"} for r in rows]


def test_an_org_admin_sees_every_learner(acme, acme_admin, course):
    result = analytics(acme, acme_admin, course)

    assert (result.enrolled, result.active, result.completed, result.withdrawn) == (4, 3, 1, 1)
    assert result.completion_rate == 0.25
    assert result.average_progress == 56.2  # (100 + 50 + 25 + 50) / 4, withdrawn left out
    assert (
        result.time_spent_seconds == 4 * 60 + 2 * 30 + 20 + 2 * 40 + 3 * 100
    )  # history of the withdrawn kept
    assert without_ids(result.by_branch) == [
        row("North Campus", 3, 1, 58.3),
        row("South Campus", 1, 0, 50.0),
    ]
    assert without_ids(result.by_class) == [
        row("Algebra 1", 2, 1, 75.0),
        row("Biology 1", 1, 0, 50.0),
        row("Geometry", 1, 0, 25.0),
    ]
    with in_org(acme):
        assert result.by_branch[0]["id"] == Branch.objects.get(code="north").pk


def test_a_teacher_counts_only_their_classes(acme, acme_teacher, course):
    result = analytics(acme, acme_teacher, course)

    assert (result.enrolled, result.completed, result.withdrawn) == (2, 1, 0)
    assert result.completion_rate == 0.5
    assert result.average_progress == 75.0
    assert result.time_spent_seconds == 4 * 60 + 2 * 30
    assert without_ids(result.by_branch) == [row("North Campus", 2, 1, 75.0)]
    assert without_ids(result.by_class) == [row("Algebra 1", 2, 1, 75.0)]


def test_a_branch_manager_counts_their_branch(acme, acme_manager, course):
    result = analytics(acme, acme_manager, course)

    assert (result.enrolled, result.completed) == (3, 1)
    assert without_ids(result.by_branch) == [row("North Campus", 3, 1, 58.3)]
    assert [r["name"] for r in result.by_class] == ["Algebra 1", "Geometry"]


def test_the_other_branchs_teacher_sees_only_theirs(acme, course):
    result = analytics(acme, person(acme, "south-teacher"), course)

    assert (result.enrolled, result.completed, result.withdrawn) == (1, 0, 1)
    assert without_ids(result.by_branch) == [row("South Campus", 1, 0, 50.0)]
    assert without_ids(result.by_class) == [row("Biology 1", 1, 0, 50.0)]


def test_a_learner_in_two_classes_counts_once_per_class_and_once_per_branch(acme, acme_admin, course):
    with in_org(acme):
        student = person(acme, "student")
        geometry = SchoolClass.objects.get(name="Geometry")
        RoleAssignment.objects.create(
            user=student, role="student", branch=geometry.branch, school_class=geometry
        )

    result = analytics(acme, acme_admin, course)

    assert result.enrolled == 4
    assert without_ids(result.by_branch)[0] == row("North Campus", 3, 1, 58.3)
    assert [(r["name"], r["enrolled"]) for r in result.by_class] == [
        ("Algebra 1", 2),
        ("Biology 1", 1),
        ("Geometry", 2),
    ]


def test_a_course_without_learners_has_zeroes(acme, acme_admin, acme_course):
    result = analytics(acme, acme_admin, acme_course)

    assert (result.enrolled, result.completion_rate, result.average_progress, result.time_spent_seconds) == (
        0,
        0.0,
        0.0,
        0,
    )
    assert (result.by_branch, result.by_class) == ([], [])
