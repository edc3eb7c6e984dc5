"""Requests no view can handle are refused before any view runs, the same way on every host and path.

- A NUL character in the path or the query string (`%00`): PostgreSQL text cannot hold one, so any lookup or
  filter that passed it on would fail with a server error. 400 (`BAD_REQUEST` in the envelope on the API,
  the "bad request" page elsewhere).
- A body larger than the request may be, read from Content-Length before a byte of it is read: a multipart
  upload may carry one file of up to MEDIA_MAX_UPLOAD_MB plus DATA_UPLOAD_MAX_MEMORY_SIZE of other fields,
  any other body (JSON, a form) DATA_UPLOAD_MAX_MEMORY_SIZE. 413 (`PAYLOAD_TOO_LARGE` / a page saying so).
"""

from django.conf import settings
from django.shortcuts import render

from .api.envelope import error_response, is_api_path
from .errors import ErrorCode

NUL_MESSAGE = "The address may not contain the NUL character (%00)."
TOO_LARGE_MESSAGE = "The request body is larger than this endpoint accepts."


def has_nul(request) -> bool:
    query = request.META.get("QUERY_STRING", "")
    return "\x00" in request.path_info or "%00" in query or "\x00" in query


def max_body_bytes(request) -> int | None:
    """The largest body this request may carry, or None for no limit."""
    fields_limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if request.META.get("CONTENT_TYPE", "").lower().startswith("multipart/"):
        return settings.MEDIA_MAX_UPLOAD_MB * 1024 * 1024 + (fields_limit or 0)
    return fields_limit


def content_length(request) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


def too_large_response(request):
    if is_api_path(request.path):
        return error_response(413, str(ErrorCode.PAYLOAD_TOO_LARGE), TOO_LARGE_MESSAGE)
    context = {"limit_mb": settings.MEDIA_MAX_UPLOAD_MB}
    return render(request, "errors/413.html", context, status=413)


def bad_request_response(request, message: str):
    if is_api_path(request.path):
        return error_response(400, str(ErrorCode.BAD_REQUEST), message)
    return render(request, "errors/400.html", status=400)


class RequestGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if has_nul(request):
            return bad_request_response(request, NUL_MESSAGE)
        limit = max_body_bytes(request)
        if limit is not None and content_length(request) > limit:
            return too_large_response(request)
        return self.get_response(request)
