"""What a learner has done towards a badge: each criterion's current value, target and whether it is met,
read from the learner's own rows (completed enrollments, quiz grades, activity days, awards). The event
subscribers call `evaluate` for the few badges whose criteria name what the event is about, so nothing is
ever scanned per request.

    course    1 of 1 when the learner completed course X (an enrollment with completed_at)
    courses   completed courses (of the category, when one is named) out of N
    quiz      the learner's quiz grade over their attempts, as a percentage of the quiz's maximum, out of Y
    streak    the longest run of consecutive days with a completed lesson, out of N days
    badges    the badges A, B… the learner holds (unrevoked, unexpired) out of how many are named
    manual    never met by itself: awarded by hand

A badge is met when all (mode "all") or any (mode "any") of its criteria are; one with only a manual criterion
(or none) is never met automatically. `percent` is the mean (all) or the best (any) of the fractions of its
non-manual criteria.
"""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from apps.assessments.models import AssessmentGrade
from apps.courses.models import Enrollment

from ..models import ActivityDay, Badge, BadgeAward, BadgeCriterion

Kind = BadgeCriterion.Kind


@dataclass(frozen=True)
class Evaluation:
    state: dict
    percent: int
    met: bool


def longest_streak(days) -> int:
    """The longest run of consecutive dates in `days` (any order, duplicates allowed)."""
    best = run = 0
    previous = None
    for day in sorted(set(days)):
        run = run + 1 if previous is not None and day - previous == timedelta(days=1) else 1
        best = max(best, run)
        previous = day
    return best


def _completed(user_id: int):
    return Enrollment.objects.filter(user_id=user_id, completed_at__isnull=False)


def _measure(criterion: BadgeCriterion, user_id: int) -> tuple[float, float]:
    """(current, target) of one criterion for one learner."""
    kind = criterion.kind
    if kind == Kind.COURSE:
        return (1 if _completed(user_id).filter(course_id=criterion.course_id).exists() else 0), 1
    if kind == Kind.COURSES:
        completed = _completed(user_id)
        if criterion.category_id:
            completed = completed.filter(course__category_id=criterion.category_id)
        return completed.count(), criterion.count or 1
    if kind == Kind.QUIZ:
        grade = (
            AssessmentGrade.objects.filter(assessment_id=criterion.assessment_id, user_id=user_id)
            .select_related("assessment")
            .first()
        )
        percent = Decimal(0)
        if grade is not None and grade.assessment.max_grade:
            percent = grade.grade / grade.assessment.max_grade * 100
        return round(float(percent), 2), float(criterion.min_percent or 0)
    if kind == Kind.STREAK:
        days = ActivityDay.objects.filter(user_id=user_id).values_list("day", flat=True)
        return longest_streak(days), criterion.count or 1
    if kind == Kind.BADGES:
        required = [b.pk for b in criterion.required_badges.all()]
        if not required:
            return 0, 1
        now = timezone.now()
        held = (
            BadgeAward.objects.filter(user_id=user_id, badge_id__in=required, revoked_at__isnull=True)
            .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
            .values("badge_id")
            .distinct()
            .count()
        )
        return held, len(required)
    return 0, 1  # manual


def evaluate(badge: Badge, user_id: int, criteria: list[BadgeCriterion] | None = None) -> Evaluation:
    criteria = list(badge.criteria.all()) if criteria is None else criteria
    state: dict = {}
    fractions: list[float] = []
    met_flags: list[bool] = []
    for criterion in criteria:
        current, target = _measure(criterion, user_id)
        met = criterion.kind != Kind.MANUAL and current >= target
        state[str(criterion.pk)] = {"kind": criterion.kind, "current": current, "target": target, "met": met}
        met_flags.append(met)
        if criterion.kind != Kind.MANUAL:
            fractions.append(min(current / target, 1.0) if target else 1.0)
    automatic = bool(fractions)
    if badge.criteria_mode == Badge.Mode.ANY:
        met = automatic and any(met_flags)
        percent = max(fractions, default=0.0)
    else:
        met = automatic and bool(met_flags) and all(met_flags)
        percent = sum(fractions) / len(fractions) if fractions else 0.0
    percent_int = 100 if met else min(int(percent * 100), 99)
    return Evaluation(state=state, percent=percent_int, met=met)


def is_automatic(criteria) -> bool:
    """Whether a badge with these criteria can be earned without a person awarding it."""
    return any(c.kind != Kind.MANUAL for c in criteria)
