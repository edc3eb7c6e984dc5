"""/api/v1/users: the organization's people, as far as the caller may see them.

Org Admins see everyone; Branch Managers the people of their branches; Teachers the people of their
classes; Students themselves. Anyone else's id answers 404, the same as an id that does not exist.
"""

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response

from apps.accounts import selectors as people
from apps.accounts import services as accounts
from apps.accounts.permissions import scope_of
from apps.accounts.scoped_api import MANAGER, ScopedApiView
from apps.accounts.services import RoleSpec
from apps.core.errors import PermissionDenied, ValidationFailed

from .serializers import (
    InvitationSerializer,
    InvitedUserSerializer,
    PersonBriefSerializer,
    ProfileSerializer,
    RoleSerializer,
    RoleSpecSerializer,
    UserInviteSerializer,
    UserSerializer,
    UserUpdateSerializer,
    branch_id_for,
)

TAGS = ["users"]

USER_FILTERS = {
    "status": ["eq", "ne", "in", "nin"],
    "email": ["eq", "like", "ilike"],
    "full_name": ["eq", "ilike"],
    "role": ["eq", "in"],
    "branch": ["eq", "in"],
    "class": ["eq", "in"],
    "date_joined": ["gt", "lt", "gte", "lte"],
}
# Role, branch and class filters apply to one and the same role: `filter[role]=teacher&filter[branch]=north`
# is "teaches in north", not "teaches somewhere and has some role in north".
USER_FILTER_PATHS = {
    "role": "role_assignments__role",
    "branch": "role_assignments__branch__code",
    "class": "role_assignments__school_class_id",
}
USER_SORTS = ["email", "full_name", "status", "date_joined", "last_login"]


def people_filter_scopes(view) -> dict:
    """The roles those filters may match: only the ones the caller may know of (the rule of the list,
    people.role_is_visible), so `filter[role]=branch_manager` tells a Teacher nothing about who manages
    another branch. A view's `filter_scopes` (apps.core.api.filtering)."""
    scope = scope_of(view.request.user)
    return {"role_assignments": people.visible_role_condition(scope, prefix="role_assignments__")}


SEARCH = OpenApiParameter("search", str, description="Part of an email address or a name.")


def spec_from(data: dict) -> RoleSpec:
    return RoleSpec(
        data["role"], branch_id=branch_id_for(data.get("branch")), school_class_id=data.get("class")
    )


def member_response(view, membership: accounts.Membership) -> Response:
    """A person just given a role (201 when the role or the person is new, 200 when they held it already)."""
    person = people.user_get(viewer=view.request.user, pk=membership.user.pk)
    return view.one(person, UserSerializer, status=201 if membership.created else 200)


def person_named(view, data: dict) -> dict:
    """The person a membership request names: an existing one by id (among those the caller may see: anyone
    else is 'no such person'), or an email (existing or to invite)."""
    if "user_id" in data:
        user = people.user_get(viewer=view.request.user, pk=data["user_id"])
        if user is None:
            raise ValidationFailed({"user_id": ["No such person."]})
        return {"user": user}
    return {"email": data["email"], "full_name": data.get("full_name", "")}


class PersonView(ScopedApiView):
    api_key_scope = "users"
    serializer_class = UserSerializer

    def get_person(self):
        person = people.user_get(viewer=self.request.user, pk=self.kwargs["pk"])
        if person is None:
            raise Http404
        return person

    def fresh(self, person):
        return people.user_get(viewer=self.request.user, pk=person.pk)


class UserListView(ScopedApiView):
    api_key_scope = "users"
    access = {"POST": MANAGER}
    serializer_class = UserSerializer
    filter_fields = USER_FILTERS
    filter_paths = USER_FILTER_PATHS
    filter_scopes = people_filter_scopes
    sort_fields = USER_SORTS
    default_sort = ["email"]

    def get_queryset(self):
        search = self.request.query_params.get("search", "")
        return people.with_api_roles(people.user_list(viewer=self.request.user, search=search))

    @extend_schema(parameters=[SEARCH], responses={200: UserSerializer(many=True)}, tags=TAGS)
    def get(self, request):
        return self.listing(self.get_queryset(), prepare=people.attach_api_roles)

    @extend_schema(request=UserInviteSerializer, responses={201: InvitedUserSerializer}, tags=TAGS)
    def post(self, request):
        """Invite a person with their roles; the invitation email is sent once they are saved."""
        data = self.valid(UserInviteSerializer)
        invitation = accounts.user_invite(
            email=data["email"],
            full_name=data["full_name"],
            roles=[spec_from(r) for r in data["roles"]],
            actor=request.user,
            language=data["language"],
            timezone_name=data["timezone"],
            send_email=True,
        )
        context = self.get_serializer_context()
        if scope_of(request.user).is_org_admin:
            context["invitation_url"] = invitation.url
        person = people.user_get(viewer=request.user, pk=invitation.user.pk)
        return Response(InvitedUserSerializer(person, context=context).data, status=status.HTTP_201_CREATED)


class UserDetailView(PersonView):
    access = {"DELETE": MANAGER}

    @extend_schema(responses={200: UserSerializer}, tags=TAGS)
    def get(self, request, pk):
        return self.one(self.get_person())

    @extend_schema(request=UserUpdateSerializer, responses={200: UserSerializer}, tags=TAGS)
    def put(self, request, pk):
        person = self.get_person()
        accounts.user_update(user=person, actor=request.user, **self.valid(UserUpdateSerializer))
        return self.one(self.fresh(person))

    @extend_schema(request=UserUpdateSerializer, responses={200: UserSerializer}, tags=TAGS)
    def patch(self, request, pk):
        return self.put(request, pk)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "permanent",
                bool,
                description=(
                    "true: delete the person for good and free their email (Org Admins only). "
                    "Otherwise they are deactivated and can no longer sign in."
                ),
            )
        ],
        responses={204: None},
        tags=TAGS,
    )
    def delete(self, request, pk):
        person = self.get_person()
        if request.query_params.get("permanent", "").lower() in ("true", "1"):
            accounts.user_delete(user=person, actor=request.user)
        else:
            accounts.user_deactivate(user=person, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class UserProfileView(PersonView):
    """Name, language and time zone. Readable and editable by the person and by those who manage them."""

    serializer_class = ProfileSerializer

    def get_profile_owner(self):
        person = self.get_person()
        if person.pk != self.request.user.pk and not scope_of(self.request.user).can_manage_people():
            raise PermissionDenied("Only this person and those who manage them may see their profile.")
        return person

    @extend_schema(responses={200: ProfileSerializer}, tags=TAGS)
    def get(self, request, pk):
        return self.one(self.get_profile_owner())

    @extend_schema(request=ProfileSerializer, responses={200: ProfileSerializer}, tags=TAGS)
    def put(self, request, pk):
        person = self.get_profile_owner()
        person = accounts.user_update(user=person, actor=request.user, **self.valid(ProfileSerializer))
        return self.one(person)


class UserRoleListView(PersonView):
    access = {"POST": MANAGER}
    serializer_class = RoleSerializer

    @extend_schema(
        request=RoleSpecSerializer, responses={201: RoleSerializer, 200: RoleSerializer}, tags=TAGS
    )
    def post(self, request, pk):
        """Give the person a role (Org Admins: any; Branch Managers: teacher or student in their branches)."""
        person = self.get_person()
        spec = spec_from(self.valid(RoleSpecSerializer))
        assignment, created = accounts.role_grant_or_get(user=person, spec=spec, actor=request.user)
        return self.one(assignment, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class UserRoleDetailView(PersonView):
    access = {"DELETE": MANAGER}
    serializer_class = RoleSerializer

    @extend_schema(responses={204: None}, tags=TAGS)
    def delete(self, request, pk, assignment_id):
        person = self.get_person()
        assignment = people.role_assignment_get(viewer=request.user, user=person, pk=assignment_id)
        if assignment is None:
            raise Http404
        accounts.role_revoke(assignment=assignment, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class UserReactivateView(PersonView):
    access = {"POST": MANAGER}

    @extend_schema(request=None, responses={200: UserSerializer}, tags=TAGS)
    def post(self, request, pk):
        person = accounts.user_reactivate(user=self.get_person(), actor=request.user)
        return self.one(self.fresh(person))


class UserInvitationView(PersonView):
    access = {"POST": MANAGER}
    serializer_class = InvitationSerializer

    @extend_schema(request=None, responses={200: InvitationSerializer}, tags=TAGS)
    def post(self, request, pk):
        """Send a new invitation to someone who has not accepted yet; Org Admins also get the link."""
        invitation = accounts.invitation_resend(user=self.get_person(), actor=request.user, send_email=True)
        is_admin = scope_of(request.user).is_org_admin
        return Response(
            {
                "user": PersonBriefSerializer(invitation.user).data,
                "sent": True,
                "invitation_url": invitation.url if is_admin else None,
            }
        )
