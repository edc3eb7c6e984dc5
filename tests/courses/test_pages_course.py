"""A course's page (/courses/<id>/) and "my learning" (/learning/): the outline with the learner's ticks,
self-enrollment (and why it is not offered), withdrawing, due dates; who may open what (404 for a course
the viewer may not know of); constant queries as modules, lessons and enrollments grow."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.courses import services
from apps.courses.models import Enrollment
from tests.conftest import browser_for, in_org, person
from tests.courses.conftest import build_course
from tests.pages.conftest import queries_for

pytestmark = pytest.mark.django_db


def page_as(acme, local):
    return browser_for(acme, person(acme, local))


def body_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def lessons_of(acme, course):
    with in_org(acme):
        return list(course.items.order_by("module__position", "position"))


def enrollment_of(acme, course, user):
    with in_org(acme):
        return Enrollment.objects.filter(course=course, user=user).first()


# --- who may open a course's page --------------------------------------------------------------------------

ROLES = ("orgadmin", "manager", "teacher", "student", "south-teacher", "south-student")


def test_each_role_gets_exactly_the_expected_answer_for_a_north_course(acme, acme_course):
    answers = tuple(page_as(acme, local).get(f"/courses/{acme_course.pk}/").status_code for local in ROLES)

    assert answers == (200, 200, 200, 200, 404, 404)


def test_a_draft_is_not_found_by_learners_on_any_page(acme, acme_student):
    draft = build_course(acme, title="Secret draft", publish=False)
    lesson = lessons_of(acme, draft)[0]
    student = page_as(acme, "student")
    paths = [
        f"/courses/{draft.pk}/",
        f"/courses/{draft.pk}/learn/",
        f"/courses/{draft.pk}/learn/{lesson.pk}/",
        f"/courses/{draft.pk}/cover",
        f"/courses/{draft.pk}/edit/",
        f"/courses/{draft.pk}/enrollments/",
    ]

    answers = [student.get(path).status_code for path in paths]
    listed = body_of(student.get("/courses/")) + body_of(student.get("/learning/"))

    assert answers == [404] * len(paths)
    assert "Secret draft" not in listed


def test_a_course_taken_back_to_draft_disappears_for_its_learners(
    acme, acme_course, acme_teacher, acme_student
):
    with in_org(acme):
        services.enroll_self(actor=acme_student, course=acme_course)
        services.course_unpublish(actor=acme_teacher, course=acme_course)
    student = page_as(acme, "student")

    course_page = student.get(f"/courses/{acme_course.pk}/")
    learning = body_of(student.get("/learning/"))

    assert course_page.status_code == 404
    assert "Algebra Basics" not in learning
    assert enrollment_of(acme, acme_course, acme_student).status == "active"  # kept for when it returns


def test_an_archived_course_stays_open_to_its_learners_only(acme, acme_course, acme_teacher, acme_student):
    with in_org(acme):
        services.enroll_self(actor=acme_student, course=acme_course)
        services.course_archive(actor=acme_teacher, course=acme_course)

    enrolled = page_as(acme, "student").get(f"/courses/{acme_course.pk}/")
    other = browser_for(acme, person(acme, "orgadmin")).get(f"/courses/{acme_course.pk}/")
    with in_org(acme):
        from django.contrib.auth import get_user_model

        from apps.accounts.models import RoleAssignment
        from apps.hierarchy.models import SchoolClass

        newcomer = get_user_model().objects.create_user("newcomer@acme.example.com", "x", full_name="New")
        algebra = SchoolClass.objects.get(name="Algebra 1")
        RoleAssignment.objects.create(
            user=newcomer, role="student", branch=algebra.branch, school_class=algebra
        )
    stranger = browser_for(acme, newcomer).get(f"/courses/{acme_course.pk}/")

    assert enrolled.status_code == 200
    assert "Your progress" in enrolled.content.decode()
    assert other.status_code == 200
    assert stranger.status_code == 404


def test_a_missing_course_is_404(acme, acme_admin):
    assert browser_for(acme, acme_admin).get("/courses/999999/").status_code == 404


# --- the page ----------------------------------------------------------------------------------------------


def test_the_page_shows_description_outline_and_an_enroll_button(acme, acme_teacher):
    course = build_course(
        acme,
        title="Functions",
        summary="Inputs and outputs",
        description="Learn **functions**.<script>alert(1)</script><img src=x onerror=alert(2)>",
        modules=2,
        items_per_module=2,
        estimated_minutes=90,
    )

    body = body_of(page_as(acme, "student").get(f"/courses/{course.pk}/"))

    assert "<strong>functions</strong>" in body
    assert "<script>alert" not in body
    assert "onerror" not in body
    assert "2 modules · 4 lessons · about 90 min · by Teacher" in body
    assert (
        body.index("Module 1") < body.index("Lesson 1.2") < body.index("Module 2") < body.index("Lesson 2.1")
    )
    assert f'action="/courses/{course.pk}/enroll/"' in body
    assert ">Enroll</button>" in body


def test_enrolling_opens_the_first_lesson_and_the_page_then_shows_progress(acme, acme_course, acme_student):
    student = page_as(acme, "student")
    first = lessons_of(acme, acme_course)[0]

    response = student.post(f"/courses/{acme_course.pk}/enroll/", follow=True)

    assert response.redirect_chain[-1][0] == f"/courses/{acme_course.pk}/learn/{first.pk}/"
    assert enrollment_of(acme, acme_course, acme_student).source == "self"
    body = body_of(student.get(f"/courses/{acme_course.pk}/"))
    assert 'value="0" aria-label="Your progress in this course"' in body
    assert "Start the course" in body
    assert "0 of 4 lessons complete." in body


def test_the_outline_ticks_completed_lessons_and_the_button_continues(acme, acme_course, acme_student):
    lessons = lessons_of(acme, acme_course)
    with in_org(acme):
        services.enroll_self(actor=acme_student, course=acme_course)
        services.progress_record(actor=acme_student, item=lessons[0], completed=True)
        services.progress_record(actor=acme_student, item=lessons[2], time_spent_seconds=30)

    body = body_of(page_as(acme, "student").get(f"/courses/{acme_course.pk}/"))

    assert body.count('<span class="tick done" aria-hidden="true">✓</span>') == 1
    assert body.count("(not completed)") == 3
    assert "Continue: Lesson 2.1" in body  # where the learner was last
    assert 'value="25"' in body


def test_a_completed_course_says_so_at_100_percent(acme, acme_course, acme_student):
    with in_org(acme):
        services.enroll_self(actor=acme_student, course=acme_course)
        for lesson in acme_course.items.all():
            services.progress_record(actor=acme_student, item=lesson, completed=True)

    body = body_of(page_as(acme, "student").get(f"/courses/{acme_course.pk}/"))

    assert '<span class="status status-active" id="enrollment-status">Completed</span>' in body
    assert 'value="100"' in body
    assert "4 of 4 lessons complete." in body
    assert "Review the course" in body


def test_an_assigned_only_course_explains_itself_and_refuses_self_enrollment(acme, acme_student):
    course = build_course(acme, title="By invitation", self_enrollment=False)
    student = page_as(acme, "student")

    body = body_of(student.get(f"/courses/{course.pk}/"))
    response = student.post(f"/courses/{course.pk}/enroll/", follow=True)

    assert "This course is assigned by teachers; ask yours to enroll you." in body
    assert f'action="/courses/{course.pk}/enroll/"' not in body
    assert "This course is assigned by teachers" in response.content.decode()
    assert enrollment_of(acme, course, acme_student) is None


def test_missing_prerequisites_are_listed_and_enrolling_waits_for_them(acme, acme_course, acme_student):
    advanced = build_course(acme, title="Algebra II", prerequisites=[acme_course.pk])
    student = page_as(acme, "student")

    body = body_of(student.get(f"/courses/{advanced.pk}/"))
    refused = student.post(f"/courses/{advanced.pk}/enroll/", follow=True)

    assert "Complete these courses first:" in body
    assert f'<a href="/courses/{acme_course.pk}/">Algebra Basics</a>' in body
    assert '<button type="button" disabled' in body
    assert "Complete the prerequisites first: Algebra Basics." in refused.content.decode()
    assert enrollment_of(acme, advanced, acme_student) is None


def test_with_prerequisites_done_the_learner_may_enroll(acme, acme_course, acme_student):
    advanced = build_course(acme, title="Algebra II", prerequisites=[acme_course.pk])
    with in_org(acme):
        services.enroll_self(actor=acme_student, course=acme_course)
        for lesson in acme_course.items.all():
            services.progress_record(actor=acme_student, item=lesson, completed=True)

    body = body_of(page_as(acme, "student").get(f"/courses/{advanced.pk}/"))

    assert ">Enroll</button>" in body
    assert "(completed)" in body


def test_leaving_keeps_progress_and_enrolling_again_resumes(acme, acme_course, acme_student):
    lessons = lessons_of(acme, acme_course)
    with in_org(acme):
        services.enroll_self(actor=acme_student, course=acme_course)
        services.progress_record(actor=acme_student, item=lessons[0], completed=True)
    student = page_as(acme, "student")

    student.post(f"/courses/{acme_course.pk}/withdraw/")
    left = body_of(student.get(f"/courses/{acme_course.pk}/"))
    student.post(f"/courses/{acme_course.pk}/enroll/")

    assert "You left this course earlier." in left
    assert ">Enroll again</button>" in left
    enrollment = enrollment_of(acme, acme_course, acme_student)
    assert (enrollment.status, enrollment.progress_percent) == ("active", 25)


def test_withdrawing_without_an_enrollment_changes_nothing(acme, acme_course, acme_student):
    response = page_as(acme, "student").post(f"/courses/{acme_course.pk}/withdraw/", follow=True)

    assert "You are not enrolled in this course." in response.content.decode()
    assert enrollment_of(acme, acme_course, acme_student) is None


def test_the_due_date_shows_and_an_overdue_one_is_marked(acme, acme_course, acme_teacher, acme_student):
    with in_org(acme):
        services.enroll_assign(actor=acme_teacher, course=acme_course, users=[acme_student.pk])
        Enrollment.objects.filter(user=acme_student).update(due_at=timezone.now() - timedelta(days=2))

    body = body_of(page_as(acme, "student").get(f"/courses/{acme_course.pk}/"))

    assert "(overdue)" in body


def test_editors_get_edit_preview_and_enrollment_links_learners_do_not(acme, acme_course):
    teacher = body_of(page_as(acme, "teacher").get(f"/courses/{acme_course.pk}/"))
    student = body_of(page_as(acme, "student").get(f"/courses/{acme_course.pk}/"))

    assert f'href="/courses/{acme_course.pk}/edit/"' in teacher
    assert f'href="/courses/{acme_course.pk}/learn/?preview=1"' in teacher
    assert f'href="/courses/{acme_course.pk}/enrollments/"' in teacher
    assert "/edit/" not in student
    assert "/enrollments/" not in student


def test_editors_see_unpublished_lessons_marked_learners_do_not(acme, acme_course, acme_teacher):
    with in_org(acme):
        module = acme_course.modules.first()
        services.content_create(actor=acme_teacher, module=module, kind="text", title="Work in progress")

    teacher = body_of(page_as(acme, "teacher").get(f"/courses/{acme_course.pk}/"))
    student = body_of(page_as(acme, "student").get(f"/courses/{acme_course.pk}/"))

    assert "Work in progress" in teacher
    assert '<span class="badge">Not published</span>' in teacher
    assert "Work in progress" not in student


# --- my learning -------------------------------------------------------------------------------------------


def test_my_learning_lists_current_and_completed_courses_with_due_dates(
    acme, acme_course, acme_teacher, acme_student
):
    done = build_course(acme, title="Finished course", items_per_module=1)
    late = build_course(acme, title="Late course")
    left = build_course(acme, title="Left course")
    with in_org(acme):
        services.enroll_self(actor=acme_student, course=acme_course)
        services.enroll_assign(actor=acme_teacher, course=late, users=[acme_student.pk], due_at="2020-01-31")
        services.enroll_self(actor=acme_student, course=done)
        services.progress_record(actor=acme_student, item=done.items.get(), completed=True)
        services.enrollment_withdraw(
            actor=acme_student, enrollment=services.enroll_self(actor=acme_student, course=left)
        )

    body = body_of(page_as(acme, "student").get("/learning/"))
    current, completed = body.split('id="completed-title"')

    assert "Algebra Basics" in current
    assert "Late course" in current
    assert "Finished course" in completed
    assert "Finished course" not in current
    assert "Left course" not in body
    assert "1 course is past its due date." in body
    assert 'class="card learning-row is-overdue"' in current
    assert "Due <time" in current
    assert "(overdue)" in current
    assert f'href="/courses/{acme_course.pk}/learn/"' in current  # resume where the learner left off


def test_my_learning_with_nothing_to_learn_points_to_the_catalog(acme):
    body = body_of(page_as(acme, "student").get("/learning/"))

    assert "You are not taking any course right now." in body
    assert 'href="/courses/"' in body


def test_the_dashboard_shows_my_learning_and_the_courses_a_teacher_changes(acme, acme_course, acme_student):
    with in_org(acme):
        services.enroll_self(actor=acme_student, course=acme_course)

    student = body_of(page_as(acme, "student").get("/"))
    teacher = body_of(page_as(acme, "teacher").get("/"))

    assert "My learning" in student
    assert "Algebra Basics" in student
    assert "Courses you teach" not in student
    assert "Courses you teach" in teacher
    assert f'href="/courses/{acme_course.pk}/edit/"' in teacher


# --- query counts ------------------------------------------------------------------------------------------


def test_the_course_page_costs_the_same_queries_for_5_and_50_lessons(acme, acme_student):
    small = build_course(acme, title="Small", modules=5, items_per_module=1)
    large = build_course(acme, title="Large", modules=5, items_per_module=10)
    with in_org(acme):
        for course in (small, large):
            services.enroll_self(actor=acme_student, course=course)
            for lesson in list(course.items.all())[::2]:
                services.progress_record(actor=acme_student, item=lesson, completed=True)
    student = page_as(acme, "student")
    teacher = page_as(acme, "teacher")

    assert queries_for(student, f"/courses/{small.pk}/") == queries_for(student, f"/courses/{large.pk}/")
    assert queries_for(teacher, f"/courses/{small.pk}/") == queries_for(teacher, f"/courses/{large.pk}/")


def test_my_learning_costs_the_same_queries_for_5_and_50_courses(acme, acme_student):
    teacher = person(acme, "teacher")

    def enroll_in(count, start):
        with in_org(acme):
            for n in range(start, start + count):
                course = services.course_create(actor=teacher, title=f"Learning {n:03}")
                module = services.module_create(actor=teacher, course=course, title="M")
                services.content_create(actor=teacher, module=module, kind="text", title="L", body="x")
                services.course_publish(actor=teacher, course=course)
                services.enroll_assign(
                    actor=teacher, course=course, users=[acme_student.pk], due_at=f"2030-01-{n % 28 + 1:02}"
                )

    student = page_as(acme, "student")
    enroll_in(5, 0)
    few = queries_for(student, "/learning/")
    enroll_in(45, 5)
    many = queries_for(student, "/learning/")

    assert few == many
