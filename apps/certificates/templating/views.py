"""Certificate template pages: the list, a new template, a template's page (its editor for Org Admins, a
read-only summary for Branch Managers, its versions, archive / restore / delete), and the preview PDF.

Org Admins and Branch Managers may open them; anyone else gets the 403 page before anything is looked up,
and a Branch Manager gets it for every change. A template of another organization is a 404."""

from functools import wraps

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from apps.certificates.models import CertificateTemplate
from apps.core.errors import ApplicationError
from apps.core.pages import act, forbidden, member_required, message_for, refusal, submit

from . import previews, selectors, services
from .forms import TemplateForm
from .serving import image_response

READ_FORBIDDEN = gettext_lazy("Only Org Admins and Branch Managers may see certificate templates.")
CHANGE_FORBIDDEN = gettext_lazy("Only Org Admins may change certificate templates.")
PER_PAGE = 25
_ALIASES = {"fields": "positions", "signature_image": "signature_image", "logo": "logo"}


def manager_page(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not selectors.may_read_templates(request.user):
            return forbidden(request, READ_FORBIDDEN)
        return view(request, *args, **kwargs)

    return member_required(wrapped)


def admin_page(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not selectors.may_change_templates(request.user):
            return forbidden(request, CHANGE_FORBIDDEN)
        return view(request, *args, **kwargs)

    return member_required(wrapped)


def _template_or_404(request, pk) -> CertificateTemplate:
    template = selectors.template_get(viewer=request.user, pk=pk)
    if template is None:
        raise Http404
    return template


def _detail(template) -> str:
    return reverse("certificates:template_detail", args=[template.pk])


@manager_page
def template_list(request):
    status = request.GET.get("status", "active")
    if status not in ("active", "archived", "all"):
        status = "active"
    search = request.GET.get("q", "").strip()[:100]
    templates = selectors.template_list(
        viewer=request.user, status=None if status == "all" else status, search=search
    )
    page = Paginator(templates, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "certificates/templating/list.html",
        {
            "page": page,
            "templates": page.object_list,
            "status": status,
            "q": search,
            "may_change": selectors.may_change_templates(request.user),
        },
    )


@admin_page
@require_http_methods(["GET", "POST"])
def template_create(request):
    form = TemplateForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        done = submit(
            request,
            form,
            lambda: services.template_create(actor=request.user, images=form.images(), **form.values()),
            success=_("Template created."),
            then=_detail,
            aliases=_ALIASES,
        )
        if done:
            return done
    return render(request, "certificates/templating/form.html", {"form": form, "template": None})


@manager_page
@require_http_methods(["GET", "POST"])
def template_detail(request, pk):
    template = _template_or_404(request, pk)
    may_change = selectors.may_change_templates(request.user)
    if request.method == "POST" and not may_change:
        return forbidden(request, CHANGE_FORBIDDEN)
    form = (
        TemplateForm(request.POST or None, request.FILES or None, template=template) if may_change else None
    )
    if request.method == "POST" and form.is_valid():
        done = submit(
            request,
            form,
            lambda: services.template_update(
                actor=request.user, template=template, images=form.images(), **form.values()
            ),
            success=lambda saved: _("Saved: version %(number)s.") % {"number": saved.version},
            then=_detail,
            aliases=_ALIASES,
        )
        if done:
            return done
    versions = Paginator(selectors.version_list(template=template), 10).get_page(request.GET.get("page"))
    return render(
        request,
        "certificates/templating/form.html" if may_change else "certificates/templating/detail.html",
        {"form": form, "template": template, "versions": versions, "may_change": may_change},
    )


@manager_page
def template_preview(request, pk):
    template = _template_or_404(request, pk)
    snapshot = None
    number = request.GET.get("version", "").strip()
    if number:
        version = selectors.version_get(template=template, number=number)
        if version is None:
            raise Http404
        snapshot = version.snapshot
    response = HttpResponse(
        previews.preview_pdf(request, template, snapshot=snapshot), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="certificate-template-{template.pk}-preview.pdf"'
    return response


@manager_page
def template_logo(request, pk):
    return image_response(request, _template_or_404(request, pk), "logo")


@manager_page
def template_signature(request, pk):
    return image_response(request, _template_or_404(request, pk), "signature_image")


@admin_page
@require_POST
def template_archive(request, pk):
    template = _template_or_404(request, pk)
    return act(
        request,
        lambda: services.template_archive(actor=request.user, template=template),
        success=_("Template archived: new rules and certificates cannot use it."),
        then=_detail(template),
    )


@admin_page
@require_POST
def template_restore(request, pk):
    template = _template_or_404(request, pk)
    return act(
        request,
        lambda: services.template_restore(actor=request.user, template=template),
        success=_("Template restored."),
        then=_detail(template),
    )


@admin_page
@require_http_methods(["GET", "POST"])
def template_delete(request, pk):
    template = _template_or_404(request, pk)
    if request.method != "POST":
        return render(request, "certificates/templating/confirm.html", {"template": template})
    try:
        services.template_delete(actor=request.user, template=template)
    except ApplicationError as exc:
        if response := refusal(request, exc):
            return response
        messages.error(request, message_for(exc))
        return redirect(_detail(template))
    messages.success(request, _("Template deleted."))
    return redirect("certificates:template_list")
