"""The catalog (/courses/) and the teacher's list (/courses/teaching/): what each role finds, search and
filters, the viewer's own status, pagination, and a constant number of queries as courses grow."""

import pytest

from apps.courses import services
from tests.conftest import browser_for, in_org, person
from tests.courses.conftest import build_course
from tests.pages.conftest import queries_for

pytestmark = pytest.mark.django_db


def page_as(acme, local):
    return browser_for(acme, person(acme, local))


def body_of(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def south_course(acme):
    return build_course(acme, owner=person(acme, "south-teacher"), title="Cell Biology")


@pytest.fixture
def draft_course(acme):
    return build_course(acme, title="Unfinished Geometry", publish=False)


def test_a_student_finds_the_published_courses_of_their_branch_only(
    acme, acme_course, south_course, draft_course
):
    body = body_of(page_as(acme, "student").get("/courses/"))

    assert "Algebra Basics" in body
    assert "Cell Biology" not in body
    assert "Unfinished Geometry" not in body
    assert "1 course." in body


def test_the_south_student_finds_only_the_south_course(acme, acme_course, south_course, draft_course):
    body = body_of(page_as(acme, "south-student").get("/courses/"))

    assert "Cell Biology" in body
    assert "Algebra Basics" not in body


def test_the_org_admin_catalog_has_every_published_course_but_no_draft(
    acme, acme_admin, acme_course, south_course, draft_course
):
    body = body_of(browser_for(acme, acme_admin).get("/courses/"))

    assert "Algebra Basics" in body
    assert "Cell Biology" in body
    assert "Unfinished Geometry" not in body


def test_search_matches_title_summary_and_tags(acme, acme_teacher):
    build_course(acme, title="Quadratic equations", summary="Parabolas and roots")
    build_course(acme, title="Statistics", summary="Averages", tags=["probability"])
    build_course(acme, title="Poetry", summary="Rhymes")
    student = page_as(acme, "student")

    by_title = body_of(student.get("/courses/?q=quadratic"))
    by_summary = body_of(student.get("/courses/?q=PARABOLA"))
    by_tag = body_of(student.get("/courses/?q=probab"))

    assert "Quadratic equations" in by_title
    assert "Poetry" not in by_title
    assert "Quadratic equations" in by_summary
    assert "Statistics" not in by_summary
    assert "Statistics" in by_tag
    assert "Quadratic equations" not in by_tag
    assert "1 course matches your search." in by_tag


def test_filters_by_category_and_tag(acme, acme_admin):
    with in_org(acme):
        science = services.category_create(actor=acme_admin, name="Science")
    build_course(acme, title="Chemistry", category=science.pk, tags=["lab"])
    build_course(acme, title="Physics", category=science.pk, tags=["mechanics"])
    build_course(acme, title="History", tags=["lab"])
    with in_org(acme):
        from apps.courses.models import Tag

        lab = Tag.objects.get(name="lab")
    student = page_as(acme, "student")

    in_science = body_of(student.get(f"/courses/?category={science.pk}"))
    with_lab = body_of(student.get(f"/courses/?tag={lab.pk}"))
    both = body_of(student.get(f"/courses/?category={science.pk}&tag={lab.pk}"))

    assert ("Chemistry" in in_science, "Physics" in in_science, "History" in in_science) == (
        True,
        True,
        False,
    )
    assert ("Chemistry" in with_lab, "Physics" in with_lab, "History" in with_lab) == (True, False, True)
    assert ("Chemistry" in both, "Physics" in both, "History" in both) == (True, False, False)


def test_the_branch_filter_offers_only_the_viewers_branches_and_keeps_org_wide_courses(
    acme, acme_admin, acme_course, south_course
):
    build_course(acme, owner=acme_admin, title="Safety for everyone")  # org-wide: no branches
    with in_org(acme):
        from apps.hierarchy.models import Branch

        north = Branch.objects.get(code="north")
    student = page_as(acme, "student")

    unfiltered = body_of(student.get("/courses/"))
    filtered = body_of(student.get(f"/courses/?branch={north.pk}"))
    admin_page = body_of(browser_for(acme, acme_admin).get("/courses/"))

    assert "North Campus" in unfiltered
    assert "South Campus" not in unfiltered
    assert "North Campus" in admin_page
    assert "South Campus" in admin_page
    assert "Algebra Basics" in filtered
    assert "Safety for everyone" in filtered


def test_an_unknown_filter_is_ignored_and_the_others_apply(acme, acme_course):
    body = body_of(page_as(acme, "student").get("/courses/?category=999999&q=algebra"))

    assert "Algebra Basics" in body


def test_each_card_shows_the_viewers_status_and_progress(acme, acme_course, acme_student):
    build_course(acme, title="Not taken yet")
    with in_org(acme):
        services.enroll_self(actor=acme_student, course=acme_course)
        item = acme_course.items.order_by("module__position", "position").first()
        services.progress_record(actor=acme_student, item=item, completed=True)

    body = body_of(page_as(acme, "student").get("/courses/"))

    assert 'value="25" aria-label="Your progress in Algebra Basics"' in body
    assert "2 modules · 4 lessons" in body
    assert body.count("<progress") == 1  # only the course taken has a progress bar


def test_the_catalog_pages_twelve_courses_at_a_time(acme):
    for n in range(14):
        build_course(acme, title=f"Course {n:02}", items_per_module=1)
    student = page_as(acme, "student")

    first = body_of(student.get("/courses/"))
    second = body_of(student.get("/courses/?page=2"))

    assert "Course 00" in first
    assert "Course 11" in first
    assert "Course 12" not in first
    assert "Course 12" in second
    assert "Course 13" in second
    assert "14 courses, showing 1\u201312." in first
    assert "Page 2 of 2" in second


def test_authors_get_a_teaching_tab_learners_do_not(acme, acme_course):
    teacher = body_of(page_as(acme, "teacher").get("/courses/"))
    student = body_of(page_as(acme, "student").get("/courses/"))

    assert 'href="/courses/teaching/"' in teacher
    assert 'href="/courses/new/"' in teacher
    assert 'href="/courses/teaching/"' not in student
    assert 'href="/courses/new/"' not in student


def test_teaching_lists_the_courses_the_viewer_may_change_drafts_included(
    acme, acme_admin, acme_course, draft_course, south_course
):
    build_course(acme, owner=acme_admin, title="Admin's org-wide course")

    teacher = body_of(page_as(acme, "teacher").get("/courses/teaching/"))
    manager = body_of(page_as(acme, "manager").get("/courses/teaching/"))
    admin = body_of(browser_for(acme, acme_admin).get("/courses/teaching/"))

    assert "Algebra Basics" in teacher
    assert "Unfinished Geometry" in teacher
    assert "Cell Biology" not in teacher
    assert "Admin&#x27;s org-wide course" not in teacher
    assert "Algebra Basics" in manager
    assert "Cell Biology" not in manager
    assert all(title in admin for title in ("Algebra Basics", "Cell Biology", "Unfinished Geometry"))


def test_teaching_filters_by_status(acme, acme_course, draft_course):
    body = body_of(page_as(acme, "teacher").get("/courses/teaching/?status=draft"))

    assert "Unfinished Geometry" in body
    assert "Algebra Basics" not in body


def test_teaching_is_refused_to_learners(acme):
    response = page_as(acme, "student").get("/courses/teaching/")

    assert response.status_code == 403
    assert "Only Teachers, Branch Managers and Org Admins may do this." in response.content.decode()


@pytest.mark.parametrize("path", ["/courses/", "/courses/teaching/", "/learning/"])
def test_anonymous_visitors_are_sent_to_sign_in(acme, path):
    response = browser_for(acme).get(path)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={path}"


def test_the_navigation_offers_catalog_and_my_learning_and_teaching_to_authors(acme, acme_course):
    student = body_of(page_as(acme, "student").get("/"))
    teacher = body_of(page_as(acme, "teacher").get("/courses/teaching/"))

    assert '<a href="/courses/">Catalog</a>' in student
    assert '<a href="/learning/">My learning</a>' in student
    assert "Teaching</a>" not in student
    assert '<a href="/courses/teaching/" aria-current="page">Teaching</a>' in teacher
    assert '<a href="/courses/">Catalog</a>' in teacher  # the most specific entry is the current one


# --- query counts ----------------------------------------------------------------------------------------


def _published_courses(acme, count: int, *, start: int = 0) -> None:
    """`count` published north courses of the Org Admin, each with a category, two tags, the teacher as
    co-teacher and a lesson, the student enrolled in each."""
    admin = person(acme, "orgadmin")
    teacher = person(acme, "teacher")
    student = person(acme, "student")
    with in_org(acme):
        from apps.courses.models import Category
        from apps.hierarchy.models import Branch

        category = Category.objects.first() or services.category_create(actor=None, name="General")
        north = Branch.objects.get(code="north")
        for n in range(start, start + count):
            course = services.course_create(
                actor=admin,
                title=f"Catalog course {n:03}",
                summary="A course",
                category=category.pk,
                tags=["shared", f"tag {n}"],
                branches=[north.pk],
                co_teachers=[teacher.pk],
            )
            module = services.module_create(actor=teacher, course=course, title="Only module")
            services.content_create(actor=teacher, module=module, kind="text", title="Only lesson", body="x")
            services.course_publish(actor=teacher, course=course)
            services.enroll_self(actor=student, course=course)


def test_the_catalog_costs_the_same_queries_for_5_and_50_courses(acme):
    student = page_as(acme, "student")
    teacher = page_as(acme, "teacher")
    _published_courses(acme, 5)
    few = (queries_for(student, "/courses/"), queries_for(teacher, "/courses/teaching/"))

    _published_courses(acme, 45, start=5)
    many = (queries_for(student, "/courses/"), queries_for(teacher, "/courses/teaching/"))

    assert few == many


def test_org_admins_find_the_categories_page_from_the_catalog(acme, acme_admin):
    admin = body_of(browser_for(acme, acme_admin).get("/courses/"))
    teacher = body_of(page_as(acme, "teacher").get("/courses/"))

    assert 'href="/courses/categories/">Categories and tags</a>' in admin
    assert "/courses/categories/" not in teacher
