"""GET /api/v1/events: the event catalog (every declared event with its payload schema), for integrators and
the modules that subscribe. Read-only; any signed-in member of the organization (the catalog is the same
for every organization and holds no data of theirs; docs/events.md is the same list). Not open to API keys
until webhooks give them a scope to use it with."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import BasePermission

from apps.core.api.views import ApiGenericView

from . import catalog


class EventTypeSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="e.g. `course.completed`")
    description = serializers.CharField()
    version = serializers.IntegerField(min_value=1, help_text="raised whenever the payload changes")
    declared_in = serializers.CharField(source="module", help_text="the app module that declares it")
    payload = serializers.DictField(
        source="schema",
        child=serializers.JSONField(),
        help_text="JSON Schema of the payload: an object with exactly these properties",
    )


class _Row:
    def __init__(self, event_type: catalog.EventType):
        self.name = event_type.name
        self.description = event_type.description
        self.version = event_type.version
        self.module = event_type.module
        self.schema = event_type.payload_schema()


class SignedInMember(BasePermission):
    """Signed in on an organization's own host (what apps.accounts.permissions.IsOrgMember checks; written
    here so that the events app, which every feature app imports, imports none of them)."""

    def has_permission(self, request, view) -> bool:
        tenant = getattr(request, "tenant", None)
        user = request.user
        return bool(tenant is not None and not tenant.is_public and user and user.is_authenticated)


class EventCatalogView(ApiGenericView):
    """Every event the product raises, by name, with its description, version and payload schema."""

    permission_classes = [SignedInMember]
    serializer_class = EventTypeSerializer

    @extend_schema(
        summary="List the event catalog", responses={200: EventTypeSerializer(many=True)}, tags=["events"]
    )
    def get(self, request):
        rows = self.filter_queryset([_Row(event_type) for event_type in catalog.event_types()])
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
