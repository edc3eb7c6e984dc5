"""Events of bulk imports (the catalog: apps.events.catalog, docs/events.md). The people, roles and classes
an import creates raise their own user.created, role.granted, invitation.sent and class.created."""

from typing import Literal

from apps.events import declare

IMPORT_FINISHED = declare(
    "import.finished",
    "A bulk import of people ended: `completed` (every row processed; some rows may have failed, see "
    "`failed`) or `failed` (stopped early: `processed` of `rows` were applied, the per-row report says which).",
    payload={
        "import_id": int,
        "outcome": Literal["completed", "failed"],
        "rows": int,
        "processed": int,
        "created": int,
        "updated": int,
        "unchanged": int,
        "failed": int,
    },
)
