"""Turning what teachers write into what browsers may safely show, and video URLs into embeds.

Everything a browser renders from a content item goes through `sanitize_html`: Markdown is rendered first,
then the HTML is cleaned with nh3 (the Rust `ammonia` sanitizer) against an allow-list. No script, event
handler, `javascript:` URL, style, form or frame survives; links get `rel="noopener noreferrer"`.
"""

import re
from urllib.parse import parse_qs, urlsplit

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "details", "div", "dl", "dt", "em",
    "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark",
    "ol", "p", "pre", "q", "s", "samp", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody",
    "td", "tfoot", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "ol": {"start"},
    "code": {"class"},
    "span": {"class"},
    "div": {"class"},
}
URL_SCHEMES = {"http", "https", "mailto"}
_markdown = MarkdownIt("commonmark", {"html": True, "linkify": False}).enable("table").enable("strikethrough")


def sanitize_html(html: str) -> str:
    return nh3.clean(
        html or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def render_markdown(text: str) -> str:
    """Markdown (raw HTML inside it allowed, then sanitized) to safe HTML."""
    return sanitize_html(_markdown.render(text or ""))


def render_body(body: str, body_format: str) -> str:
    return render_markdown(body) if body_format == "markdown" else sanitize_html(body)


# --- video embeds ------------------------------------------------------------------------------------------

_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
_NUMERIC = re.compile(r"^\d{1,12}$")
_LOOM_ID = re.compile(r"^[0-9a-f]{32}$")
VIDEO_PROVIDERS = ("YouTube", "Vimeo", "Loom")


def embed_url_for(video_url: str) -> str | None:
    """The player URL for a video page on an allowed provider, or None when the URL is not one of theirs.
    Only these players are ever put in an iframe, whatever a teacher pastes."""
    try:
        parts = urlsplit((video_url or "").strip())
    except ValueError:
        return None
    if parts.scheme not in ("http", "https"):
        return None
    host = (parts.hostname or "").lower()
    path = parts.path.rstrip("/")
    segments = [s for s in path.split("/") if s]
    if host in ("youtube.com", "www.youtube.com", "m.youtube.com", "www.youtube-nocookie.com"):
        video_id = None
        if path == "/watch":
            video_id = (parse_qs(parts.query).get("v") or [None])[0]
        elif len(segments) == 2 and segments[0] in ("embed", "shorts", "live"):
            video_id = segments[1]
        if video_id and _YOUTUBE_ID.match(video_id):
            return f"https://www.youtube-nocookie.com/embed/{video_id}"
        return None
    if host == "youtu.be" and len(segments) == 1 and _YOUTUBE_ID.match(segments[0]):
        return f"https://www.youtube-nocookie.com/embed/{segments[0]}"
    if host in ("vimeo.com", "www.vimeo.com") and len(segments) == 1 and _NUMERIC.match(segments[0]):
        return f"https://player.vimeo.com/video/{segments[0]}"
    if (
        host == "player.vimeo.com"
        and len(segments) == 2
        and segments[0] == "video"
        and _NUMERIC.match(segments[1])
    ):
        return f"https://player.vimeo.com/video/{segments[1]}"
    loom = host in ("loom.com", "www.loom.com") and len(segments) == 2 and segments[0] in ("share", "embed")
    if loom and _LOOM_ID.match(segments[1]):
        return f"https://www.loom.com/embed/{segments[1]}"
    return None
