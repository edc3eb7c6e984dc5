"""Progress and automatic awards follow the learner's events (imported from the core part's register()):
each subscriber recomputes only the active badges whose criteria name what the event is about."""

from django.utils.dateparse import parse_datetime

from apps.events import subscriber

from . import services


def _int(event, key: str) -> int:
    return int(event.payload[key])


@subscriber("course.completed")
def badges_on_course_completed(event) -> None:
    services.on_course_completed(course_id=_int(event, "course_id"), user_id=_int(event, "user_id"))


@subscriber("assessment.graded")
def badges_on_quiz_graded(event) -> None:
    services.on_quiz_graded(assessment_id=_int(event, "assessment_id"), user_id=_int(event, "user_id"))


@subscriber("lesson.completed")
def badges_on_lesson_completed(event) -> None:
    completed_at = parse_datetime(str(event.payload["completed_at"])) or event.created_at
    services.on_lesson_completed(user_id=_int(event, "user_id"), completed_at=completed_at)


@subscriber("badge.awarded")
def badges_on_badge_awarded(event) -> None:
    services.on_badge_awarded(badge_id=_int(event, "badge_id"), user_id=_int(event, "user_id"))
