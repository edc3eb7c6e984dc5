"""Modules and lessons keep positions 0..n-1 whatever is moved, reordered, added or removed."""

import pytest

from apps.core.errors import PermissionDenied, ValidationFailed
from apps.courses import services
from apps.courses.models import ContentItem, Module
from tests.conftest import in_org, person

from .conftest import build_course


@pytest.fixture
def course(acme, acme_teacher):
    """3 modules of 3 text lessons each, unpublished."""
    return build_course(acme, owner=acme_teacher, modules=3, items_per_module=3, publish=False)


def modules_of(course) -> list[tuple[str, int]]:
    return list(Module.objects.filter(course=course).order_by("position").values_list("title", "position"))


def items_of(module) -> list[tuple[str, int]]:
    return list(
        ContentItem.objects.filter(module=module).order_by("position").values_list("title", "position")
    )


def test_modules_reorder_stores_the_given_order(acme, acme_teacher, course):
    with in_org(acme):
        m1, m2, m3 = course.modules.order_by("position")

        services.modules_reorder(actor=acme_teacher, course=course, order=[m3.pk, m1.pk, m2.pk])

        assert modules_of(course) == [("Module 3", 0), ("Module 1", 1), ("Module 2", 2)]


@pytest.mark.parametrize("order", ["missing", "duplicate", "foreign", "not ids"])
def test_modules_reorder_needs_every_module_once(acme, acme_teacher, course, acme_course, order):
    with in_org(acme):
        m1, m2, m3 = course.modules.order_by("position")
        orders = {
            "missing": [m1.pk, m2.pk],
            "duplicate": [m1.pk, m2.pk, m3.pk, m3.pk],
            "foreign": [m1.pk, m2.pk, acme_course.modules.first().pk],
            "not ids": [m1.pk, m2.pk, "three"],
        }

        with pytest.raises(ValidationFailed):
            services.modules_reorder(actor=acme_teacher, course=course, order=orders[order])

        assert modules_of(course) == [("Module 1", 0), ("Module 2", 1), ("Module 3", 2)]


def test_module_move_and_insert_and_delete_renumber(acme, acme_teacher, course):
    with in_org(acme):
        m1, _, m3 = course.modules.order_by("position")

        services.module_move(actor=acme_teacher, module=m3, direction="up")
        assert modules_of(course) == [("Module 1", 0), ("Module 3", 1), ("Module 2", 2)]
        services.module_move(actor=acme_teacher, module=Module.objects.get(pk=m1.pk), direction="up")
        assert modules_of(course) == [("Module 1", 0), ("Module 3", 1), ("Module 2", 2)]

        services.module_create(actor=acme_teacher, course=course, title="Intro", position=0)
        assert modules_of(course) == [("Intro", 0), ("Module 1", 1), ("Module 3", 2), ("Module 2", 3)]

        services.module_delete(actor=acme_teacher, module=Module.objects.get(pk=m3.pk))
        assert modules_of(course) == [("Intro", 0), ("Module 1", 1), ("Module 2", 2)]


def test_items_reorder_within_a_module(acme, acme_teacher, course):
    with in_org(acme):
        module = course.modules.order_by("position").first()
        a, b, c = module.items.order_by("position")

        services.items_reorder(actor=acme_teacher, module=module, order=[c.pk, a.pk, b.pk])

        assert items_of(module) == [("Lesson 1.3", 0), ("Lesson 1.1", 1), ("Lesson 1.2", 2)]


def test_items_reorder_moves_lessons_across_modules_and_renumbers_both(acme, acme_teacher, course):
    with in_org(acme):
        first, second, _ = course.modules.order_by("position")
        a, b, c = first.items.order_by("position")
        _, e, _ = second.items.order_by("position")

        services.items_reorder(actor=acme_teacher, module=first, order=[a.pk, e.pk, b.pk, c.pk])

        assert items_of(first) == [("Lesson 1.1", 0), ("Lesson 2.2", 1), ("Lesson 1.2", 2), ("Lesson 1.3", 3)]
        assert items_of(second) == [("Lesson 2.1", 0), ("Lesson 2.3", 1)]
        assert ContentItem.objects.get(pk=e.pk).course_id == course.pk


def test_items_reorder_refuses_to_drop_a_lesson_or_take_another_courses(
    acme, acme_teacher, course, acme_course
):
    with in_org(acme):
        module = course.modules.order_by("position").first()
        a, b, c = module.items.order_by("position")
        foreign = acme_course.items.first()

        with pytest.raises(ValidationFailed):
            services.items_reorder(actor=acme_teacher, module=module, order=[a.pk, b.pk])
        with pytest.raises(ValidationFailed):
            services.items_reorder(actor=acme_teacher, module=module, order=[a.pk, b.pk, c.pk, foreign.pk])

        assert items_of(module) == [("Lesson 1.1", 0), ("Lesson 1.2", 1), ("Lesson 1.3", 2)]
        assert ContentItem.objects.get(pk=foreign.pk).module.course_id == acme_course.pk


def test_content_update_moves_a_lesson_to_another_module_at_a_position(acme, acme_teacher, course):
    with in_org(acme):
        first, second, _ = course.modules.order_by("position")
        b = first.items.order_by("position")[1]

        services.content_update(actor=acme_teacher, item=b, module=second.pk, position=0)

        assert items_of(first) == [("Lesson 1.1", 0), ("Lesson 1.3", 1)]
        assert items_of(second) == [
            ("Lesson 1.2", 0),
            ("Lesson 2.1", 1),
            ("Lesson 2.2", 2),
            ("Lesson 2.3", 3),
        ]
        assert ContentItem.objects.get(pk=b.pk).versions.count() == 1  # a move is not a new version


def test_content_move_down_and_up_and_delete_keep_positions_dense(acme, acme_teacher, course):
    with in_org(acme):
        module = course.modules.order_by("position").first()
        a, b, c = module.items.order_by("position")

        services.content_move(actor=acme_teacher, item=a, direction="down")
        assert items_of(module) == [("Lesson 1.2", 0), ("Lesson 1.1", 1), ("Lesson 1.3", 2)]
        services.content_move(actor=acme_teacher, item=ContentItem.objects.get(pk=c.pk), direction="down")
        assert items_of(module) == [("Lesson 1.2", 0), ("Lesson 1.1", 1), ("Lesson 1.3", 2)]

        services.content_create(
            actor=acme_teacher, module=module, kind="text", title="New", position=1, body="x"
        )
        assert items_of(module) == [("Lesson 1.2", 0), ("New", 1), ("Lesson 1.1", 2), ("Lesson 1.3", 3)]

        services.content_delete(actor=acme_teacher, item=ContentItem.objects.get(pk=b.pk))
        assert items_of(module) == [("New", 0), ("Lesson 1.1", 1), ("Lesson 1.3", 2)]


def test_content_update_refuses_another_courses_module(acme, acme_teacher, course, acme_course):
    with in_org(acme):
        item = course.items.first()

        with pytest.raises(ValidationFailed) as error:
            services.content_update(actor=acme_teacher, item=item, module=acme_course.modules.first().pk)

        assert error.value.details == {"module": ["No such module in this course."]}


def test_only_editors_reorder(acme, course):
    with in_org(acme):
        m1, m2, m3 = course.modules.order_by("position")
        for local in ("student", "south-teacher"):
            with pytest.raises(PermissionDenied):
                services.modules_reorder(
                    actor=person(acme, local), course=course, order=[m3.pk, m2.pk, m1.pk]
                )
        assert modules_of(course) == [("Module 1", 0), ("Module 2", 1), ("Module 3", 2)]
