"""Platform API on BASE_DOMAIN: organization management for super-admins, over the same services as the
console."""

from django.db import connection, transaction
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from apps.core.api.permissions import IsPlatformOperator
from apps.core.api.views import ApiGenericView
from apps.core.errors import ValidationFailed
from apps.core.validation import ip_or_none
from tenants import domains, selectors, services
from tenants.models import Domain, Organization

from .serializers import (
    DomainCreateSerializer,
    OrganizationCreateSerializer,
    OrganizationDomainSerializer,
    OrganizationProvisionedSerializer,
    OrganizationSerializer,
    OrganizationSettingsSerializer,
    OrganizationUpdateSerializer,
)


def actor_for(request) -> services.Actor:
    from apps.core.api.throttling import client_ip

    return services.Actor(
        user=request.user, ip_address=ip_or_none(client_ip(request)), schema=connection.schema_name
    )


def _valid(serializer_class, data, **kwargs):
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class OrganizationListView(ApiGenericView):
    permission_classes = [IsPlatformOperator]
    serializer_class = OrganizationSerializer
    filter_fields = {
        "status": ["eq", "ne", "in", "nin"],
        "name": ["eq", "ne", "like", "ilike"],
        "slug": ["eq", "ne", "in", "nin", "like", "ilike"],
        "admin_email": ["eq", "like", "ilike"],
        "plan": ["eq", "ne", "in", "nin"],
        "created_at": ["eq", "gt", "lt", "gte", "lte"],
    }
    filter_paths = {"plan": "subscription__plan__code"}
    sort_fields = ["name", "slug", "status", "created_at", "plan"]
    default_sort = ["name"]

    def get_queryset(self):
        return selectors.organization_list(search=self.request.query_params.get("search", "").strip())

    @extend_schema(responses={200: OrganizationSerializer(many=True)}, tags=["organizations"])
    def get(self, request):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        usage = selectors.organization_usage(page)
        serializer = OrganizationSerializer(page, many=True, context={"usage": usage})
        return self.get_paginated_response(serializer.data)

    @extend_schema(
        request=OrganizationCreateSerializer,
        responses={201: OrganizationProvisionedSerializer, 200: OrganizationProvisionedSerializer},
        tags=["organizations"],
    )
    def post(self, request):
        data = _valid(OrganizationCreateSerializer, request.data)
        result = services.organization_provision(actor=actor_for(request), **data)
        organization = selectors.organization_get(pk=result.organization.pk)
        usage = selectors.organization_usage([organization])
        payload = {
            "organization": OrganizationSerializer(organization, context={"usage": usage}).data,
            "invitation_url": result.invitation_url,
            "seconds": round(result.seconds, 3),
        }
        return Response(payload, status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK)


class OrganizationObjectMixin:
    permission_classes = [IsPlatformOperator]

    def get_organization(self) -> Organization:
        organization = selectors.organization_get(pk=self.kwargs["pk"])
        if organization is None:
            raise Http404
        return organization


class OrganizationDetailView(OrganizationObjectMixin, ApiGenericView):
    serializer_class = OrganizationSerializer

    def _render(self, organization):
        organization = selectors.organization_get(pk=organization.pk)
        usage = selectors.organization_usage([organization])
        return Response(OrganizationSerializer(organization, context={"usage": usage}).data)

    @extend_schema(responses={200: OrganizationSerializer}, tags=["organizations"])
    def get(self, request, pk):
        return self._render(self.get_organization())

    @extend_schema(
        request=OrganizationUpdateSerializer, responses={200: OrganizationSerializer}, tags=["organizations"]
    )
    def put(self, request, pk):
        organization = self.get_organization()
        data = _valid(OrganizationUpdateSerializer, request.data)
        with transaction.atomic():
            self._apply(organization, data, actor_for(request))
        return self._render(organization)

    @staticmethod
    def _apply(organization, data, actor):
        if "name" in data:
            services.organization_update(organization=organization, name=data["name"], actor=actor)
        if "plan" in data or "seats" in data:
            services.subscription_change_plan(
                organization=organization,
                plan=data.get("plan") or organization.subscription.plan,
                seats=data.get("seats", organization.subscription.seats),
                actor=actor,
            )
        target = data.get("status")
        if target and target != organization.status:
            reason = data.get("status_reason", "")
            if target == "suspended":
                services.organization_suspend(organization=organization, actor=actor, reason=reason)
            elif target == "archived":
                services.organization_archive(organization=organization, actor=actor, reason=reason)
            elif organization.status in (Organization.Status.SUSPENDED, Organization.Status.ARCHIVED):
                services.organization_reactivate(organization=organization, actor=actor)

    patch = put

    @extend_schema(responses={204: None}, tags=["organizations"])
    def delete(self, request, pk):
        services.organization_delete(organization=self.get_organization(), actor=actor_for(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class OrganizationSettingsView(OrganizationObjectMixin, ApiGenericView):
    serializer_class = OrganizationSettingsSerializer

    @extend_schema(responses={200: OrganizationSettingsSerializer}, tags=["organizations"])
    def get(self, request, pk):
        org_settings = selectors.organization_settings_get(organization=self.get_organization())
        return Response(OrganizationSettingsSerializer(org_settings).data)

    @extend_schema(
        request=OrganizationSettingsSerializer,
        responses={200: OrganizationSettingsSerializer},
        tags=["organizations"],
    )
    def put(self, request, pk):
        organization = self.get_organization()
        partial = request.method == "PATCH"
        serializer = OrganizationSettingsSerializer(
            selectors.organization_settings_get(organization=organization), data=request.data, partial=partial
        )
        if not serializer.is_valid():
            raise ValidationFailed({k: [str(m) for m in v] for k, v in serializer.errors.items()})
        updated = services.organization_settings_update(
            organization=organization, actor=actor_for(request), **serializer.validated_data
        )
        return Response(OrganizationSettingsSerializer(updated).data)

    patch = put


class OrganizationDomainMixin(OrganizationObjectMixin):
    serializer_class = OrganizationDomainSerializer

    def get_domain(self, organization: Organization) -> Domain:
        domain = selectors.organization_domain_get(organization=organization, pk=self.kwargs["domain_id"])
        if domain is None:
            raise Http404
        return domain


class OrganizationDomainListView(OrganizationDomainMixin, ApiGenericView):
    @extend_schema(
        summary="List the domains of an organization",
        responses={200: OrganizationDomainSerializer(many=True)},
        tags=["organizations"],
    )
    def get(self, request, pk):
        """The primary domain first, then the others by name."""
        queryset = selectors.organization_domains(organization=self.get_organization())
        return Response(OrganizationDomainSerializer(queryset, many=True).data)

    @extend_schema(
        summary="Add a domain to an organization",
        request=DomainCreateSerializer,
        responses={201: OrganizationDomainSerializer},
        tags=["organizations"],
    )
    def post(self, request, pk):
        """Registers a host name as a non-primary domain. Any name but the organization's own
        `{slug}.BASE_DOMAIN` needs a plan with custom domains (403 `PLAN_LIMIT_REACHED`)."""
        organization = self.get_organization()
        data = _valid(DomainCreateSerializer, request.data)
        domain = domains.domain_add(
            organization=organization, domain=data["domain"], actor=actor_for(request)
        )
        domain = selectors.organization_domain_get(organization=organization, pk=domain.pk)
        return Response(OrganizationDomainSerializer(domain).data, status=status.HTTP_201_CREATED)


class OrganizationDomainDetailView(OrganizationDomainMixin, ApiGenericView):
    @extend_schema(
        summary="Remove a domain from an organization", responses={204: None}, tags=["organizations"]
    )
    def delete(self, request, pk, domain_id):
        """Neither the organization's own `{slug}.BASE_DOMAIN` nor its primary domain can be removed (409
        `INVALID_STATE`): make another domain primary first."""
        domain = self.get_domain(self.get_organization())
        domains.domain_remove(domain=domain, actor=actor_for(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class OrganizationDomainPrimaryView(OrganizationDomainMixin, ApiGenericView):
    @extend_schema(
        summary="Make a domain the primary domain of an organization",
        request=None,
        responses={200: OrganizationDomainSerializer},
        tags=["organizations"],
    )
    def post(self, request, pk, domain_id):
        """The primary domain is the host of every link the platform sends out; the previous one stays as
        a non-primary domain."""
        organization = self.get_organization()
        domain = domains.domain_make_primary(domain=self.get_domain(organization), actor=actor_for(request))
        domain = selectors.organization_domain_get(organization=organization, pk=domain.pk)
        return Response(OrganizationDomainSerializer(domain).data)
