from rest_framework import serializers

from apps.apikeys.models import ApiKey
from apps.core.api.fields import SingleLineCharField
from apps.core.api.serializers import PlannedModelSerializer


class ApiKeyPersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    full_name = serializers.CharField()


class ApiKeySerializer(PlannedModelSerializer):
    masked_key = serializers.CharField(source="masked", help_text="Prefix and last four characters.")
    status = serializers.ChoiceField(choices=ApiKey.Status.choices, source="get_status", read_only=True)
    retired_scopes = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="Those of `scopes` that no app offers any more: kept for the record, they grant nothing.",
    )
    created_by = ApiKeyPersonSerializer()
    revoked_by = ApiKeyPersonSerializer(allow_null=True)

    class Meta:
        model = ApiKey
        fields = [
            "id",
            "name",
            "prefix",
            "last_four",
            "masked_key",
            "scopes",
            "retired_scopes",
            "status",
            "created_by",
            "created_at",
            "expires_at",
            "last_used_at",
            "revoked_at",
            "revoked_by",
        ]
        read_only_fields = fields


class ApiKeyCreatedSerializer(ApiKeySerializer):
    key = serializers.SerializerMethodField(
        help_text="The whole key. Shown only in this response; store it now."
    )

    class Meta(ApiKeySerializer.Meta):
        fields = [*ApiKeySerializer.Meta.fields, "key"]
        read_only_fields = fields

    def get_key(self, api_key) -> str:
        return self.context["raw_key"]


class ApiKeyCreateSerializer(serializers.Serializer):
    name = SingleLineCharField(max_length=100, help_text="What the key is for, e.g. the service using it.")
    scopes = serializers.ListField(
        child=serializers.CharField(),
        allow_empty=True,
        help_text="`<object>:read` or `<object>:write` (write implies read); "
        "`GET /api/v1/api-keys/scopes` lists the scopes that may be granted.",
    )
    expires_at = serializers.DateTimeField(
        required=False, allow_null=True, help_text="When the key stops working; empty = never."
    )


class ApiKeyScopeSerializer(serializers.Serializer):
    """One scope that may be granted, from the registry (apps.core.api.scopes)."""

    code = serializers.CharField(help_text="What a key holds, e.g. `courses:read`.")
    object = serializers.CharField(help_text="What an endpoint declares it serves, e.g. `courses`.")
    access = serializers.ChoiceField(
        choices=["read", "write"],
        help_text="`read`: GET, HEAD and OPTIONS; `write`: every method, reads included.",
    )
    label = serializers.CharField()
    description = serializers.CharField()
    app = serializers.CharField(help_text="The app that registered the scope; scopes are grouped by it.")
    app_name = serializers.CharField(help_text="The app's name for people.")
