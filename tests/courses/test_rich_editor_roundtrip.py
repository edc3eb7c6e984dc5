"""The lesson editor's rich text and the sanitizer agree: HTML as the editor (TipTap, configured in
static/js/lesson_editor.js) writes it passes sanitize_html unchanged, so what a teacher saves is what learners
get. The preview endpoint shows a draft as learners will see it (the server's render_body), to the course's
editors only; the Preview button works without JavaScript and saves nothing; the API sanitizes HTML bodies
the same way. tests/browser/test_rich_editor.py drives the real editor in Chromium."""

import pytest

from apps.courses import services
from apps.courses.models import ContentItem, ContentVersion
from apps.courses.rendering import render_body, render_markdown, sanitize_html
from tests.api.helpers import assert_ok
from tests.conftest import browser_for, client_for, in_org, jwt_for, person

pytestmark = pytest.mark.django_db

# What the editor stores for the lesson tests/browser/test_rich_editor.py writes with the toolbar (that test
# checks it is exactly this, the course and file ids aside): a heading, bold, a bulleted list with a nested item, a numbered list, a link, a course
# picture and a table whose header row is <th> cells.
EDITOR_LESSON = (
    "<h2>Halves and quarters</h2><p>A fraction is <strong>a part</strong> of a whole.</p><ul><li><p>Halves</p>"
    "<ul><li><p>One of two</p></li></ul></li><li><p>Quarters</p></li></ul><ol><li><p>Cut the cake</p></li><li>"
    '<p>Share it</p></li></ol><p>Read: <a href="https://example.org/fractions?a=1&amp;b=2" rel="noopener '
    'noreferrer">the fractions page</a></p><img src="/courses/1/media/1/" alt="A pie cut in four"><table><tbody>'
    "<tr><th><p>Fraction</p></th><th><p></p></th><th><p>Decimal</p></th><th><p>Percent</p></th></tr><tr><td><p>"
    "1/2</p></td><td><p></p></td><td><p></p></td><td><p></p></td></tr><tr><td><p></p></td><td><p></p></td><td>"
    "<p></p></td><td><p></p></td></tr><tr><td><p></p></td><td><p></p></td><td><p></p></td><td><p></p></td></tr>"
    "</tbody></table>"
)
# The rest of what the toolbar and its shortcuts make (and what a lesson written elsewhere becomes in it).
EDITOR_BLOCKS = (
    "<h3>Recap!</h3><blockquote><p>Half of <em>two</em> is <s>two</s> <u>one</u>.</p></blockquote>"
    '<pre><code class="language-python">print(1 / 2)\n    x = "a &lt; b"</code></pre><p>Use <code>1/2</code>.'
    '<br>Next</p><hr><ol start="3"><li><p>third</p><ol><li><p>nested</p></li></ol></li></ol><p><a href="/cour'
    'ses/" title="Example" rel="noopener noreferrer">site</a> and <a href="mailto:t@example.org" rel="noopener '
    'noreferrer">mail</a></p><img src="https://example.org/pie.png" alt="Pie &quot;chart&quot;"><table><tbody>'
    '<tr><th align="center"><p>A</p></th><th colspan="2"><p>B</p></th></tr><tr><td align="right"><p>1</p></td>'
    '<td rowspan="2"><p>2</p></td><td><p>&nbsp;3 &amp; 4</p></td></tr></tbody></table>'
)


@pytest.mark.parametrize("html", [EDITOR_LESSON, EDITOR_BLOCKS], ids=["toolbar-lesson", "other-blocks"])
def test_html_as_the_editor_writes_it_passes_the_sanitizer_unchanged(html):
    assert sanitize_html(html) == html
    assert render_body(html, "html") == html


@pytest.mark.parametrize(
    ("written", "kept"),
    [
        # What TipTap writes by default, and why lesson_editor.js configures it otherwise.
        ('<a target="_blank" rel="noopener noreferrer nofollow" href="/x">x</a>', '<a href="/x" rel="noopener noreferrer">x</a>'),
        ('<a rel="noopener noreferrer" href="/x">x</a>', '<a href="/x" rel="noopener noreferrer">x</a>'),
        ('<table style="min-width: 25px"><colgroup><col style="min-width: 25px"></colgroup><tbody><tr><td>a</td></tr></tbody></table>',
         "<table><tbody><tr><td>a</td></tr></tbody></table>"),
        ('<td style="text-align: center">a</td>', "a"),  # a cell outside a table is not kept either
        ('<table><tbody><tr><td colwidth="120" style="text-align: right">a</td></tr></tbody></table>',
         "<table><tbody><tr><td>a</td></tr></tbody></table>"),
    ],
)  # fmt: skip
def test_what_tiptap_writes_by_default_would_not_survive_the_sanitizer(written, kept):
    assert sanitize_html(written) == kept != written


def test_markdown_turned_into_html_for_the_editor_is_what_learners_saw():
    markdown = "# A half\n\nOne of **two** parts: [more](https://example.org/).\n\n- cake\n  - pie\n\n| a | b |\n|---|---|\n| 1 | 2 |"
    html = render_body(markdown, "markdown")
    assert html == render_markdown(markdown)
    assert sanitize_html(html) == html
    assert '<a href="https://example.org/" rel="noopener noreferrer">more</a>' in html
    assert "<th>a</th>" in html
    assert "<li>pie</li>" in html


# --- the preview endpoint ---------------------------------------------------------------------------------


def preview_url(course) -> str:
    return f"/courses/{course.pk}/content/preview/"


def test_the_preview_shows_a_draft_as_learners_will_see_it_and_saves_nothing(acme, acme_course):
    client = browser_for(acme, person(acme, "teacher"))
    with in_org(acme):
        versions = ContentVersion.objects.count()

    markdown = client.post(
        preview_url(acme_course), {"body": "# Hi\n\n<script>x</script>\n\n*there*", "body_format": "markdown"}
    )
    html = client.post(
        preview_url(acme_course),
        {
            "body": '<h2 style="color:red" onclick="x()">Hi</h2><a href="javascript:alert(1)">x</a>',
            "body_format": "html",
        },
        content_type="application/json",
    )
    editor_html = client.post(
        preview_url(acme_course),
        {"body": EDITOR_LESSON, "body_format": "html"},
        content_type="application/json",
    )

    assert markdown.status_code == 200
    assert markdown.json() == {"html": render_markdown("# Hi\n\n<script>x</script>\n\n*there*")}
    assert "<script" not in markdown.json()["html"]
    assert "<p><em>there</em></p>" in markdown.json()["html"]
    assert html.json() == {"html": '<h2>Hi</h2><a rel="noopener noreferrer">x</a>'}
    assert editor_html.json() == {"html": EDITOR_LESSON}
    with in_org(acme):
        assert ContentVersion.objects.count() == versions


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"body": "x", "body_format": "rtf"}, "body_format"),
        ({"body": "x"}, "body_format"),
        ({"body": "x" * 200_001, "body_format": "html"}, "body"),
    ],
)
def test_a_bad_preview_answers_400_with_the_field(acme, acme_course, data, field):
    client = browser_for(acme, person(acme, "teacher"))

    response = client.post(preview_url(acme_course), data, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "VALIDATION_ERROR"
    assert list(response.json()["error"]["fields"]) == [field]


def test_a_preview_that_is_not_a_json_object_answers_400(acme, acme_course):
    client = browser_for(acme, person(acme, "teacher"))

    response = client.post(preview_url(acme_course), "[1, 2", content_type="application/json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "BAD_REQUEST"


@pytest.mark.parametrize(
    ("local", "status"), [("student", 403), ("south-teacher", 404), ("manager", 200), ("orgadmin", 200)]
)
def test_only_the_courses_editors_may_preview(acme, acme_course, local, status):
    client = browser_for(acme, person(acme, local))

    response = client.post(preview_url(acme_course), {"body": "*x*", "body_format": "markdown"})

    assert response.status_code == status


def test_previewing_needs_a_post_and_a_sign_in(acme, acme_course):
    assert browser_for(acme, person(acme, "teacher")).get(preview_url(acme_course)).status_code == 405
    anonymous = browser_for(acme).post(preview_url(acme_course), {"body": "x", "body_format": "markdown"})
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")


# --- the lesson page: Preview without JavaScript, the editor's markup -------------------------------------


def _lesson(acme, course) -> ContentItem:
    with in_org(acme):
        return ContentItem.objects.filter(course=course).order_by("module__position", "position").first()


def test_the_preview_button_without_javascript_renders_the_text_and_saves_nothing(acme, acme_course):
    client = browser_for(acme, person(acme, "teacher"))
    lesson = _lesson(acme, acme_course)
    with in_org(acme):
        before = ContentVersion.objects.count()
        module = lesson.module

    edit = client.post(
        f"/courses/{acme_course.pk}/content/{lesson.pk}/edit/",
        {
            "title": "Changed",
            "body": "## Draft <script>x</script>",
            "body_format": "markdown",
            "preview": "1",
        },
    )
    create = client.post(
        f"/courses/{acme_course.pk}/modules/{module.pk}/content/new/text/",
        {"title": "New", "body": EDITOR_LESSON, "body_format": "html", "preview": "1"},
    )

    assert edit.status_code == 200
    page = edit.content.decode()
    assert '<div class="rich-text lesson-body" id="preview-body"><h2>Draft </h2>' in page
    assert "<script>x</script>" not in page
    assert create.status_code == 200
    assert f'id="preview-body">{EDITOR_LESSON}</div>' in create.content.decode()
    with in_org(acme):
        assert ContentVersion.objects.count() == before
        assert ContentItem.objects.filter(title="New").count() == 0
        lesson.refresh_from_db()
        assert lesson.title != "Changed"


def test_the_lesson_page_offers_the_rich_editor_and_the_course_pictures(
    acme, acme_course, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.courses.conftest import PNG_BYTES

    settings.MEDIA_ROOT = tmp_path
    teacher = person(acme, "teacher")
    lesson = _lesson(acme, acme_course)
    with in_org(acme):
        picture = services.media_upload(
            actor=teacher, course=acme_course, upload=SimpleUploadedFile("pie.png", PNG_BYTES, "image/png")
        )
        services.media_upload(  # a file of a lesson is not offered: learners may not be able to open it
            actor=teacher,
            course=acme_course,
            item=lesson,
            upload=SimpleUploadedFile("private.png", PNG_BYTES, "image/png"),
        )

    response = browser_for(acme, teacher).get(f"/courses/{acme_course.pk}/content/{lesson.pk}/edit/")

    page = response.content.decode()
    assert response.status_code == 200
    assert 'src="/static/vendor/tiptap/tiptap.bundle.min.js"' in page
    assert 'src="/static/js/lesson_editor.js"' in page
    assert 'role="toolbar" aria-label="Formatting"' in page
    assert f'data-preview-url="/courses/{acme_course.pk}/content/preview/"' in page
    assert f'<option value="/courses/{acme_course.pk}/media/{picture.pk}/">pie.png</option>' in page
    assert "private.png" not in page
    assert 'id="preview-body"></div>' in page  # no preview until asked for
    assert "<textarea" in page  # the fallback without JavaScript


# --- the API sanitizes HTML bodies as the pages do ---------------------------------------------------------


def test_the_api_stores_html_bodies_as_sent_and_shows_them_sanitized(acme, acme_course, acme_teacher):
    client = client_for(acme.slug, token=jwt_for(acme, acme_teacher))
    with in_org(acme):
        module = acme_course.modules.first()
    dirty = (
        '<h2 style="color:red">Hi</h2><a href="https://example.org/" target="_blank">x</a><script>y</script>'
    )

    clean = assert_ok(
        client.post(
            f"/api/v1/courses/{acme_course.pk}/content",
            {
                "module": module.pk,
                "kind": "text",
                "title": "From the editor",
                "body": EDITOR_LESSON,
                "body_format": "html",
            },
            format="json",
        ),
        201,
    )
    messy = assert_ok(
        client.patch(f"/api/v1/content/{clean['id']}", {"body": dirty, "body_format": "html"}, format="json")
    )

    assert (clean["body_format"], clean["body"], clean["body_html"]) == ("html", EDITOR_LESSON, EDITOR_LESSON)
    assert messy["body"] == dirty
    assert (
        messy["body_html"]
        == sanitize_html(dirty)
        == '<h2>Hi</h2><a href="https://example.org/" rel="noopener noreferrer">x</a>'
    )
