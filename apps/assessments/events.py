"""Events about quizzes and their attempts (the catalog: apps.events.catalog, docs/events.md)."""

from datetime import datetime
from typing import Literal

from apps.events import declare

_ATTEMPT = {
    "attempt_id": int,
    "assessment_id": int,
    "item_id": int,
    "course_id": int,
    "user_id": int,
    "attempt_number": int,
}

ASSESSMENT_SUBMITTED = declare(
    "assessment.submitted",
    "A learner's quiz attempt was submitted: by them, automatically when its time ran out, or by the "
    "overdue task. Raised once per attempt, however often the submit is repeated. `needs_grading` is true "
    "while essays wait in the grading queue.",
    payload={
        **_ATTEMPT,
        "submitted_at": datetime,
        "source": Literal["learner", "timeout", "task"],
        "needs_grading": bool,
    },
)
ASSESSMENT_GRADED = declare(
    "assessment.graded",
    "A submitted attempt has its final grade: at submission when every question grades itself, or when the "
    "last essay is marked; raised again when a regrade or a changed manual mark changes the grade. "
    "`percent` is the attempt's grade out of 100; `quiz_grade` the learner's grade over their attempts by "
    "the quiz's grading method.",
    payload={
        **_ATTEMPT,
        "grade": float,
        "max_grade": float,
        "percent": float,
        "quiz_grade": float,
        "passed": bool,
        "graded_at": datetime,
        "regrade": bool,
    },
)
ASSESSMENT_PASSED = declare(
    "assessment.passed",
    "A learner reached the quiz's pass mark for the first time (their grade over attempts); the quiz's "
    "lesson is then complete for them. Raised once per learner and quiz.",
    payload={**_ATTEMPT, "grade": float, "pass_grade": float | None, "passed_at": datetime},
)
