"""/api/v1/organizations/{orgId}/branches: the organization's branches, their settings and their people."""

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response

from apps.accounts.permissions import scope_of
from apps.accounts.scoped_api import ADMIN, MANAGER, OwnOrganizationMixin, ScopedApiView
from apps.accounts.selectors import attach_api_roles, with_api_roles
from apps.accounts.services import RoleSpec, member_add
from apps.core.errors import ValidationFailed

from .. import selectors, services
from .serializers import (
    BranchMemberAddSerializer,
    BranchSerializer,
    BranchSettingsSerializer,
    BranchUpdateSerializer,
    BranchWriteSerializer,
    UserSerializer,
)
from .users import (
    USER_FILTER_PATHS,
    USER_FILTERS,
    USER_SORTS,
    member_response,
    people_filter_scopes,
    person_named,
)

TAGS = ["branches"]


class BranchScopedView(OwnOrganizationMixin, ScopedApiView):
    api_key_scope = "branches"

    def get_branch(self):
        branch = selectors.branch_get(viewer=self.request.user, pk=self.kwargs["pk"])
        if branch is None:
            raise Http404
        return branch


class BranchListView(OwnOrganizationMixin, ScopedApiView):
    """Branches the caller can see: all of them for Org Admins, otherwise those they belong to."""

    api_key_scope = "branches"
    access = {"POST": ADMIN}
    serializer_class = BranchSerializer
    filter_fields = {
        "name": ["eq", "like", "ilike"],
        "code": ["eq", "ne", "in", "nin", "like"],
        "is_active": ["eq"],
        "timezone": ["eq", "in"],
        "created_at": ["gt", "lt", "gte", "lte"],
    }
    sort_fields = ["name", "code", "created_at", "class_count", "member_count"]
    default_sort = ["name"]

    def get_queryset(self):
        return selectors.branch_list(viewer=self.request.user)

    @extend_schema(responses={200: BranchSerializer(many=True)}, tags=TAGS)
    def get(self, request, org_id):
        return self.listing(self.get_queryset())

    @extend_schema(request=BranchWriteSerializer, responses={201: BranchSerializer}, tags=TAGS)
    def post(self, request, org_id):
        branch = services.branch_create(actor=request.user, **self.valid(BranchWriteSerializer))
        created = selectors.branch_get(viewer=request.user, pk=branch.pk)
        return self.one(created, status=status.HTTP_201_CREATED)


class BranchDetailView(BranchScopedView):
    access = {"PUT": MANAGER, "PATCH": MANAGER, "DELETE": ADMIN}
    serializer_class = BranchSerializer

    @extend_schema(responses={200: BranchSerializer}, tags=TAGS)
    def get(self, request, org_id, pk):
        return self.one(self.get_branch())

    @extend_schema(request=BranchUpdateSerializer, responses={200: BranchSerializer}, tags=TAGS)
    def put(self, request, org_id, pk):
        branch = self.get_branch()
        services.branch_update(branch=branch, actor=request.user, **self.valid(BranchUpdateSerializer))
        return self.one(selectors.branch_get(viewer=request.user, pk=branch.pk))

    @extend_schema(request=BranchUpdateSerializer, responses={200: BranchSerializer}, tags=TAGS)
    def patch(self, request, org_id, pk):
        return self.put(request, org_id, pk)

    @extend_schema(responses={204: None}, tags=TAGS)
    def delete(self, request, org_id, pk):
        services.branch_delete(branch=self.get_branch(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class BranchSettingsView(BranchScopedView):
    """Read by anyone who can see the branch; changed by its managers and Org Admins."""

    access = {"PUT": MANAGER, "PATCH": MANAGER}
    serializer_class = BranchSettingsSerializer

    @extend_schema(responses={200: BranchSettingsSerializer}, tags=TAGS)
    def get(self, request, org_id, pk):
        return self.one(self.get_branch())

    @extend_schema(request=BranchSettingsSerializer, responses={200: BranchSettingsSerializer}, tags=TAGS)
    def put(self, request, org_id, pk):
        branch = services.branch_settings_update(
            branch=self.get_branch(), actor=request.user, **self.valid(BranchSettingsSerializer, partial=True)
        )
        return self.one(branch)

    @extend_schema(request=BranchSettingsSerializer, responses={200: BranchSettingsSerializer}, tags=TAGS)
    def patch(self, request, org_id, pk):
        return self.put(request, org_id, pk)


class BranchUserListView(BranchScopedView):
    """The branch's people the caller may see; POST gives someone a role in the branch or one of its classes
    (an existing person by user_id or email, or a new one, who is invited)."""

    api_key_scope = "users"
    access = {"POST": MANAGER}
    serializer_class = UserSerializer
    filter_fields = USER_FILTERS
    filter_paths = USER_FILTER_PATHS
    filter_scopes = people_filter_scopes
    sort_fields = USER_SORTS
    default_sort = ["email"]

    def get_queryset(self):
        """The people of the branch, without reading the branch first: get() makes sure the caller sees it."""
        return with_api_roles(
            selectors.branch_members(
                viewer=self.request.user,
                branch=self.kwargs["pk"],
                search=self.request.query_params.get("search", ""),
            )
        )

    @extend_schema(
        parameters=[OpenApiParameter("search", str, description="Part of an email or name.")],
        responses={200: UserSerializer(many=True)},
        tags=TAGS,
    )
    def get(self, request, org_id, pk):
        # A branch the caller sees (branch_get): Org Admins any, others one they hold a role in, known from
        # their scope without a query. Someone listed holds a role in the branch, so it exists; only an empty
        # page asks whether it does (404 for a branch that does not, as get_branch() answers).
        scope = scope_of(request.user)
        if not scope.is_org_admin and pk not in scope.member_branch_ids:
            raise Http404

        def known_with_roles(page):
            if not page:
                self.get_branch()
            attach_api_roles(page)

        return self.listing(self.get_queryset(), prepare=known_with_roles)

    @extend_schema(
        request=BranchMemberAddSerializer, responses={201: UserSerializer, 200: UserSerializer}, tags=TAGS
    )
    def post(self, request, org_id, pk):
        branch = self.get_branch()
        data = self.valid(BranchMemberAddSerializer)
        class_id = data.get("class")
        if data["role"] == "branch_manager" and class_id:
            raise ValidationFailed({"class": ["A Branch Manager manages the whole branch, not a class."]})
        if class_id and not branch.classes.filter(pk=class_id).exists():
            raise ValidationFailed({"class": ["No such class in this branch."]})
        spec = RoleSpec(data["role"], branch_id=branch.pk, school_class_id=class_id)
        return member_response(self, member_add(actor=request.user, spec=spec, **person_named(self, data)))
