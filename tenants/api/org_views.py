"""The organization's own view of itself, on its host (`{org}.BASE_DOMAIN/api/v1/organizations`).

An organization sees exactly one organization: itself. Any other id answers 404, the same as an id that
does not exist, so ids of other organizations cannot be probed.
"""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from apps.accounts.permissions import IsOrgAdminOrReadOnly
from apps.core.api.views import ApiGenericView
from apps.core.errors import ValidationFailed
from tenants import selectors, services
from tenants.models import Organization

from .serializers import (
    OrganizationSettingsSerializer,
    OwnOrganizationSerializer,
    OwnOrganizationUpdateSerializer,
)
from .views import actor_for


def own_organization(request) -> Organization:
    return (
        Organization.objects.select_related("subscription__plan", "settings")
        .prefetch_related("domains")
        .get(pk=request.tenant.pk)
    )


class OwnOrganizationListView(ApiGenericView):
    permission_classes = [IsOrgAdminOrReadOnly]
    api_key_scope = "organization"
    serializer_class = OwnOrganizationSerializer
    filter_fields = {"status": ["eq", "ne", "in", "nin"], "slug": ["eq", "ne", "like", "ilike"]}
    sort_fields = ["name"]
    default_sort = ["name"]

    def get_queryset(self):
        return (
            Organization.objects.filter(pk=self.request.tenant.pk)
            .select_related("subscription__plan", "settings")
            .prefetch_related("domains")
        )

    @extend_schema(responses={200: OwnOrganizationSerializer(many=True)}, tags=["organization"])
    def get(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(OwnOrganizationSerializer(page, many=True).data)


class OwnOrganizationMixin:
    permission_classes = [IsOrgAdminOrReadOnly]
    api_key_scope = "organization"

    def check_own(self) -> Organization:
        """The request's organization (its routing row, no query), if the path names it; else 404."""
        if str(self.kwargs["pk"]) != str(self.request.tenant.pk):
            raise Http404
        return self.request.tenant

    def get_organization(self) -> Organization:
        self.check_own()
        return own_organization(self.request)


class OwnOrganizationDetailView(OwnOrganizationMixin, ApiGenericView):
    serializer_class = OwnOrganizationSerializer

    @extend_schema(responses={200: OwnOrganizationSerializer}, tags=["organization"])
    def get(self, request, pk):
        return Response(OwnOrganizationSerializer(self.get_organization()).data)

    @extend_schema(
        request=OwnOrganizationUpdateSerializer,
        responses={200: OwnOrganizationSerializer},
        tags=["organization"],
    )
    def put(self, request, pk):
        organization = self.get_organization()
        serializer = OwnOrganizationUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.organization_update(
            organization=organization, actor=actor_for(request), **serializer.validated_data
        )
        return Response(OwnOrganizationSerializer(own_organization(request)).data)

    patch = put


class OwnOrganizationSettingsView(OwnOrganizationMixin, ApiGenericView):
    serializer_class = OrganizationSettingsSerializer

    @extend_schema(responses={200: OrganizationSettingsSerializer}, tags=["organization"])
    def get(self, request, pk):
        # Only the settings row is read: the organization is the request's own.
        org_settings = selectors.organization_settings_get(organization=self.check_own())
        return Response(OrganizationSettingsSerializer(org_settings).data)

    @extend_schema(
        request=OrganizationSettingsSerializer,
        responses={200: OrganizationSettingsSerializer},
        tags=["organization"],
    )
    def put(self, request, pk):
        organization = self.get_organization()
        serializer = OrganizationSettingsSerializer(
            selectors.organization_settings_get(organization=organization),
            data=request.data,
            partial=request.method == "PATCH",
        )
        if not serializer.is_valid():
            raise ValidationFailed({k: [str(m) for m in v] for k, v in serializer.errors.items()})
        updated = services.organization_settings_update(
            organization=organization, actor=actor_for(request), **serializer.validated_data
        )
        return Response(OrganizationSettingsSerializer(updated).data)

    patch = put
