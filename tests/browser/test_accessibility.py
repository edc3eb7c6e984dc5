"""axe-core (static/vendor/axe-core/, see static/vendor/README.md) finds no serious or critical WCAG 2.1 A/AA
violation on the main pages, in real Chromium and under the pages' own Content-Security-Policy:

- signed out: an organization's front door, sign-in (also refusing a password), password reset, an invitation,
  and the 404 page;
- at 1280 px, what an Org Admin uses (dashboard, people with a second page, a person, an invitation form with
  its errors and the confirmation after it, branches, classes, settings, API keys, audit log, imports and an
  import, catalog, categories, a course, its learners, a new course, profile), what a Teacher uses (dashboard,
  teaching list, course editor, lesson editor, lesson preview) and what a Student uses (dashboard, catalog, a
  course, a text and a video lesson, my learning, the "not allowed" page);
- at 390 px, with the menu folded and open, the learner's catalog, lessons and my learning;
- the console: sign-in, the 404 page, the organization list, a trial and a suspended organization, the create
  form also with its errors.

The organization keeps the default brand colour (the low-contrast brand case is tested with the branding).
Each test uses one data set and one signed-in context per role, checks page after page, and fails once listing
every page's violations: rule, impact, the elements' selectors, axe's advice and the rule's help page."""

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django_tenants.utils import schema_context

from tests.browser.conftest import OPERATOR_EMAIL

pytestmark = pytest.mark.browser

AXE_SCRIPT = Path(__file__).resolve().parents[2] / "static" / "vendor" / "axe-core" / "axe.min.js"
WCAG_21_A_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING_IMPACTS = ("serious", "critical")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

# Runs axe on the whole document and keeps what the report needs: the serious and critical violations.
RUN_AXE = """async ([tags, impacts]) => {
    const results = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
    return results.violations
        .filter((violation) => impacts.includes(violation.impact))
        .map((violation) => ({
            id: violation.id, impact: violation.impact, help: violation.help, helpUrl: violation.helpUrl,
            targets: violation.nodes.map((node) => node.target.join(" ")),
            summary: violation.nodes[0] ? violation.nodes[0].failureSummary : "",
        }));
}"""


def expect(target):
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(target)


def serious_violations(page) -> list[dict]:
    """The serious and critical WCAG 2.1 A/AA violations axe finds on the page as it is now."""
    assert page.evaluate("typeof window.axe") == "object", f"axe-core was not injected into {page.url}"
    return page.evaluate(RUN_AXE, [WCAG_21_A_AA, list(FAILING_IMPACTS)])


def describe(page, violations: list[dict]) -> str:
    lines = [f"{page.url}: {len(violations)} serious or critical accessibility violation(s)"]
    for violation in violations:
        lines.append(
            f"  {violation['id']} ({violation['impact']}): {violation['help']} - {violation['helpUrl']}"
        )
        lines.extend(f"    {target}" for target in violation["targets"][:10])
        if len(violation["targets"]) > 10:
            lines.append(f"    ... and {len(violation['targets']) - 10} more")
        lines.append("    " + violation["summary"].replace("\n", "\n    "))
    return "\n".join(lines)


def assert_no_serious_violations(page) -> None:
    """Fail listing each serious or critical violation: rule id, impact, the target selectors, help URL."""
    violations = serious_violations(page)
    if violations:
        raise AssertionError(describe(page, violations))


class Pages:
    """Checks page after page of one host and fails once at the end, with every page's violations."""

    def __init__(self, server, slug: str | None = None):
        self.server, self.slug = server, slug
        self.failures: list[str] = []
        self.checked: list[str] = []

    def url(self, path: str) -> str:
        return self.server.url(path, self.slug)

    def check(self, page, path: str | None = None, *, status: int = 200) -> None:
        """Open `path` (None: check the page as it is now) and run axe on it."""
        if path is not None:
            response = page.goto(self.url(path))
            assert response.status == status, f"{path} answered {response.status}"
            assert urlsplit(page.url).path == urlsplit(path).path, f"{path} led to {page.url}"
            # Checked as served: under the page's own policy, not a relaxed one.
            assert "script-src 'self'" in response.headers["content-security-policy"], path
        self.checked.append(page.url)
        try:
            assert_no_serious_violations(page)
        except AssertionError as failure:
            self.failures.append(str(failure))

    def assert_clean(self) -> None:
        assert self.checked
        if self.failures:
            pytest.fail("\n\n".join(self.failures), pytrace=False)


def axe_context(browser, server, *, organization=None, user=None, viewport=DESKTOP):
    """A context in which every page (and frame) gets axe before its own scripts run.

    The pages' Content-Security-Policy allows no inline script, and page.add_script_tag (with `content` and
    with `path` alike) adds an inline <script>, which the policy refuses ("Executing inline script violates
    ... 'script-src 'self''"). An init script is evaluated by the browser itself (DevTools'
    Page.addScriptToEvaluateOnNewDocument), outside the page's policy, and so is page.evaluate: the pages
    are checked with their real policy in force, without bypass_csp. test_security_policy.py proves that
    policy; no page loads axe itself."""
    from django.db import connection

    from tests.conftest import browser_for

    context = browser.new_context(viewport=viewport, locale="en-GB")
    context.set_default_timeout(15_000)
    context.add_init_script(path=str(AXE_SCRIPT))
    if user is not None:
        session = browser_for(organization, user).cookies["sessionid"].value
        connection.set_schema_to_public()
        slug = None if organization is None else organization.slug
        context.add_cookies([{"name": "sessionid", "value": session, "url": server.url("/", slug)}])
    return context


@pytest.fixture
def school(server, provisioned):
    """A fresh organization in its default (accessible) brand colour: an Org Admin, a Teacher and two Students
    in a class (one still invited), a published course with a text, a video and a link lesson that one Student
    is part-way through, a draft course, and a finished people import."""
    from django.db import connection

    from apps.accounts.models import RoleAssignment, User
    from apps.courses import services
    from apps.hierarchy.models import Branch, SchoolClass
    from apps.imports.services import import_create

    organization = provisioned(plan="growth", name="Accessible Academy")
    slug = organization.slug
    with schema_context(organization.schema_name):
        admin = User.objects.create_user(
            f"owner@{slug}.example.com", "pw-owner-1234", full_name="Olive Owner"
        )
        RoleAssignment.objects.create(user=admin, role="org_admin")
        north = Branch.objects.create(code="north", name="North Campus")
        algebra = SchoolClass.objects.create(branch=north, name="Algebra 1")
        teacher = User.objects.create_user(
            f"teacher@{slug}.example.com", "pw-teacher-1234", full_name="Tara Teach"
        )
        student = User.objects.create_user(
            f"student@{slug}.example.com", "pw-student-1234", full_name="Sam Study"
        )
        RoleAssignment.objects.create(user=teacher, role="teacher", branch=north, school_class=algebra)
        RoleAssignment.objects.create(user=student, role="student", branch=north, school_class=algebra)
        maths = services.category_create(actor=admin, name="Mathematics")
        course = services.course_create(
            actor=teacher,
            title="Fractions",
            summary="Halves, thirds and quarters.",
            category=maths.pk,
            tags=["number", "year 5"],
            estimated_minutes=45,
        )
        module = services.module_create(actor=teacher, course=course, title="Parts of a whole")
        text = services.content_create(
            actor=teacher,
            module=module,
            kind="text",
            title="Halves",
            body="Two **equal** parts make a whole.",
        )
        video = services.content_create(
            actor=teacher,
            module=module,
            kind="video",
            title="Cutting a cake",
            video_url="https://www.youtube.com/watch?v=M7lc1UVf-VE",
        )
        services.content_create(
            actor=teacher, module=module, kind="link", title="Fraction wall", url="https://example.com/wall"
        )
        services.course_publish(actor=teacher, course=course)
        services.course_create(actor=teacher, title="Decimals (draft)")
        services.enroll_assign(actor=teacher, course=course, classes=[algebra.pk])
        text.refresh_from_db()
        services.progress_record(actor=student, item=text, completed=True)
        # Enough invited people for the people list to have a second page.
        invited = User.objects.bulk_create(
            User(email=f"pupil{n:02}@{slug}.example.com", full_name=f"Pupil {n:02}") for n in range(30)
        )
        RoleAssignment.objects.bulk_create(
            RoleAssignment(user=user, role="student", branch=north, school_class=algebra) for user in invited
        )
        job = import_create(
            actor=admin,
            filename="people.csv",
            content=(
                "email,name,role,branch,class\n"
                f"new@{slug}.example.com,Nia New,student,north,Algebra 1\n"
                "not-an-address,Bad Row,student,north,Algebra 1\n"
            ).encode(),
        )
    connection.set_schema_to_public()
    return {
        "organization": organization,
        "admin": admin,
        "teacher": teacher,
        "student": student,
        "course": course,
        "text": text,
        "video": video,
        "branch": north,
        "class": algebra,
        "import": job,
    }


def test_the_organization_pages_have_no_serious_accessibility_violations(browser, server, school):
    organization, slug = school["organization"], school["organization"].slug
    course, text, video = school["course"], school["text"], school["video"]
    pages = Pages(server, slug)

    # The Org Admin: the dashboard and every management area; a form with its errors; after an invitation,
    # the person's page with the confirmation and the link.
    context = axe_context(browser, server, organization=organization, user=school["admin"])
    try:
        page = context.new_page()
        for path in (
            "/",
            "/manage/people/",
            "/manage/people/?page=2",
            f"/manage/people/{school['student'].pk}/",
            "/manage/branches/",
            f"/manage/branches/{school['branch'].pk}/",
            "/manage/classes/",
            f"/manage/classes/{school['class'].pk}/",
            "/manage/settings/",
            "/manage/api-keys/",
            "/manage/audit/",
            "/manage/imports/",
            f"/manage/imports/{school['import'].pk}/",
            "/courses/",
            "/courses/categories/",
            f"/courses/{course.pk}/",
            f"/courses/{course.pk}/enrollments/",
            "/courses/new/",
            "/accounts/profile/",
            "/manage/people/invite/",
        ):
            pages.check(page, path)
        page.locator("main form button[type=submit]").click()
        expect(page.locator(".has-error").first).to_be_visible()
        pages.check(page)
        page.locator("#id_email").fill(f"ivy@{slug}.example.com")
        page.locator("#id_full_name").fill("Ivy Invited")
        page.locator("#id_role").select_option("student")
        page.locator("#id_branch").select_option(str(school["branch"].pk))
        page.locator("#id_school_class").select_option(str(school["class"].pk))
        page.locator("main form button[type=submit]").click()
        expect(page.locator(".messages .message-success")).to_be_visible()
        pages.check(page)
        invitation = page.locator("#invitation-link").input_value()
    finally:
        context.close()

    # Signed out: the front door, the sign-in page (also refusing a wrong password), the password reset, the
    # invitation just sent, and the 404 page.
    context = axe_context(browser, server)
    try:
        page = context.new_page()
        pages.check(page, "/")
        pages.check(page, "/accounts/login/")
        page.get_by_label("Email").fill(f"student@{slug}.example.com")
        page.get_by_label("Password").fill("not the password")
        page.get_by_role("button", name="Sign in").click()
        expect(page.locator(".alert-error").first).to_be_visible()
        pages.check(page)
        pages.check(page, "/accounts/password/reset/")
        page.goto(invitation)
        expect(page.locator("input[type=password]").first).to_be_visible()
        pages.check(page)
        pages.check(page, "/no-such-page/", status=404)
    finally:
        context.close()

    # The Teacher: their dashboard, their courses, the course editor, a lesson's editor and its preview.
    context = axe_context(browser, server, organization=organization, user=school["teacher"])
    try:
        page = context.new_page()
        for path in (
            "/",
            "/courses/teaching/",
            f"/courses/{course.pk}/edit/",
            f"/courses/{course.pk}/content/{text.pk}/edit/",
            f"/courses/{course.pk}/learn/{text.pk}/",
        ):
            pages.check(page, path)
    finally:
        context.close()

    # The Student at 1280 px: their dashboard, the catalog, the course, its lessons, their learning, and the
    # page that refuses them the management area.
    lessons = (f"/courses/{course.pk}/learn/{text.pk}/", f"/courses/{course.pk}/learn/{video.pk}/")
    context = axe_context(browser, server, organization=organization, user=school["student"])
    try:
        page = context.new_page()
        for path in ("/", "/courses/", f"/courses/{course.pk}/", *lessons, "/learning/"):
            pages.check(page, path)
        pages.check(page, "/manage/settings/", status=403)
    finally:
        context.close()

    # The Student on a phone, with the navigation menu folded (the whole page) and open (the menu over it).
    context = axe_context(browser, server, organization=organization, user=school["student"], viewport=PHONE)
    try:
        page = context.new_page()
        for path in ("/courses/", *lessons, "/learning/"):
            pages.check(page, path)
            menu = page.get_by_role("navigation", name="Main").get_by_role("button", name="Menu")
            expect(menu).to_have_attribute("aria-expanded", "false")
            menu.click()
            expect(menu).to_have_attribute("aria-expanded", "true")
            pages.check(page)
    finally:
        context.close()

    pages.assert_clean()


def test_the_console_pages_have_no_serious_accessibility_violations(browser, server, provisioned):
    from django.contrib.auth import get_user_model

    from tenants.services import organization_suspend

    organization = provisioned(plan="growth", name="Console Checked School")
    paused = organization_suspend(organization=provisioned(name="Paused School"), reason="Unpaid invoice")
    operator = get_user_model().objects.get(email=OPERATOR_EMAIL)
    pages = Pages(server)

    context = axe_context(browser, server)
    try:
        page = context.new_page()
        pages.check(page, "/console/login/")
        pages.check(page, "/no-such-page/", status=404)
    finally:
        context.close()

    # The list, an organization in trial and a suspended one, and the create form, also with its errors.
    context = axe_context(browser, server, user=operator)
    try:
        page = context.new_page()
        for path in (
            "/console/",
            f"/console/organizations/{organization.pk}/",
            f"/console/organizations/{paused.pk}/",
            "/console/organizations/new/",
        ):
            pages.check(page, path)
        page.get_by_label("Subdomain").fill("-")
        page.locator("#provision-submit").click()
        expect(page.locator(".has-error").first).to_be_visible()
        pages.check(page)
    finally:
        context.close()

    pages.assert_clean()


def test_the_check_names_each_violation_with_its_rule_elements_and_help(browser, server):
    """The check is not vacuous: break a real page the way a template or stylesheet could, and it fails
    saying which rule, how serious, on which elements and where the rule is explained."""
    context = axe_context(browser, server)
    try:
        page = context.new_page()
        page.goto(server.url("/console/login/"))
        assert_no_serious_violations(page)

        unlabelled, faint = page.evaluate(
            """() => {
                const label = document.querySelector("main label[for]");
                const input = label.htmlFor;
                label.removeAttribute("for");
                const heading = document.querySelector("h1");
                heading.style.color = "#c8ccd4";
                return [input, heading.id];
            }"""
        )
        with pytest.raises(AssertionError) as failure:
            assert_no_serious_violations(page)
    finally:
        context.close()

    report = str(failure.value)
    assert "/console/login/: 2 serious or critical accessibility violation(s)" in report
    assert re.search(
        r"\n  color-contrast \(serious\): .+ - https://dequeuniversity\.com/rules/axe/[\d.]+/color-contrast",
        report,
    )
    assert f"\n    #{faint}\n" in report  # the element, as a selector
    assert "insufficient color contrast of 1.6" in report  # and how to fix it
    assert re.search(
        r"\n  label \(critical\): .+ - https://dequeuniversity\.com/rules/axe/[\d.]+/label\?", report
    )
    assert f"\n    #{unlabelled}\n" in report
