"""What every courses API view shares: who may call a method at all, lookups that answer 404 for what the
caller may not know of, and validation that answers 400 with field details.

A view declares, per HTTP method, what the caller must be::

    access = {"POST": AUTHOR, "DELETE": AUTHOR}   # methods not named: any member of the organization

AUTHOR is a Teacher, Branch Manager or Org Admin (who may create courses and assign learners); ADMIN an Org
Admin. A caller who may never do the action (a Student editing a course) is refused with 403 before any
object is looked up, so the answer is the same whatever id they name. Others get 404 for objects they may not
know of (from the selectors) and 403 from the services for objects they see but may not change.
"""

from django.http import Http404
from rest_framework.response import Response

from apps.accounts.scoped_api import ADMIN, AUTHOR, MEMBER, ScopedApiView
from apps.core.api.negotiation import AnyAcceptNegotiation
from apps.core.errors import PermissionDenied

from .. import selectors

__all__ = ["ADMIN", "AUTHOR", "MEMBER", "CourseApiView", "FileView", "show"]


class CourseApiView(ScopedApiView):
    """Role checks per method with `access` (apps.accounts.scoped_api: MEMBER, AUTHOR, ADMIN), the
    viewer's scope in serializer context, valid(), listing() and one() come from ScopedApiView."""

    api_key_scope = "courses"

    # --- lookups: None from a selector is 404 -----------------------------------------------------------

    def get_course(self, pk=None):
        course = selectors.course_get(viewer=self.request.user, pk=self.kwargs["pk"] if pk is None else pk)
        if course is None:
            raise Http404
        return course

    def find_course(self, pk=None):
        """The course, bare (selectors.course_find): for views that list its rows and show nothing of it."""
        course = selectors.course_find(viewer=self.request.user, pk=self.kwargs["pk"] if pk is None else pk)
        if course is None:
            raise Http404
        return course

    def get_item(self, pk=None):
        item = selectors.content_get(viewer=self.request.user, pk=self.kwargs["pk"] if pk is None else pk)
        if item is None:
            raise Http404
        return item

    def find_item(self, pk=None, media: bool = False):
        """The item, lean (selectors.content_find): with its course, for views that list its rows."""
        pk = self.kwargs["pk"] if pk is None else pk
        item = selectors.content_find(viewer=self.request.user, pk=pk, media=media)
        if item is None:
            raise Http404
        return item

    def editor_of(self, course) -> bool:
        return selectors.viewer_can_edit(self.request.user, course)

    def require_editor(self, course) -> None:
        """For reads only editors may make (versions): the caller sees the course, so 403, not 404."""
        if not self.editor_of(course):
            raise PermissionDenied(
                "Only this course's teachers, its branches' managers and Org Admins may see this."
            )


def show(item, *, editor: bool):
    """Mark which version of `item` the viewer sees (what ContentSerializer reads)."""
    item.viewer_edits = editor
    item.shown_version = item.latest_version if editor else item.published_version
    return item


class FileView(CourseApiView):
    """A view that answers with a file's bytes (not an envelope) when it succeeds."""

    content_negotiation_class = AnyAcceptNegotiation
    pagination_class = None

    def finalize_response(self, request, response, *args, **kwargs):
        if not isinstance(response, Response):
            self._sparse_fields = None  # nothing to prune in a file
        return super().finalize_response(request, response, *args, **kwargs)
