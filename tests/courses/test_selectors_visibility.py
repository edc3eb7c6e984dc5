"""Who sees which course, lesson, file, enrollment and progress: the selectors decide, for every role.

acme: branches north and south. student@ and teacher@ are in north's Algebra 1, manager@ manages north,
south-student@ and south-teacher@ are in south's Biology 1, orgadmin@ is the Org Admin."""

import pytest

from apps.courses import selectors, services
from apps.courses.models import Enrollment
from apps.hierarchy.models import Branch
from tests.conftest import _org_admin, in_org, person

from .conftest import PDF_BYTES, build_course, upload

VIEWERS = ("student", "south-student", "teacher", "south-teacher", "manager", "admin")


@pytest.fixture
def catalog(acme, acme_admin, acme_teacher):
    """One course of each kind, by title."""
    with in_org(acme):
        north = Branch.objects.get(code="north")
        south = Branch.objects.get(code="south")
    south_teacher = person(acme, "south-teacher")
    courses = {
        "north published": build_course(acme, owner=acme_teacher, title="north published"),
        "north draft": build_course(acme, owner=acme_teacher, title="north draft", publish=False),
        "north archived": build_course(acme, owner=acme_teacher, title="north archived"),
        "south published": build_course(acme, owner=south_teacher, title="south published"),
        "south draft": build_course(acme, owner=south_teacher, title="south draft", publish=False),
        "org-wide published": build_course(acme, owner=acme_admin, title="org-wide published"),
        "org-wide draft": build_course(acme, owner=acme_admin, title="org-wide draft", publish=False),
        "both branches": build_course(
            acme, owner=acme_admin, title="both branches", branches=[north, south], publish=True
        ),
    }
    with in_org(acme):
        services.course_archive(actor=acme_teacher, course=courses["north archived"])
    return courses


def viewer(acme, name):
    return _org_admin(acme) if name == "admin" else person(acme, name)


def titles(acme, name, **filters) -> set[str]:
    with in_org(acme):
        return set(
            selectors.course_list(viewer=viewer(acme, name), **filters).values_list("title", flat=True)
        )


PUBLISHED_NORTH = {"north published", "org-wide published", "both branches"}
PUBLISHED_SOUTH = {"south published", "org-wide published", "both branches"}
ALL = {
    "north published",
    "north draft",
    "north archived",
    "south published",
    "south draft",
    "org-wide published",
    "org-wide draft",
    "both branches",
}
EXPECTED = {
    # learners: published courses of their branches and the organization-wide ones
    "student": PUBLISHED_NORTH,
    "south-student": PUBLISHED_SOUTH,
    # teachers: that, plus the courses they own in any state
    "teacher": PUBLISHED_NORTH | {"north draft", "north archived"},
    "south-teacher": PUBLISHED_SOUTH | {"south draft"},
    # branch managers: every course of the branches they manage, in any state
    "manager": PUBLISHED_NORTH | {"north draft", "north archived"},
    "admin": ALL,
}


@pytest.mark.parametrize("name", VIEWERS)
def test_course_list_by_role(acme, catalog, name):
    assert titles(acme, name) == EXPECTED[name]


@pytest.mark.parametrize("name", VIEWERS)
def test_the_catalog_holds_only_published_courses(acme, catalog, name):
    published = {"north published", "south published", "org-wide published", "both branches"}
    assert titles(acme, name, catalog=True) == EXPECTED[name] & published


@pytest.mark.parametrize("name", VIEWERS)
def test_course_get_answers_none_for_what_the_viewer_may_not_see(acme, catalog, name):
    with in_org(acme):
        who = viewer(acme, name)
        seen = {title for title, course in catalog.items() if selectors.course_get(viewer=who, pk=course.pk)}

    assert seen == EXPECTED[name]


def test_an_enrolled_learner_keeps_an_archived_course_but_not_a_draft(
    acme, acme_teacher, acme_student, catalog
):
    with in_org(acme):
        kept, withdrawn_to_draft = catalog["north published"], build_course(acme, title="back to draft")
        for course in (kept, withdrawn_to_draft):
            services.enroll_self(actor=acme_student, course=course)
        services.course_archive(actor=acme_teacher, course=kept)
        services.course_unpublish(actor=acme_teacher, course=withdrawn_to_draft)

        assert selectors.course_get(viewer=acme_student, pk=kept.pk) is not None
        assert selectors.course_get(viewer=acme_student, pk=withdrawn_to_draft.pk) is None
        catalog_titles = set(
            selectors.course_list(viewer=acme_student, catalog=True).values_list("title", flat=True)
        )
        assert "north published" not in catalog_titles


def test_a_co_teacher_sees_and_edits_a_draft(acme, acme_admin, acme_teacher, catalog):
    with in_org(acme):
        draft = catalog["south draft"]
        assert selectors.course_get(viewer=acme_teacher, pk=draft.pk) is None

        services.course_update(actor=acme_admin, course=draft, co_teachers=[acme_teacher.pk])

        course = selectors.course_get(viewer=acme_teacher, pk=draft.pk)
        assert course is not None
        assert selectors.viewer_can_edit(acme_teacher, course)
        assert not selectors.viewer_can_edit(acme_teacher, catalog["south published"])


def test_search_and_filters(acme, acme_admin, acme_student, acme_teacher):
    with in_org(acme):
        maths = services.category_create(actor=acme_admin, name="Mathematics")
    build_course(acme, title="Fractions", summary="Halves and quarters", category=maths.pk, tags=["numbers"])
    build_course(acme, title="Geometry", summary="Shapes", tags="angles, Numbers")
    build_course(acme, title="Poetry", summary="Verse and rhyme")
    with in_org(acme):
        north = Branch.objects.get(code="north")

        def found(**filters):
            return set(
                selectors.course_list(viewer=acme_student, catalog=True, **filters).values_list(
                    "title", flat=True
                )
            )

        assert found(search="fraction") == {"Fractions"}
        assert found(search="SHAPES") == {"Geometry"}
        assert found(search="numbers") == {"Fractions", "Geometry"}  # by tag
        assert found(category=maths.pk) == {"Fractions"}
        assert found(category="mathematics") == {"Fractions"}
        assert found(tag="angles") == {"Geometry"}
        assert found(tag="numbers", search="geo") == {"Geometry"}
        assert found(branch=north.pk) >= {"Fractions", "Geometry", "Poetry"}


def test_the_list_says_how_far_the_viewer_is(acme, acme_student, acme_course):
    with in_org(acme):
        services.enroll_self(actor=acme_student, course=acme_course)
        services.progress_record(actor=acme_student, item=acme_course.items.first(), completed=True)

        mine = selectors.course_list(viewer=acme_student).get(pk=acme_course.pk)
        theirs = selectors.course_list(viewer=person(acme, "manager")).get(pk=acme_course.pk)

        assert (mine.my_enrollment_status, mine.my_progress, mine.enrollment_count) == ("active", 25, 1)
        assert (mine.module_count, mine.item_count) == (2, 4)
        assert (theirs.my_enrollment_status, theirs.my_progress, theirs.enrollment_count) == (None, None, 1)


# --- lessons and files ---------------------------------------------------------------------------------------


def test_learners_see_published_lessons_editors_see_drafts_too(acme, acme_teacher, acme_student, acme_course):
    with in_org(acme):
        draft = services.content_create(
            actor=acme_teacher, module=acme_course.modules.first(), kind="text", title="Unpublished", body="x"
        )

        learner = [
            i.title
            for m in selectors.course_outline(course=acme_course, viewer=acme_student)
            for i in m.items.all()
        ]
        editor = [
            i.title
            for m in selectors.course_outline(course=acme_course, viewer=acme_teacher)
            for i in m.items.all()
        ]
        preview = [
            i.title
            for m in selectors.course_outline(course=acme_course, viewer=acme_teacher, as_learner=True)
            for i in m.items.all()
        ]

        assert "Unpublished" not in learner
        assert "Unpublished" in editor
        assert preview == learner
        assert selectors.content_get(viewer=acme_student, pk=draft.pk) is None
        assert selectors.content_get(viewer=acme_teacher, pk=draft.pk) == draft
        assert (
            selectors.content_get(viewer=person(acme, "south-student"), pk=acme_course.items.first().pk)
            is None
        )


def test_files_are_downloadable_only_where_their_lesson_is_visible(
    acme, acme_teacher, acme_student, acme_course, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    with in_org(acme):
        module = acme_course.modules.first()
        shown = services.media_upload(
            actor=acme_teacher, course=acme_course, upload=upload("shown.pdf", PDF_BYTES)
        )
        services.content_create(actor=acme_teacher, module=module, kind="file", title="Handout", media=shown)
        hidden = services.media_upload(
            actor=acme_teacher, course=acme_course, upload=upload("hidden.pdf", PDF_BYTES)
        )
        services.content_create(actor=acme_teacher, module=module, kind="file", title="Draft", media=hidden)
        services.course_publish(actor=acme_teacher, course=acme_course, content="keep")
        handout = acme_course.items.get(title="Handout")
        services.version_publish(actor=acme_teacher, item=handout, version=handout.latest_version)

        def may(who, media):
            return selectors.media_for_download(viewer=who, pk=media.pk) is not None

        assert (may(acme_student, shown), may(acme_student, hidden)) == (True, False)
        assert (may(acme_teacher, shown), may(acme_teacher, hidden)) == (True, True)
        assert may(person(acme, "south-student"), shown) is False
        assert may(person(acme, "manager"), hidden) is True


# --- learners' data ------------------------------------------------------------------------------------------


@pytest.fixture
def org_wide_with_learners(acme, acme_admin):
    """An organization-wide course with student@ (north) and south-student@ both part-way through."""
    course = build_course(acme, owner=acme_admin, title="Everyone")
    with in_org(acme):
        for name in ("student", "south-student"):
            learner = person(acme, name)
            services.enroll_self(actor=learner, course=course)
            services.progress_record(
                actor=learner, item=course.items.first(), completed=True, time_spent_seconds=60
            )
    return course


@pytest.mark.parametrize(
    ("name", "learners"),
    [
        ("student", {"student"}),
        ("south-student", {"south-student"}),
        ("teacher", {"student"}),
        ("south-teacher", {"south-student"}),
        ("manager", {"student"}),
        ("admin", {"student", "south-student"}),
    ],
)
def test_enrollments_and_progress_only_of_learners_the_viewer_sees(
    acme, org_wide_with_learners, name, learners
):
    expected = {f"{local}@acme.example.com" for local in learners}
    with in_org(acme):
        who = viewer(acme, name)
        course = org_wide_with_learners

        enrolled = set(
            selectors.enrollment_list(viewer=who, course=course).values_list("user__email", flat=True)
        )
        progressing = set(
            selectors.progress_list(viewer=who, course=course).values_list("user__email", flat=True)
        )

        assert enrolled == expected
        assert progressing == expected
        for enrollment in Enrollment.objects.filter(course=course):
            found = selectors.enrollment_get(viewer=who, course=course, pk=enrollment.pk)
            assert (found is not None) == (enrollment.user.email in expected)


def test_my_learning_lists_only_my_current_enrollments_due_first(acme, acme_teacher, acme_student):
    first = build_course(acme, title="Due later")
    second = build_course(acme, title="Due soon")
    third = build_course(acme, title="No due date")
    left = build_course(acme, title="Left")
    with in_org(acme):
        services.enroll_assign(actor=acme_teacher, course=first, users=[acme_student.pk], due_at="2027-06-01")
        services.enroll_assign(
            actor=acme_teacher, course=second, users=[acme_student.pk], due_at="2027-01-01"
        )
        services.enroll_self(actor=acme_student, course=third)
        services.enrollment_withdraw(
            actor=acme_student, enrollment=services.enroll_self(actor=acme_student, course=left)
        )
        services.enroll_self(actor=person(acme, "manager"), course=first)

        titles_in_order = [e.course.title for e in selectors.my_learning(viewer=acme_student)]

    assert titles_in_order == ["Due soon", "Due later", "No due date"]


def test_resume_item_is_the_last_touched_unfinished_lesson(acme, acme_student, acme_course):
    with in_org(acme):
        services.enroll_self(actor=acme_student, course=acme_course)
        outline = selectors.course_outline(course=acme_course, viewer=acme_student)
        items = [i for m in outline for i in m.items.all()]

        assert selectors.resume_item(user=acme_student, course=acme_course, outline=outline) == items[0]
        services.progress_record(actor=acme_student, item=items[0], completed=True)
        assert selectors.resume_item(user=acme_student, course=acme_course, outline=outline) == items[1]
        services.progress_record(actor=acme_student, item=items[2], position_seconds=30)
        assert selectors.resume_item(user=acme_student, course=acme_course, outline=outline) == items[2]
        for item in items:
            services.progress_record(actor=acme_student, item=item, completed=True)
        assert selectors.resume_item(user=acme_student, course=acme_course, outline=outline) == items[0]
