"""Walking a URLconf, for the tests that check every route (OPTIONS, OpenAPI coverage, guards for views to
come): one walker instead of one per test file."""

from collections.abc import Iterator

from django.urls import URLPattern, URLResolver, get_resolver


def routes(urlconf: str) -> Iterator[tuple[str, URLPattern]]:
    """Every leaf pattern of `urlconf` with its full route (the prefixes of its includes joined)."""

    def walk(patterns, prefix: str):
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, route)
            elif isinstance(entry, URLPattern):
                yield route, entry

    yield from walk(get_resolver(urlconf).url_patterns, "")


def view_classes(urlconf: str) -> set[type]:
    """The class-based views routed in `urlconf`."""
    return {
        pattern.callback.view_class
        for _, pattern in routes(urlconf)
        if getattr(pattern.callback, "view_class", None) is not None
    }
