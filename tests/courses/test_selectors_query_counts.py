"""The catalog, a course's outline and "my learning" run the same number of queries for 5 courses, modules
and lessons as for 50: everything a list shows is fetched with it, never once per row."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.courses import selectors, services
from apps.courses.models import ContentItem, ContentVersion, Course, Enrollment, Module
from tests.conftest import in_org, person

from .conftest import PDF_BYTES, build_course, upload


def count_queries(fn) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        result = fn()
    return len(captured), result


def add_courses(acme, teacher, student, start: int, stop: int) -> None:
    """Published courses of north with a category, two tags, a co-teacher and student@ enrolled in each;
    the first one through the services, the rest copied from it in bulk (same rows, much faster)."""
    with in_org(acme):
        category = services.category_create(actor=None, name=f"Category {start}")
        for n in range(start, stop):
            course = services.course_create(
                actor=teacher,
                title=f"Bulk course {n:02d}",
                summary="Counting queries",
                category=category.pk,
                tags=[f"tag-{n}", "bulk"],
                co_teachers=[teacher.pk],
            )
            module = Module.objects.create(course=course, title="Module", position=0)
            item = ContentItem.objects.create(module=module, course=course, kind="text", title="Lesson")
            version = ContentVersion.objects.create(item=item, number=1, title="Lesson", body="x")
            ContentItem.objects.filter(pk=item.pk).update(latest_version=version, published_version=version)
            Course.objects.filter(pk=course.pk).update(status="published")
            Enrollment.objects.create(course=course, user=student, due_at=None, total_items=1)


def catalog_queries(acme, viewer) -> tuple[int, int]:
    def run():
        rows = list(selectors.course_list(viewer=viewer, catalog=True, search="Bulk course"))
        for course in rows:  # everything a catalog card shows
            _ = (
                course.category.name if course.category else None,
                course.owner.email if course.owner else None,
                [t.name for t in course.tag_list],
                [b.name for b in course.branch_list],
                [u.email for u in course.co_teacher_list],
                course.module_count,
                course.item_count,
                course.enrollment_count,
                course.my_enrollment_status,
                course.my_progress,
                selectors.viewer_can_edit(viewer, course),
            )
        return len(rows)

    with in_org(acme):
        viewer.__dict__.pop("_learnstack_scope", None)
        return count_queries(run)


@pytest.mark.parametrize("who", ["student", "teacher", "admin"])
def test_catalog_queries_do_not_grow_with_courses(acme, acme_admin, acme_teacher, acme_student, who):
    viewer = {"student": acme_student, "teacher": acme_teacher, "admin": acme_admin}[who]
    add_courses(acme, acme_teacher, acme_student, 0, 5)
    few, rows = catalog_queries(acme, viewer)
    assert rows == 5

    add_courses(acme, acme_teacher, acme_student, 5, 50)
    many, rows = catalog_queries(acme, viewer)
    assert rows == 50

    assert few == many


def outline_queries(acme, course, viewer, **kwargs) -> tuple[int, int]:
    def run():
        outline = selectors.course_outline(course=course, viewer=viewer, **kwargs)
        items = [item for module in outline for item in module.items.all()]
        for item in items:  # everything the player's sidebar and the editor show
            version = item.shown_version
            _ = (version.title, version.body_html, version.media.original_name if version.media else None)
            _ = item.published_version_id, item.latest_version_id
        if not kwargs.get("as_learner", True):
            return len(items)
        selectors.resume_item(user=viewer, course=course, outline=outline)
        selectors.progress_by_item(user=viewer, course=course)
        return len(items)

    with in_org(acme):
        course = Course.objects.get(pk=course.pk)
        viewer.__dict__.pop("_learnstack_scope", None)
        return count_queries(run)


def add_modules(acme, teacher, course, modules: int, items_per_module: int) -> None:
    """Modules of lessons, each module with one file lesson (its media is shown too), all published."""
    with in_org(acme):
        media = services.media_upload(actor=teacher, course=course, upload=upload("handout.pdf", PDF_BYTES))
        for m in range(modules):
            module = services.module_create(actor=teacher, course=course, title=f"More {m}")
            services.content_create(actor=teacher, module=module, kind="file", title=f"File {m}", media=media)
            for i in range(items_per_module - 1):
                services.content_create(
                    actor=teacher, module=module, kind="text", title=f"T{m}.{i}", body="x"
                )
        services.course_publish(actor=teacher, course=course)


@pytest.mark.parametrize("as_learner", [True, False])
def test_outline_queries_do_not_grow_with_modules_and_lessons(
    acme, acme_teacher, acme_student, settings, tmp_path, as_learner
):
    settings.MEDIA_ROOT = tmp_path
    viewer = acme_student if as_learner else acme_teacher
    small = build_course(acme, owner=acme_teacher, title="Small", modules=0, publish=False)
    add_modules(acme, acme_teacher, small, modules=5, items_per_module=1)
    large = build_course(acme, owner=acme_teacher, title="Large", modules=0, publish=False)
    add_modules(acme, acme_teacher, large, modules=10, items_per_module=5)
    with in_org(acme):
        for course in (small, large):
            services.enroll_self(actor=acme_student, course=course)
            services.progress_record(actor=acme_student, item=course.items.first(), completed=True)

    few, items = outline_queries(acme, small, viewer, as_learner=as_learner)
    assert items == 5
    many, items = outline_queries(acme, large, viewer, as_learner=as_learner)
    assert items == 50

    assert few == many


def my_learning_queries(acme, student) -> tuple[int, int]:
    def run():
        rows = list(selectors.my_learning(viewer=student))
        for enrollment in rows:  # what the dashboard shows
            _ = (
                enrollment.course.title,
                enrollment.course.category.name if enrollment.course.category else None,
                enrollment.due_at,
                enrollment.progress_percent,
                enrollment.status,
            )
        return len(rows)

    with in_org(acme):
        return count_queries(run)


def test_my_learning_queries_do_not_grow_with_enrollments(acme, acme_teacher):
    student = person(acme, "student")
    add_courses(acme, acme_teacher, student, 0, 5)
    few, rows = my_learning_queries(acme, student)
    assert rows == 5

    add_courses(acme, acme_teacher, student, 5, 50)
    many, rows = my_learning_queries(acme, student)
    assert rows == 50

    assert few == many


def test_enrollment_and_progress_lists_do_not_grow_with_learners(acme, acme_admin, acme_teacher):
    from apps.accounts.models import RoleAssignment, User
    from apps.hierarchy.models import SchoolClass

    course = build_course(acme, owner=acme_admin, title="Crowded")

    def add_learners(start, stop):
        with in_org(acme):
            algebra = SchoolClass.objects.get(name="Algebra 1")
            item = course.items.first()
            for n in range(start, stop):
                user = User.objects.create_user(f"crowd-{n}@acme.example.com", "x")
                RoleAssignment.objects.create(
                    user=user, role="student", branch=algebra.branch, school_class=algebra
                )
                services.enroll_self(actor=user, course=course)
                services.progress_record(actor=user, item=item, completed=True)

    def run(viewer):
        enrollments = list(selectors.enrollment_list(viewer=viewer, course=course))
        progress = list(selectors.progress_list(viewer=viewer, course=course))
        _ = [(e.user.email, e.course.title, e.assigned_by) for e in enrollments]
        _ = [(p.user.email, p.item.title, p.course.title) for p in progress]
        return len(enrollments)

    counts = {}
    for size, (start, stop) in (("few", (0, 5)), ("many", (5, 50))):
        add_learners(start, stop)
        with in_org(acme):
            acme_teacher.__dict__.pop("_learnstack_scope", None)
            counts[size] = count_queries(lambda: run(acme_teacher))
    assert counts["few"][1] == 5
    assert counts["many"][1] == 50
    assert counts["few"][0] == counts["many"][0]
