"""/api/v1/audit-log: who did what, when and from where in this organization. Org Admins only."""

from drf_spectacular.utils import extend_schema

from apps.audit.models import AuditEntry

from .base import StructureView
from .permissions import ADMIN
from .serializers import AuditEntrySerializer


class AuditLogView(StructureView):
    api_key_scope = "audit"
    access = {"GET": ADMIN}
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
        return self.listing(self.get_queryset())
