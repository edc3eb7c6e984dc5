"""Isolation and role rows of assessments (apps/assessments), one file per part:
isolation_bank.py, isolation_quizzes.py, isolation_attempts.py, isolation_transfer.py, isolation_analytics.py.
Each exports any of API_ENDPOINTS, PAGES, PAGE_ACTIONS and targets(organization); this module joins them,
its targets as TARGET_GROUPS (tests/isolation/registry.py: Targets)."""

from importlib import import_module

PARTS = ("bank", "quizzes", "attempts", "transfer", "analytics")
_MODULES = [import_module(f"tests.assessments.isolation_{part}") for part in PARTS]

# Each part's objects are built only for the rows that name one of its placeholders (all prefixed by part):
# they take about a second per organization, and most of the matrix's rows need none of them.
PREFIXES = {
    "bank": "bank_",
    "quizzes": "quiz_",
    "attempts": "att_",
    "transfer": "transfer_",
    "analytics": "stats_",
}


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
