"""What teachers write never reaches a browser as script: every text lesson is rendered and sanitized on save,
and only allow-listed video players are ever embedded."""

from html.parser import HTMLParser

import pytest

from apps.core.errors import ValidationFailed
from apps.courses import services
from apps.courses.rendering import ALLOWED_TAGS, embed_url_for, render_body
from tests.conftest import in_org

HOSTILE_HTML = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src="x" onerror="alert(1)">',
    "<img src=x onerror=alert(1)//",
    '<body onload="alert(1)">',
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JaVaScRiPt:alert(1)">click</a>',
    '<a href="jav&#x09;ascript:alert(1)">click</a>',
    '<a href="  javascript:alert(1)">click</a>',
    '<a href="vbscript:msgbox(1)">click</a>',
    '<svg onload="alert(1)"><circle r="4"/></svg>',
    '<svg><script>alert(1)</script><animate onbegin="alert(1)"/></svg>',
    '<iframe src="https://evil.example/"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<p style="background:url(javascript:alert(1))">styled</p>',
    '<div style="width: expression(alert(1))">ie</div>',
    "<style>body { background: url(javascript:alert(1)) }</style>",
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data</a>',
    '<img src="data:image/svg+xml,&lt;svg onload=alert(1)&gt;">',
    '<object data="evil.swf"></object><embed src="evil.swf">',
    '<form action="https://evil.example/"><input name="password"><button>Go</button></form>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    '<base href="https://evil.example/">',
    "<div><p><b>unclosed <i>nesting</div><scr<script>ipt>alert(1)</script>",
    "<<script>script>alert(1)<</script>/script>",
    '<math><mtext><table><mglyph><style><img src=x onerror="alert(1)">',
    '<details open ontoggle="alert(1)"><summary>x</summary></details>',
    '<a href="https://ok.example/" onclick="alert(1)" target="_blank">ok</a>',
    "<!-- <script>alert(1)</script> --><p>after a comment</p>",
    '<table background="javascript:alert(1)"><tr><td onmouseover="alert(1)">cell</td></tr></table>',
    '<video src="x" onerror="alert(1)"></video><audio src=x onerror=alert(1)>',
    '<span class="x" id="login" name="csrfmiddlewaretoken">clobber</span>',
]

HOSTILE_MARKDOWN = [
    "# Title\n\n<script>alert(1)</script>\n\nText.",
    "[click me](javascript:alert(1))",
    "[click me](JAVASCRIPT:alert(1))",
    "![img](javascript:alert(1))",
    '![img](x "title" onerror=alert(1))',
    "<img src=x onerror=alert(1)>\n\nparagraph",
    '<div onclick="alert(1)">\n\n*markdown inside raw html*\n\n</div>',
    "```html\n<script>alert(1)</script>\n```",
    "[data](data:text/html;base64,PHNjcmlwdD4=)",
    "<iframe src=https://evil.example/></iframe>\n\n> quoted <svg onload=alert(1)>",
    "[ref]\n\n[ref]: javascript:alert(1)",
]
SAFE_SCHEMES = ("http://", "https://", "mailto:")


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def assert_safe(html: str) -> None:
    """No tag outside the allow-list, no event handler or style, no URL with a scheme other than http(s) or
    mailto, and every link opens without a window reference."""
    lowered = html.lower()
    for needle in ("<script", "<iframe", "<svg", "<style", "<object", "<embed", "<form"):
        assert needle not in lowered, f"{needle!r} survived in {html!r}"
    collector = _Collector()
    collector.feed(html)
    for tag, attrs in collector.elements:
        assert tag in ALLOWED_TAGS, f"<{tag}> survived in {html!r}"
        for name, value in attrs.items():
            assert not name.startswith("on"), f"{name} survived in {html!r}"
            assert name not in ("style", "srcdoc", "background", "id", "name", "target"), html
            if name in ("href", "src"):
                value = (value or "").strip().lower()
                assert ":" not in value.split("/", 1)[0] or value.startswith(SAFE_SCHEMES), html
        if tag == "a":
            assert attrs.get("rel") == "noopener noreferrer", html


@pytest.mark.parametrize("body", HOSTILE_HTML)
def test_hostile_html_is_sanitized(body):
    assert_safe(render_body(body, "html"))


@pytest.mark.parametrize("body", HOSTILE_MARKDOWN)
def test_hostile_markdown_is_sanitized(body):
    assert_safe(render_body(body, "markdown"))


def test_harmless_markup_survives_with_safe_links():
    html = render_body(
        "## Fractions\n\nA **half** is `1/2`; see [the guide](https://example.org/guide).\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n- one\n- two",
        "markdown",
    )

    assert "<h2>Fractions</h2>" in html
    assert "<strong>half</strong>" in html
    assert "<code>1/2</code>" in html
    assert '<a href="https://example.org/guide" rel="noopener noreferrer">the guide</a>' in html
    assert "<table>" in html
    assert "<td>2</td>" in html
    assert "<li>one</li>" in html


def test_text_inside_removed_script_is_not_kept_as_code():
    html = render_body('<p>before</p><script>document.cookie="x"</script><p>after</p>', "html")

    assert html == "<p>before</p><p>after</p>"


def test_a_saved_text_lesson_stores_only_sanitized_html(acme, acme_teacher, acme_course):
    hostile = '# Lesson\n\n<img src=x onerror="alert(1)"><script>steal()</script>[x](javascript:alert(1))'
    with in_org(acme):
        module = acme_course.modules.first()
        item = services.content_create(
            actor=acme_teacher, module=module, kind="text", title="Hostile", body=hostile
        )
        services.content_update(
            actor=acme_teacher, item=item, body="<svg onload=alert(2)>", body_format="html"
        )
        item.refresh_from_db()
        versions = list(item.versions.order_by("number"))

    assert [v.body for v in versions] == [hostile, "<svg onload=alert(2)>"]  # kept as written
    assert versions[0].body_html.startswith("<h1>Lesson</h1>")
    for version in versions:
        assert_safe(version.body_html)
    assert versions[1].body_html == ""


def test_course_descriptions_are_sanitized(acme, acme_teacher):
    with in_org(acme):
        course = services.course_create(
            actor=acme_teacher,
            title="Described",
            description="Intro <script>x()</script><a href=javascript:x>l</a>",
        )
        services.course_update(actor=acme_teacher, course=course, description="<iframe src=//e></iframe>Two")

    assert course.description_html == "Two"


# --- video embeds --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "embed"),
    [
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        (
            "https://youtube.com/watch?v=dQw4w9WgXcQ&t=42s",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
        ),
        ("https://m.youtube.com/watch?v=dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        ("https://youtu.be/dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        ("https://www.youtube.com/embed/dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        ("https://www.youtube.com/shorts/dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        (
            " http://www.youtube.com/watch?v=dQw4w9WgXcQ ",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
        ),
        ("https://vimeo.com/76979871", "https://player.vimeo.com/video/76979871"),
        ("https://player.vimeo.com/video/76979871", "https://player.vimeo.com/video/76979871"),
        (
            "https://www.loom.com/share/0123456789abcdef0123456789abcdef",
            "https://www.loom.com/embed/0123456789abcdef0123456789abcdef",
        ),
        (
            "https://loom.com/embed/0123456789abcdef0123456789abcdef",
            "https://www.loom.com/embed/0123456789abcdef0123456789abcdef",
        ),
    ],
)
def test_videos_of_allowed_providers_get_their_player(url, embed):
    assert embed_url_for(url) == embed


@pytest.mark.parametrize(
    "url",
    [
        "https://youtube.com.evil.org/watch?v=dQw4w9WgXcQ",
        "https://evil.org/youtube.com/watch?v=dQw4w9WgXcQ",
        "https://www.youtube.com@evil.org/watch?v=dQw4w9WgXcQ",
        "https://notyoutube.com/watch?v=dQw4w9WgXcQ",
        "https://youtu.be.evil.org/dQw4w9WgXcQ",
        "https://vimeo.com.evil.org/76979871",
        "https://evilvimeo.com/76979871",
        "https://www.loom.com.evil.org/share/0123456789abcdef0123456789abcdef",
        "http://evil/embed/dQw4w9WgXcQ",
        "https://evil.example/embed?src=https://www.youtube.com/embed/dQw4w9WgXcQ",
        "javascript:alert(1)//https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        "data:text/html,<script>alert(1)</script>",
        "//www.youtube.com/watch?v=dQw4w9WgXcQ",
        "ftp://www.youtube.com/watch?v=dQw4w9WgXcQ",
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ%22onload%3D%22alert(1)",
        "https://www.youtube.com/watch?v=short",
        "https://www.youtube.com/embed/dQw4w9WgXcQ/../../evil",
        "https://vimeo.com/channels/staffpicks",
        "https://www.loom.com/share/not-a-loom-id",
        "https://[::1]:80/embed",
        "",
    ],
)
def test_other_video_urls_are_refused(url):
    assert embed_url_for(url) is None


def test_a_video_lesson_stores_the_player_url_and_refuses_lookalikes(acme, acme_teacher, acme_course):
    with in_org(acme):
        module = acme_course.modules.first()
        item = services.content_create(
            actor=acme_teacher,
            module=module,
            kind="video",
            title="Watch",
            video_url="https://youtu.be/dQw4w9WgXcQ",
        )
        with pytest.raises(ValidationFailed) as error:
            services.content_update(
                actor=acme_teacher, item=item, video_url="https://youtube.com.evil.org/watch?v=dQw4w9WgXcQ"
            )
        item.refresh_from_db()

        assert item.latest_version.embed_url == "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
        assert item.versions.count() == 1
    assert "video_url" in error.value.details
