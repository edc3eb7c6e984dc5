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
from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.response import Response

from apps.accounts.permissions import IsOrgMember, scope_of
from apps.core.api.views import ApiGenericView
from apps.core.errors import PermissionDenied

from .. import selectors
from ..permissions import can_author

MEMBER = "member"
AUTHOR = "author"  # Teacher, Branch Manager or Org Admin
ADMIN = "admin"  # Org Admin

_MESSAGES = {
    AUTHOR: "Only Teachers, Branch Managers and Org Admins may do this.",
    ADMIN: "Only Org Admins may do this.",
}


class CourseAccess(IsOrgMember):
    def has_permission(self, request, view) -> bool:
        if not super().has_permission(request, view):
            return False
        need = getattr(view, "access", {}).get(request.method, MEMBER)
        scope = scope_of(request.user)
        allowed = {MEMBER: True, AUTHOR: can_author(scope), ADMIN: scope.is_org_admin}[need]
        if not allowed:
            self.message = _MESSAGES[need]
        return allowed


class CourseApiView(ApiGenericView):
    permission_classes = [CourseAccess]
    api_key_scope = "courses"
    access: dict[str, str] = {}

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["scope"] = scope_of(self.request.user)
        return context

    # --- request and response ---------------------------------------------------------------------------

    def valid(self, serializer_class, *, partial: bool | None = None, data=None) -> dict:
        """The request body, validated; PATCH is partial unless told otherwise."""
        if partial is None:
            partial = self.request.method == "PATCH"
        serializer = serializer_class(
            data=self.request.data if data is None else data,
            partial=partial,
            context=self.get_serializer_context(),
        )
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def listing(self, queryset, serializer_class=None, prepare=None):
        page = self.paginate_queryset(self.filter_queryset(queryset))
        if prepare is not None:
            prepare(page)
        serializer_class = serializer_class or self.get_serializer_class()
        return self.get_paginated_response(
            serializer_class(page, many=True, context=self.get_serializer_context()).data
        )

    def one(
        self, instance, serializer_class=None, status: int = 200, context: dict | None = None
    ) -> Response:
        serializer_class = serializer_class or self.get_serializer_class()
        full_context = {**self.get_serializer_context(), **(context or {})}
        return Response(serializer_class(instance, context=full_context).data, status=status)

    # --- lookups: None from a selector is 404 -----------------------------------------------------------

    def get_course(self, pk=None):
        course = selectors.course_get(viewer=self.request.user, pk=self.kwargs["pk"] if pk is None else pk)
        if course is None:
            raise Http404
        return course

    def get_item(self, pk=None):
        item = selectors.content_get(viewer=self.request.user, pk=self.kwargs["pk"] if pk is None else pk)
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


class AnyAcceptNegotiation(DefaultContentNegotiation):
    """Files are sent whatever the client accepts (players ask for video/*, image tags for image/*); errors
    still answer in the JSON envelope."""

    def select_renderer(self, request, renderers, format_suffix=None):
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except NotAcceptable:
            return renderers[0], renderers[0].media_type


class FileView(CourseApiView):
    """A view that answers with a file's bytes (not an envelope) when it succeeds."""

    content_negotiation_class = AnyAcceptNegotiation
    pagination_class = None

    def finalize_response(self, request, response, *args, **kwargs):
        if not isinstance(response, Response):
            self._sparse_fields = None  # nothing to prune in a file
        return super().finalize_response(request, response, *args, **kwargs)
