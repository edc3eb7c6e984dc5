"""`page` / `per_page` pagination (default 10, max 100) with totals and links in `meta`."""

import math
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

from django.db.models import Count, QuerySet, Window
from django.db.models.query import ModelIterable
from rest_framework.pagination import BasePagination
from rest_framework.response import Response

from apps.core.errors import ApplicationError, ErrorCode

DEFAULT_PER_PAGE = 10
MAX_PER_PAGE = 100


def _positive_int(raw: str | None, name: str, default: int) -> int:
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except (TypeError, ValueError):
        value = 0
    if value < 1:
        raise ApplicationError(
            f"`{name}` must be a positive whole number.",
            code=ErrorCode.INVALID_PAGINATION,
            details={name: [f"Expected a positive integer, got {raw!r}."]},
        )
    return value


TOTAL = "ls_page_total"


def _total_in_page(queryset) -> bool:
    """Whether the total can ride on the page's own query (COUNT(*) OVER ()): model rows, no DISTINCT
    (the window counts before it) and no UNION."""
    return (
        isinstance(queryset, QuerySet)
        and queryset._iterable_class is ModelIterable
        and not queryset.query.distinct
        and not queryset.query.combinator
        and not queryset.query.is_sliced
    )


def page_and_total(queryset, offset: int, limit: int) -> tuple[list, int]:
    """The rows [offset, offset + limit) of `queryset` and how many rows it has in all: in one query when
    the page has rows (the total read from a window over the same rows), else with a count. A page past
    the end is an empty page with the correct total, not an error."""
    if not _total_in_page(queryset):
        total = queryset.count() if isinstance(queryset, QuerySet) else len(queryset)
        return (list(queryset[offset : offset + limit]) if offset < total else []), total
    page = list(queryset.annotate(**{TOTAL: Window(Count("*"))})[offset : offset + limit])
    if page:
        return page, getattr(page[0], TOTAL)
    return [], 0 if offset == 0 else queryset.count()


class PagePagination(BasePagination):
    page_query_param = "page"
    per_page_query_param = "per_page"

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.page_number = _positive_int(request.query_params.get("page"), "page", 1)
        self.per_page = min(
            _positive_int(request.query_params.get("per_page"), "per_page", DEFAULT_PER_PAGE), MAX_PER_PAGE
        )
        offset = (self.page_number - 1) * self.per_page
        page, self.total = page_and_total(queryset, offset, self.per_page)
        return page

    def _links(self, pages: dict[str, int | None]) -> dict[str, str | None]:
        """The request's own URL with `per_page` and `page` set (as DRF's replace_query_param would write
        it, parameters sorted), the URL parsed once for all the links."""
        scheme, netloc, path, query, fragment = urlsplit(str(self.request.build_absolute_uri()))
        params = parse_qs(query, keep_blank_values=True)
        params[self.per_page_query_param] = [str(self.per_page)]
        links: dict[str, str | None] = {}
        for name, page in pages.items():
            if page is None:
                links[name] = None
                continue
            params[self.page_query_param] = [str(page)]
            encoded = urlencode(sorted(params.items()), doseq=True)
            links[name] = urlunsplit((scheme, netloc, path, encoded, fragment))
        return links

    def get_meta(self) -> dict:
        total_pages = max(1, math.ceil(self.total / self.per_page))
        page = self.page_number
        return {
            "page": page,
            "per_page": self.per_page,
            "total": self.total,
            "total_pages": total_pages,
            "links": self._links(
                {
                    "self": page,
                    "first": 1,
                    "last": total_pages,
                    "next": page + 1 if page < total_pages else None,
                    "prev": min(page - 1, total_pages) if page > 1 else None,
                }
            ),
        }

    def get_paginated_response(self, data):
        response = Response(data)
        response.meta = self.get_meta()
        return response

    def get_paginated_response_schema(self, schema):
        return schema

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": "page",
                "in": "query",
                "required": False,
                "description": "Page number (default 1).",
                "schema": {"type": "integer", "minimum": 1},
            },
            {
                "name": "per_page",
                "in": "query",
                "required": False,
                "description": f"Items per page (default {DEFAULT_PER_PAGE}, max {MAX_PER_PAGE}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
            },
        ]
