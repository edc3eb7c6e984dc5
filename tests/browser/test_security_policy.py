"""The Content-Security-Policy in a real browser: the pages that run scripts (catalog, lesson player with a
video embed, course editor, Swagger UI, ReDoc) work under it and the browser reports no violation."""

import re

import pytest
from django_tenants.utils import schema_context

from tests.browser.conftest import classroom

pytestmark = pytest.mark.browser

# Recorded by the page itself (Playwright's init scripts are not subject to the page's policy).
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`);
});
"""


def expect(target):
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(target)


class Watched:
    """A page of a new context that records CSP violations, from the DOM event and the console."""

    def __init__(self, browser, server, organization=None, user=None):
        from django.db import connection

        from tests.conftest import browser_for

        self.context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
        self.context.set_default_timeout(15_000)
        if user is not None:
            session = browser_for(organization, user).cookies["sessionid"].value
            connection.set_schema_to_public()
            slug = organization.slug if organization is not None else None
            self.context.add_cookies([{"name": "sessionid", "value": session, "url": server.url("/", slug)}])
        self.context.add_init_script(RECORD_VIOLATIONS)
        self.page = self.context.new_page()
        self.console: list[str] = []
        self.page.on("console", self._on_console)

    def _on_console(self, message):
        text = message.text
        if "Content Security Policy" in text or text.startswith("Refused to"):
            self.console.append(text)

    def violations(self) -> list[str]:
        return [*self.page.evaluate("window.__cspViolations || []"), *self.console]

    def close(self):
        self.context.close()


@pytest.fixture
def school(server, provisioned):
    """An organization with a published course (a text and a video lesson) its student is enrolled in."""
    from django.db import connection

    from apps.courses import services

    organization = provisioned(plan="growth", name="Browser Policy School")
    with schema_context(organization.schema_name):
        room = classroom(organization)
        teacher, student, algebra = room.teacher, room.student, room.school_class
        course = services.course_create(actor=teacher, title="Waves", summary="Sound and light.")
        module = services.module_create(actor=teacher, course=course, title="Sound")
        video = services.content_create(
            actor=teacher,
            module=module,
            kind="video",
            title="A wave on a string",
            video_url="https://www.youtube.com/watch?v=M7lc1UVf-VE",
        )
        services.content_create(actor=teacher, module=module, kind="text", title="Echoes", body="**Echo**.")
        services.course_publish(actor=teacher, course=course)
        services.enroll_assign(actor=teacher, course=course, classes=[algebra.pk])
    connection.set_schema_to_public()
    return organization, teacher, student, course, video


def test_catalog_and_lesson_player_run_under_the_policy(browser, server, school):
    organization, _teacher, student, course, video = school
    watched = Watched(browser, server, organization, student)
    page = watched.page
    try:
        response = page.goto(server.url("/courses/", organization.slug))
        assert "script-src 'self'" in response.headers["content-security-policy"]
        expect(page.get_by_role("link", name=re.compile("Waves"))).to_be_visible()

        # The player's script (a static file) posts a first heartbeat as soon as the lesson opens.
        with page.expect_response(
            lambda r: r.url.endswith("/progress") and r.request.method == "POST"
        ) as beat:
            page.goto(server.url(f"/courses/{course.pk}/learn/{video.pk}/", organization.slug))
        assert beat.value.status == 200
        expect(page.locator("iframe[src^='https://www.youtube-nocookie.com/embed/']")).to_have_count(1)
        expect(page.get_by_role("heading", name="A wave on a string", level=1)).to_be_visible()

        assert watched.violations() == []
    finally:
        watched.close()


def test_the_course_editor_runs_under_the_policy(browser, server, school):
    organization, teacher, _student, course, _video = school
    watched = Watched(browser, server, organization, teacher)
    page = watched.page
    try:
        page.goto(server.url(f"/courses/{course.pk}/edit/", organization.slug))
        expect(page.get_by_role("heading", name=re.compile("Waves"))).to_be_visible()
        lessons = page.locator(".editor-items > li.editor-item")
        expect(lessons).to_have_count(2)
        # course_editor.js turns the lessons into a draggable list: their handles appear.
        expect(lessons.nth(0).locator(".drag-handle")).to_be_visible()

        assert watched.violations() == []
    finally:
        watched.close()


@pytest.mark.parametrize("on_org_host", [True, False], ids=["org-host", "platform-host"])
def test_swagger_ui_renders_the_operations_under_the_policy(browser, server, provisioned, on_org_host):
    slug = provisioned().slug if on_org_host else None
    watched = Watched(browser, server)
    page = watched.page
    try:
        response = page.goto(server.url("/api/v1/docs/", slug))
        assert "script-src 'self'" in response.headers["content-security-policy"]
        # The schema is generated on request, which takes a while on a busy machine.
        # The tags start folded (SWAGGER_UI_SETTINGS): open "auth" to find the sign-in operation.
        auth = page.locator(".opblock-tag", has_text=re.compile(r"^auth\b"))
        expect(auth).to_be_visible(timeout=90_000)
        assert page.locator(".opblock-tag").count() > (5 if on_org_host else 1)
        auth.click()
        expect(page.locator(".opblock-summary-path", has_text="/api/v1/auth/login").first).to_be_visible()

        assert watched.violations() == []
    finally:
        watched.close()


def test_redoc_renders_the_operations_under_the_policy(browser, server):
    # The platform's document: the same page and policy as on an org host, and a smaller schema to lay out.
    watched = Watched(browser, server)
    page = watched.page
    try:
        page.goto(server.url("/api/v1/redoc/"))
        heading = page.get_by_role("heading", name=re.compile("LearnStack API"), level=1)
        expect(heading).to_be_visible(timeout=90_000)
        expect(page.get_by_text("/api/v1/organizations").first).to_be_attached()

        assert watched.violations() == []
    finally:
        watched.close()
