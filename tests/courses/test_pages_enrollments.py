"""Enrollment management (/courses/<id>/enrollments/) and the Org Admin's categories and tags
(/courses/categories/): who may open them, assigning people, classes and branches with due dates, changing a
due date, withdrawing, class and branch rules, the analytics panel; bad input changes nothing."""

import pytest

from apps.courses import services
from apps.courses.models import Category, Enrollment, EnrollmentRule, Tag
from tests.conftest import browser_for, in_org, person
from tests.courses.conftest import build_course

pytestmark = pytest.mark.django_db


def page_as(acme, local):
    return browser_for(acme, person(acme, local))


def body_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def structure(acme):
    with in_org(acme):
        from apps.hierarchy.models import Branch, SchoolClass

        return {
            "north": Branch.objects.get(code="north").pk,
            "south": Branch.objects.get(code="south").pk,
            "algebra": SchoolClass.objects.get(name="Algebra 1").pk,
            "biology": SchoolClass.objects.get(name="Biology 1").pk,
        }


def enrollments(acme, course) -> list[tuple[str, str, str]]:
    with in_org(acme):
        return sorted(Enrollment.objects.filter(course=course).values_list("user__email", "status", "source"))


# --- who may open it -----------------------------------------------------------------------------------------


def test_each_role_gets_exactly_the_expected_answer(acme, acme_course):
    roles = ("orgadmin", "manager", "teacher", "student", "south-teacher")

    answers = tuple(
        page_as(acme, local).get(f"/courses/{acme_course.pk}/enrollments/").status_code for local in roles
    )

    assert answers == (200, 200, 200, 403, 404)


def test_a_teacher_may_assign_an_org_wide_course_they_do_not_edit(acme, acme_admin, acme_student):
    course = build_course(acme, owner=acme_admin, title="Safety")
    ids = structure(acme)

    page = body_of(page_as(acme, "teacher").get(f"/courses/{course.pk}/enrollments/"))
    page_as(acme, "teacher").post(f"/courses/{course.pk}/enrollments/assign/", {"classes": [ids["algebra"]]})

    assert "Edit course" not in page
    assert enrollments(acme, course) == [("student@acme.example.com", "active", "class")]


# --- assigning -----------------------------------------------------------------------------------------------


def test_a_teacher_enrolls_their_class_with_a_due_date(acme, acme_course):
    ids = structure(acme)
    teacher = page_as(acme, "teacher")

    form = body_of(teacher.get(f"/courses/{acme_course.pk}/enrollments/"))
    response = teacher.post(
        f"/courses/{acme_course.pk}/enrollments/assign/",
        {"classes": [ids["algebra"]], "due_at": "2030-06-30"},
        follow=True,
    )

    assert "Algebra 1 (2026) · North Campus" in form
    assert "Biology 1" not in form
    assert 'name="branches"' not in form  # only managers and Org Admins enroll whole branches
    body = response.content.decode()
    assert "1 person enrolled. People who join the chosen classes or branches later are enrolled too." in body
    assert "Class Algebra 1 (2026)" in body
    assert "due 30 Jun 2030" in body
    with in_org(acme):
        enrollment = Enrollment.objects.get(course=acme_course)
        assert (enrollment.user.email, enrollment.source, enrollment.due_at.date().isoformat()) == (
            "student@acme.example.com",
            "class",
            "2030-06-30",
        )
        assert EnrollmentRule.objects.filter(course=acme_course, school_class_id=ids["algebra"]).exists()


def test_a_manager_enrolls_a_whole_branch_and_people(acme, acme_course):
    ids = structure(acme)
    student = person(acme, "student")

    response = page_as(acme, "manager").post(
        f"/courses/{acme_course.pk}/enrollments/assign/",
        {"branches": [ids["north"]], "users": [student.pk]},
        follow=True,
    )

    assert "1 person enrolled; 1 already were. People who join" in response.content.decode()
    assert enrollments(acme, acme_course) == [("student@acme.example.com", "active", "assigned")]
    with in_org(acme):
        assert EnrollmentRule.objects.filter(course=acme_course, branch_id=ids["north"]).exists()


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({}, "Choose people, classes or branches to enroll."),
        ({"classes": ["{biology}"]}, "Select a valid choice."),
        ({"users": ["999999"]}, "Select a valid choice. 999999 is not one of the available choices."),
        ({"classes": ["{algebra}"], "due_at": "next week"}, "Enter a valid date."),
    ],
)
def test_bad_assignments_show_errors_and_enroll_no_one(acme, acme_course, data, error):
    ids = structure(acme)
    data = {
        key: [v.format(**ids) for v in value] if isinstance(value, list) else value
        for key, value in data.items()
    }

    response = page_as(acme, "teacher").post(f"/courses/{acme_course.pk}/enrollments/assign/", data)

    assert response.status_code == 200
    assert error in response.content.decode()
    assert enrollments(acme, acme_course) == []


def test_a_draft_cannot_take_learners_and_says_so(acme):
    draft = build_course(acme, title="Draft", publish=False)
    ids = structure(acme)
    teacher = page_as(acme, "teacher")

    page = body_of(teacher.get(f"/courses/{draft.pk}/enrollments/"))
    response = teacher.post(f"/courses/{draft.pk}/enrollments/assign/", {"classes": [ids["algebra"]]})

    assert "Publish the course before enrolling learners." in page
    assert "Publish the course before enrolling learners." in response.content.decode()
    assert enrollments(acme, draft) == []


def test_a_learner_cannot_assign(acme, acme_course):
    ids = structure(acme)

    response = page_as(acme, "student").post(
        f"/courses/{acme_course.pk}/enrollments/assign/", {"classes": [ids["algebra"]]}
    )

    assert response.status_code == 403
    assert enrollments(acme, acme_course) == []


# --- learners ------------------------------------------------------------------------------------------------


@pytest.fixture
def class_enrolled(acme, acme_course, acme_teacher):
    ids = structure(acme)
    with in_org(acme):
        services.enroll_assign(
            actor=acme_teacher, course=acme_course, classes=[ids["algebra"]], due_at="2020-01-01"
        )
        return Enrollment.objects.get(course=acme_course)


def test_the_learners_table_shows_progress_status_and_overdue_due_dates(
    acme, acme_course, class_enrolled, acme_student
):
    with in_org(acme):
        services.progress_record(actor=acme_student, item=acme_course.items.first(), completed=True)

    body = body_of(page_as(acme, "teacher").get(f"/courses/{acme_course.pk}/enrollments/"))

    row = body.split(f'id="enrollment-{class_enrolled.pk}"')[1].split("</tr>")[0]
    assert "Student" in row
    assert "student@acme.example.com · Through a class" in row
    assert 'value="25"' in row
    assert "1/4" in row
    assert 'value="2020-01-01"' in row
    assert "Overdue" in row


def test_a_teacher_sees_only_the_learners_they_may_see(acme, acme_admin):
    course = build_course(acme, owner=acme_admin, title="Everyone")
    with in_org(acme):
        for local in ("student", "south-student"):
            services.enroll_self(actor=person(acme, local), course=course)

    teacher = body_of(page_as(acme, "teacher").get(f"/courses/{course.pk}/enrollments/"))
    admin = body_of(browser_for(acme, acme_admin).get(f"/courses/{course.pk}/enrollments/"))

    assert "student@acme.example.com" in teacher
    assert "south-student@acme.example.com" not in teacher
    assert "south-student@acme.example.com" in admin


def test_the_due_date_is_changed_and_cleared(acme, acme_course, class_enrolled):
    teacher = page_as(acme, "teacher")
    url = f"/courses/{acme_course.pk}/enrollments/{class_enrolled.pk}/due/"

    changed = teacher.post(url, {"due_at": "2031-03-15"}, follow=True)
    with in_org(acme):
        class_enrolled.refresh_from_db()
    moved_to = class_enrolled.due_at.date().isoformat()
    cleared = teacher.post(url, {"due_at": ""}, follow=True)
    bad = teacher.post(url, {"due_at": "someday"}, follow=True)

    assert moved_to == "2031-03-15"
    assert "Student is due on 15 Mar 2031." in changed.content.decode()
    assert "Student has no due date now." in cleared.content.decode()
    assert "enter a date like 2026-12-31" in bad.content.decode()
    with in_org(acme):
        class_enrolled.refresh_from_db()
    assert class_enrolled.due_at is None


def test_withdrawing_a_learner_keeps_their_history(acme, acme_course, class_enrolled, acme_student):
    with in_org(acme):
        services.progress_record(actor=acme_student, item=acme_course.items.first(), completed=True)

    response = page_as(acme, "teacher").post(
        f"/courses/{acme_course.pk}/enrollments/{class_enrolled.pk}/withdraw/", follow=True
    )

    assert "Student is withdrawn; their progress is kept." in response.content.decode()
    with in_org(acme):
        class_enrolled.refresh_from_db()
    assert (class_enrolled.status, class_enrolled.progress_percent) == ("withdrawn", 25)


def test_another_branchs_enrollment_is_404_for_a_teacher(acme, acme_admin):
    course = build_course(acme, owner=acme_admin, title="Everyone")
    with in_org(acme):
        south = services.enroll_self(actor=person(acme, "south-student"), course=course)

    response = page_as(acme, "teacher").post(f"/courses/{course.pk}/enrollments/{south.pk}/withdraw/")

    assert response.status_code == 404
    with in_org(acme):
        south.refresh_from_db()
    assert south.status == "active"


def test_removing_a_class_rule_keeps_its_learners_enrolled(acme, acme_course, class_enrolled):
    with in_org(acme):
        rule = EnrollmentRule.objects.get(course=acme_course)

    response = page_as(acme, "teacher").post(
        f"/courses/{acme_course.pk}/rules/{rule.pk}/delete/", follow=True
    )

    assert "Newcomers to Algebra 1 (2026) are no longer enrolled" in response.content.decode()
    with in_org(acme):
        assert not EnrollmentRule.objects.filter(pk=rule.pk).exists()
    assert enrollments(acme, acme_course) == [("student@acme.example.com", "active", "class")]


def test_the_analytics_panel_counts_learners_completion_and_progress(
    acme, acme_course, class_enrolled, acme_student
):
    with in_org(acme):
        for item in acme_course.items.all():
            services.progress_record(actor=acme_student, item=item, completed=True)

    body = body_of(page_as(acme, "teacher").get(f"/courses/{acme_course.pk}/enrollments/"))

    assert '<span class="stat-value" id="stat-enrolled">1</span>' in body
    assert '<span class="stat-value" id="stat-completion">100%</span>' in body
    assert "<caption>By class</caption>" in body
    assert "<caption>By branch</caption>" in body
    assert "Algebra 1 (2026)" in body


def test_the_learners_list_filters_by_status(acme, acme_course, class_enrolled):
    teacher = page_as(acme, "teacher")

    completed = body_of(teacher.get(f"/courses/{acme_course.pk}/enrollments/?status=completed"))
    active = body_of(teacher.get(f"/courses/{acme_course.pk}/enrollments/?status=active"))

    assert "No learners with this status yet." in completed
    assert f'id="enrollment-{class_enrolled.pk}"' in active


# --- categories and tags -------------------------------------------------------------------------------------


def test_only_org_admins_manage_categories(acme, acme_admin):
    answers = [
        page_as(acme, local).get("/courses/categories/").status_code
        for local in ("orgadmin", "manager", "teacher", "student")
    ]
    refused = page_as(acme, "teacher").post("/courses/categories/", {"name": "Sneaky"})

    assert answers == [200, 403, 403, 403]
    assert refused.status_code == 403
    with in_org(acme):
        assert not Category.objects.filter(name="Sneaky").exists()


def test_an_org_admin_creates_renames_and_deletes_a_category(acme, acme_admin):
    admin = browser_for(acme, acme_admin)

    created = admin.post("/courses/categories/", {"name": "Science", "description": "Labs"})
    with in_org(acme):
        category = Category.objects.get(name="Science")
    admin.post(
        f"/courses/categories/{category.pk}/edit/", {"name": "Sciences", "slug": "sci", "description": ""}
    )
    renamed = fresh_category(acme, category)
    deleted = admin.post(f"/courses/categories/{category.pk}/delete/", follow=True)

    assert created["Location"] == "/courses/categories/"
    assert (renamed.name, renamed.slug) == ("Sciences", "sci")
    assert "Category Sciences is deleted; its courses have no category now." in deleted.content.decode()
    with in_org(acme):
        assert not Category.objects.filter(pk=category.pk).exists()


def fresh_category(acme, category):
    with in_org(acme):
        category.refresh_from_db()
    return category


def test_bad_category_input_shows_errors_and_changes_nothing(acme, acme_admin):
    with in_org(acme):
        services.category_create(actor=acme_admin, name="Maths", slug="maths")
        other = services.category_create(actor=acme_admin, name="Art", slug="art")
    admin = browser_for(acme, acme_admin)

    empty = admin.post("/courses/categories/", {"name": ""})
    duplicate = admin.post("/courses/categories/", {"name": "Mathematics", "slug": "maths"})
    rename = admin.post(f"/courses/categories/{other.pk}/edit/", {"name": "Art", "slug": "MATHS"})

    assert "This field is required." in empty.content.decode()
    assert "Another category already uses this slug." in duplicate.content.decode()
    assert "Another category already uses this slug." in rename.content.decode()
    assert f'id="category-{other.pk}_slug"' in rename.content.decode()
    with in_org(acme):
        assert sorted(Category.objects.values_list("slug", flat=True)) == ["art", "maths"]


def test_an_org_admin_renames_and_deletes_tags(acme, acme_admin):
    build_course(acme, title="Tagged", tags=["algebra", "geometry"])
    with in_org(acme):
        algebra = Tag.objects.get(name="algebra")
        geometry = Tag.objects.get(name="geometry")
    admin = browser_for(acme, acme_admin)

    page = body_of(admin.get("/courses/categories/"))
    clash = admin.post(f"/courses/tags/{algebra.pk}/rename/", {"name": "Geometry"})
    admin.post(f"/courses/tags/{algebra.pk}/rename/", {"name": "Algebra I"})
    admin.post(f"/courses/tags/{geometry.pk}/delete/")

    assert "1 course" in page
    assert "Another tag already has this name." in clash.content.decode()
    with in_org(acme):
        assert list(Tag.objects.values_list("name", flat=True)) == ["Algebra I"]


def test_a_missing_category_or_tag_is_404(acme, acme_admin):
    admin = browser_for(acme, acme_admin)

    answers = [
        admin.post("/courses/categories/999999/edit/", {"name": "x"}).status_code,
        admin.post("/courses/categories/999999/delete/").status_code,
        admin.post("/courses/tags/999999/rename/", {"name": "x"}).status_code,
        admin.post("/courses/tags/999999/delete/").status_code,
    ]

    assert answers == [404] * 4
