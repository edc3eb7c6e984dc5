"""/api/v1/courses/{id}/enrollments, /enrollment-rules and /users/{id}/enrollments: self-enrollment, assignment to
people, classes and branches, who sees which enrollment, due dates, withdrawing, rules and query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import RoleAssignment
from apps.courses import services
from apps.courses.models import Course, Enrollment, EnrollmentRule
from apps.hierarchy.models import Branch, SchoolClass
from tests.api.helpers import assert_error, assert_ok
from tests.conftest import client_for, in_org, jwt_for, person

from .conftest import build_course

pytestmark = pytest.mark.django_db


def api(organization, user):
    return client_for(organization.slug, token=jwt_for(organization, user))


def enrollments_path(course) -> str:
    return f"/api/v1/courses/{course.pk}/enrollments"


def emails(data) -> set[str]:
    return {row["user"]["email"] for row in data}


def test_a_student_enrolls_themselves_once(acme, acme_student, acme_course):
    client = api(acme, acme_student)

    first = assert_ok(client.post(enrollments_path(acme_course), {}, format="json"), 201)
    again = assert_ok(client.post(enrollments_path(acme_course), {"self": True}, format="json"), 200)

    assert (first["status"], first["source"], first["user"]["id"]) == ("active", "self", acme_student.pk)
    assert (first["progress_percent"], first["total_items"]) == (0, 4)
    assert again["id"] == first["id"]
    with in_org(acme):
        assert Enrollment.objects.filter(course=acme_course).count() == 1


def test_self_enrollment_is_refused_where_the_course_does_not_allow_it(acme, acme_teacher, acme_student):
    assigned_only = build_course(acme, owner=acme_teacher, title="Assigned", self_enrollment=False)
    draft = build_course(acme, owner=acme_teacher, title="Draft", publish=False)
    first = build_course(acme, owner=acme_teacher, title="First")
    second = build_course(acme, owner=acme_teacher, title="Second", prerequisites=[first.pk])
    client = api(acme, acme_student)

    assert_error(client.post(enrollments_path(assigned_only), {}, format="json"), 403, "PERMISSION_DENIED")
    assert_error(client.post(enrollments_path(draft), {}, format="json"), 404, "NOT_FOUND")
    error = assert_error(client.post(enrollments_path(second), {}, format="json"), 409, "INVALID_STATE")
    assert error["details"] == {"prerequisites": [first.pk]}
    bad = client.post(enrollments_path(first), {"self": "perhaps"}, format="json")
    assert set(assert_error(bad, 400, "VALIDATION_ERROR")["details"]) == {"self"}


def test_a_teacher_assigns_their_class_with_a_due_date(acme, acme_teacher, acme_student, acme_course):
    with in_org(acme):
        algebra = SchoolClass.objects.get(name="Algebra 1")

    result = assert_ok(
        api(acme, acme_teacher).post(
            enrollments_path(acme_course), {"classes": [algebra.pk], "due_at": "2026-12-31"}, format="json"
        ),
        201,
    )

    assert (result["enrolled"], result["already_enrolled"]) == (1, 0)
    assert [(rule["school_class"]["name"], rule["branch"]) for rule in result["rules"]] == [
        ("Algebra 1", None)
    ]
    assert result["rules"][0]["due_at"].startswith("2026-12-31")
    with in_org(acme):
        enrollment = Enrollment.objects.get(course=acme_course, user=acme_student)
        assert (enrollment.source, enrollment.due_at.date().isoformat()) == ("class", "2026-12-31")
        assert enrollment.assigned_by == acme_teacher


def test_assignment_refusals(acme, acme_teacher, acme_manager, acme_student, acme_course):
    with in_org(acme):
        biology = SchoolClass.objects.get(name="Biology 1")
        south = Branch.objects.get(code="south")
        north = Branch.objects.get(code="north")
    south_student = person(acme, "south-student")
    teacher = api(acme, acme_teacher)
    path = enrollments_path(acme_course)

    assert_error(
        api(acme, acme_student).post(path, {"users": [acme_student.pk]}, format="json"),
        403,
        "PERMISSION_DENIED",
    )
    details = assert_error(
        teacher.post(path, {"users": [south_student.pk]}, format="json"), 400, "VALIDATION_ERROR"
    )
    assert details["details"] == {"users": ["No such person."]}
    assert_error(teacher.post(path, {"classes": [biology.pk]}, format="json"), 400, "VALIDATION_ERROR")
    assert_error(teacher.post(path, {"branches": [north.pk]}, format="json"), 403, "PERMISSION_DENIED")
    assert_error(
        api(acme, acme_manager).post(path, {"branches": [south.pk]}, format="json"), 400, "VALIDATION_ERROR"
    )
    both = teacher.post(path, {"self": True, "users": [acme_student.pk]}, format="json")
    assert set(assert_error(both, 400, "VALIDATION_ERROR")["details"]) == {"self"}
    bad_date = teacher.post(path, {"users": [acme_student.pk], "due_at": "someday"}, format="json")
    assert set(assert_error(bad_date, 400, "VALIDATION_ERROR")["details"]) == {"due_at"}
    garbage = teacher.post(path, {"users": ["a", {"b": 1}]}, format="json")
    assert set(assert_error(garbage, 400, "VALIDATION_ERROR")["details"]) == {"users"}
    with in_org(acme):
        assert not Enrollment.objects.filter(course=acme_course).exists()


def test_a_manager_assigns_their_branch_and_newcomers_follow(acme, acme_manager, acme_admin, acme_course):
    from apps.accounts.services import RoleSpec, member_add

    with in_org(acme):
        north = Branch.objects.get(code="north")

    result = assert_ok(
        api(acme, acme_manager).post(enrollments_path(acme_course), {"branches": [north.pk]}, format="json"),
        201,
    )

    assert result["enrolled"] == 1
    assert result["rules"][0]["branch"]["code"] == "north"
    with in_org(acme):
        newcomer = member_add(
            actor=acme_admin,
            spec=RoleSpec("student", branch_id=north.pk),
            email="newcomer@acme.example.com",
            full_name="New Comer",
            send_email=False,
        ).user
        assert Enrollment.objects.get(course=acme_course, user=newcomer).source == "branch"


def test_each_role_sees_the_enrollments_of_the_learners_it_may_see(
    acme, acme_admin, acme_manager, acme_teacher, acme_student, acme_admin_client
):
    course = build_course(acme, owner=acme_admin, title="Everyone")
    south_student = person(acme, "south-student")
    with in_org(acme):
        services.enroll_assign(actor=acme_admin, course=course, users=[acme_student.pk, south_student.pk])
    path = enrollments_path(course)
    both = {"student@acme.example.com", "south-student@acme.example.com"}

    assert emails(assert_ok(acme_admin_client.get(path))) == both
    assert emails(assert_ok(api(acme, acme_manager).get(path))) == {"student@acme.example.com"}
    assert emails(assert_ok(api(acme, acme_teacher).get(path))) == {"student@acme.example.com"}
    assert emails(assert_ok(api(acme, acme_student).get(path))) == {"student@acme.example.com"}
    assert emails(assert_ok(api(acme, south_student).get(path))) == {"south-student@acme.example.com"}
    filtered = assert_ok(
        acme_admin_client.get(path, {"filter[user]": south_student.pk, "sort": "-progress_percent"})
    )
    assert emails(filtered) == {"south-student@acme.example.com"}
    assert_error(acme_admin_client.get(path, {"filter[status]": "lost"}), 400, "INVALID_FILTER")
    with in_org(acme):
        theirs = Enrollment.objects.get(course=course, user=south_student)
    assert_error(api(acme, acme_teacher).get(f"{path}/{theirs.pk}"), 404, "NOT_FOUND")
    assert_error(api(acme, acme_student).delete(f"{path}/{theirs.pk}"), 404, "NOT_FOUND")


def test_due_dates_change_and_withdrawing_keeps_history(acme, acme_teacher, acme_student, acme_course):
    with in_org(acme):
        enrollment = services.enroll_self(actor=acme_student, course=acme_course)
        item = acme_course.items.filter(published_version__isnull=False).order_by("pk").first()
        services.progress_record(actor=acme_student, item=item, completed=True)
    path = f"{enrollments_path(acme_course)}/{enrollment.pk}"
    teacher, student = api(acme, acme_teacher), api(acme, acme_student)

    due = assert_ok(teacher.patch(path, {"due_at": "2027-01-15T10:00:00Z"}, format="json"))
    assert due["due_at"].startswith("2027-01-15")
    assert_error(student.patch(path, {"due_at": None}, format="json"), 403, "PERMISSION_DENIED")
    assert assert_ok(teacher.patch(path, {"due_at": None}, format="json"))["due_at"] is None

    withdrawn = assert_ok(student.delete(path))
    assert (withdrawn["status"], withdrawn["progress_percent"]) == ("withdrawn", 25)
    assert withdrawn["withdrawn_at"] is not None
    back = assert_ok(student.post(enrollments_path(acme_course), {}, format="json"), 201)
    assert (back["id"], back["status"], back["progress_percent"]) == (enrollment.pk, "active", 25)


def test_rules_are_listed_to_staff_and_deleted_without_unenrolling(
    acme, acme_teacher, acme_manager, acme_student, acme_course
):
    with in_org(acme):
        algebra = SchoolClass.objects.get(name="Algebra 1")
        biology = SchoolClass.objects.get(name="Biology 1")
        admin = RoleAssignment.objects.filter(role="org_admin").first().user
        services.enroll_assign(actor=acme_teacher, course=acme_course, classes=[algebra.pk])
        biology_rule = EnrollmentRule.objects.create(
            course=acme_course, school_class=biology, created_by=admin
        )
        rule = EnrollmentRule.objects.get(course=acme_course, school_class=algebra)
    rules = f"/api/v1/courses/{acme_course.pk}/enrollment-rules"

    listed = assert_ok(api(acme, acme_teacher).get(rules))
    assert [r["school_class"]["name"] for r in listed] == ["Algebra 1"]
    assert [r["school_class"]["name"] for r in assert_ok(api(acme, acme_manager).get(rules))] == ["Algebra 1"]
    assert_error(api(acme, acme_student).get(rules), 403, "PERMISSION_DENIED")
    assert_error(api(acme, acme_teacher).delete(f"{rules}/{biology_rule.pk}"), 404, "NOT_FOUND")

    assert api(acme, acme_teacher).delete(f"{rules}/{rule.pk}").status_code == 204
    with in_org(acme):
        assert not EnrollmentRule.objects.filter(pk=rule.pk).exists()
        assert Enrollment.objects.get(course=acme_course, user=acme_student).status == "active"


def test_a_persons_enrollments_are_scoped_like_the_person(acme, acme_teacher, acme_student, acme_course):
    south_student = person(acme, "south-student")
    with in_org(acme):
        services.enroll_self(actor=acme_student, course=acme_course)
    teacher = api(acme, acme_teacher)

    mine = assert_ok(api(acme, acme_student).get(f"/api/v1/users/{acme_student.pk}/enrollments"))
    theirs = assert_ok(
        teacher.get(f"/api/v1/users/{acme_student.pk}/enrollments", {"filter[status]": "active"})
    )

    assert [row["course"]["title"] for row in mine] == ["Algebra Basics"]
    assert [row["course"]["id"] for row in theirs] == [acme_course.pk]
    assert_error(teacher.get(f"/api/v1/users/{south_student.pk}/enrollments"), 404, "NOT_FOUND")
    assert_error(
        api(acme, acme_student).get(f"/api/v1/users/{acme_teacher.pk}/enrollments"), 404, "NOT_FOUND"
    )
    assert_error(teacher.get("/api/v1/users/99999999/enrollments"), 404, "NOT_FOUND")
    assert (
        assert_ok(teacher.get(f"/api/v1/users/{acme_student.pk}/enrollments", {"filter[course]": 99999999}))
        == []
    )


def _enroll_in_new_courses(acme, admin, student, count: int) -> None:
    with in_org(acme):
        start = Course.objects.count()
        for n in range(start, start + count):
            course = Course.objects.create(title=f"C{n}", slug=f"c-{n}", status="published", owner=admin)
            Enrollment.objects.create(
                course=course, user=student, assigned_by=admin, progress_percent=n % 100
            )


def test_my_learning_costs_the_same_queries_for_5_or_50_enrollments(acme, acme_admin, acme_student):
    client = api(acme, acme_student)
    path = f"/api/v1/users/{acme_student.pk}/enrollments?per_page=100"
    _enroll_in_new_courses(acme, acme_admin, acme_student, 5)
    client.get(path)  # warm up

    with CaptureQueriesContext(connection) as five:
        assert len(assert_ok(client.get(path))) == 5
    _enroll_in_new_courses(acme, acme_admin, acme_student, 45)
    with CaptureQueriesContext(connection) as fifty:
        assert len(assert_ok(client.get(path))) == 50

    assert len(fifty) == len(five)


def test_a_rule_the_teacher_sees_but_does_not_manage_is_refused_with_403(acme, acme_admin, acme_course):
    """teacher@ learns nothing in Physics-like classes; a rule for their branch (north) is visible to them as
    a member of the branch, but only its managers and Org Admins may remove it."""
    from apps.courses import services
    from apps.courses.models import EnrollmentRule
    from apps.hierarchy.models import Branch
    from tests.conftest import client_for, in_org, jwt_for, person

    with in_org(acme):
        north = Branch.objects.get(code="north")
        services.enroll_assign(actor=acme_admin, course=acme_course, branches=[north.pk])
        rule = EnrollmentRule.objects.get(course=acme_course, branch=north)
        teacher = person(acme, "teacher")
    client = client_for("acme", token=jwt_for(acme, teacher))

    listed = client.get(f"/api/v1/courses/{acme_course.pk}/enrollment-rules")
    refused = client.delete(f"/api/v1/courses/{acme_course.pk}/enrollment-rules/{rule.pk}")

    assert rule.pk in [row["id"] for row in listed.json()["data"]]
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "PERMISSION_DENIED"
    with in_org(acme):
        assert EnrollmentRule.objects.filter(pk=rule.pk).exists()
