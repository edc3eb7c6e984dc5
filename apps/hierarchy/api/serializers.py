"""What the structure and people API reads and writes. Serializers validate shape only; services decide."""

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.accounts.models import RoleAssignment, User
from apps.accounts.selectors import role_is_visible
from apps.core.api.brand import BrandContrastSerializer
from apps.core.api.fields import MAX_ID, SingleLineCharField
from apps.core.api.serializers import PlannedModelSerializer
from apps.core.colors import brand_palette

from ..models import Branch, SchoolClass

Role = RoleAssignment.Role


def language_field(**kwargs) -> serializers.ChoiceField:
    """A person's language: one of settings.LANGUAGES, or empty for the organization's default. Any other code
    is refused with a field error."""
    return serializers.ChoiceField(
        choices=settings.LANGUAGES,
        allow_blank=True,
        help_text="One of the offered languages; empty = the organization's default language.",
        **kwargs,
    )


# --- references ---------------------------------------------------------------------------------------------


@extend_schema_field(
    {
        "oneOf": [{"type": "integer"}, {"type": "string"}],
        "description": 'A branch id, or its code (e.g. "north").',
    }
)
class BranchRefField(serializers.Field):
    """A branch named by id (a JSON number) or by code (a JSON string), as imports name them."""

    default_error_messages = {"invalid": "Give a branch id (a number) or its code (a text)."}

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | str):
            self.fail("invalid")
        if isinstance(data, str):
            data = data.strip()
            if not data:
                self.fail("invalid")
        return data

    def to_representation(self, value):
        return value


def branch_id_for(ref: int | str | None) -> int | None:
    """The id a branch reference names; an unknown code names no branch (0), so the services answer for it as
    they answer for an unknown id."""
    if ref is None or isinstance(ref, int):
        return ref
    return Branch.objects.filter(code__iexact=ref).values_list("pk", flat=True).first() or 0


class BranchBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Branch
        fields = ["id", "code", "name"]
        read_only_fields = fields


class ClassBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = SchoolClass
        fields = ["id", "name", "term"]
        read_only_fields = fields


class PersonBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "email", "full_name", "status"]
        read_only_fields = fields


# --- branches -----------------------------------------------------------------------------------------------


class BranchSerializer(PlannedModelSerializer):
    class_count = serializers.IntegerField(read_only=True)
    member_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Branch
        fields = [
            "id",
            "name",
            "code",
            "address",
            "timezone",
            "is_active",
            "class_count",
            "member_count",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


def organization_brand_color() -> str | None:
    """The current organization's brand colour (a branch without its own inherits it)."""
    from django.db import connection

    from tenants.models import OrganizationSettings

    tenant = getattr(connection, "tenant", None)
    if tenant is None or getattr(tenant, "pk", None) is None:
        return None
    return (
        OrganizationSettings.objects.filter(organization_id=tenant.pk)
        .values_list("primary_color", flat=True)
        .first()
    )


class BranchSettingsSerializer(serializers.Serializer):
    """A branch's settings and the branding that overrides the organization's (empty = inherit)."""

    display_name = SingleLineCharField(max_length=120, required=False, allow_blank=True)
    # Longer than a colour so the service answers with its own message ("Use a colour like #2457d6.").
    primary_color = serializers.CharField(max_length=32, required=False, allow_blank=True)
    welcome_text = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    timezone = serializers.CharField(max_length=64, required=False, allow_blank=True)
    settings = serializers.JSONField(required=False)
    contrast = serializers.SerializerMethodField(
        help_text="The colour the branch's pages use (its own, else the organization's), its WCAG contrast on "
        "white, and the colours derived from it for text on it and for links; `warnings` says when the chosen "
        "colour is too light or dark to be used for text as it is."
    )

    @extend_schema_field(BrandContrastSerializer)
    def get_contrast(self, branch) -> dict:
        own = getattr(branch, "primary_color", "")
        color = own or organization_brand_color()
        return {**brand_palette(color).as_dict(), "source": "branch" if own else "organization"}


class BranchWriteSerializer(BranchSettingsSerializer):
    name = SingleLineCharField(max_length=120)
    code = serializers.SlugField(max_length=40)
    address = serializers.CharField(max_length=500, required=False, allow_blank=True)
    is_active = serializers.BooleanField(required=False)


class BranchUpdateSerializer(BranchWriteSerializer):
    """PUT names the branch (`name`); PATCH any subset. Fields left out keep their value."""

    code = serializers.SlugField(max_length=40, required=False)


# --- classes ------------------------------------------------------------------------------------------------


class ClassSerializer(PlannedModelSerializer):
    branch = BranchBriefSerializer(read_only=True)
    teacher_count = serializers.IntegerField(read_only=True)
    student_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = SchoolClass
        fields = [
            "id",
            "name",
            "term",
            "description",
            "is_active",
            "branch",
            "teacher_count",
            "student_count",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ClassWriteSerializer(serializers.Serializer):
    branch = BranchRefField()
    name = SingleLineCharField(max_length=120)
    term = SingleLineCharField(max_length=60, required=False, allow_blank=True)
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    is_active = serializers.BooleanField(required=False)


class ClassUpdateSerializer(ClassWriteSerializer):
    """PUT names the class (`name`); PATCH any subset; `branch` moves the class and its people."""

    branch = BranchRefField(required=False)


# --- people -------------------------------------------------------------------------------------------------


class VisibleRoleList(serializers.ListSerializer):
    """Only the roles the viewer may know of: never someone's roles in another branch or class."""

    def get_attribute(self, instance):
        # The API's lists load a page's roles as plain lists (accounts.selectors.attach_api_roles).
        loaded = instance.__dict__.get("api_roles")
        return super().get_attribute(instance) if loaded is None else loaded

    def to_representation(self, data):
        scope = self.context["scope"]
        assignments = data.all() if hasattr(data, "all") else data
        return [self.child.to_representation(a) for a in assignments if role_is_visible(scope, a)]


class RoleSerializer(PlannedModelSerializer):
    branch = BranchBriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = RoleAssignment
        fields = ["id", "role", "branch", "created_at"]
        read_only_fields = fields
        list_serializer_class = VisibleRoleList

    def get_fields(self):
        fields = super().get_fields()
        created_at = fields.pop("created_at")
        fields["class"] = ClassBriefSerializer(source="school_class", read_only=True, allow_null=True)
        fields["created_at"] = created_at
        return fields


class UserSerializer(PlannedModelSerializer):
    roles = RoleSerializer(many=True, read_only=True, source="role_assignments")

    class Meta:
        model = User
        fields = [
            "id",
            "email",
            "full_name",
            "status",
            "language",
            "timezone",
            "roles",
            "date_joined",
            "invited_at",
            "last_login",
        ]
        read_only_fields = fields


class InvitedUserSerializer(UserSerializer):
    invitation_url = serializers.SerializerMethodField(
        help_text="The invitation link, shown to Org Admins only (it is also emailed to the person)."
    )

    class Meta(UserSerializer.Meta):
        fields = [*UserSerializer.Meta.fields, "invitation_url"]
        read_only_fields = fields

    def get_invitation_url(self, user) -> str | None:
        return self.context.get("invitation_url")


class RoleSpecSerializer(serializers.Serializer):
    """A role and where: {"role": "teacher", "class": 12}, {"role": "branch_manager", "branch": "north"},
    {"role": "org_admin"}."""

    role = serializers.ChoiceField(choices=Role.choices)
    branch = BranchRefField(required=False, allow_null=True)

    def get_fields(self):
        fields = super().get_fields()
        fields["class"] = serializers.IntegerField(
            max_value=MAX_ID, required=False, allow_null=True, min_value=1
        )
        return fields


class UserInviteSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    full_name = SingleLineCharField(max_length=150, required=False, allow_blank=True, default="")
    language = language_field(required=False, default="")
    timezone = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    roles = RoleSpecSerializer(many=True, required=False, default=list)


class ProfileSerializer(PlannedModelSerializer):
    """Name, language and time zone: what a person edits about themselves."""

    full_name = SingleLineCharField(max_length=150, allow_blank=True)
    language = language_field(required=False)
    timezone = serializers.CharField(max_length=64, required=False, allow_blank=True)

    class Meta:
        model = User
        fields = ["id", "email", "full_name", "language", "timezone"]
        read_only_fields = ["id", "email"]


class UserUpdateSerializer(serializers.Serializer):
    """PUT names the person (`full_name`); PATCH any subset. Only Org Admins may change an email."""

    email = serializers.EmailField(max_length=254, required=False)
    full_name = SingleLineCharField(max_length=150, allow_blank=True)
    language = language_field(required=False)
    timezone = serializers.CharField(max_length=64, required=False, allow_blank=True)


class MemberAddSerializer(serializers.Serializer):
    """An existing person (`user_id`, or the `email` of someone already in the organization), or a new
    person to invite (`email`, `full_name`), and the role to give them here."""

    user_id = serializers.IntegerField(max_value=MAX_ID, required=False, min_value=1)
    email = serializers.EmailField(max_length=254, required=False)
    full_name = SingleLineCharField(max_length=150, required=False, allow_blank=True, default="")
    role = serializers.ChoiceField(choices=[Role.TEACHER, Role.STUDENT])

    def validate(self, attrs):
        if ("user_id" in attrs) == ("email" in attrs):
            raise serializers.ValidationError({"user_id": ["Give either user_id or email."]})
        return attrs


class BranchMemberAddSerializer(MemberAddSerializer):
    """As for a class, plus Branch Manager, and optionally one of the branch's classes (`class`)."""

    role = serializers.ChoiceField(choices=[Role.BRANCH_MANAGER, Role.TEACHER, Role.STUDENT])

    def get_fields(self):
        fields = super().get_fields()
        fields["class"] = serializers.IntegerField(
            max_value=MAX_ID, required=False, allow_null=True, min_value=1
        )
        return fields


class MembershipSerializer(PlannedModelSerializer):
    user = PersonBriefSerializer(read_only=True)

    class Meta:
        model = RoleAssignment
        fields = ["id", "role", "user", "created_at"]
        read_only_fields = fields


class InvitationSerializer(serializers.Serializer):
    user = PersonBriefSerializer()
    sent = serializers.BooleanField(help_text="The invitation email is queued.")
    invitation_url = serializers.CharField(allow_null=True, help_text="Shown to Org Admins only.")


# --- audit log ----------------------------------------------------------------------------------------------
