"""The results table of a quiz as CSV (UTF-8 with a byte-order mark, for spreadsheet programs), for the
page and the API alike."""

import csv
import io

from django.http import HttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def results_csv(assessment, attempts) -> HttpResponse:
    """The results table as CSV (UTF-8 with a byte-order mark); cells that a spreadsheet would run as a
    formula are quoted as text. Shared by the page."""
    from ..models import Slot

    slots = list(
        Slot.objects.filter(assessment=assessment).order_by("position").values_list("position", "mark")
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        ["name", "email", "attempt", "state", "started_at", "finished_at", "sum_marks", "grade"]
        + [f"Q{position} /{mark.normalize()}" for position, mark in slots]
    )
    for attempt in attempts:
        marks = {qa.slot: qa.mark for qa in attempt.questions.all()}
        writer.writerow(
            [
                _cell(attempt.user.full_name),
                _cell(attempt.user.email),
                attempt.number,
                attempt.state,
                attempt.started_at.isoformat() if attempt.started_at else "",
                attempt.finished_at.isoformat() if attempt.finished_at else "",
                "" if attempt.sum_marks is None else attempt.sum_marks,
                "" if attempt.grade is None else attempt.grade,
            ]
            + ["" if marks.get(position) is None else marks[position] for position, _ in slots]
        )
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="quiz-{assessment.pk}-results.csv"'
    response["Cache-Control"] = "private, no-store"
    return response
