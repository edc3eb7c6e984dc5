"""The whole learning flow through the services: build, publish, enroll a class, learn to completion."""

import pytest

from apps.courses import selectors, services
from apps.courses.models import Enrollment
from apps.events.models import Event
from tests.conftest import in_org, person

pytestmark = pytest.mark.django_db


def test_teacher_builds_enrolls_class_and_student_completes_once(
    acme, acme_teacher, acme_student, acme_course, django_capture_on_commit_callbacks
):
    with in_org(acme):
        algebra = acme_student.role_assignments.get(role="student").school_class
        result = services.enroll_assign(
            actor=acme_teacher, course=acme_course, classes=[algebra.pk], due_at="2026-12-31"
        )
        assert result.enrolled == 1
        enrollment = Enrollment.objects.get(course=acme_course, user=acme_student)
        assert enrollment.source == "class"
        assert enrollment.total_items == 4
        outline = selectors.course_outline(course=acme_course, viewer=acme_student)
        items = [item for module in outline for item in module.items.all()]
        assert len(items) == 4
        with django_capture_on_commit_callbacks(execute=True):
            for item in items:
                services.progress_record(actor=acme_student, item=item, completed=True, time_spent_seconds=30)
            # the same completion again changes nothing
            services.progress_record(actor=acme_student, item=items[-1], completed=True)
        enrollment.refresh_from_db()
        assert enrollment.status == "completed"
        assert enrollment.progress_percent == 100
        events = Event.objects.filter(name="course.completed")
        assert events.count() == 1
        assert events.get().payload["user_id"] == acme_student.pk
        assert events.get().dispatched_at is not None


def test_later_joiner_of_an_enrolled_class_is_enrolled(acme, acme_teacher, acme_admin, acme_course):
    from apps.accounts.services import RoleSpec, member_add

    with in_org(acme):
        algebra = acme_teacher.role_assignments.get(role="teacher").school_class
        services.enroll_assign(actor=acme_teacher, course=acme_course, classes=[algebra.pk])
        membership = member_add(
            actor=acme_admin,
            spec=RoleSpec("student", branch_id=algebra.branch_id, school_class_id=algebra.pk),
            email="newcomer@acme.example.com",
            full_name="New Comer",
            send_email=False,
        )
        assert Enrollment.objects.filter(course=acme_course, user=membership.user, source="class").exists()


def test_visibility_by_role(acme, acme_course):
    with in_org(acme):
        south = person(acme, "south-student")
        north = person(acme, "student")
        assert selectors.course_get(viewer=north, pk=acme_course.pk) is not None
        assert selectors.course_get(viewer=south, pk=acme_course.pk) is None
        assert selectors.course_get(viewer=person(acme, "south-teacher"), pk=acme_course.pk) is None
