"""`filter[field]=v`, `filter[field][op]=v` and `sort=a,-b` on fields each view whitelists.

A view declares::

    filter_fields = {"status": ["eq", "ne", "in", "nin"], "created_at": ["gt", "lt", "gte", "lte"]}
    sort_fields = ["name", "created_at"]
    default_sort = ["name"]

Public names may use dots for related fields (`plan.code`); they map to ORM paths with `__`, or to an
explicit path through `filter_paths = {"plan": "subscription__plan__code"}`. Unknown fields, operators or
values that do not fit the field are refused with 400, never ignored.

A view may narrow what filters through a multi-valued relation can match with `filter_scopes()`: a mapping of
an ORM path prefix (`role_assignments`) to a Q over the same paths (the related rows the viewer may know of,
from a selector). It is applied in the same filter() call, so it binds to the very related row the filter
matched: a filter cannot find anyone through a row the list would not show.
"""

import datetime
import re

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Q
from django.utils import timezone
from rest_framework.filters import BaseFilterBackend

from apps.core.errors import ApplicationError, ErrorCode

FILTER_PARAM = re.compile(r"^filter\[(?P<field>[a-zA-Z0-9_.]+)\](?:\[(?P<op>[a-z]+)\])?$")
OPERATORS = ("eq", "ne", "gt", "lt", "gte", "lte", "in", "nin", "like", "ilike")
_LOOKUPS = {
    "eq": "exact",
    "ne": "exact",
    "gt": "gt",
    "lt": "lt",
    "gte": "gte",
    "lte": "lte",
    "in": "in",
    "nin": "in",
    "like": "like",
    "ilike": "ilike",
}
TEXT_ONLY = {"like", "ilike"}


def _orm_path(view, public_name: str) -> str:
    return getattr(view, "filter_paths", {}).get(public_name, public_name.replace(".", "__"))


def _model_field(model, path: str):
    field = None
    for part in path.split("__"):
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return None
        if field.is_relation and field.related_model is not None:
            model = field.related_model
    if field is not None and field.is_relation and field.related_model is not None:
        return field.related_model._meta.pk
    return field


def _crosses_many(model, path: str) -> bool:
    """Whether filtering on `path` joins a to-many relation (rows may repeat: the result needs DISTINCT).
    A path that is no model field (an annotation) is taken to be safe only if it has no `__`."""
    parts = path.split("__")
    for part in parts:
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return len(parts) > 1
        if field.many_to_many or field.one_to_many:
            return True
        if not field.is_relation or field.related_model is None:
            return False
        model = field.related_model
    return False


def _convert(field, raw: str, public_name: str):
    if field is None:
        return raw
    try:
        if field.get_internal_type() == "BooleanField":
            lowered = raw.lower()
            if lowered not in {"true", "false", "1", "0"}:
                raise ValidationError("not a boolean")
            return lowered in {"true", "1"}
        value = field.to_python(raw)
        if isinstance(value, datetime.datetime):
            # `2024-05-01` or a time without offset is read in the site's time zone, as Django would. Then
            # in UTC: PostgreSQL refuses offsets past ±15:59 that Python reads (`+20:34`).
            try:
                if timezone.is_naive(value):
                    value = timezone.make_aware(value)
                value = value.astimezone(datetime.UTC)
            except (OverflowError, ValueError) as exc:
                raise ValidationError("The date is out of range.") from exc
        if getattr(field, "choices", None) and value not in {choice for choice, _ in field.flatchoices}:
            allowed = ", ".join(str(choice) for choice, _ in field.flatchoices)
            raise ValidationError(f"Must be one of: {allowed}.")
        return value
    except ValidationError as exc:
        raise ApplicationError(
            f"`{raw}` is not a valid value for `{public_name}`.",
            code=ErrorCode.INVALID_FILTER,
            details={public_name: [str(m) for m in exc.messages]},
        ) from exc


def _like_pattern(raw: str) -> str:
    """`%` and `_` keep their SQL meaning and `\\%`, `\\_`, `\\\\` match them literally; any other backslash
    (a trailing one included, which PostgreSQL would refuse) is a literal backslash. Without a wildcard,
    `like` means "contains"."""
    pattern, wildcard, index = [], False, 0
    while index < len(raw):
        char = raw[index]
        if char == "\\":
            following = raw[index + 1 : index + 2]
            if following in ("%", "_", "\\"):
                pattern.append(char + following)
                index += 2
                continue
            pattern.append("\\\\")
        else:
            wildcard = wildcard or char in "%_"
            pattern.append(char)
        index += 1
    escaped = "".join(pattern)
    return escaped if wildcard else f"%{escaped}%"


def _scopes(view, paths: set[str]) -> Q:
    """The view's `filter_scopes()` that apply to the ORM paths filtered on (see the module docstring)."""
    condition = Q()
    scopes = view.filter_scopes() if hasattr(view, "filter_scopes") else {}
    for prefix, scope in scopes.items():
        if scope is not None and any(path.startswith(f"{prefix}__") for path in paths):
            condition &= scope
    return condition


class WhitelistFilterBackend(BaseFilterBackend):
    def filter_queryset(self, request, queryset, view):
        allowed: dict[str, list[str]] = getattr(view, "filter_fields", {})
        errors: dict[str, list[str]] = {}
        condition = Q()
        used_paths: set[str] = set()
        for key, values in request.query_params.lists():
            if not key.startswith("filter"):
                continue
            match = FILTER_PARAM.match(key)
            if not match:
                errors[key] = ["Use filter[field]=value or filter[field][operator]=value."]
                continue
            name, op = match["field"], match["op"] or "eq"
            if name not in allowed:
                known = ", ".join(sorted(allowed)) or "none"
                errors[key] = [f"Filtering on `{name}` is not supported. Filterable fields: {known}."]
                continue
            if op not in OPERATORS or op not in allowed[name]:
                errors[key] = [
                    f"Operator `{op}` is not supported on `{name}`. Use one of: {', '.join(allowed[name])}."
                ]
                continue
            path = _orm_path(view, name)
            used_paths.add(path)
            field = _model_field(queryset.model, path)
            for raw in values:
                if op in ("in", "nin"):
                    value = [_convert(field, item.strip(), name) for item in raw.split(",") if item.strip()]
                    if not value:
                        errors[key] = [f"Give `{op}` a comma-separated list of at least one value."]
                        continue
                elif op in TEXT_ONLY:
                    value = _like_pattern(raw)
                else:
                    value = _convert(field, raw, name)
                clause = Q(**{f"{path}__{_LOOKUPS[op]}": value})
                condition &= ~clause if op in ("ne", "nin") else clause
        if errors:
            raise ApplicationError("The filter is not valid.", code=ErrorCode.INVALID_FILTER, details=errors)
        if condition:
            condition &= _scopes(view, used_paths)
        if not condition:
            return queryset
        # DISTINCT only when a filter joins a to-many relation: it would also keep the page's total from
        # riding on the page's own query (apps.core.api.pagination).
        filtered = queryset.filter(condition)
        return filtered.distinct() if any(_crosses_many(queryset.model, p) for p in used_paths) else filtered

    def get_schema_operation_parameters(self, view):
        params = []
        for name, ops in getattr(view, "filter_fields", {}).items():
            params.append(
                {
                    "name": f"filter[{name}]",
                    "in": "query",
                    "required": False,
                    "description": f"Equals. Other operators: filter[{name}][op] with op in {', '.join(ops)}.",
                    "schema": {"type": "string"},
                }
            )
        return params


class WhitelistSortBackend(BaseFilterBackend):
    def filter_queryset(self, request, queryset, view):
        allowed: list[str] = getattr(view, "sort_fields", [])
        raw = request.query_params.get("sort")
        if not raw:
            ordering = list(getattr(view, "default_sort", []))
        else:
            ordering, bad = [], []
            for item in (part.strip() for part in raw.split(",")):
                name = item[1:] if item.startswith("-") else item
                if name not in allowed:
                    bad.append(item)
                    continue
                ordering.append(("-" if item.startswith("-") else "") + _orm_path(view, name))
            if bad:
                raise ApplicationError(
                    "The sort is not valid.",
                    code=ErrorCode.INVALID_SORT,
                    details={
                        "sort": [
                            f"Cannot sort on `{b}`. Sortable fields: {', '.join(allowed) or 'none'}."
                            for b in bad
                        ]
                    },
                )
        # A unique tie-breaker keeps pages stable.
        if ordering and not any(o.lstrip("-") in ("pk", "id") for o in ordering):
            ordering.append("pk")
        return queryset.order_by(*ordering) if ordering else queryset

    def get_schema_operation_parameters(self, view):
        allowed = getattr(view, "sort_fields", [])
        if not allowed:
            return []
        return [
            {
                "name": "sort",
                "in": "query",
                "required": False,
                "description": f"Comma-separated; prefix with - for descending. Fields: {', '.join(allowed)}.",
                "schema": {"type": "string"},
            }
        ]
