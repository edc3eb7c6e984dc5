"""Courses in a real browser: a teacher builds a course in the editor (a module, two lessons, reordered by
dragging), publishes it and enrolls a class with a due date; a student of that class takes it from "My
learning" through the lesson player and sees it complete at 100%."""

import re
from datetime import date, timedelta

import pytest
from django_tenants.utils import schema_context

from tests.browser.conftest import classroom, screenshot

pytestmark = pytest.mark.browser


def expect(target):
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(target)


@pytest.fixture
def school(server, provisioned):
    """A fresh organization with branch north, class "Algebra 1", its teacher and its student."""
    from django.db import connection

    organization = provisioned(plan="growth", name="Browser Course School")
    with schema_context(organization.schema_name):
        room = classroom(organization, teacher_name="Tara Teacher", student_name="Sam Student")
        teacher, student, algebra = room.teacher, room.student, room.school_class
    connection.set_schema_to_public()
    return organization, teacher, student, algebra


def signed_in(browser, server, organization, user):
    """A page of a new browser context, signed in as `user` (the session is made as a sign-in makes it)."""
    from django.db import connection

    from tests.conftest import browser_for

    session = browser_for(organization, user).cookies["sessionid"].value
    connection.set_schema_to_public()
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    context.set_default_timeout(15_000)
    context.add_cookies([{"name": "sessionid", "value": session, "url": server.url("/", organization.slug)}])
    return context, context.new_page()


def test_a_teacher_builds_publishes_and_enrolls_a_class(browser, server, school):
    from apps.courses.models import ContentItem, Course, Enrollment

    organization, teacher, student, algebra = school
    context, page = signed_in(browser, server, organization, teacher)
    due = date.today() + timedelta(days=14)
    try:
        page.goto(server.url("/", organization.slug))
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Teaching").click()
        expect(page.get_by_role("heading", name="Courses you teach")).to_be_visible()
        page.get_by_role("link", name="New course").click()

        page.get_by_label(re.compile(r"^Title")).fill("Fractions for beginners")
        page.get_by_label(re.compile(r"^Summary")).fill("Halves, quarters and how to add them.")
        page.get_by_label(re.compile(r"^Tags")).fill("maths, year 7")
        expect(page.get_by_label("North Campus")).to_be_checked()
        page.get_by_role("button", name="Create course").click()

        expect(page).to_have_url(re.compile(r"/courses/\d+/edit/#content$"))
        expect(page.get_by_role("heading", name=re.compile("Fractions for beginners"))).to_be_visible()
        add_module = page.get_by_role("form", name="Add a module")
        add_module.get_by_label(re.compile(r"^Title")).fill("Getting started")
        add_module.get_by_role("button", name="Add module").click()
        expect(page.get_by_text("Module Getting started is added.")).to_be_visible()

        page.get_by_role("link", name="Text lesson in Getting started").click()
        page.get_by_label(re.compile(r"^Title")).fill("What is a fraction?")
        # A new lesson opens in the rich editor once its script has run; this teacher writes Markdown.
        fmt = page.get_by_label("Format", exact=True)
        expect(fmt).to_have_value("html")
        fmt.select_option("markdown")
        body = page.locator("textarea[name=body]")
        expect(body).to_be_visible()
        body.fill("A **fraction** is a part of a whole.")
        page.get_by_role("button", name="Add lesson", exact=True).click()
        expect(page.get_by_text("Lesson What is a fraction? is added.")).to_be_visible()

        page.get_by_role("link", name="Link lesson in Getting started").click()
        page.get_by_label(re.compile(r"^Title")).fill("Fraction wall")
        page.get_by_label(re.compile(r"^Address")).fill("https://example.com/fraction-wall")
        page.get_by_label(re.compile(r"^Description")).fill("Play with the fraction wall.")
        page.get_by_role("button", name="Add lesson", exact=True).click()
        expect(page.get_by_text("Lesson Fraction wall is added.")).to_be_visible()

        # Drag the second lesson above the first by its handle; the order is saved without a reload.
        lessons = page.locator(".editor-items > li.editor-item")
        expect(lessons).to_have_count(2)
        page.get_by_role("heading", name="Modules and lessons").scroll_into_view_if_needed()
        lessons.nth(1).locator(".drag-handle").drag_to(
            lessons.nth(0).locator(".drag-handle"), target_position={"x": 4, "y": 1}
        )
        expect(page.locator("#reorder-status")).to_have_text(re.compile("The new order is saved"))
        expect(lessons.nth(0)).to_contain_text("Fraction wall")
        screenshot(page, "course-editor.png")

        page.get_by_role("button", name="Publish course").click()
        expect(page.get_by_text("The course is published.")).to_be_visible()

        page.get_by_role("link", name="Learners and enrollments").first.click()
        assign = page.get_by_role("form", name="Enroll learners")
        assign.get_by_label("Algebra 1 · North Campus").check()
        assign.get_by_label("Due date").fill(due.isoformat())
        assign.get_by_role("button", name="Enroll").click()
        expect(page.get_by_text(re.compile(r"^1 person enrolled"))).to_be_visible()
        expect(page.get_by_role("row", name=re.compile("Sam Student"))).to_be_visible()
        screenshot(page, "course-enrollments.png")
    finally:
        context.close()

    with schema_context(organization.schema_name):
        course = Course.objects.get(title="Fractions for beginners")
        assert course.status == Course.Status.PUBLISHED
        assert course.owner_id == teacher.pk
        assert sorted(tag.name for tag in course.tags.all()) == ["maths", "year 7"]
        items = list(ContentItem.objects.filter(course=course).order_by("position"))
        assert [(i.title, i.kind, i.is_published) for i in items] == [
            ("Fraction wall", "link", True),
            ("What is a fraction?", "text", True),
        ]
        enrollment = Enrollment.objects.get(course=course, user=student)
        assert enrollment.source == Enrollment.Source.CLASS
        assert enrollment.rule.school_class_id == algebra.pk
        assert enrollment.due_at.date() == due


def test_a_student_completes_a_course_in_the_player(browser, server, school):
    from apps.courses import services
    from apps.courses.models import Enrollment, ItemProgress
    from apps.events.models import Event

    organization, teacher, student, algebra = school
    with schema_context(organization.schema_name):
        course = services.course_create(actor=teacher, title="Decimals", summary="Tenths and hundredths.")
        module = services.module_create(actor=teacher, course=course, title="Tenths")
        services.content_create(
            actor=teacher, module=module, kind="text", title="Tenths", body="One tenth is **0.1**."
        )
        services.content_create(
            actor=teacher,
            module=module,
            kind="text",
            title="Hundredths",
            body="One hundredth is 0.01.<script>alert('x')</script>",
        )
        services.course_publish(actor=teacher, course=course)
        services.enroll_assign(
            actor=teacher,
            course=course,
            classes=[algebra.pk],
            due_at=(date.today() + timedelta(days=7)).isoformat(),
        )
    context, page = signed_in(browser, server, organization, student)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    try:
        page.goto(server.url("/", organization.slug))
        page.get_by_role("navigation", name="Main").get_by_role("link", name="My learning").click()
        expect(page.get_by_role("heading", name="My learning")).to_be_visible()
        row = page.locator(".learning-row", has_text="Decimals")
        expect(row).to_contain_text("Due")
        expect(row.get_by_role("progressbar")).to_have_js_property("value", 0)
        # Opening a lesson starts it: the player's script posts a first heartbeat (JSON, with the CSRF token).
        with page.expect_response(
            lambda r: r.url.endswith("/progress") and r.request.method == "POST"
        ) as beat:
            row.get_by_role("link", name="Start Decimals").click()
        assert beat.value.status == 200
        assert beat.value.json()["recorded"] is True

        expect(page.get_by_role("heading", name="Tenths", level=1)).to_be_visible()
        page.get_by_role("button", name="Mark as complete and continue").click()

        expect(page.get_by_role("heading", name="Hundredths", level=1)).to_be_visible()
        expect(page.locator("#course-progress")).to_have_js_property("value", 50)
        expect(page.locator(".lesson-body")).to_contain_text("One hundredth is 0.01.")
        screenshot(page, "course-player.png")
        page.get_by_role("button", name="Mark as complete", exact=True).click()

        expect(page.get_by_text("You have completed Decimals.")).to_be_visible()
        expect(page.locator("#course-progress")).to_have_js_property("value", 100)
        expect(page.locator("#course-progress-value")).to_have_text("100%")
        expect(page.locator("#enrollment-status")).to_have_text("Completed")
        screenshot(page, "course-completed.png")

        page.get_by_role("navigation", name="Main").get_by_role("link", name="My learning").click()
        completed = page.get_by_role("region", name="Completed")
        expect(completed.locator(".learning-row", has_text="Decimals")).to_contain_text("Completed")
        expect(completed.get_by_role("progressbar")).to_have_js_property("value", 100)
    finally:
        context.close()

    assert dialogs == []  # the lesson's <script> never ran
    with schema_context(organization.schema_name):
        enrollment = Enrollment.objects.get(course=course, user=student)
        assert (enrollment.status, enrollment.progress_percent) == ("completed", 100)
        assert (
            ItemProgress.objects.filter(user=student, course=course, completed_at__isnull=False).count() == 2
        )
        assert (
            Event.objects.filter(name="course.completed", payload__enrollment_id=enrollment.pk).count() == 1
        )
