"""The per-row report of an import as CSV (UTF-8 with a byte-order mark, so spreadsheet programs read it
as UTF-8), for the page and the API alike."""

import csv

from django.http import HttpResponse

from .models import ImportJob
from .selectors import import_report_rows

HEADER = ("row", "email", "outcome", "reason")
# A cell starting with one of these is a formula to a spreadsheet program; the report quotes it as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    def write(self, value: str) -> str:
        return value


def _safe(value) -> str:
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def report_lines(job: ImportJob):
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(HEADER)
    for number, email, outcome, reason in import_report_rows(job=job):
        yield writer.writerow((number, _safe(email), outcome, _safe(reason)))


def report_filename(job: ImportJob) -> str:
    return f"import-{job.pk}-report.csv"


def report_response(job: ImportJob) -> HttpResponse:
    # At most 20,000 short lines (about 2 MB): built whole, so it has a Content-Length.
    response = HttpResponse("".join(report_lines(job)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{report_filename(job)}"'
    response["Cache-Control"] = "private, no-store"
    return response
