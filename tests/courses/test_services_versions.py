"""Every change to a lesson's content is a new version with its author; learners see the published one;
teachers can diff, publish and revert, and history is never rewritten."""

import pytest

from apps.core.errors import NotFound, PermissionDenied
from apps.courses import selectors, services
from apps.courses.models import ContentVersion
from tests.conftest import in_org, person

from .conftest import build_course


@pytest.fixture
def lesson(acme, acme_teacher, acme_course):
    """A published text lesson of acme_course, at version 1."""
    with in_org(acme):
        item = services.content_create(
            actor=acme_teacher,
            module=acme_course.modules.first(),
            kind="text",
            title="Fractions",
            body="# Fractions\n\nA half.",
            note="First draft",
        )
        services.version_publish(actor=acme_teacher, item=item, version=item.latest_version)
        item.refresh_from_db()
        return item


def _numbers(item):
    return list(item.versions.order_by("number").values_list("number", flat=True))


def test_each_content_change_makes_a_version_with_its_author(acme, acme_teacher, acme_admin, lesson):
    with in_org(acme):
        services.content_update(actor=acme_teacher, item=lesson, body="# Fractions\n\nA half and a third.")
        services.content_update(actor=acme_admin, item=lesson, title="Fractions, part 1", note="Renamed")
        lesson.refresh_from_db()
        versions = list(selectors.version_list(item=lesson))

        assert [(v.number, v.title, v.author_id, v.note) for v in versions] == [
            (3, "Fractions, part 1", acme_admin.pk, "Renamed"),
            (2, "Fractions", acme_teacher.pk, ""),
            (1, "Fractions", acme_teacher.pk, "First draft"),
        ]
        assert versions[0].body == "# Fractions\n\nA half and a third."  # carried over
        assert lesson.latest_version_id == versions[0].pk
        assert lesson.title == "Fractions, part 1"
        assert lesson.published_version.number == 1  # learners still see version 1


def test_saving_unchanged_content_makes_no_version(acme, acme_teacher, lesson):
    with in_org(acme):
        services.content_update(
            actor=acme_teacher, item=lesson, title="Fractions", body="# Fractions\n\nA half."
        )
        services.content_update(actor=acme_teacher, item=lesson, estimated_minutes=15)
        services.content_update(actor=acme_teacher, item=lesson, position=0)
        lesson.refresh_from_db()

        assert _numbers(lesson) == [1]
        assert lesson.estimated_minutes == 15


def test_version_create_always_makes_the_next_version(acme, acme_teacher, lesson):
    with in_org(acme):
        version = services.version_create(actor=acme_teacher, item=lesson, note="Checkpoint")

        assert (version.number, version.note, version.body) == (2, "Checkpoint", "# Fractions\n\nA half.")
        assert _numbers(lesson) == [1, 2]


def test_learners_see_the_published_version_until_another_is_published(
    acme, acme_teacher, acme_student, lesson
):
    with in_org(acme):
        services.content_update(actor=acme_teacher, item=lesson, body="Draft rewrite")
        lesson.refresh_from_db()

        shown = _shown(acme, lesson)
        assert shown.number == 1
        assert "A half." in shown.body_html

        services.version_publish(actor=acme_teacher, item=lesson, version=lesson.latest_version)

        shown = _shown(acme, lesson)
        assert shown.number == 2
        assert shown.body_html == "<p>Draft rewrite</p>\n"


def _shown(acme, item):
    course = item.course
    outline = selectors.course_outline(course=course, viewer=person(acme, "student"))
    return next(i.shown_version for module in outline for i in module.items.all() if i.pk == item.pk)


def test_revert_makes_the_old_content_the_newest_version(acme, acme_teacher, lesson):
    with in_org(acme):
        services.content_update(actor=acme_teacher, item=lesson, title="Decimals", body="0.5")
        lesson.refresh_from_db()
        first = selectors.version_get(item=lesson, number=1)

        reverted = services.version_revert(actor=acme_teacher, item=lesson, version=first)
        lesson.refresh_from_db()

        assert _numbers(lesson) == [1, 2, 3]
        assert (reverted.number, reverted.title, reverted.body, reverted.note) == (
            3,
            "Fractions",
            "# Fractions\n\nA half.",
            "Reverted to version 1",
        )
        assert reverted.body_html == first.body_html
        assert lesson.latest_version_id == reverted.pk
        assert lesson.title == "Fractions"
        assert lesson.published_version.number == 1  # revert alone does not publish
        assert ContentVersion.objects.get(item=lesson, number=2).title == "Decimals"  # history kept


def test_revert_and_publish_shows_learners_the_reverted_content(acme, acme_teacher, lesson):
    with in_org(acme):
        services.content_update(actor=acme_teacher, item=lesson, body="Wrong")
        lesson.refresh_from_db()
        services.version_publish(actor=acme_teacher, item=lesson, version=lesson.latest_version)

        new = services.version_revert(
            actor=acme_teacher,
            item=lesson,
            version=selectors.version_get(item=lesson, number=1),
            publish=True,
        )
        lesson.refresh_from_db()

        assert lesson.published_version_id == new.pk
        assert _shown(acme, lesson).body == "# Fractions\n\nA half."


def test_diff_names_the_changed_fields_with_a_line_diff_of_the_body(acme, acme_teacher, lesson):
    with in_org(acme):
        services.content_update(
            actor=acme_teacher,
            item=lesson,
            title="Halves",
            body="# Fractions\n\nA half.\n\nTwo halves make one.",
        )
        lesson.refresh_from_db()
        old, new = selectors.version_get(item=lesson, number=1), selectors.version_get(item=lesson, number=2)

        diff = services.version_diff(old, new)

    assert [(d.field, d.old, d.new) for d in diff] == [
        ("title", "Fractions", "Halves"),
        ("body", "# Fractions\n\nA half.", "# Fractions\n\nA half.\n\nTwo halves make one."),
    ]
    assert diff[0].lines == []
    assert diff[1].lines[:2] == ["--- version 1", "+++ version 2"]
    assert "+Two halves make one." in diff[1].lines
    assert not [line for line in diff[1].lines if line.startswith("-") and not line.startswith("---")]


def test_diff_of_identical_versions_is_empty(acme, acme_teacher, lesson):
    with in_org(acme):
        again = services.version_create(actor=acme_teacher, item=lesson)

        assert services.version_diff(lesson.latest_version, again) == []


def test_a_version_of_another_lesson_cannot_be_published_or_reverted_to(
    acme, acme_teacher, acme_course, lesson
):
    with in_org(acme):
        other = acme_course.items.exclude(pk=lesson.pk).first()

        with pytest.raises(NotFound):
            services.version_publish(actor=acme_teacher, item=lesson, version=other.latest_version)
        with pytest.raises(NotFound):
            services.version_revert(actor=acme_teacher, item=lesson, version=other.latest_version)
        lesson.refresh_from_db()
        assert lesson.published_version.number == 1


def test_only_editors_change_versions(acme, lesson):
    with in_org(acme):
        for local in ("student", "south-teacher"):
            with pytest.raises(PermissionDenied):
                services.content_update(actor=person(acme, local), item=lesson, body="Vandalised")
            with pytest.raises(PermissionDenied):
                services.version_publish(
                    actor=person(acme, local), item=lesson, version=lesson.latest_version
                )
        assert _numbers(lesson) == [1]


def test_publishing_a_course_publishes_the_latest_versions(acme, acme_teacher):
    course = build_course(acme, owner=acme_teacher, publish=False, items_per_module=2)
    with in_org(acme):
        first, second = course.items.order_by("position")
        services.content_update(actor=acme_teacher, item=first, body="Edited")
        first.refresh_from_db()

        services.course_publish(actor=acme_teacher, course=course)

        first.refresh_from_db()
        second.refresh_from_db()
        assert first.published_version.number == 2
        assert second.published_version.number == 1
