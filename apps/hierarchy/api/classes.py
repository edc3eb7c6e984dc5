"""/api/v1/classes: classes the caller can see, and their teachers and students.

Org Admins see every class; Branch Managers the classes of their branches; Teachers and Students the classes
they teach or learn in. Branch Managers and Org Admins change classes and their members.
"""

from django.db import transaction
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response

from apps.accounts.models import RoleAssignment
from apps.accounts.scoped_api import MANAGER, ScopedApiView
from apps.accounts.services import RoleSpec, member_add, role_revoke
from apps.core.errors import ValidationFailed

from .. import selectors, services
from .serializers import (
    ClassSerializer,
    ClassUpdateSerializer,
    ClassWriteSerializer,
    MemberAddSerializer,
    MembershipSerializer,
    UserSerializer,
)
from .users import member_response, person_named

TAGS = ["classes"]
MEMBER_ROLES = (RoleAssignment.Role.TEACHER, RoleAssignment.Role.STUDENT)
# What MembershipSerializer prints of a membership and its person: not their password nor their other
# date-times, three to parse per row.
MEMBERSHIP_COLUMNS = (
    "id",
    "role",
    "created_at",
    "user__id",
    "user__email",
    "user__full_name",
    "user__status",
)


class ClassScopedView(ScopedApiView):
    api_key_scope = "classes"
    serializer_class = ClassSerializer

    def get_class(self):
        school_class = selectors.class_get(viewer=self.request.user, pk=self.kwargs["pk"])
        if school_class is None:
            raise Http404
        return school_class

    def fresh(self, school_class):
        return selectors.class_get(viewer=self.request.user, pk=school_class.pk)


class ClassListView(ClassScopedView):
    access = {"POST": MANAGER}
    filter_fields = {
        "name": ["eq", "like", "ilike"],
        "term": ["eq", "ne", "in"],
        "branch": ["eq", "in"],
        "branch.code": ["eq", "in"],
        "is_active": ["eq"],
        "created_at": ["gt", "lt", "gte", "lte"],
    }
    sort_fields = ["name", "term", "created_at", "branch.name"]
    default_sort = ["branch__name", "name"]

    def get_queryset(self):
        return selectors.class_list(viewer=self.request.user)

    @extend_schema(responses={200: ClassSerializer(many=True)}, tags=TAGS)
    def get(self, request):
        return self.listing(self.get_queryset())

    @extend_schema(request=ClassWriteSerializer, responses={201: ClassSerializer}, tags=TAGS)
    def post(self, request):
        data = self.valid(ClassWriteSerializer)
        branch = services.branch_for_classes(actor=request.user, ref=data.pop("branch"))
        school_class = services.class_create(actor=request.user, branch=branch, **data)
        return self.one(self.fresh(school_class), status=status.HTTP_201_CREATED)


class ClassDetailView(ClassScopedView):
    access = {"PUT": MANAGER, "PATCH": MANAGER, "DELETE": MANAGER}

    @extend_schema(responses={200: ClassSerializer}, tags=TAGS)
    def get(self, request, pk):
        return self.one(self.get_class())

    @extend_schema(request=ClassUpdateSerializer, responses={200: ClassSerializer}, tags=TAGS)
    def put(self, request, pk):
        school_class = self.get_class()
        data = self.valid(ClassUpdateSerializer)
        if "branch" in data:
            data["branch"] = services.branch_for_classes(actor=request.user, ref=data["branch"])
        services.class_update(school_class=school_class, actor=request.user, **data)
        return self.one(self.fresh(school_class))

    @extend_schema(request=ClassUpdateSerializer, responses={200: ClassSerializer}, tags=TAGS)
    def patch(self, request, pk):
        return self.put(request, pk)

    @extend_schema(responses={204: None}, tags=TAGS)
    def delete(self, request, pk):
        services.class_delete(school_class=self.get_class(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ClassMemberListView(ClassScopedView):
    """One row per person and role in the class (teachers first), limited to the people the caller may see."""

    access = {"POST": MANAGER}
    serializer_class = MembershipSerializer
    filter_fields = {
        "role": ["eq", "in"],
        "user.status": ["eq", "ne", "in"],
        "user.email": ["eq", "like", "ilike"],
        "user.full_name": ["ilike"],
    }
    sort_fields = ["role", "created_at", "user.email", "user.full_name"]
    default_sort = ["-role", "user__email"]

    @extend_schema(responses={200: MembershipSerializer(many=True)}, tags=TAGS)
    def get(self, request, pk):
        memberships = selectors.class_memberships(viewer=request.user, school_class=self.get_class())
        return self.listing(memberships.only(*MEMBERSHIP_COLUMNS))

    @extend_schema(
        request=MemberAddSerializer, responses={201: UserSerializer, 200: UserSerializer}, tags=TAGS
    )
    def post(self, request, pk):
        """Add a teacher or student: an existing person (user_id, or the email of someone already in the
        organization) or a new one, who is invited."""
        school_class = self.get_class()
        data = self.valid(MemberAddSerializer)
        spec = RoleSpec(data["role"], branch_id=school_class.branch_id, school_class_id=school_class.pk)
        return member_response(self, member_add(actor=request.user, spec=spec, **person_named(self, data)))


class ClassMemberDetailView(ClassScopedView):
    access = {"DELETE": MANAGER}

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "role",
                str,
                enum=list(MEMBER_ROLES),
                description="The role to take away; without it, every role the person holds in the class.",
            )
        ],
        responses={204: None},
        tags=TAGS,
    )
    def delete(self, request, pk, user_id):
        school_class = self.get_class()
        role = request.query_params.get("role")
        if role is not None and role not in MEMBER_ROLES:
            raise ValidationFailed({"role": [f"Use one of: {', '.join(MEMBER_ROLES)}."]})
        memberships = selectors.class_memberships(viewer=request.user, school_class=school_class).filter(
            user_id=user_id
        )
        if role is not None:
            memberships = memberships.filter(role=role)
        memberships = list(memberships)
        if not memberships:
            raise Http404
        with transaction.atomic():  # all of the person's roles here, or none
            for membership in memberships:
                role_revoke(assignment=membership, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
