"""Import and export pages: upload a GIFT or QTI file into a category (and optionally a quiz) and see recent
imports (/questions/import/), follow one import's progress and read its per-question report
(/questions/import/<id>/), and download a quiz's or a category's questions as GIFT or QTI.

Teachers, Branch Managers and Org Admins; others get the 403 page. A job, category or quiz the viewer may
not see or use answers 404, the same as a missing one (the upload's target too: a category id of another
bank or organization is a 404, and nothing is stored). The detail page reloads itself with a
<meta http-equiv="refresh"> while the job runs (no script needed; allowed by the Content-Security-Policy)."""

from functools import wraps

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from apps.core.errors import ApplicationError, ValidationFailed
from apps.core.pages import add_service_errors, forbidden, member_required, message_for, refusal

from ..bank import selectors as bank_selectors
from ..models import TransferJob
from ..quizzes import selectors as quiz_selectors
from . import selectors, services
from .forms import QuestionImportForm, category_choices

PER_PAGE = 20
FORMAT_LABELS = {"gift": "GIFT", "qti": "QTI 1.2"}


def _url(name: str, *args) -> str:
    """A page of another part, or "" while it is not there."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def importer_required(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not services.may_import(request.user):
            return forbidden(
                request, _("Only Teachers, Branch Managers and Org Admins may import questions.")
            )
        return view(request, *args, **kwargs)

    return member_required(wrapped)


def _quiz_choices(user) -> list[tuple[str, str]]:
    quizzes = quiz_selectors.assessment_list(viewer=user).filter(viewer_edits=True)
    return [(str(quiz.pk), f"{quiz.course.title}: {quiz.item.title}") for quiz in quizzes]


def _form(request, data=None, files=None) -> QuestionImportForm:
    initial = {}
    for name in ("category", "assessment"):
        if request.GET.get(name, "").isdigit():
            initial[name] = request.GET[name]
    return QuestionImportForm(
        data,
        files,
        initial=initial,
        categories=category_choices(bank_selectors.category_tree(viewer=request.user)),
        quizzes=_quiz_choices(request.user),
    )


def _list_page(request, form, status: int = 200):
    page = Paginator(selectors.job_list(viewer=request.user), PER_PAGE).get_page(request.GET.get("page"))
    for job in page.object_list:
        job.progress = selectors.progress_of(job)
    return render(
        request,
        "assessments/transfer/import_list.html",
        {"form": form, "page": page, "bank_url": _url("assessments:bank_list")},
        status=status,
    )


@importer_required
@require_GET
def import_list(request):
    return _list_page(request, _form(request))


def _target(request, name: str, lookup):
    """The object named by the POSTed id `name` that the viewer may use: None when left empty, 404 when
    it is not one of theirs (or does not exist)."""
    raw = request.POST.get(name, "").strip()
    if not raw:
        return None
    found = lookup(raw) if raw.isdigit() and len(raw) < 13 else None
    if found is None:
        raise Http404
    return found


@importer_required
@require_POST
def import_create(request):
    user = request.user
    category = _target(request, "category", lambda pk: bank_selectors.category_get(viewer=user, pk=pk))

    def editable_quiz(pk):
        quiz = quiz_selectors.assessment_get(viewer=user, pk=pk)
        return quiz if quiz is not None and quiz.viewer_edits else None

    assessment = _target(request, "assessment", editable_quiz)
    form = _form(request, request.POST, request.FILES)
    if not form.is_valid():
        return _list_page(request, form)
    try:
        job = services.transfer_create(
            actor=user,
            upload=form.cleaned_data["file"],
            category=category,
            file_format=form.cleaned_data["file_format"] or None,
            assessment=assessment,
            apply_settings=form.cleaned_data["apply_settings"],
        )
    except ValidationFailed as exc:
        add_service_errors(form, exc, {"format": "file_format"})
        return _list_page(request, form)
    except ApplicationError as exc:
        if response := refusal(request, exc):
            return response
        form.add_error("file" if isinstance(exc, services.UploadTooLarge) else None, message_for(exc))
        return _list_page(request, form, status=exc.status_code if exc.status_code == 413 else 200)
    messages.success(request, _("The file is uploaded; its questions are being imported."))
    return redirect("assessments:import_detail", pk=job.pk)


def _report_rows(job: TransferJob) -> list[dict]:
    rows = []
    for row in job.report or []:
        row = dict(row)
        if row.get("question_id"):
            row["url"] = _url("assessments:bank_question", row["question_id"])
        rows.append(row)
    return rows


@importer_required
@require_GET
def import_detail(request, pk):
    job = selectors.job_get(viewer=request.user, pk=pk)
    if job is None:
        raise Http404
    context = {
        "job": job,
        "progress": selectors.progress_of(job),
        "finished": job.status in TransferJob.FINISHED,
        "rows": _report_rows(job),
        "quiz_url": _url("assessments:quiz_builder", job.assessment_id) if job.assessment_id else "",
        "bank_url": _url("assessments:bank_list"),
    }
    return render(request, "assessments/transfer/import_detail.html", context)


# --- exports ---------------------------------------------------------------------------------------------


def _download(export) -> HttpResponse:
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _editable_quiz(request, pk):
    quiz = quiz_selectors.assessment_get(viewer=request.user, pk=pk)
    if quiz is None or not quiz.viewer_edits:
        raise Http404
    return quiz


def _usable_category(request, pk):
    category = bank_selectors.category_get(viewer=request.user, pk=pk)
    if category is None:
        raise Http404
    return category


def _choose(request, title: str, links: list[tuple[str, str]], back: str):
    return render(
        request,
        "assessments/transfer/export.html",
        {"title": title, "links": links, "back": back},
    )


@importer_required
@require_GET
def quiz_export(request, pk, fmt=None):
    """/quizzes/<id>/export/<gift|qti>/ downloads; without a format, a page offering both."""
    quiz = _editable_quiz(request, pk)
    if fmt is None:
        links = [
            (FORMAT_LABELS[f], reverse("assessments:quiz_export", args=[quiz.pk, f]))
            for f in services.FORMATS
        ]
        return _choose(
            request,
            _("Export the quiz %(title)s") % {"title": quiz.title},
            links,
            _url("assessments:quiz_manage", quiz.pk),
        )
    if fmt not in services.FORMATS:
        raise Http404
    return _download(selectors.assessment_export(viewer=request.user, assessment=quiz, file_format=fmt))


@importer_required
@require_GET
def category_export(request, pk, fmt=None):
    """/questions/categories/<id>/export/<gift|qti>/ downloads; without a format, a page offering both."""
    category = _usable_category(request, pk)
    if fmt is None:
        links = [
            (FORMAT_LABELS[f], reverse("assessments:category_export", args=[category.pk, f]))
            for f in services.FORMATS
        ]
        return _choose(
            request,
            _("Export the category %(name)s") % {"name": category.name},
            links,
            _url("assessments:bank_list"),
        )
    if fmt not in services.FORMATS:
        raise Http404
    return _download(selectors.category_export(viewer=request.user, category=category, file_format=fmt))
