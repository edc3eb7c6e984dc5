"""Routing a request in a few pattern tests instead of a walk over every route (issue 11).

Django resolves a path by trying each pattern of the URLconf in order. The organization's URLconf has about
400 routes, the API's after the pages', so `/api/v1/audit-log` was tested against some 200 patterns before its
own (0.3 ms of every API request, more than some endpoints' own SQL). `by_first_segment(patterns)` groups
routes by the literal first segment of their route ("courses" for `courses/<int:pk>/media`) under a resolver
that tests only that segment, so a path is matched against one group's routes. Routes in different groups can
never match the same path, and each group keeps its routes' order, so what resolves and to what is unchanged;
a URLconf with a route that does not start with a literal segment is left as it is. The grouping pattern adds
nothing to a route's text or to `reverse()` (its regex is a lookahead), so the OpenAPI schema, the route
walkers of the tests and every link are the same.
"""

import re
from functools import cached_property

from django.urls import URLPattern, URLResolver
from django.urls.resolvers import RoutePattern


class FirstSegment:
    """Matches a path whose first segment is `segment`, consuming nothing (like Django's LocalePrefixPattern,
    a pattern object of its own)."""

    converters: dict = {}

    def __init__(self, segment: str):
        self.segment = segment
        self.name = None

    @cached_property
    def regex(self):
        # Used by reverse(): a lookahead adds no text to a reversed URL and keeps the check that it fits.
        return re.compile(rf"(?={re.escape(self.segment)}(?:/|$))")

    def match(self, path: str):
        segment = self.segment
        if not segment:
            return (path, (), {}) if path == "" else None
        if path.startswith(segment) and (len(path) == len(segment) or path[len(segment)] == "/"):
            return path, (), {}
        return None

    def check(self) -> list:
        return []

    def describe(self) -> str:
        return f"'{self.segment}/…'"

    def __str__(self) -> str:
        return ""


def _leaves(patterns) -> list | None:
    """The patterns, with includes that add no prefix, namespace or arguments flattened into their routes."""
    flat = []
    for entry in patterns:
        plain_include = (
            isinstance(entry, URLResolver)
            and isinstance(entry.pattern, RoutePattern)
            and str(entry.pattern) == ""
            and entry.namespace is None
            and entry.app_name is None
            and not entry.default_kwargs
        )
        if plain_include:
            inner = _leaves(entry.url_patterns)
            if inner is None:
                return None
            flat.extend(inner)
        else:
            flat.append(entry)
    return flat


def _route(entry) -> str | None:
    if not isinstance(entry, URLPattern | URLResolver) or not isinstance(entry.pattern, RoutePattern):
        return None
    return str(entry.pattern)


def _first_segment(entry) -> str | None:
    route = _route(entry)
    if route is None:
        return None
    head = route.split("/", 1)[0]
    if "<" in head or (isinstance(entry, URLResolver) and "/" not in route):
        return None  # an include's prefix must end its segment ("courses/"), or its routes may extend it
    if not head and (route or isinstance(entry, URLResolver)):
        return None
    return head


def _strip(entry, prefix: str):
    """`entry` with `prefix` (literal, ending in "/") taken off the front of its route."""
    rest = str(entry.pattern)[len(prefix) :]
    if isinstance(entry, URLPattern):
        return URLPattern(
            RoutePattern(rest, name=entry.pattern.name, is_endpoint=True),
            entry.callback,
            entry.default_args,
            entry.name,
        )
    return URLResolver(
        RoutePattern(rest, name=entry.pattern.name, is_endpoint=False),
        entry.urlconf_name,
        entry.default_kwargs,
        entry.app_name,
        entry.namespace,
    )


def by_first_segment(patterns) -> list:
    """`patterns` as a tree of their routes' literal segments (see the module's docstring); a level is left as
    it is when any of its routes does not start with a literal segment."""
    flat = _leaves(patterns)
    if flat is None:
        return list(patterns)
    groups: dict[str, list] = {}
    for entry in flat:
        head = _first_segment(entry)
        if head is None:
            return list(patterns)
        groups.setdefault(head, []).append(entry)
    tree = []
    for head, group in groups.items():
        prefix = head + "/"
        nested = [_strip(entry, prefix) for entry in group if str(entry.pattern).startswith(prefix)]
        exact = [entry for entry in group if not str(entry.pattern).startswith(prefix)]
        children = list(exact)
        if nested:
            children.append(URLResolver(RoutePattern(prefix), by_first_segment(nested)))
        if not exact and head:
            tree.append(children[0])  # only "head/…" routes: the prefix resolver alone tests the segment
        else:
            tree.append(URLResolver(FirstSegment(head), children))
    return tree
