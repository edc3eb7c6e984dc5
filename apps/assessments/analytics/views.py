"""The statistics page of a quiz (/quizzes/<pk>/statistics/, stats_quiz), for the editors of its course.

The attempt-set chooser (a GET form), the quiz figures with Moodle's reading of them, the score histogram as
server-drawn SVG (no script; a <title>, a description and the same figures as a table), the per-question
table with the flag on questions whose discriminative efficiency is below 15 %, the per-option counts of
choice questions, a "stale, recomputing" notice and a button (POST) to recompute now. ?format=csv downloads
the per-question table. Who cannot see the quiz gets 404 (as for one that does not exist); who sees it
without managing it (a learner enrolled in its course) the 403 page.
"""

import csv
import io
from functools import wraps

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from apps.assessments.models import StatisticsCache
from apps.core.pages import forbidden, member_required

from . import selectors, services

EN_DASH = "\u2013"
# The histogram's drawing box, in SVG user units (it scales with the page).
WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 14, 46


FORBIDDEN = gettext_lazy("Only this course's teachers, its branches' managers and Org Admins may see this.")


def stats_view(view):
    """`pk` becomes the quiz the viewer may see (404 otherwise); its statistics need the right to manage it
    (the 403 page), as the quizzes part's own pages do."""

    @wraps(view)
    def wrapped(request, pk, *args, **kwargs):
        assessment = selectors.assessment_for_stats(viewer=request.user, pk=pk)
        if assessment is None:
            raise Http404
        if not selectors.may_analyse(request.user, assessment):
            return forbidden(request, FORBIDDEN)
        return view(request, assessment, *args, **kwargs)

    return member_required(wrapped)


def fmt(value, digits: int = 2, suffix: str = "") -> str:
    """A figure for the page: localized, or an en dash when it is undefined."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return EN_DASH
    return f"{number_format(round(value, digits), digits)}{suffix}"


def histogram_svg(bins: list[dict]) -> dict:
    """The bars' geometry and the axis ticks for the template (all numbers, nothing to escape)."""
    if not bins:
        return {}
    top = max((b["count"] for b in bins), default=0)
    scale_max = max(top, 1)
    step = max(1, -(-scale_max // 4))  # about four gridlines
    scale_max = step * -(-scale_max // step)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot_w = plot_w / len(bins)
    bars = []
    for index, one in enumerate(bins):
        height = plot_h * one["count"] / scale_max
        x = LEFT + index * slot_w
        bars.append(
            {
                "x": round(x + slot_w * 0.1, 2),
                "y": round(TOP + plot_h - height, 2),
                "width": round(slot_w * 0.8, 2),
                "height": round(height, 2),
                "count": one["count"],
                "label_x": round(x + slot_w / 2, 2),
                "count_y": round(TOP + plot_h - height - 4, 2),
                "band": f"{one['lower_percent']:.0f}{EN_DASH}{one['upper_percent']:.0f}",
                "lower": one["lower"],
                "upper": one["upper"],
            }
        )
    ticks = [
        {"value": value, "y": round(TOP + plot_h - plot_h * value / scale_max, 2)}
        for value in range(0, scale_max + 1, step)
    ]
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "baseline": TOP + plot_h,
        "axis_label_x": round(LEFT + plot_w / 2, 2),
        "axis_label_y": HEIGHT - 8,
        "tick_x": LEFT - 6,
        "band_label_y": TOP + plot_h + 18,
        "bars": bars,
        "ticks": ticks,
    }


def question_rows(questions: list[dict]) -> list[dict]:
    rows = []
    for q in questions:
        rows.append(
            {
                **q,
                "facility_display": fmt(q.get("facility_percent"), 2, " %"),
                "sd_display": fmt(q.get("sd_percent"), 2, " %"),
                "random_guess_display": fmt(q.get("random_guess_score_percent"), 2, " %"),
                "intended_weight_display": fmt(q.get("intended_weight_percent"), 2, " %"),
                "effective_weight_display": fmt(q.get("effective_weight_percent"), 2, " %"),
                "discrimination_display": fmt(q.get("discrimination_index"), 2, " %"),
                "efficiency_display": fmt(q.get("discriminative_efficiency"), 2, " %"),
                "max_mark_display": fmt(q.get("max_mark"), 2),
            }
        )
    return rows


def quiz_figures(quiz: dict) -> list[tuple[str, str, str]]:
    """(id, label, value) of the quiz summary, in Moodle's order."""
    pct = lambda key: fmt(quiz.get(key), 2, " %")  # noqa: E731
    marks = lambda key: fmt(quiz.get(key), 2)  # noqa: E731
    return [
        ("attempts", _("Attempts counted"), str(quiz.get("attempt_count") or 0)),
        ("mean", _("Average grade"), f"{pct('mean_percent')} ({marks('mean')})"),
        ("median", _("Median grade"), f"{pct('median_percent')} ({marks('median')})"),
        ("sd", _("Standard deviation"), f"{pct('sd_percent')} ({marks('sd')})"),
        ("skewness", _("Score distribution skewness"), fmt(quiz.get("skewness"), 4)),
        ("kurtosis", _("Score distribution kurtosis"), fmt(quiz.get("kurtosis"), 4)),
        ("cic", _("Coefficient of internal consistency"), pct("cic")),
        ("error_ratio", _("Error ratio"), pct("error_ratio")),
        (
            "standard_error",
            _("Standard error"),
            f"{pct('standard_error_percent')} ({marks('standard_error')})",
        ),
    ]


CSV_HEADER = (
    "slot",
    "question",
    "type",
    "attempts",
    "max_mark",
    "facility_percent",
    "sd_percent",
    "random_guess_percent",
    "intended_weight_percent",
    "effective_weight_percent",
    "discrimination_index",
    "discriminative_efficiency",
    "flagged",
)
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.4f}"
    text = str(value)
    return "'" + text if text.startswith(_FORMULA) else text  # no spreadsheet formulas from question names


def csv_response(result: selectors.Report) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADER)
    for q in result.questions:
        writer.writerow(
            [
                _cell(v)
                for v in (
                    q.get("slot"),
                    q.get("question_name"),
                    q.get("qtype"),
                    q.get("s"),
                    q.get("max_mark"),
                    q.get("facility_percent"),
                    q.get("sd_percent"),
                    q.get("random_guess_score_percent"),
                    q.get("intended_weight_percent"),
                    q.get("effective_weight_percent"),
                    q.get("discrimination_index"),
                    q.get("discriminative_efficiency"),
                    q.get("dubious"),
                )
            ]
        )
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    name = f"quiz-{result.assessment.pk}-statistics-{result.which}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@stats_view
def statistics_page(request, assessment):
    which = selectors.clean_which(request.GET.get("attempts")) or selectors.DEFAULT_WHICH
    result = selectors.report(assessment=assessment, which=which)
    if result.queue:
        services.statistics_queue(assessment_id=assessment.pk, which=which)
    if request.GET.get("format") == "csv" and result.state == selectors.READY:
        return csv_response(result)
    manage_url = reverse("assessments:quiz_manage", args=[assessment.pk])
    return render(
        request,
        "assessments/analytics/statistics.html",
        {
            "assessment": assessment,
            "course": assessment.course,
            "manage_url": manage_url,
            "result": result,
            "which": which,
            "choices": StatisticsCache.Which.choices,
            "figures": quiz_figures(result.quiz) if result.state == selectors.READY else [],
            "hints": selectors.quiz_hints(result.quiz),
            "questions": question_rows(result.questions),
            "option_questions": [q for q in result.questions if q.get("response_counts")],
            "histogram": histogram_svg(result.histogram),
            "bins": result.histogram,
            "notes": (result.data or {}).get("notes") or [],
        },
    )


@require_POST
@stats_view
def statistics_refresh(request, assessment):
    which = selectors.clean_which(request.POST.get("attempts")) or selectors.DEFAULT_WHICH
    if services.statistics_refresh(actor=request.user, assessment=assessment, which=which) is None:
        messages.info(request, _("The statistics are being computed again in the background."))
    else:
        messages.success(request, _("The statistics were computed again."))
    return redirect(f"{reverse('assessments:stats_quiz', args=[assessment.pk])}?attempts={which}")
