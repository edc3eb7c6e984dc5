"""Import pages: upload a file and see past imports (/manage/imports/), follow one import's progress and
download its report (/manage/imports/<id>/). Org Admins and Branch Managers only; others get 403, and an
import the viewer may not see answers 404, the same as a missing one."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from apps.core.errors import ApplicationError, ValidationFailed
from apps.core.pages import forbidden

from .forms import ImportUploadForm
from .parsing import read_upload
from .report import report_response
from .selectors import import_get, import_list
from .services import import_create, may_import
from .template import import_template_file, template_response

PER_PAGE = 20


def importer_required(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not may_import(request.user):
            return forbidden(request)
        return view(request, *args, **kwargs)

    return never_cache(wrapped)


@importer_required
def import_list_page(request):
    form = ImportUploadForm(request.POST, request.FILES) if request.method == "POST" else ImportUploadForm()
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = import_create(
                actor=request.user,
                filename=upload.name,
                content=read_upload(upload),
                send_invitations=form.cleaned_data["send_invitations"],
            )
        except ValidationFailed as exc:
            for field, errors in exc.field_errors.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("imports:detail", pk=job.pk)
    page = Paginator(import_list(viewer=request.user), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "imports/import_list.html", {"form": form, "page": page})


def _job_or_404(request, pk):
    job = import_get(viewer=request.user, pk=pk)
    if job is None:
        raise Http404
    return job


@importer_required
def import_detail_page(request, pk):
    return render(request, "imports/import_detail.html", {"job": _job_or_404(request, pk)})


@importer_required
def import_report_page(request, pk):
    job = _job_or_404(request, pk)
    if not job.is_finished:
        return redirect("imports:detail", pk=job.pk)  # the report is ready when the import is
    return report_response(job)


@importer_required
def import_template_page(request, file_format):
    """The import template (header row and one example row) to fill in, as CSV or XLSX."""
    return template_response(import_template_file(viewer=request.user, file_format=file_format))
