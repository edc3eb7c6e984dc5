"""Every organization endpoint, page and form action, for the cross-tenant, cross-role and API-key matrices,
collected from the apps' own lists.

Each app keeps its rows next to its tests, in tests/<app>/isolation.py, exporting any of

    API_ENDPOINTS            Endpoint rows of /api/v1/ (roles allowed, API-key scope)
    PAGES, PAGE_ACTIONS      pages of the org's host and their form POSTs
    ANONYMOUS_API_ENDPOINTS  endpoints anyone may call without credentials (tests/accounts/
                             test_auth_isolation.py)
    targets(organization)    values for its placeholders, called inside the organization's schema

and this module finds every such file (a new app's is picked up without editing anything here). The rows
are checked in tests/isolation/test_cross_tenant.py and test_api_keys.py; test_route_coverage.py fails for a
route that no row reaches.
"""

import re
from importlib import import_module
from pathlib import Path

from django_tenants.utils import schema_context

TESTS = Path(__file__).resolve().parent.parent


def _app_modules() -> list:
    """tests/<app>/isolation.py for every app, in name order."""
    return [
        import_module(f"tests.{path.parent.name}.isolation") for path in sorted(TESTS.glob("*/isolation.py"))
    ]


APP_MODULES = _app_modules()


def _collected(name: str) -> list:
    return [row for module in APP_MODULES for row in getattr(module, name, [])]


API_ENDPOINTS = _collected("API_ENDPOINTS")
PAGES = _collected("PAGES")
PAGE_ACTIONS = _collected("PAGE_ACTIONS")
ANONYMOUS_API_ENDPOINTS = _collected("ANONYMOUS_API_ENDPOINTS")


PLACEHOLDER = re.compile(r"\{([a-z_0-9]+)\}")


class Targets(dict):
    """The placeholders' values of one organization. An app whose objects are costly to make can export
    TARGET_GROUPS, [(prefix, targets_function, paths), ...]: a group runs only when a placeholder with its
    prefix is looked up (by `fill`, `values[key]` or `key in values`), or when `fill` fills one of its
    `paths` (its rows with no placeholder: lists, whose objects must exist for a leak to show), so the rows
    that need none of its objects (most of them) do not build them. `targets(organization, *texts)` builds
    at once what the paths in `texts` need, for a test that must not see it written later (a GET writes
    nothing)."""

    def __init__(self, organization, groups):
        super().__init__()
        self._organization = organization
        self._groups = list(groups)

    def merge(self, name: str, produced: dict) -> None:
        for key, value in produced.items():
            assert dict.get(self, key, value) == value, f"{name} fills {{{key}}} differently"
            dict.__setitem__(self, key, value)

    def _run(self, group) -> None:
        self._groups.remove(group)
        function = group[1]
        with schema_context(self._organization.schema_name):
            self.merge(function.__module__, function(self._organization))

    def _resolve(self, key) -> bool:
        for group in self._groups:
            if isinstance(key, str) and key.startswith(group[0]):
                self._run(group)
                return dict.__contains__(self, key)
        return False

    def __missing__(self, key):
        if self._resolve(key):
            return dict.__getitem__(self, key)
        raise KeyError(key)

    def __contains__(self, key) -> bool:
        return dict.__contains__(self, key) or self._resolve(key)

    def need(self, *texts: str) -> "Targets":
        for text in texts:
            for group in [g for g in self._groups if len(g) > 2 and str(text) in g[2]]:
                self._run(group)
            for key in PLACEHOLDER.findall(str(text)):
                key in self  # noqa: B015 - resolves the key's group now
        return self

    def but(self, **values: str) -> "Targets":
        """A copy with some values replaced (a foreign id swapped for one that does not exist)."""
        copy = Targets(self._organization, self._groups)
        dict.update(copy, self)
        dict.update(copy, values)
        return copy


# Targets built once for the tests of one module, by organization schema (tests/isolation/conftest.py makes
# them inside a transaction undone after the module's last test): each test then nests in a savepoint, so it
# meets the objects as they were made, and the matrix does not rebuild them for each of its cases.
_SHARED: dict[str, Targets] = {}


def share_targets(organization) -> None:
    """Build every group's objects of `organization` now and hand them to each later `targets` call."""
    values = targets(organization)
    for group in list(values._groups):
        values._run(group)
    _SHARED[organization.schema_name] = values


def unshare_targets() -> None:
    _SHARED.clear()


def targets(organization, *texts: str) -> Targets:
    """Ids of real objects inside `organization`, for every app's placeholders. Two apps may not fill the
    same placeholder differently. Groups of TARGET_GROUPS are filled when first needed (see Targets)."""
    shared = _SHARED.get(organization.schema_name)
    if shared is not None:
        return shared.but()
    values = Targets(
        organization, [group for module in APP_MODULES for group in getattr(module, "TARGET_GROUPS", [])]
    )
    with schema_context(organization.schema_name):
        for module in APP_MODULES:
            if hasattr(module, "targets"):
                values.merge(module.__name__, module.targets(organization))
    return values.need(*texts)


def fill(path: str, values: dict[str, str]) -> str:
    if isinstance(values, Targets):
        values.need(path)
    return path.format_map(values)
