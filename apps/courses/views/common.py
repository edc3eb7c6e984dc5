"""What every course page shares: finding the course (404 for what the viewer may not know of, as for what
does not exist), the 403 page for what they see but may not do, and turning service errors into pages."""

import json
from functools import wraps

from django.http import Http404, JsonResponse
from django.utils.translation import gettext_lazy

from apps.accounts.permissions import scope_of
from apps.core.errors import ApplicationError, ValidationFailed

# The page helpers every app shares, re-exported so course views import them with the course ones.
from apps.core.pages import act, forbidden, member_required, message_for, refusal, submit  # noqa: F401

from .. import selectors
from ..permissions import can_author

EDIT_FORBIDDEN = gettext_lazy(
    "Only this course's teachers, its branches' managers and Org Admins may change it."
)
AUTHOR_FORBIDDEN = gettext_lazy("Only Teachers, Branch Managers and Org Admins may do this.")


def course_or_404(request, pk):
    course = selectors.course_get(viewer=request.user, pk=pk)
    if course is None:
        raise Http404
    return course


def course_view(*, edit: bool = False, author: bool = False):
    """Decorate a page of one course: signed-in members only, `pk` becomes the course the viewer may see
    (404 otherwise); `edit` also needs the right to change it, `author` to assign learners (403)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, pk, *args, **kwargs):
            course = course_or_404(request, pk)
            if edit and not selectors.viewer_can_edit(request.user, course):
                return forbidden(request, EDIT_FORBIDDEN)
            if author and not can_author(scope_of(request.user)):
                return forbidden(request, AUTHOR_FORBIDDEN)
            return view(request, course, *args, **kwargs)

        return member_required(wrapped)

    return decorator


def module_in(request, course, pk):
    module = selectors.module_get(viewer=request.user, pk=pk)
    if module is None or module.course_id != course.pk:
        raise Http404
    return module


def item_in(request, course, pk):
    item = selectors.content_get(viewer=request.user, pk=pk)
    if item is None or item.course_id != course.pk:
        raise Http404
    return item


def version_of(item, number):
    version = selectors.version_get(item=item, number=number)
    if version is None:
        raise Http404
    return version


def posted(request) -> dict:
    """The request's data: a JSON object (what the scripts send) or the form fields."""
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except (ValueError, UnicodeDecodeError):
            return {"__invalid__": True}
        return data if isinstance(data, dict) else {"__invalid__": True}
    return {
        key: request.POST.getlist(key) if key == "order" else request.POST.get(key) for key in request.POST
    }


def json_error(exc: ApplicationError) -> JsonResponse:
    body = {"error": {"code": str(exc.code), "message": message_for(exc)}}
    if isinstance(exc, ValidationFailed):
        body["error"]["fields"] = exc.field_errors
    return JsonResponse(body, status=exc.status_code)


def json_bad_request(message: str) -> JsonResponse:
    return JsonResponse({"error": {"code": "BAD_REQUEST", "message": message}}, status=400)


def order_ids(value) -> list | None:
    """An order as sent: a list (JSON, or repeated form fields) or one comma-separated string."""
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], str) and "," in value[0]:
        value = value[0]
    if isinstance(value, str):
        value = [part.strip() for part in value.split(",") if part.strip()]
    return value if isinstance(value, list) else None


def minutes(seconds: int | None) -> str:
    seconds = int(seconds or 0)
    if seconds < 60:
        return f"{seconds} s"
    hours, rest = divmod(seconds // 60, 60)
    return f"{hours} h {rest} min" if hours else f"{rest} min"
