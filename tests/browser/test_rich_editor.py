"""The lesson editor's rich text in a real browser: a teacher writes a lesson with the toolbar (headings,
bold, nested and numbered lists, a link, a course picture, a table with a header row and an added row and
column), previews it as learners will see it and saves it. What is stored is HTML the sanitizer keeps
unchanged, and the student's player shows the same structure. Markdown lessons open as Markdown, still save,
and turn into formatted text through the server's renderer. No page reports a CSP violation."""

import re
from pathlib import Path

import pytest
from django_tenants.utils import schema_context

from tests.browser.conftest import classroom
from tests.browser.test_security_policy import Watched
from tests.courses.test_rich_editor_roundtrip import EDITOR_LESSON

pytestmark = pytest.mark.browser

PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


AXE_SCRIPT = Path(__file__).resolve().parents[2] / "static" / "vendor" / "axe-core" / "axe.min.js"
RUN_AXE = """async () => (await axe.run(document, {
    runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}, resultTypes: ["violations"]
})).violations.filter((v) => v.impact === "serious" || v.impact === "critical")
  .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)"""


def expect(target):
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(target)


@pytest.fixture
def school(server, provisioned, settings, tmp_path):
    """A published course with one Markdown lesson and a course picture; its class's student is enrolled."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection

    from apps.courses import services

    settings.MEDIA_ROOT = tmp_path
    organization = provisioned(plan="growth", name="Browser Editor School")
    with schema_context(organization.schema_name):
        room = classroom(organization)
        teacher, student, algebra = room.teacher, room.student, room.school_class
        course = services.course_create(actor=teacher, title="Fractions", summary="Parts of a whole.")
        module = services.module_create(actor=teacher, course=course, title="Halves")
        markdown = services.content_create(
            actor=teacher,
            module=module,
            kind="text",
            title="What is a half?",
            body="# A half\n\nOne of *two* equal parts.\n\n- cake\n- pizza",
        )
        services.media_upload(
            actor=teacher, course=course, upload=SimpleUploadedFile("pie chart.png", PNG_BYTES, "image/png")
        )
        services.course_publish(actor=teacher, course=course)
        services.enroll_assign(actor=teacher, course=course, classes=[algebra.pk])
    connection.set_schema_to_public()
    return organization, teacher, student, course, module, markdown


def stored(organization, item_pk):
    from django.db import connection

    from apps.courses.models import ContentItem

    with schema_context(organization.schema_name):
        item = ContentItem.objects.select_related("latest_version", "published_version").get(pk=item_pk)
        version = item.latest_version
    connection.set_schema_to_public()
    return item, version


def structure(locator) -> dict:
    return {
        "h2": locator.locator("h2").count(),
        "li": locator.locator("li").count(),
        "nested_li": locator.locator("li li").count(),
        "ol_li": locator.locator("ol > li").count(),
        "a_href": locator.locator("a[href]").count(),
        "img_src": locator.locator("img[src]").count(),
        "th": locator.locator("table th").count(),
        "td": locator.locator("table td").count(),
        "strong": locator.locator("strong").count(),
    }


def test_a_lesson_written_with_the_toolbar_is_stored_as_the_sanitizer_keeps_it(browser, server, school):
    from apps.courses.rendering import sanitize_html

    organization, teacher, student, course, module, _markdown = school
    watched = Watched(browser, server, organization, teacher)
    watched.context.add_init_script(path=str(AXE_SCRIPT))  # not subject to the page's policy
    page = watched.page
    try:
        page.goto(
            server.url(f"/courses/{course.pk}/modules/{module.pk}/content/new/text/", organization.slug)
        )
        page.get_by_label(re.compile(r"^Title")).fill("Halves and quarters")
        # A new lesson starts as formatted text: the toolbar and the editor instead of the textarea.
        expect(page.get_by_label("Format", exact=True)).to_have_value("html")
        toolbar = page.get_by_role("toolbar", name="Formatting")
        expect(toolbar).to_be_visible()
        expect(page.locator("textarea[name=body]")).to_be_hidden()
        editor = page.get_by_role("textbox", name="Text")
        button = lambda name: toolbar.get_by_role("button", name=name, exact=True)  # noqa: E731

        editor.click()
        button("Heading 2").click()
        expect(button("Heading 2")).to_have_attribute("aria-pressed", "true")
        page.keyboard.type("Halves and quarters")
        page.keyboard.press("Enter")
        page.keyboard.type("A fraction is ")
        button("Bold").click()
        page.keyboard.type("a part")
        button("Bold").click()
        page.keyboard.type(" of a whole.")
        page.keyboard.press("Enter")

        button("Bulleted list").click()
        page.keyboard.type("Halves")
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")  # a nested item
        page.keyboard.type("One of two")
        page.keyboard.press("Enter")
        page.keyboard.press("Shift+Tab")
        page.keyboard.type("Quarters")
        page.keyboard.press("Enter")
        page.keyboard.press("Enter")  # out of the list

        button("Numbered list").click()
        page.keyboard.type("Cut the cake")
        page.keyboard.press("Enter")
        page.keyboard.type("Share it")
        page.keyboard.press("Enter")
        page.keyboard.press("Enter")

        # A link through its dialog (Ctrl+K opens it too); a bad address is refused with a message.
        page.keyboard.type("Read: ")
        page.keyboard.press("Control+k")
        dialog = page.get_by_role("dialog", name="Link")
        expect(dialog).to_be_visible()
        dialog.get_by_label("Link address").fill("javascript:alert(1)")
        dialog.get_by_role("button", name="Apply").click()
        expect(dialog.get_by_text("Use an address starting with https://")).to_be_visible()
        dialog.get_by_label("Link address").fill("https://example.org/fractions?a=1&b=2")
        dialog.get_by_label("Link text").fill("the fractions page")
        dialog.get_by_role("button", name="Apply").click()
        expect(dialog).to_be_hidden()
        page.keyboard.press("End")
        page.keyboard.press("Enter")

        # The course's own picture, chosen in the image dialog; the alt text is required.
        button("Image…").click()
        dialog = page.get_by_role("dialog", name="Image")
        dialog.get_by_label("A picture of this course").select_option(label="pie chart.png")
        dialog.get_by_label("Alt text").fill("")
        dialog.get_by_role("button", name="Insert image").click()
        expect(dialog.get_by_text("Describe the picture")).to_be_visible()
        dialog.get_by_label("Alt text").fill("A pie cut in four")
        dialog.get_by_role("button", name="Insert image").click()
        expect(dialog).to_be_hidden()

        # The table buttons work only inside a table.
        expect(button("Add row")).to_be_disabled()
        button("Insert table").click()
        page.keyboard.type("Fraction")
        page.keyboard.press("Tab")
        page.keyboard.type("Decimal")
        page.keyboard.press("Tab")
        page.keyboard.type("Percent")
        page.keyboard.press("Tab")
        page.keyboard.type("1/2")
        expect(button("Add row")).to_be_enabled()
        button("Add row").click()
        button("Add column").click()

        # The toolbar is one tab stop, reached with Alt+F10 and walked with the arrow keys.
        editor.press("Alt+F10")
        focused = page.evaluate("document.activeElement.closest('[role=toolbar]') !== null")
        assert focused
        first = page.evaluate("document.activeElement.textContent")
        page.keyboard.press("ArrowRight")
        assert page.evaluate("document.activeElement.textContent") != first
        assert toolbar.locator("button[tabindex='0']").count() == 1
        page.keyboard.press("Escape")

        # The toolbar, the editor and its content pass axe's WCAG 2.1 A/AA checks.
        assert page.evaluate(RUN_AXE) == []

        written = structure(editor)
        assert written == {
            "h2": 1,
            "li": 5,
            "nested_li": 1,
            "ol_li": 2,
            "a_href": 1,
            "img_src": 1,
            "th": 4,
            "td": 12,
            "strong": 1,
        }

        # Preview: the server's rendering, as learners will see it, without saving.
        page.get_by_role("button", name="Preview", exact=True).click()
        preview = page.locator("#preview-body")
        expect(preview.locator("table th").first).to_be_visible()
        assert structure(preview) == written
        assert preview.locator("a[href]").get_attribute("rel") == "noopener noreferrer"

        page.get_by_role("button", name="Add and publish").click()
        expect(page).to_have_url(re.compile(rf"/courses/{course.pk}/edit/#item-\d+$"))
        item_pk = int(page.url.rsplit("-", 1)[1])
        item, version = stored(organization, item_pk)
        assert version.body_format == "html"
        assert version.body == sanitize_html(version.body)
        assert version.body_html == version.body
        assert item.published_version_id == version.pk
        assert (
            '<a href="https://example.org/fractions?a=1&amp;b=2" rel="noopener noreferrer">the fractions page</a>'
            in version.body
        )
        assert re.search(
            rf'<img src="/courses/{course.pk}/media/\d+/" alt="A pie cut in four">', version.body
        )
        assert re.sub(r"/courses/\d+/media/\d+/", "/courses/1/media/1/", version.body) == EDITOR_LESSON
        assert "<h2>Halves and quarters</h2>" in version.body
        assert "<strong>a part</strong>" in version.body
        assert "style=" not in version.body
        assert "colgroup" not in version.body
        assert "target=" not in version.body

        # Opened again, the lesson is formatted text with the same content.
        page.goto(server.url(f"/courses/{course.pk}/content/{item_pk}/edit/", organization.slug))
        expect(page.get_by_label("Format", exact=True)).to_have_value("html")
        assert structure(page.get_by_role("textbox", name="Text")) == written
        assert watched.violations() == []
    finally:
        watched.close()

    learner = Watched(browser, server, organization, student)
    try:
        learner.page.goto(server.url(f"/courses/{course.pk}/learn/{item_pk}/", organization.slug))
        body = learner.page.locator(".lesson-body")
        expect(body.locator("h2", has_text="Halves and quarters")).to_be_visible()
        assert structure(body) == written
        assert learner.violations() == []
    finally:
        learner.close()


def test_markdown_lessons_still_save_and_turn_into_formatted_text(browser, server, school):
    from apps.courses.rendering import render_markdown, sanitize_html

    organization, teacher, _student, course, _module, markdown = school
    watched = Watched(browser, server, organization, teacher)
    page = watched.page
    try:
        page.goto(server.url(f"/courses/{course.pk}/content/{markdown.pk}/edit/", organization.slug))
        # An existing Markdown lesson opens as Markdown: the textarea, no toolbar.
        expect(page.get_by_label("Format", exact=True)).to_have_value("markdown")
        textarea = page.locator("textarea[name=body]")
        expect(textarea).to_be_visible()
        expect(page.get_by_role("toolbar", name="Formatting")).to_be_hidden()
        textarea.fill("# A half\n\nOne of **two** equal parts.\n\n1. cake\n2. pizza")
        page.get_by_role("button", name="Save as a new version").click()
        expect(page.get_by_text("Saved as version 2")).to_be_visible()
        _item, version = stored(organization, markdown.pk)
        assert version.body_format == "markdown"
        assert version.body_html == render_markdown(version.body)
        assert "<strong>two</strong>" in version.body_html

        # Switched to HTML, the server renders the Markdown and the editor edits the result.
        page.get_by_label("Format", exact=True).select_option("html")
        editor = page.get_by_role("textbox", name="Text")
        expect(editor.locator("h1", has_text="A half")).to_be_visible()
        expect(editor.locator("ol > li")).to_have_count(2)
        expect(textarea).to_be_hidden()
        editor.locator("h1").click()
        page.keyboard.press("End")
        page.keyboard.type(" (½)")
        page.get_by_role("button", name="Save as a new version").click()
        expect(page.get_by_text("Saved as version 3")).to_be_visible()
        _item, version = stored(organization, markdown.pk)
        assert version.body_format == "html"
        assert version.body == sanitize_html(version.body)
        assert version.body.startswith("<h1>A half (½)</h1>")
        assert "<strong>two</strong>" in version.body
        assert "<ol><li><p>cake</p></li>" in version.body

        # And back to Markdown: the textarea, holding the HTML (which Markdown accepts).
        page.get_by_label("Format", exact=True).select_option("markdown")
        expect(textarea).to_be_visible()
        expect(textarea).to_have_value(version.body)
        assert watched.violations() == []
    finally:
        watched.close()


# An HTML lesson written elsewhere (the API, another editor): a target, styles, a <colgroup>, default spans.
FOREIGN_HTML = (
    '<h3 style="color:red">Recap</h3><blockquote><p>Half of <em>two</em> is <s>two</s> <u>one</u>.</p>'
    '</blockquote><pre><code class="language-python">print(1 / 2)</code></pre><p>Use <code>1/2</code>.<br>Next'
    '</p><hr><ol start="3"><li><p>third</p></li></ol><p><a href="https://example.org/" target="_blank" '
    'title="Example">site</a></p><table style="width:100%"><colgroup><col style="width:50px"></colgroup>'
    '<tbody><tr><th style="text-align:center">A</th><th>B</th></tr><tr><td align="right">1</td>'
    '<td colspan="1" rowspan="1">2</td></tr></tbody></table>'
)


def test_an_html_lesson_from_elsewhere_is_saved_as_the_sanitizer_keeps_it(browser, server, school):
    from django.db import connection

    from apps.courses import services
    from apps.courses.rendering import sanitize_html

    organization, teacher, _student, course, module, _markdown = school
    with schema_context(organization.schema_name):
        item = services.content_create(
            actor=teacher, module=module, kind="text", title="Recap", body=FOREIGN_HTML, body_format="html"
        )
    connection.set_schema_to_public()
    watched = Watched(browser, server, organization, teacher)
    page = watched.page
    try:
        page.goto(server.url(f"/courses/{course.pk}/content/{item.pk}/edit/", organization.slug))
        editor = page.get_by_role("textbox", name="Text")
        editor.locator("h3").click()
        page.keyboard.press("End")
        page.keyboard.type("!")
        page.get_by_role("button", name="Save as a new version").click()
        expect(page.get_by_text("Saved as version 2")).to_be_visible()
        _item, version = stored(organization, item.pk)
        assert version.body == sanitize_html(version.body)
        assert version.body == (
            "<h3>Recap!</h3><blockquote><p>Half of <em>two</em> is <s>two</s> <u>one</u>.</p></blockquote>"
            '<pre><code class="language-python">print(1 / 2)</code></pre><p>Use <code>1/2</code>.<br>Next</p>'
            '<hr><ol start="3"><li><p>third</p></li></ol><p><a href="https://example.org/" title="Example" '
            'rel="noopener noreferrer">site</a></p><table><tbody><tr><th align="center"><p>A</p></th><th><p>B'
            '</p></th></tr><tr><td align="right"><p>1</p></td><td><p>2</p></td></tr></tbody></table>'
        )
        assert watched.violations() == []
    finally:
        watched.close()
