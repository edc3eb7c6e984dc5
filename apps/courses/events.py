"""Events about courses, enrollments and learning (the catalog: apps.events.catalog, docs/events.md)."""

from datetime import datetime
from typing import Literal

from apps.events import declare, emit_many

COURSE_PUBLISHED = declare(
    "course.published",
    "A course was opened to learners (from draft, or again from archived). Publishing new content of a "
    "course already published raises nothing.",
    payload={"course_id": int, "published_at": datetime},
)
COURSE_UNPUBLISHED = declare(
    "course.unpublished",
    "A published course went back to draft: learners no longer see it (enrollments and progress are kept).",
    payload={"course_id": int},
)
COURSE_ARCHIVED = declare(
    "course.archived",
    "A course was archived: out of the catalog and closed to new enrollments; enrolled learners keep read "
    "access and their history.",
    payload={"course_id": int},
)
ENROLLMENT_CREATED = declare(
    "enrollment.created",
    "A learner was enrolled in a course: by themselves, assigned by staff, or through an enrollment rule of "
    "their class or branch (`rule_id`). `reenrolled` is true when they come back after withdrawing (their "
    "progress kept). Enrolling someone already enrolled raises nothing.",
    payload={
        "enrollment_id": int,
        "course_id": int,
        "user_id": int,
        "source": Literal["self", "assigned", "class", "branch"],
        "rule_id": int | None,
        "due_at": datetime | None,
        "reenrolled": bool,
    },
)
ENROLLMENT_WITHDRAWN = declare(
    "enrollment.withdrawn",
    "A learner left a course (withdrew, or was withdrawn by staff); their progress is kept.",
    payload={"enrollment_id": int, "course_id": int, "user_id": int, "withdrawn_at": datetime},
)
LESSON_COMPLETED = declare(
    "lesson.completed",
    "A learner completed a lesson (a content item) of a course they are enrolled in. Raised again only if "
    "they marked it not done and then done again.",
    payload={
        "item_id": int,
        "kind": str,
        "course_id": int,
        "enrollment_id": int,
        "user_id": int,
        "completed_at": datetime,
    },
)
COURSE_COMPLETED = declare(
    "course.completed",
    "A learner completed every published lesson of a course, for the first time (once per enrollment: "
    "lessons published later lower the percentage, not the completion).",
    payload={"enrollment_id": int, "course_id": int, "user_id": int, "completed_at": datetime},
)


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def enrollments_created_emit(enrollments, *, reenrolled_after: dict | None = None, actor=None) -> None:
    """enrollment.created for each of `enrollments` (saved, with ids), in one INSERT. `reenrolled_after`
    maps the id of an enrollment that came back to when it had been withdrawn (telling one return from the
    next)."""
    reenrolled_after = reenrolled_after or {}
    items = []
    for e in enrollments:
        withdrawn_at = reenrolled_after.get(e.pk)
        key = f"{ENROLLMENT_CREATED}:{e.pk}" + (f":{withdrawn_at.isoformat()}" if withdrawn_at else "")
        payload = {
            "enrollment_id": e.pk,
            "course_id": e.course_id,
            "user_id": e.user_id,
            "source": e.source,
            "rule_id": e.rule_id,
            "due_at": _iso(e.due_at),
            "reenrolled": withdrawn_at is not None,
        }
        items.append((key, payload))
    emit_many(ENROLLMENT_CREATED, items, actor=actor)
