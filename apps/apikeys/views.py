"""Pages: the organization's API keys (list and create on one page, the new key shown once) and revoke
with a confirmation. Org Admins only; other roles get 403, visitors are sent to sign in."""

import functools

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from apps.accounts.permissions import scope_of
from apps.core.errors import PlanLimitReached, ValidationFailed

from .forms import ApiKeyForm
from .selectors import api_access_plan, api_key_get, api_key_list
from .services import api_key_create, api_key_revoke

PER_PAGE = 25
# Service field names -> form field names.
_FORM_FIELDS = {"name": "name", "expires_at": "expires_on"}


def org_admin_required(view):
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not scope_of(request.user).is_org_admin:
            raise DjangoPermissionDenied
        return view(request, *args, **kwargs)

    return never_cache(wrapped)


def _list_context(request, form: ApiKeyForm) -> dict:
    api_access, plan_name = api_access_plan()
    page = Paginator(api_key_list(viewer=request.user), PER_PAGE).get_page(request.GET.get("page"))
    return {
        "page": page,
        "api_keys": page.object_list,
        "form": form,
        "api_access": api_access,
        "plan_name": plan_name,
    }


@org_admin_required
@require_http_methods(["GET", "POST"])
def api_key_list_page(request):
    form = ApiKeyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            issued = api_key_create(
                actor=request.user,
                name=form.cleaned_data["name"],
                scopes=form.scopes(),
                expires_at=form.expires_at(),
            )
        except ValidationFailed as exc:
            for field, errors in exc.field_errors.items():
                for error in errors:
                    form.add_error(_FORM_FIELDS.get(field), error)
        except PlanLimitReached as exc:
            messages.error(request, exc.message)
        else:
            # Rendered, not redirected: the whole key exists only in this response, never in a session.
            return render(
                request, "apikeys/created.html", {"api_key": issued.api_key, "raw_key": issued.raw_key}
            )
    return render(request, "apikeys/list.html", _list_context(request, form))


@org_admin_required
@require_http_methods(["GET", "POST"])
def api_key_revoke_page(request, pk: int):
    api_key = api_key_get(viewer=request.user, pk=pk)
    if api_key is None:
        raise Http404
    if request.method == "POST":
        if api_key.revoked_at is None:
            api_key_revoke(actor=request.user, api_key=api_key)
            messages.success(
                request,
                _("The API key “%(name)s” was revoked. Requests using it are refused.")
                % {"name": api_key.name},
            )
        else:
            messages.info(request, _("The API key “%(name)s” was already revoked.") % {"name": api_key.name})
        return redirect("apikeys:list")
    return render(request, "apikeys/revoke.html", {"api_key": api_key})
