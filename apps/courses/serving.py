"""Sending a stored file to someone who may see it (pages and API both call this after their selector said
yes). Files are never reachable by URL alone: every response is made by a view on the org's own host.

Byte ranges are honoured (a single `Range: bytes=a-b`), so browsers can seek in uploaded videos."""

import re

from django.conf import settings
from django.http import FileResponse, HttpResponse, HttpResponseRedirect, StreamingHttpResponse

from .models import MediaFile

INLINE_TYPES_PREFIXES = ("image/", "video/", "audio/")
INLINE_TYPES = frozenset({"application/pdf", "text/plain"})
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK = 64 * 1024


def _secure(response, content_type: str):
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    # Nothing in an uploaded file may run as a page of the org's site.
    response["Content-Security-Policy"] = (
        "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; sandbox"
    )
    response["Accept-Ranges"] = "bytes"
    return response


def _inline(content_type: str) -> bool:
    return content_type.startswith(INLINE_TYPES_PREFIXES) or content_type in INLINE_TYPES


def file_response(
    request, stored_file, *, content_type: str, filename: str, size: int, download: bool = False
):
    attachment = download or not _inline(content_type)
    if settings.MEDIA_STORAGE == "s3":
        # Object storage serves the bytes (and ranges) itself: after the permission check the browser gets a
        # short-lived signed URL instead of the app streaming large videos through a web worker.
        disposition = "attachment" if attachment else "inline"
        url = stored_file.storage.url(
            stored_file.name,
            parameters={
                "ResponseContentType": content_type,
                "ResponseContentDisposition": f"{disposition}; filename*=UTF-8''{_quote(filename)}",
            },
        )
        response = HttpResponseRedirect(url)
        response["Cache-Control"] = "private, no-store"
        return response
    header = request.headers.get("Range", "")
    match = _RANGE.match(header.strip()) if header else None
    if match and size:
        first, last = match.groups()
        if first == "" and last == "":
            match = None
        else:
            if first == "":
                start, end = max(size - int(last), 0), size - 1
            else:
                start, end = int(first), min(int(last) if last else size - 1, size - 1)
            if start > end or start >= size:
                response = HttpResponse(status=416)
                response["Content-Range"] = f"bytes */{size}"
                return _secure(response, content_type)
            handle = stored_file.open("rb")
            handle.seek(start)

            def chunks(remaining=end - start + 1):
                try:
                    while remaining > 0:
                        data = handle.read(min(CHUNK, remaining))
                        if not data:
                            break
                        remaining -= len(data)
                        yield data
                finally:
                    handle.close()

            response = StreamingHttpResponse(chunks(), status=206, content_type=content_type)
            response["Content-Range"] = f"bytes {start}-{end}/{size}"
            response["Content-Length"] = str(end - start + 1)
            disposition = "attachment" if attachment else "inline"
            response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{_quote(filename)}"
            return _secure(response, content_type)
    response = FileResponse(
        stored_file.open("rb"), content_type=content_type, as_attachment=attachment, filename=filename
    )
    return _secure(response, content_type)


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name, safe="")


def media_response(request, media: MediaFile, *, download: bool = False):
    return file_response(
        request,
        media.file,
        content_type=media.content_type,
        filename=media.original_name,
        size=media.size,
        download=download,
    )


def cover_response(request, course):
    name = course.cover.name
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    content_type = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif"}.get(
        suffix, "image/webp" if suffix == "webp" else "application/octet-stream"
    )
    return file_response(
        request,
        course.cover,
        content_type=content_type,
        filename=f"cover.{suffix or 'img'}",
        size=course.cover.size,
    )
