"""`/api/v1/api-keys`: Org Admins list, create and revoke the organization's API keys, and list the scopes
a key may be granted (`/api/v1/api-keys/scopes`, from the registry every app registers into).

Only people manage keys (JWT or session): a request authenticated by an API key is refused with 403, so a
leaked key cannot mint more keys or keep itself alive.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from apps.accounts.permissions import IsOrgAdmin
from apps.apikeys.permissions import NotWithApiKey
from apps.apikeys.selectors import api_key_get, api_key_list
from apps.apikeys.services import api_key_create, api_key_revoke
from apps.core.api.scopes import ACCESS_LEVELS, registered_scopes
from apps.core.api.views import ApiGenericView
from apps.core.errors import NotFound

from .serializers import (
    ApiKeyCreatedSerializer,
    ApiKeyCreateSerializer,
    ApiKeyScopeSerializer,
    ApiKeySerializer,
)

DATE_OPS = ["gt", "lt", "gte", "lte"]


class ApiKeyListView(ApiGenericView):
    permission_classes = [IsOrgAdmin, NotWithApiKey]
    serializer_class = ApiKeySerializer
    filter_fields = {
        "status": ["eq", "ne", "in", "nin"],
        "name": ["eq", "ne", "like", "ilike"],
        "prefix": ["eq"],
        "created_by.email": ["eq", "ilike"],
        "created_at": DATE_OPS,
        "expires_at": DATE_OPS,
        "last_used_at": DATE_OPS,
    }
    sort_fields = ["name", "created_at", "expires_at", "last_used_at", "status"]
    default_sort = ["-created_at"]

    def get_queryset(self):
        return api_key_list(viewer=self.request.user)

    @extend_schema(responses={200: ApiKeySerializer(many=True)}, tags=["api keys"])
    def get(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(ApiKeySerializer(page, many=True).data)

    @extend_schema(
        request=ApiKeyCreateSerializer, responses={201: ApiKeyCreatedSerializer}, tags=["api keys"]
    )
    def post(self, request):
        serializer = ApiKeyCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        issued = api_key_create(actor=request.user, **serializer.validated_data)
        data = ApiKeyCreatedSerializer(issued.api_key, context={"raw_key": issued.raw_key}).data
        response = Response(data, status=status.HTTP_201_CREATED)
        response["Cache-Control"] = "no-store"
        return response


class ApiKeyDetailView(ApiGenericView):
    permission_classes = [IsOrgAdmin, NotWithApiKey]
    serializer_class = ApiKeySerializer

    def get_object(self):
        api_key = api_key_get(viewer=self.request.user, pk=self.kwargs["pk"])
        if api_key is None:
            raise NotFound("No such API key.")
        return api_key

    @extend_schema(responses={200: ApiKeySerializer}, tags=["api keys"])
    def get(self, request, pk):
        return Response(ApiKeySerializer(self.get_object()).data)

    @extend_schema(
        responses={204: None},
        tags=["api keys"],
        description="Revoke the key (it is kept, listed as revoked). Revoking a revoked key changes nothing.",
    )
    def delete(self, request, pk):
        api_key_revoke(actor=request.user, api_key=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class ApiKeyScopeListView(ApiGenericView):
    """Every scope an API key may be granted, grouped by the app that registered it, with what it covers.
    `<object>:write` includes `<object>:read`."""

    permission_classes = [IsOrgAdmin, NotWithApiKey]
    serializer_class = ApiKeyScopeSerializer

    @extend_schema(
        summary="List the grantable API-key scopes",
        responses={200: ApiKeyScopeSerializer(many=True)},
        tags=["api keys"],
    )
    def get(self, request):
        rows = [
            {
                "code": f"{scope.object}:{access}",
                "object": scope.object,
                "access": access,
                "label": scope.label,
                "description": scope.description,
                "app": scope.app,
                "app_name": scope.app_name,
            }
            for scope in registered_scopes()
            for access in ACCESS_LEVELS
        ]
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(ApiKeyScopeSerializer(page, many=True).data)
