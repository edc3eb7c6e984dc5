"""/api/v1/audit-log: who did what, when and from where in this organization, for those who may read the log
(Org Admins: the rule apps.accounts registers in apps.audit.access)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers

from apps.core.api.serializers import PlannedModelSerializer
from apps.core.api.views import ApiGenericView

from .access import CanReadAuditLog
from .describe import describe_entries
from .models import AuditEntry


class AuditEntrySerializer(PlannedModelSerializer):
    description = serializers.SerializerMethodField(
        help_text='What happened, as a sentence ("Dana Smith invited lee@acme.example.com as Student").'
    )

    class Meta:
        model = AuditEntry
        fields = [
            "id",
            "actor_id",
            "actor_email",
            "action",
            "description",
            "target_type",
            "target_id",
            "target_repr",
            "changes",
            "ip_address",
            "user_agent",
            "created_at",
        ]
        read_only_fields = fields

    def get_description(self, entry) -> str:
        # The view describes a whole page at once (one query per kind of object named); alone, describe it.
        text = getattr(entry, "description_text", None)
        if text is None:
            text = describe_entries([entry])[0].text
        return text


class AuditLogView(ApiGenericView):
    api_key_scope = "audit"
    permission_classes = [CanReadAuditLog]
    serializer_class = AuditEntrySerializer
    filter_fields = {
        "actor_email": ["eq", "like", "ilike"],
        "action": ["eq", "in", "like"],
        "target_type": ["eq", "in"],
        "target_id": ["eq"],
        "ip_address": ["eq"],
        "created_at": ["gt", "lt", "gte", "lte"],
    }
    sort_fields = ["created_at", "action", "actor_email"]
    default_sort = ["-created_at", "-pk"]

    def get_queryset(self):
        return AuditEntry.objects.all()

    @extend_schema(responses={200: AuditEntrySerializer(many=True)}, tags=["audit"])
    def get(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        self.describe(page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def describe(self, page) -> None:
        """Each entry's sentence (`description`), for the whole page at once."""
        for entry, description in zip(page, describe_entries(page, viewer=self.request.user), strict=True):
            entry.description_text = description.text
