"""Sparse fieldsets: `fields=id,name,user.email` keeps only those paths of each object in `data`."""

from rest_framework import serializers

from apps.core.errors import ApplicationError, ErrorCode


def parse_fields(raw: str | None) -> list[list[str]] | None:
    if raw is None:
        return None
    paths = [p.strip() for p in raw.split(",") if p.strip()]
    if not paths:
        raise ApplicationError(
            "`fields` is empty.",
            code=ErrorCode.INVALID_FIELDS,
            details={"fields": ["Name at least one field."]},
        )
    return [p.split(".") for p in paths]


def _child(field):
    if isinstance(field, serializers.ListSerializer):
        return field.child
    if isinstance(field, serializers.ListField):
        return field.child
    return field


def validate_paths(serializer, paths: list[list[str]]) -> None:
    bad = []
    for path in paths:
        node = _child(serializer)
        for part in path:
            fields = getattr(node, "fields", None)
            if fields is None or part not in fields:
                bad.append(".".join(path))
                break
            node = _child(fields[part])
    if bad:
        raise ApplicationError(
            "Unknown fields requested.",
            code=ErrorCode.INVALID_FIELDS,
            details={"fields": [f"`{b}` is not a field of this resource." for b in bad]},
        )


def _tree(paths: list[list[str]]) -> dict:
    tree: dict = {}
    for path in paths:
        node = tree
        for part in path[:-1]:
            node = node.setdefault(part, {})
            if node is None:
                break
        else:
            node[path[-1]] = None  # None = keep the whole value
    return tree


def _prune(value, tree):
    if tree is None:
        return value
    if isinstance(value, list):
        return [_prune(item, tree) for item in value]
    if isinstance(value, dict):
        return {key: _prune(value[key], sub) for key, sub in tree.items() if key in value}
    return value


def prune(data, paths: list[list[str]]):
    return _prune(data, _tree(paths))


class SingleLineCharField(serializers.CharField):
    """A name or title: one line, no control characters (a line break would break every email header it is
    put in). Use it for every text field that is not meant to hold several lines."""

    def __init__(self, **kwargs):
        from apps.core.validation import validate_single_line

        super().__init__(**kwargs)
        self.validators.append(validate_single_line)


def column_range(model, field_name: str) -> dict[str, int]:
    """`min_value` / `max_value` for a serializer IntegerField writing `model.field_name`: the range of its
    database column (e.g. 0..2147483647 for a PositiveIntegerField), so a larger number is a field error,
    not a database error."""
    from django.core.validators import MaxValueValidator, MinValueValidator

    bounds: dict[str, int] = {}
    for validator in model._meta.get_field(field_name).validators:
        if isinstance(validator, MinValueValidator):
            bounds["min_value"] = max(bounds.get("min_value", validator.limit_value), validator.limit_value)
        elif isinstance(validator, MaxValueValidator):
            bounds["max_value"] = min(bounds.get("max_value", validator.limit_value), validator.limit_value)
    return bounds


# Bounds for integers a request writes or looks up: PostgreSQL `integer` columns (positions, durations,
# counts) and `bigint` primary keys. Every integer in a request body declares one (tests/api/test_bad_input.py).
MAX_INT = 2_147_483_647
MAX_ID = 9_223_372_036_854_775_807
