"""The settings and branding page of an organization, for its Org Admins, and its logo, for anyone on its
host. Reads through tenants.selectors, writes through tenants.services, as the API does."""

from django.contrib import messages
from django.core.files.storage import default_storage
from django.db import connection
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from apps.accounts.permissions import scope_of
from apps.core.api.throttling import client_ip
from apps.core.colors import brand_palette
from apps.core.errors import ValidationFailed
from apps.core.pages import add_service_errors, forbidden, member_required
from apps.core.validation import ip_or_none, is_hex_color
from tenants import selectors, services

from .forms import LOGO_FORMATS, OrganizationSettingsForm

SETTINGS_FIELDS = (
    "display_name",
    "primary_color",
    "welcome_text",
    "default_language",
    "default_timezone",
    "self_signup_enabled",
    "allowed_email_domains",
)


def _contrast(form, saved: str):
    """The palette of the brand colour: the colour typed in (while editing, when it is a colour), else the
    saved one."""
    typed = form.data.get("primary_color") if form.is_bound else None
    color = typed if is_hex_color(typed) else saved
    return brand_palette(color) if is_hex_color(color) else None


@member_required
def organization_settings(request):
    if not scope_of(request.user).is_org_admin:
        return forbidden(request, _("Only Org Admins may change the organization's settings."))
    current = selectors.organization_settings_get(organization=request.tenant)
    initial = {field: getattr(current, field) for field in SETTINGS_FIELDS}
    initial["allowed_email_domains"] = "\n".join(current.allowed_email_domains)
    form = OrganizationSettingsForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = {field: form.cleaned_data[field] for field in SETTINGS_FIELDS if field in form.changed_data}
        logo = form.cleaned_data["logo"]
        remove_logo = form.cleaned_data["remove_logo"] and bool(current.logo)
        if not (values or logo or remove_logo):
            messages.info(request, _("Nothing changed."))
            return redirect("organization:settings")
        actor = services.Actor(
            user=request.user, ip_address=ip_or_none(client_ip(request)), schema=connection.schema_name
        )
        try:
            services.organization_settings_update(
                organization=request.tenant, actor=actor, logo=logo, remove_logo=remove_logo, **values
            )
        except ValidationFailed as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The settings are saved."))
            return redirect("organization:settings")
    contrast = _contrast(form, current.primary_color)
    return render(request, "org/settings.html", {"form": form, "current": current, "contrast": contrast})


@require_GET
def branding_logo(request):
    """The organization's own logo, on its own host only: no parameter names another organization's file."""
    organization = getattr(request, "tenant", None)
    if organization is None or organization.is_public:
        raise Http404
    name = selectors.organization_settings_get(organization=organization).logo.name or ""
    if not name.startswith(f"{organization.schema_name}/branding/"):
        raise Http404
    extension = name.rsplit(".", 1)[-1]
    content_types = dict(LOGO_FORMATS.values())
    if extension not in content_types:
        raise Http404
    try:
        handle = default_storage.open(name, "rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=content_types[extension])
    response["Cache-Control"] = "public, max-age=3600"
    response["Content-Security-Policy"] = "default-src 'none'"
    return response
