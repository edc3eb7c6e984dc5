"""Events about the organization's structure (the catalog: apps.events.catalog, docs/events.md)."""

from apps.events import declare

BRANCH_CREATED = declare(
    "branch.created",
    "A branch (campus, school) was added to the organization.",
    payload={"branch_id": int, "code": str},
)
CLASS_CREATED = declare(
    "class.created",
    "A class was added to a branch (by hand, or by an import that names a class that did not exist).",
    payload={"class_id": int, "branch_id": int},
)
