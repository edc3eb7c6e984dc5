"""Isolation and role rows of certificates (apps/certificates), one file per part: isolation_templating.py
and isolation_issuing.py. Each exports any of API_ENDPOINTS, PAGES, PAGE_ACTIONS and targets(organization);
this module joins them, its targets as TARGET_GROUPS (tests/isolation/registry.py: Targets)."""

from importlib import import_module

PARTS = ("templating", "issuing")
_MODULES = [import_module(f"tests.certificates.isolation_{part}") for part in PARTS]

# Each part's objects are built only for the rows that name one of its placeholders (prefixed by part).
PREFIXES = {"templating": "tpl_", "issuing": "cert_"}


def _plain_paths(module) -> frozenset[str]:
    """The part's rows that name no placeholder (its lists): their objects are built when they are filled."""
    rows = [
        *getattr(module, "API_ENDPOINTS", []),
        *getattr(module, "PAGES", []),
        *getattr(module, "PAGE_ACTIONS", []),
    ]
    return frozenset(row.path for row in rows if "{" not in row.path)


TARGET_GROUPS = [
    (PREFIXES[module.__name__.rsplit("_", 1)[-1]], module.targets, _plain_paths(module))
    for module in _MODULES
    if hasattr(module, "targets")
]

API_ENDPOINTS = [row for module in _MODULES for row in getattr(module, "API_ENDPOINTS", [])]
PAGES = [row for module in _MODULES for row in getattr(module, "PAGES", [])]
PAGE_ACTIONS = [row for module in _MODULES for row in getattr(module, "PAGE_ACTIONS", [])]
