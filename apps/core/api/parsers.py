"""Request body parsers for every API endpoint.

`JSONParser` is the API's one JSON parser (see REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]). It refuses, with
400 `BAD_REQUEST` before any view sees the body, what no serializer should have to think about: a NUL
character in any string or key (PostgreSQL text cannot hold one), nesting deeper than `MAX_DEPTH`, and
numbers that are not finite (`NaN`, `Infinity`, `1e999`).
"""

import json
import math

from django.conf import settings
from rest_framework import parsers
from rest_framework.exceptions import ParseError

# No request body of ours nests anywhere near this deep; a hostile one nests thousands of levels.
MAX_DEPTH = 32


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a valid JSON value")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text[:20]} is out of range")
    return value


def check_json_value(data, *, max_depth: int = MAX_DEPTH) -> None:
    """Raise ParseError if `data` nests deeper than `max_depth` or holds a NUL in a string or key."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            if "\x00" in value:
                raise ParseError("JSON strings may not contain the NUL character (\\u0000).")
            continue
        if not isinstance(value, dict | list):
            continue
        if depth > max_depth:
            raise ParseError(f"JSON may nest at most {max_depth} levels deep.")
        if isinstance(value, dict):
            stack.extend((key, depth) for key in value)
            stack.extend((item, depth + 1) for item in value.values())
        else:
            stack.extend((item, depth + 1) for item in value)


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser; the place where hostile bodies are refused before any view sees them."""

    max_depth = MAX_DEPTH

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = stream.read().decode(encoding)
            data = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float)
        except RecursionError as exc:
            raise ParseError(f"JSON may nest at most {self.max_depth} levels deep.") from exc
        except ValueError as exc:  # bad JSON, bad encoding, an integer of thousands of digits
            raise ParseError(f"JSON parse error - {exc}") from exc
        check_json_value(data, max_depth=self.max_depth)
        return data
