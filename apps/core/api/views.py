"""Base API classes. Subclasses get envelope rendering, filters, sort, sparse fields and rate-limit headers
without being able to forget them (PostHog-style base mixin)."""

from rest_framework import generics, viewsets
from rest_framework.views import APIView

from . import schema  # noqa: F401  registers the OpenAPI extension for TenantJWTAuthentication
from .fields import parse_fields, prune, validate_paths
from .filtering import WhitelistFilterBackend, WhitelistSortBackend
from .scopes import check_credential_scope


class ApiMixin:
    filter_backends = [WhitelistFilterBackend, WhitelistSortBackend]
    filter_fields: dict[str, list[str]] = {}
    sort_fields: list[str] = []
    default_sort: list[str] = []

    def perform_authentication(self, request):
        # DRF checks throttles after authentication and permissions, so a request refused with 401 or 403
        # would be free (guessing tokens at no cost) and leave without rate-limit headers. Count it first:
        # a caller whose credentials fail is counted as anonymous, by IP.
        try:
            super().perform_authentication(request)
        finally:
            self.check_throttles(request)

    def check_throttles(self, request):
        if getattr(request, "_throttles_checked", False):
            return  # already counted in perform_authentication; DRF's initial() asks again
        request._throttles_checked = True
        super().check_throttles(request)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # A request made with a scoped credential (an API key) may only reach views whose `api_key_scope`
        # its scopes grant; a view without one is closed to such credentials.
        check_credential_scope(request, self)
        self._sparse_fields = parse_fields(request.query_params.get("fields"))
        if self._sparse_fields is not None and hasattr(self, "get_serializer_class"):
            try:
                serializer_class = self.get_serializer_class()
            except AssertionError:
                serializer_class = None
            if serializer_class is not None:
                validate_paths(serializer_class(context=self.get_serializer_context()), self._sparse_fields)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        paths = getattr(self, "_sparse_fields", None)
        if paths and 200 <= response.status_code < 300 and not getattr(response, "enveloped", False):
            response.data = prune(response.data, paths)
        state = getattr(request, "rate_limit", None)
        if state is not None:
            for header, value in state.headers().items():
                response[header] = value
        return response


class ApiView(ApiMixin, APIView):
    pass


class ApiGenericView(ApiMixin, generics.GenericAPIView):
    pass


class ApiViewSet(ApiMixin, viewsets.GenericViewSet):
    pass
