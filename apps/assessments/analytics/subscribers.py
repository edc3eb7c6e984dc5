"""Item analysis follows the attempts: a submission or a (re)grade makes the quiz's statistics stale and
queues their recomputation (imported from AssessmentsConfig.ready())."""

from apps.events import subscriber

from . import services


@subscriber("assessment.submitted")
def statistics_stale_on_submit(event) -> None:
    services.statistics_mark_stale(assessment_id=int(event.payload["assessment_id"]))


@subscriber("assessment.graded")
def statistics_stale_on_grade(event) -> None:
    services.statistics_mark_stale(assessment_id=int(event.payload["assessment_id"]))
