"""Enrolling: learners themselves (when the course allows it and prerequisites are done), or teachers,
managers and admins assigning people, classes and branches with due dates; newcomers to an assigned class or
branch are enrolled too, however they arrive; withdrawing keeps the learner's history."""

from datetime import datetime

import pytest
from django.utils import timezone

from apps.accounts.models import RoleAssignment
from apps.accounts.services import RoleSpec, member_add
from apps.core.errors import InvalidState, NotFound, PermissionDenied, ValidationFailed
from apps.courses import selectors, services
from apps.courses.models import Enrollment, EnrollmentRule, ItemProgress
from apps.hierarchy.models import Branch, SchoolClass
from tests.conftest import in_org, person

from .conftest import build_course

DUE = "2026-12-31"


def due_day(value) -> str:
    return timezone.localtime(value).date().isoformat()


def algebra():
    return SchoolClass.objects.get(name="Algebra 1")


def complete(user, course) -> None:
    for item in course.items.filter(published_version__isnull=False):
        services.progress_record(actor=user, item=item, completed=True)


# --- self-enrollment -----------------------------------------------------------------------------------------


def test_a_learner_enrolls_themselves_once(acme, acme_student, acme_course):
    with in_org(acme):
        first = services.enroll_self(actor=acme_student, course=acme_course)
        again = services.enroll_self(actor=acme_student, course=acme_course)

        assert first.pk == again.pk
        assert (first.status, first.source, first.total_items, first.progress_percent) == (
            "active",
            "self",
            4,
            0,
        )
        assert Enrollment.objects.filter(course=acme_course, user=acme_student).count() == 1


def test_self_enrollment_can_be_turned_off(acme, acme_teacher, acme_student):
    course = build_course(acme, owner=acme_teacher, self_enrollment=False)
    with in_org(acme), pytest.raises(PermissionDenied):
        services.enroll_self(actor=acme_student, course=course)


def test_a_draft_course_takes_no_enrollments(acme, acme_teacher, acme_student):
    course = build_course(acme, owner=acme_teacher, publish=False)
    with in_org(acme):
        with pytest.raises(InvalidState):
            services.enroll_self(actor=acme_student, course=course)
        with pytest.raises(InvalidState):
            services.enroll_assign(actor=acme_teacher, course=course, users=[acme_student.pk])
        assert not Enrollment.objects.filter(course=course).exists()


def test_prerequisites_must_be_completed_first(acme, acme_teacher, acme_student):
    basics = build_course(acme, owner=acme_teacher, title="Basics", items_per_module=1)
    advanced = build_course(acme, owner=acme_teacher, title="Advanced", prerequisites=[basics.pk])
    with in_org(acme):
        with pytest.raises(InvalidState) as error:
            services.enroll_self(actor=acme_student, course=advanced)
        assert error.value.details == {"prerequisites": [basics.pk]}
        assert "Basics" in error.value.message

        services.enroll_self(actor=acme_student, course=basics)
        complete(acme_student, basics)
        enrollment = services.enroll_self(actor=acme_student, course=advanced)

        assert enrollment.status == "active"


# --- assignment ----------------------------------------------------------------------------------------------


def test_a_teacher_assigns_people_with_a_due_date(acme, acme_teacher, acme_student, acme_course):
    with in_org(acme):
        result = services.enroll_assign(
            actor=acme_teacher, course=acme_course, users=[acme_student.pk], due_at=DUE
        )
        again = services.enroll_assign(actor=acme_teacher, course=acme_course, users=[acme_student.pk])
        enrollment = Enrollment.objects.get(course=acme_course, user=acme_student)

        assert (result.enrolled, result.already_enrolled, result.rules) == (1, 0, [])
        assert (again.enrolled, again.already_enrolled) == (0, 1)
        assert (enrollment.source, enrollment.assigned_by_id, due_day(enrollment.due_at)) == (
            "assigned",
            acme_teacher.pk,
            DUE,
        )


def test_a_teacher_assigns_their_class_as_a_rule(acme, acme_teacher, acme_student, acme_course):
    with in_org(acme):
        result = services.enroll_assign(
            actor=acme_teacher, course=acme_course, classes=[algebra().pk], due_at=DUE
        )
        enrollment = Enrollment.objects.get(course=acme_course, user=acme_student)

        assert result.enrolled == 1
        assert [(r.school_class_id, r.branch_id, due_day(r.due_at)) for r in result.rules] == [
            (algebra().pk, None, DUE)
        ]
        assert (enrollment.source, enrollment.rule_id, due_day(enrollment.due_at)) == (
            "class",
            result.rules[0].pk,
            DUE,
        )
        # teachers of the class are not enrolled as learners
        assert not Enrollment.objects.filter(course=acme_course, user=acme_teacher).exists()


def test_a_teacher_cannot_assign_another_branchs_class_or_a_whole_branch(acme, acme_teacher, acme_course):
    with in_org(acme):
        biology = SchoolClass.objects.get(name="Biology 1")
        north = Branch.objects.get(code="north")

        with pytest.raises((ValidationFailed, PermissionDenied)):
            services.enroll_assign(actor=acme_teacher, course=acme_course, classes=[biology.pk])
        with pytest.raises(PermissionDenied):
            services.enroll_assign(actor=acme_teacher, course=acme_course, branches=[north.pk])
        with pytest.raises(ValidationFailed):
            services.enroll_assign(
                actor=acme_teacher, course=acme_course, users=[person(acme, "south-student").pk]
            )
        assert not Enrollment.objects.filter(course=acme_course).exists()
        assert not EnrollmentRule.objects.filter(course=acme_course).exists()


def test_a_learner_cannot_assign(acme, acme_student, acme_course):
    with in_org(acme), pytest.raises(PermissionDenied):
        services.enroll_assign(actor=acme_student, course=acme_course, users=[acme_student.pk])


def test_a_manager_assigns_their_whole_branch(acme, acme_manager, acme_student, acme_course):
    with in_org(acme):
        north = Branch.objects.get(code="north")

        result = services.enroll_assign(
            actor=acme_manager, course=acme_course, branches=[north.pk], due_at=DUE
        )

        assert [(r.branch_id, r.school_class_id) for r in result.rules] == [(north.pk, None)]
        learners = set(Enrollment.objects.filter(course=acme_course).values_list("user__email", "source"))
        assert learners == {(acme_student.email, "branch")}


def test_an_admin_assigns_the_other_branch(acme, acme_admin):
    course = build_course(acme, owner=acme_admin, title="Org-wide")
    with in_org(acme):
        south = Branch.objects.get(code="south")

        services.enroll_assign(actor=acme_admin, course=course, branches=[south.pk])

        assert set(Enrollment.objects.filter(course=course).values_list("user__email", flat=True)) == {
            "south-student@acme.example.com"
        }


def test_a_new_due_date_on_the_rule_moves_its_enrollments(acme, acme_teacher, acme_student, acme_course):
    with in_org(acme):
        services.enroll_assign(actor=acme_teacher, course=acme_course, classes=[algebra().pk], due_at=DUE)
        services.enroll_assign(
            actor=acme_teacher, course=acme_course, classes=[algebra().pk], due_at="2027-01-31"
        )

        assert EnrollmentRule.objects.filter(course=acme_course).count() == 1
        assert due_day(EnrollmentRule.objects.get(course=acme_course).due_at) == "2027-01-31"
        assert due_day(Enrollment.objects.get(course=acme_course, user=acme_student).due_at) == "2027-01-31"


def test_deactivated_people_are_not_enrolled_through_their_class(
    acme, acme_teacher, acme_student, acme_course
):
    with in_org(acme):
        acme_student.status = acme_student.Status.DEACTIVATED
        acme_student.save(update_fields=["status"])

        result = services.enroll_assign(actor=acme_teacher, course=acme_course, classes=[algebra().pk])

        assert result.enrolled == 0
        assert not Enrollment.objects.filter(course=acme_course).exists()


# --- people who join later -----------------------------------------------------------------------------------


def test_a_later_joiner_of_an_assigned_class_is_enrolled_with_its_due_date(
    acme, acme_admin, acme_teacher, acme_course
):
    with in_org(acme):
        services.enroll_assign(actor=acme_teacher, course=acme_course, classes=[algebra().pk], due_at=DUE)

        joined = member_add(
            actor=acme_admin,
            spec=RoleSpec("student", branch_id=algebra().branch_id, school_class_id=algebra().pk),
            email="late@acme.example.com",
            full_name="Late Comer",
            send_email=False,
        )

        enrollment = Enrollment.objects.get(course=acme_course, user=joined.user)
        assert (enrollment.source, due_day(enrollment.due_at), enrollment.total_items) == ("class", DUE, 4)


def test_a_later_joiner_of_an_assigned_branch_is_enrolled(acme, acme_admin, acme_manager, acme_course):
    with in_org(acme):
        north = Branch.objects.get(code="north")
        services.enroll_assign(actor=acme_manager, course=acme_course, branches=[north.pk])
        physics = SchoolClass.objects.create(branch=north, name="Physics 1", term="2026")

        joined = member_add(
            actor=acme_admin,
            spec=RoleSpec("student", branch_id=north.pk, school_class_id=physics.pk),
            email="physics@acme.example.com",
            send_email=False,
        )

        assert Enrollment.objects.get(course=acme_course, user=joined.user).source == "branch"


def test_people_imported_into_an_assigned_class_are_enrolled(
    acme, acme_admin, acme_teacher, acme_course, django_capture_on_commit_callbacks
):
    from apps.imports.services import import_create

    rows = (
        "email,name,role,branch,class\r\n"
        "imported1@acme.example.com,Imported One,student,north,Algebra 1\r\n"
        "imported2@acme.example.com,Imported Two,student,north,Algebra 1\r\n"
        "imported3@acme.example.com,Imported Three,teacher,north,Algebra 1\r\n"
        "imported4@acme.example.com,Imported Four,student,south,Biology 1\r\n"
    )
    with in_org(acme):
        services.enroll_assign(actor=acme_teacher, course=acme_course, classes=[algebra().pk], due_at=DUE)

        with django_capture_on_commit_callbacks(execute=True):
            import_create(actor=acme_admin, filename="people.csv", content=rows.encode())

        enrolled = dict(
            Enrollment.objects.filter(course=acme_course, user__email__startswith="imported").values_list(
                "user__email", "source"
            )
        )
        assert enrolled == {"imported1@acme.example.com": "class", "imported2@acme.example.com": "class"}


def test_a_deleted_rule_enrolls_no_more_newcomers_but_keeps_enrollments(
    acme, acme_admin, acme_teacher, acme_student, acme_course
):
    with in_org(acme):
        rule = services.enroll_assign(actor=acme_teacher, course=acme_course, classes=[algebra().pk]).rules[0]

        services.enrollment_rule_delete(actor=acme_teacher, rule=rule)
        joined = member_add(
            actor=acme_admin,
            spec=RoleSpec("student", branch_id=algebra().branch_id, school_class_id=algebra().pk),
            email="after-rule@acme.example.com",
            send_email=False,
        )

        assert Enrollment.objects.filter(course=acme_course, user=acme_student).exists()
        assert not Enrollment.objects.filter(course=acme_course, user=joined.user).exists()


def test_newcomers_are_not_enrolled_in_an_archived_course(acme, acme_admin, acme_teacher, acme_course):
    with in_org(acme):
        services.enroll_assign(actor=acme_teacher, course=acme_course, classes=[algebra().pk])
        services.course_archive(actor=acme_teacher, course=acme_course)

        joined = member_add(
            actor=acme_admin,
            spec=RoleSpec("student", branch_id=algebra().branch_id, school_class_id=algebra().pk),
            email="too-late@acme.example.com",
            send_email=False,
        )

        assert not Enrollment.objects.filter(course=acme_course, user=joined.user).exists()


def test_a_new_teacher_of_an_assigned_class_is_not_enrolled(acme, acme_admin, acme_teacher, acme_course):
    with in_org(acme):
        services.enroll_assign(actor=acme_teacher, course=acme_course, classes=[algebra().pk])

        joined = member_add(
            actor=acme_admin,
            spec=RoleSpec("teacher", branch_id=algebra().branch_id, school_class_id=algebra().pk),
            email="co-teacher@acme.example.com",
            send_email=False,
        )

        assert RoleAssignment.objects.filter(user=joined.user, role="teacher").exists()
        assert not Enrollment.objects.filter(course=acme_course, user=joined.user).exists()


# --- withdrawing ---------------------------------------------------------------------------------------------


def test_withdrawing_keeps_progress_and_enrolling_again_resumes(
    acme, acme_teacher, acme_student, acme_course
):
    with in_org(acme):
        enrollment = services.enroll_self(actor=acme_student, course=acme_course)
        first = acme_course.items.order_by("module__position", "position").first()
        services.progress_record(actor=acme_student, item=first, completed=True, time_spent_seconds=90)

        services.enrollment_withdraw(actor=acme_student, enrollment=enrollment)
        enrollment.refresh_from_db()

        assert (enrollment.status, enrollment.progress_percent) == ("withdrawn", 25)
        assert enrollment.withdrawn_at is not None
        assert ItemProgress.objects.filter(user=acme_student, course=acme_course).count() == 1
        assert not selectors.my_learning(viewer=acme_student).filter(course=acme_course).exists()
        assert selectors.active_enrollment(user=acme_student, course=acme_course) is None
        with pytest.raises(InvalidState):
            services.progress_record(actor=acme_student, item=first, completed=True)

        again = services.enroll_self(actor=acme_student, course=acme_course)

        assert again.pk == enrollment.pk
        assert (again.status, again.progress_percent, again.completed_items, again.withdrawn_at) == (
            "active",
            25,
            1,
            None,
        )
        progress = ItemProgress.objects.get(user=acme_student, item=first)
        assert (progress.is_completed, progress.time_spent_seconds) == (True, 90)


def test_a_completed_course_stays_completed_after_withdrawing_and_reassignment(
    acme, acme_teacher, acme_student, acme_course
):
    with in_org(acme):
        enrollment = services.enroll_self(actor=acme_student, course=acme_course)
        complete(acme_student, acme_course)
        services.enrollment_withdraw(actor=acme_teacher, enrollment=enrollment)

        result = services.enroll_assign(actor=acme_teacher, course=acme_course, users=[acme_student.pk])
        enrollment.refresh_from_db()

        assert result.enrolled == 1
        assert (enrollment.status, enrollment.progress_percent, enrollment.source) == (
            "completed",
            100,
            "assigned",
        )


def test_a_learner_cannot_withdraw_someone_else(acme, acme_student, acme_course):
    with in_org(acme):
        south = person(acme, "south-student")
        other = Enrollment.objects.create(course=acme_course, user=person(acme, "manager"))

        with pytest.raises(PermissionDenied):
            services.enrollment_withdraw(actor=south, enrollment=other)

        other.refresh_from_db()
        assert other.status == "active"


def test_enrollment_update_changes_the_due_date(acme, acme_teacher, acme_student, acme_course):
    with in_org(acme):
        services.enroll_assign(actor=acme_teacher, course=acme_course, users=[acme_student.pk])
        enrollment = Enrollment.objects.get(course=acme_course, user=acme_student)

        services.enrollment_update(
            actor=acme_teacher, enrollment=enrollment, due_at=datetime(2027, 3, 1, 12, 0)
        )

        enrollment.refresh_from_db()
        assert due_day(enrollment.due_at) == "2027-03-01"
        with pytest.raises(ValidationFailed):
            services.enrollment_update(actor=acme_teacher, enrollment=enrollment, due_at="next tuesday")


def test_staff_change_only_enrollments_of_learners_they_see(acme, acme_admin, acme_teacher):
    course = build_course(acme, owner=acme_admin, title="Org-wide")
    with in_org(acme):
        south = person(acme, "south-student")
        enrollment = services.enroll_self(actor=south, course=course)

        with pytest.raises(NotFound):
            services.enrollment_withdraw(actor=acme_teacher, enrollment=enrollment)
        with pytest.raises(NotFound):
            services.enrollment_update(actor=acme_teacher, enrollment=enrollment, due_at=DUE)

        enrollment.refresh_from_db()
        assert (enrollment.status, enrollment.due_at) == ("active", None)
        services.enrollment_withdraw(actor=person(acme, "south-teacher"), enrollment=enrollment)
        enrollment.refresh_from_db()
        assert enrollment.status == "withdrawn"


@pytest.mark.parametrize("bad", ["2026-02-30", "next friday", "2026-13-01T10:00", 42])
def test_an_impossible_due_date_is_a_field_error(acme, acme_teacher, acme_student, acme_course, bad):
    with in_org(acme), pytest.raises(ValidationFailed) as caught:
        services.enroll_assign(actor=acme_teacher, course=acme_course, users=[acme_student.pk], due_at=bad)
    assert "due_at" in caught.value.field_errors
    with in_org(acme):
        assert not Enrollment.objects.filter(course=acme_course, user=acme_student).exists()


def test_a_due_day_means_the_end_of_that_day(acme, acme_teacher, acme_student, acme_course):
    from datetime import date

    with in_org(acme):
        services.enroll_assign(
            actor=acme_teacher, course=acme_course, users=[acme_student.pk], due_at=date(2026, 12, 31)
        )
        due = Enrollment.objects.get(course=acme_course, user=acme_student).due_at
    local = timezone.localtime(due)
    assert (local.date(), local.hour, local.minute) == (date(2026, 12, 31), 23, 59)
