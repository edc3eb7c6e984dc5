"""{% quiz_panel as panel %}: what the quiz lesson's player part (templates/assessments/quizzes/player.html)
shows: the quiz's summary with the viewer's own window, time limit and attempts (overrides resolved), their
attempts and grade, whether they may start or continue one, and the password field when a new attempt needs
the quiz's password (not for an editor who is not enrolled: they preview)."""

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import ngettext

from ..attempts.forms import QuizPasswordForm
from ..models import AssessmentGrade, Attempt
from ..quizzes import selectors

register = template.Library()


def _url(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:  # that part's pages are not there yet
        return ""


@register.simple_tag(takes_context=True)
def quiz_panel(context) -> dict:
    item = context.get("item")
    request = context.get("request")
    assessment = selectors.assessment_for_item(item) if item is not None else None
    if assessment is None or request is None:
        return {"assessment": None}
    user = request.user
    effective = selectors.effective_settings(assessment, user)
    attempts = list(
        Attempt.objects.filter(assessment=assessment, user=user, preview=False).order_by("number")
    )
    grade = AssessmentGrade.objects.filter(assessment=assessment, user=user).first()
    now = timezone.now()
    current = next((attempt for attempt in attempts if attempt.is_open), None)
    used = len(attempts)
    left = None if effective.attempts_allowed == 0 else max(effective.attempts_allowed - used, 0)
    not_open = effective.open_at is not None and now < effective.open_at
    closed = effective.close_at is not None and now >= effective.close_at
    previews = bool(context.get("editor")) and context.get("enrollment") is None
    return {
        "assessment": assessment,
        "effective": effective,
        "attempts": attempts,
        "attempts_used": used,
        "attempts_left": left,
        "grade": grade,
        "current": current,
        "not_open": not_open,
        "closed": closed,
        "may_start": current is None and not not_open and not closed and left != 0,
        "password_form": QuizPasswordForm() if effective.passwords and not previews else None,
        "start_url": _url("assessments:attempt_start", assessment.pk),
        "manage_url": _url("assessments:quiz_manage", assessment.pk),
        "review_url_name": "assessments:attempt_review" if _url("assessments:attempt_review", 1) else "",
    }


@register.filter
def duration(seconds) -> str:
    """Seconds as people say them: "45 seconds", "30 minutes", "1 hour 30 minutes", "2 days"."""
    try:
        seconds = int(seconds or 0)
    except (TypeError, ValueError):
        return ""
    if seconds < 60:
        return ngettext("%(n)s second", "%(n)s seconds", seconds) % {"n": seconds}
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    parts = []
    if days:
        parts.append(ngettext("%(n)s day", "%(n)s days", days) % {"n": days})
    if hours:
        parts.append(ngettext("%(n)s hour", "%(n)s hours", hours) % {"n": hours})
    if minutes:
        parts.append(ngettext("%(n)s minute", "%(n)s minutes", minutes) % {"n": minutes})
    return " ".join(parts)
