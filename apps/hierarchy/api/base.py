"""What every structure and people view shares: scoped access, the viewer's scope in serializer context,
and validation that answers 400 with field details."""

from rest_framework.response import Response

from apps.accounts.permissions import scope_of
from apps.core.api.views import ApiGenericView

from .permissions import ScopedAccess


class StructureView(ApiGenericView):
    permission_classes = [ScopedAccess]
    access: dict[str, str] = {}

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["scope"] = scope_of(self.request.user)
        return context

    def valid(self, serializer_class, *, partial: bool | None = None, instance=None, data=None) -> dict:
        """The request body (or `data`), validated; PATCH is partial unless told otherwise."""
        if partial is None:
            partial = self.request.method == "PATCH"
        serializer = serializer_class(
            instance,
            data=self.request.data if data is None else data,
            partial=partial,
            context=self.get_serializer_context(),
        )
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def listing(self, queryset, serializer_class=None, prepare=None):
        """One page of `queryset`, filtered and sorted; `prepare(page)` may annotate the page's objects."""
        page = self.paginate_queryset(self.filter_queryset(queryset))
        if prepare is not None:
            prepare(page)
        serializer_class = serializer_class or self.get_serializer_class()
        return self.get_paginated_response(
            serializer_class(page, many=True, context=self.get_serializer_context()).data
        )

    def one(
        self, instance, serializer_class=None, status: int = 200, context: dict | None = None
    ) -> Response:
        serializer_class = serializer_class or self.get_serializer_class()
        full_context = {**self.get_serializer_context(), **(context or {})}
        return Response(serializer_class(instance, context=full_context).data, status=status)
