"""The organization's URLconf routed as a tree of segments (apps.core.routing) resolves and reverses exactly
as the plain list of its routes would, and tests far fewer patterns per request."""

import re
import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.exceptions import Resolver404
from django.urls.resolvers import RegexPattern, RoutePattern

from apps.core.routing import FirstSegment, by_first_segment
from tests.urls import routes

URLCONF = "config.urls_tenant"
SAMPLES = {"int": "7", "str": "abc", "slug": "a-b", "uuid": str(uuid.UUID(int=5)), "path": "a/b"}


def _sample(route: str) -> str:
    return re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLES[m.group(1) or "str"], route)


def _linear():
    """Every route of the URLconf, in order, as one flat list (what Django would walk without the tree)."""
    return [
        (route, pattern) for route, pattern in routes(URLCONF) if isinstance(pattern.pattern, RoutePattern)
    ]


def _first_match(flat, path: str):
    for route, pattern in flat:
        match = RoutePattern(route, is_endpoint=True).match(path)
        if match is not None:
            return pattern, {**match[2], **pattern.default_args}
    return None, None


def test_every_route_resolves_to_the_view_and_arguments_the_plain_list_gives():
    flat = _linear()
    resolver = get_resolver(URLCONF)
    checked = 0
    for route, _ in flat:
        path = _sample(route)
        expected, kwargs = _first_match(flat, path)
        found = resolver.resolve("/" + path)
        assert found.func is expected.callback, route
        assert {k: str(v) for k, v in found.kwargs.items()} == {k: str(v) for k, v in kwargs.items()}, route
        checked += 1
    assert checked > 300


def test_no_page_route_answers_an_api_or_health_path():
    """The API moved before the pages: that changes nothing only if no page route can match its paths."""
    flat = _linear()
    api = [(route, p) for route, p in flat if route.startswith(("api/", "healthz"))]
    pages = [(route, p) for route, p in flat if not route.startswith(("api/", "healthz"))]
    assert len(api) > 100
    assert len(pages) > 100
    for route, _ in api:
        assert _first_match(pages, _sample(route)) == (None, None), route


def test_every_named_route_reverses_to_its_own_path():
    resolver = get_resolver(URLCONF)
    for route, pattern in _linear():
        if not pattern.name or not route.startswith("api/"):
            continue
        names = re.findall(r"<(?:\w+:)?(\w+)>", route)
        kwargs = {
            name: _sample(f"<{conv}:{name}>") for conv, name in re.findall(r"<(?:(\w+):)?(\w+)>", route)
        }
        kwargs = {name: (value if value else "abc") for name, value in kwargs.items()}
        assert len(kwargs) == len(names)
        url = reverse(pattern.name, kwargs=kwargs, urlconf=URLCONF)
        assert resolver.resolve(url).func is pattern.callback, route


def test_unknown_api_paths_still_reach_the_envelope_404():
    resolver = get_resolver(URLCONF)
    found = resolver.resolve("/api/v1/no-such-thing")
    assert found.func.__name__ == "page_not_found"
    assert resolver.resolve("/api/v1/courses/7/no-such-thing").func.__name__ == "page_not_found"


def test_a_request_tests_a_few_patterns_not_every_route():
    """Counted, not timed: resolving an API path matches against at most a few dozen patterns (it was ~200)."""
    tried = 0
    original = RoutePattern.match

    def counting(self, path):
        nonlocal tried
        tried += 1
        return original(self, path)

    resolver = get_resolver(URLCONF)
    RoutePattern.match = counting
    try:
        resolver.resolve("/api/v1/audit-log")
        audit = tried
        tried = 0
        resolver.resolve("/api/v1/users/7/certificates")
        users = tried
    finally:
        RoutePattern.match = original
    assert audit <= 20
    assert users <= 60


def test_grouping_keeps_routes_that_cannot_be_grouped_as_they_are():
    def view(request):
        return None

    plain = [URLPattern(RoutePattern("a/<int:pk>"), view), URLPattern(RoutePattern("b"), view)]
    tree = by_first_segment(plain)
    assert [type(p.pattern) for p in tree] == [RoutePattern, FirstSegment]
    assert str(tree[0].pattern) == "a/"
    assert str(tree[1].pattern) == ""

    with_regex = [*plain, URLPattern(RegexPattern(r"^c/$"), view)]
    assert by_first_segment(with_regex) == with_regex
    leading_converter = [*plain, URLPattern(RoutePattern("<slug:s>/x"), view)]
    assert by_first_segment(leading_converter) == leading_converter
    namespaced_root = [*plain, URLResolver(RoutePattern(""), [], app_name="x", namespace="x")]
    assert by_first_segment(namespaced_root) == namespaced_root


@pytest.mark.parametrize(("path", "hit"), [("b", True), ("b/", True), ("bc", False), ("b/x", True)])
def test_first_segment_matches_only_its_segment(path, hit):
    assert (FirstSegment("b").match(path) is not None) is hit
    with pytest.raises(Resolver404):
        URLResolver(FirstSegment("b"), []).resolve("c")
