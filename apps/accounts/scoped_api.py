"""The API views that act for a signed-in member within their role scope, for every app's endpoints.

DRF adapters over apps.accounts.permissions (which decides what each role may do). A view declares, per HTTP
method, what the caller must be::

    access = {"POST": ADMIN, "PUT": MANAGER}   # methods not named: any member of the organization

A caller who may never do the action (a Student deleting a class) is refused with 403 before any object is
looked up, so the answer is the same whatever id they name. A caller who may do it somewhere gets 404 for
objects outside their scope, from the selectors, and 403 only for objects they can see but not change.

`ScopedApiView` adds the viewer's scope to serializer context, validation that answers 400 with field details,
and the list/one helpers.
"""

from django.http import Http404
from rest_framework.response import Response

from apps.core.api.views import ApiGenericView

from .permissions import IsOrgMember, scope_of

MEMBER = "member"
MANAGER = "manager"  # Org Admin or Branch Manager
AUTHOR = "author"  # Teacher, Branch Manager or Org Admin (courses and their learners)
ADMIN = "admin"  # Org Admin

_MESSAGES = {
    MANAGER: "Only Org Admins and Branch Managers may do this.",
    AUTHOR: "Only Teachers, Branch Managers and Org Admins may do this.",
    ADMIN: "Only Org Admins may do this.",
}


class ScopedAccess(IsOrgMember):
    def has_permission(self, request, view) -> bool:
        if not super().has_permission(request, view):
            return False
        need = getattr(view, "access", {}).get(request.method, MEMBER)
        scope = scope_of(request.user)
        allowed = {
            MEMBER: True,
            MANAGER: scope.can_manage_people(),
            AUTHOR: scope.can_author(),
            ADMIN: scope.is_org_admin,
        }[need]
        if not allowed:
            self.message = _MESSAGES[need]
        return allowed


class OwnOrganizationMixin:
    """For paths under /organizations/{org_id}/: an organization reaches only itself, and any other id answers
    404 (after authentication, before any other check), the same as an id that does not exist."""

    def check_permissions(self, request):
        user = getattr(request, "user", None)
        foreign = str(self.kwargs.get("org_id")) != str(request.tenant.pk)
        if user is not None and user.is_authenticated and foreign:
            raise Http404
        super().check_permissions(request)


class ScopedApiView(ApiGenericView):
    permission_classes = [ScopedAccess]
    access: dict[str, str] = {}

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["scope"] = scope_of(self.request.user)
        return context

    def valid(self, serializer_class, *, partial: bool | None = None, instance=None, data=None) -> dict:
        """The request body (or `data`), validated; PATCH is partial unless told otherwise."""
        if partial is None:
            partial = self.request.method == "PATCH"
        serializer = serializer_class(
            instance,
            data=self.request.data if data is None else data,
            partial=partial,
            context=self.get_serializer_context(),
        )
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def listing(self, queryset, serializer_class=None, prepare=None):
        """One page of `queryset`, filtered and sorted; `prepare(page)` may annotate the page's objects."""
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
