"""The event catalog: every event the product raises, declared once by the app that raises it.

Each feature app declares its events in its own `events.py`, imported from its AppConfig.ready()::

    from datetime import datetime

    from apps.events.catalog import declare

    ENROLLMENT_CREATED = declare(
        "enrollment.created",
        "A learner was enrolled in a course (or enrolled again after withdrawing).",
        payload={"enrollment_id": int, "course_id": int, "rule_id": int | None, "enrolled_at": datetime},
    )

Field types: `int`, `str`, `bool`, `datetime` (an ISO 8601 string with a time zone), `uuid.UUID` (its
string), `Literal["a", "b"]` (one of these strings), `list[X]`, and `X | None` (the key is always present,
its value may be null). Payloads are JSON and hold ids, never personal data (no names, no emails): a
subscriber that needs more reads it by id, in the organization's schema the event was raised in (the
organization is implied; an outgoing webhook adds its uid to its envelope).

`emit` checks every payload against its declaration (apps.events.bus), in tests and production alike, and
stores the declared version with the event. A change that removes, renames or retypes a field raises the
version; adding a field is also a new version (consumers may refuse unknown keys).
"""

import math
import re
import types
import typing
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from fnmatch import fnmatchcase
from typing import Any

from django.core.exceptions import ImproperlyConfigured

NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
NAME_MAX_LENGTH = 64  # Event.name


class EventError(Exception):
    """An event that cannot be raised or subscribed to as written: a programming error, never user input."""


class UndeclaredEvent(EventError):
    pass


class PayloadMismatch(EventError):
    def __init__(self, name: str, problems: dict[str, str]):
        self.name = name
        self.problems = problems
        listed = "; ".join(f"{key}: {problem}" for key, problem in sorted(problems.items()))
        super().__init__(f"Payload of {name!r} does not match its declaration: {listed}")


# --- field types --------------------------------------------------------------------------------------------


def _is_nullable(spec) -> tuple[bool, Any]:
    if isinstance(spec, types.UnionType) or typing.get_origin(spec) is typing.Union:
        args = [a for a in typing.get_args(spec) if a is not type(None)]
        if len(args) == 1 and len(typing.get_args(spec)) == 2:
            return True, args[0]
        raise ImproperlyConfigured(f"Only `X | None` unions are supported, not {spec!r}.")
    return False, spec


def _check_spec(spec) -> None:
    inner = _is_nullable(spec)[1]
    if typing.get_origin(inner) is list:
        (item,) = typing.get_args(inner)
        if _is_nullable(item)[0] or typing.get_origin(item) is list:
            raise ImproperlyConfigured("List items must be a plain type (int, str, ...).")
        _check_spec(item)
    elif typing.get_origin(inner) is typing.Literal:
        if not all(isinstance(choice, str) for choice in typing.get_args(inner)):
            raise ImproperlyConfigured("Literal choices must be strings.")
    elif inner not in (int, float, str, bool, datetime, uuid.UUID):
        raise ImproperlyConfigured(f"Unsupported payload field type {spec!r}.")


def _problem(spec, value) -> str | None:
    """Why `value` does not fit `spec`, or None."""
    nullable, inner = _is_nullable(spec)
    if value is None:
        return None if nullable else "must not be null"
    if typing.get_origin(inner) is list:
        if not isinstance(value, list):
            return "must be a list"
        (item,) = typing.get_args(inner)
        for index, element in enumerate(value):
            problem = _problem(item, element)
            if problem:
                return f"item {index} {problem}"
        return None
    if typing.get_origin(inner) is typing.Literal:
        choices = typing.get_args(inner)
        return None if value in choices else f"must be one of {', '.join(choices)}"
    if inner is int:
        return None if isinstance(value, int) and not isinstance(value, bool) else "must be an integer"
    if inner is float:
        number = isinstance(value, int | float) and not isinstance(value, bool)
        return None if number and math.isfinite(value) else "must be a finite number"
    if inner is bool:
        return None if isinstance(value, bool) else "must be true or false"
    if inner is str:
        return None if isinstance(value, str) else "must be a string"
    if inner is datetime:
        if not isinstance(value, str):
            return "must be an ISO 8601 date-time string (use .isoformat())"
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return "must be an ISO 8601 date-time string"
        return None if parsed.tzinfo is not None else "must carry a time zone"
    if inner is uuid.UUID:
        if not isinstance(value, str):
            return "must be a UUID string (use str(uuid))"
        try:
            uuid.UUID(value)
        except ValueError:
            return "must be a UUID string"
        return None
    return "has an unsupported type"  # pragma: no cover  (refused by declare)


def json_schema(spec) -> dict:
    """The JSON Schema of one field type (what the catalog page and GET /api/v1/events show)."""
    nullable, inner = _is_nullable(spec)
    if typing.get_origin(inner) is list:
        schema = {"type": "array", "items": json_schema(typing.get_args(inner)[0])}
    elif typing.get_origin(inner) is typing.Literal:
        schema = {"type": "string", "enum": list(typing.get_args(inner))}
    else:
        schema = {
            int: {"type": "integer"},
            float: {"type": "number"},
            str: {"type": "string"},
            bool: {"type": "boolean"},
            datetime: {"type": "string", "format": "date-time"},
            uuid.UUID: {"type": "string", "format": "uuid"},
        }[inner]
    if nullable:
        schema = {**schema, "nullable": True}
    return schema


def type_label(spec) -> str:
    """A short human name of a field type: `integer`, `date-time or null`, `list of integer`."""
    nullable, inner = _is_nullable(spec)
    if typing.get_origin(inner) is list:
        label = f"list of {type_label(typing.get_args(inner)[0])}"
    elif typing.get_origin(inner) is typing.Literal:
        label = "one of " + ", ".join(f"`{c}`" for c in typing.get_args(inner))
    else:
        label = {
            int: "integer",
            float: "number",
            str: "string",
            bool: "boolean",
            datetime: "date-time",
            uuid.UUID: "uuid",
        }[inner]
    return f"{label} or null" if nullable else label


# --- the catalog ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EventType:
    name: str
    description: str
    payload: dict[str, Any] = field(default_factory=dict)
    version: int = 1
    module: str = ""  # the app module that declared it

    def problems(self, payload) -> dict[str, str]:
        if not isinstance(payload, dict):
            return {"payload": "must be a dict"}
        found = {key: "is not declared" for key in payload if key not in self.payload}
        for key, spec in self.payload.items():
            if key not in payload:
                found[key] = "is missing"
            else:
                problem = _problem(spec, payload[key])
                if problem:
                    found[key] = problem
        return found

    def check(self, payload) -> None:
        problems = self.problems(payload)
        if problems:
            raise PayloadMismatch(self.name, problems)

    def payload_schema(self) -> dict:
        return {
            "type": "object",
            "properties": {key: json_schema(spec) for key, spec in self.payload.items()},
            "required": list(self.payload),
            "additionalProperties": False,
        }


_CATALOG: dict[str, EventType] = {}


def declare(name: str, description: str, *, payload: dict[str, Any] | None = None, version: int = 1) -> str:
    """Add an event to the catalog and return its name (a constant for the emitting code). Each name is
    declared once; a second declaration is a configuration error."""
    if not NAME_PATTERN.match(name) or len(name) > NAME_MAX_LENGTH:
        raise ImproperlyConfigured(
            f"Event name {name!r} must be dotted lower-case words (`course.completed`), "
            f"at most {NAME_MAX_LENGTH} characters."
        )
    if name in _CATALOG:
        raise ImproperlyConfigured(f"Event {name!r} is already declared (in {_CATALOG[name].module}).")
    if not description.strip():
        raise ImproperlyConfigured(f"Event {name!r} needs a description.")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ImproperlyConfigured(f"Event {name!r}: version must be a positive integer.")
    payload = dict(payload or {})
    for key, spec in payload.items():
        if not re.match(r"^[a-z][a-z0-9_]*$", key):
            raise ImproperlyConfigured(f"Event {name!r}: field {key!r} must be snake_case.")
        _check_spec(spec)
    caller = _caller_module()
    _CATALOG[name] = EventType(
        name=name, description=" ".join(description.split()), payload=payload, version=version, module=caller
    )
    return name


def _caller_module() -> str:
    import sys

    frame = sys._getframe(2)
    return frame.f_globals.get("__name__", "")


def get(name: str) -> EventType:
    try:
        return _CATALOG[name]
    except KeyError:
        raise UndeclaredEvent(
            f"Event {name!r} is not declared. Declare it with apps.events.catalog.declare() in the raising "
            "app's events.py (imported from its AppConfig.ready())."
        ) from None


def event_types() -> list[EventType]:
    """Every declared event, by name."""
    return [_CATALOG[name] for name in sorted(_CATALOG)]


def matching(pattern: str) -> list[str]:
    """Declared event names that `pattern` (a name, or an fnmatch pattern such as `course.*` or `*`) selects."""
    return [name for name in sorted(_CATALOG) if fnmatchcase(name, pattern)]


def is_pattern(name_or_pattern: str) -> bool:
    return any(char in name_or_pattern for char in "*?[")
