from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from apps.accounts.models import User
from apps.accounts.permissions import scope_of
from apps.core.api.fields import SingleLineCharField
from apps.core.api.serializers import PlannedModelSerializer


@extend_schema_serializer(component_name="AuthenticatedUser")
class UserSerializer(PlannedModelSerializer):
    roles = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "id",
            "email",
            "full_name",
            "status",
            "language",
            "timezone",
            "is_superuser",
            "roles",
            "date_joined",
            "last_login",
        ]
        read_only_fields = fields

    def get_roles(self, user) -> list[str]:
        # The viewer's scope holds their roles (kept across requests, dropped on any change of them).
        scope = scope_of(user)
        if scope.user_id == user.pk:
            return sorted(scope.roles)
        return sorted({assignment.role for assignment in user.role_assignments.all()})


class LoginSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})
    otp = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=64,
        help_text="For people with two-factor authentication: the code of their authenticator app, or one of "
        "their unused recovery codes. Without it such a sign-in answers 401 MFA_REQUIRED.",
    )


class RefreshSerializer(serializers.Serializer):
    refresh = serializers.CharField()


class TokenPairSerializer(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField()
    token_type = serializers.CharField()
    expires_in = serializers.IntegerField(help_text="Seconds the access token stays valid.")
    user = UserSerializer()


class RegisterSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})
    full_name = SingleLineCharField(required=False, allow_blank=True, max_length=150)


class RegisterResponseSerializer(serializers.Serializer):
    email = serializers.EmailField()
    email_verification = serializers.ChoiceField(choices=["pending"])
    detail = serializers.CharField()


class ForgotPasswordSerializer(serializers.Serializer):
    email = serializers.EmailField()


class ResetPasswordSerializer(serializers.Serializer):
    uid = serializers.CharField(
        max_length=64,
        help_text="The part of the emailed link before the first dash: "
        "/accounts/password/reset/key/{uid}-{token}/",
    )
    token = serializers.CharField(max_length=128, help_text="The rest of the emailed link, after that dash.")
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()
