"""Automatic issue: a course completed or a quiz passed issues the certificate its rule names (if any).
Idempotent: services.certificate_issue_automatic issues once per learner and course (quiz), however often
the event is delivered and however many run at once."""

from apps.events import subscriber

from . import services


@subscriber("course.completed")
def issue_for_course(event) -> None:
    payload = event.payload
    services.certificate_issue_automatic(user_id=payload["user_id"], course_id=payload["course_id"])


@subscriber("assessment.passed")
def issue_for_quiz(event) -> None:
    payload = event.payload
    services.certificate_issue_automatic(
        user_id=payload["user_id"], course_id=payload["course_id"], assessment_id=payload["assessment_id"]
    )
