"""Joining an app's isolation rows kept one file per part (tests/<app>/isolation_<part>.py), for the app's own
tests/<app>/isolation.py:

    API_ENDPOINTS, PAGES, PAGE_ACTIONS, ANONYMOUS_API_ENDPOINTS, TARGET_GROUPS = joined(
        "tests.badges", {"core": "bcore_", "openbadges": "ob_"}
    )

Each part exports any of API_ENDPOINTS, PAGES, PAGE_ACTIONS, ANONYMOUS_API_ENDPOINTS and targets(organization),
whose placeholders all start with the part's prefix. Its targets become a TARGET_GROUP (tests/isolation/
registry.py: Targets), built only for the rows that name one of its placeholders, or when one of its rows
without a placeholder (its lists, whose objects must exist for a leak to show) is filled."""

from importlib import import_module

ROWS = ("API_ENDPOINTS", "PAGES", "PAGE_ACTIONS", "ANONYMOUS_API_ENDPOINTS")


def joined(package: str, prefixes: dict[str, str]) -> tuple[list, list, list, list, list]:
    modules = {part: import_module(f"{package}.isolation_{part}") for part in prefixes}
    rows = {name: [row for module in modules.values() for row in getattr(module, name, [])] for name in ROWS}
    groups = [
        (
            prefixes[part],
            module.targets,
            frozenset(row.path for name in ROWS for row in getattr(module, name, []) if "{" not in row.path),
        )
        for part, module in modules.items()
        if hasattr(module, "targets")
    ]
    return (*(rows[name] for name in ROWS), groups)
