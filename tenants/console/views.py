"""The provisioning console on BASE_DOMAIN, for platform operators (superusers of the public schema).

Every write goes through tenants.services; every read through tenants.selectors (or .queries on top of it).
Anonymous visitors are sent to the console's sign-in page; signed-in people who are not operators get a
403 page that says so (never a redirect loop through the sign-in page).
"""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.validators import validate_ipv46_address
from django.db import connection
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from apps.core.api.throttling import client_ip
from apps.core.errors import ApplicationError, ValidationFailed
from apps.core.pages import add_service_errors
from tenants import domains, selectors, services

from . import queries
from .forms import (
    ChangePlanForm,
    DomainAddForm,
    LifecycleForm,
    OperatorAuthenticationForm,
    OrganizationCreateForm,
    OrganizationSearchForm,
)

PER_PAGE = 25
INVITATION_SESSION_KEY = "console_invitation"


def is_operator(user) -> bool:
    return bool(user.is_authenticated and user.is_superuser)


def operator_required(view):
    """Anonymous: redirect to the console sign-in. Signed in but not an operator: 403 with an explanation."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("console:login"), REDIRECT_FIELD_NAME)
        if not is_operator(request.user):
            return render(request, "console/forbidden.html", status=403)
        return view(request, *args, **kwargs)

    return never_cache(wrapped)


def _actor(request) -> services.Actor:
    ip_address = client_ip(request)
    try:
        validate_ipv46_address(ip_address)
    except ValidationError:
        ip_address = None  # "unknown" without REMOTE_ADDR: record no address rather than fail
    return services.Actor(user=request.user, ip_address=ip_address, schema=connection.schema_name)


class ConsoleLoginView(auth_views.LoginView):
    template_name = "console/login.html"
    authentication_form = OperatorAuthenticationForm
    # Only operators are sent on: a signed-in non-operator stays here (with a notice) instead of looping
    # between a protected page and this one.
    redirect_authenticated_user = False

    def dispatch(self, request, *args, **kwargs):
        if is_operator(request.user):
            return HttpResponseRedirect(self.get_success_url())
        return super().dispatch(request, *args, **kwargs)

    def get_success_url(self):
        return self.get_redirect_url() or reverse("console:organizations")


class ConsoleLogoutView(auth_views.LogoutView):
    next_page = "console:login"


@operator_required
def organization_list(request):
    form = OrganizationSearchForm(request.GET)
    form.is_valid()  # invalid filters (an unknown status or plan) are ignored, valid ones still apply
    filters = {
        "search": (form.cleaned_data.get("q") or "").strip(),
        "status": form.cleaned_data.get("status") or "",
        "plan": form.cleaned_data.get("plan"),
    }
    paginator = Paginator(queries.console_organization_list(**filters), PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    rows, usage_available = queries.organization_rows(list(page.object_list))
    return render(
        request,
        "console/organization_list.html",
        {
            "form": form,
            "filtered": any(filters.values()),
            "page": page,
            "rows": rows,
            "usage_columns": queries.usage_columns(),
            "usage_available": usage_available,
            "recent": queries.recent_provisioning(limit=8),
            "failures": queries.recent_failures(limit=8),
        },
    )


@operator_required
def organization_create(request):
    form = OrganizationCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.organization_provision(actor=_actor(request), **form.cleaned_data)
        except ValidationFailed as exc:
            for field, errors in exc.field_errors.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        except Exception:  # logged and recorded as a provisioning failure by the service
            form.add_error(
                None,
                "Provisioning failed and was rolled back; nothing was created. "
                "The failure is listed under recent provisioning failures.",
            )
        else:
            organization = result.organization
            if result.created:
                request.session[INVITATION_SESSION_KEY] = {
                    "org": organization.pk,
                    "url": result.invitation_url,
                    "seconds": round(result.seconds, 2),
                }
                messages.success(request, f"{organization.name} is ready at {organization.base_url}.")
            else:
                messages.info(
                    request, f"{organization.name} already exists with this admin; nothing was changed."
                )
            return redirect("console:organization", pk=organization.pk)
    return render(request, "console/organization_create.html", {"form": form})


def _get(pk):
    organization = selectors.organization_get(pk=pk)
    if organization is None:
        raise Http404
    return organization


@operator_required
def organization_detail(request, pk):
    return _render_detail(request, _get(pk))


def _render_detail(request, organization, *, domain_form=None):
    """The organization's page; `domain_form` is a refused add-domain form, shown with its errors."""
    invitation = request.session.get(INVITATION_SESSION_KEY)
    if invitation and invitation.get("org") == organization.pk:
        del request.session[INVITATION_SESSION_KEY]  # the link is shown once
    else:
        invitation = None
    rows, usage_available = queries.organization_rows([organization])
    subscription = organization.subscription
    deletable_at = services.organization_deletable_at(organization)
    return render(
        request,
        "console/organization_detail.html",
        {
            "org": organization,
            "subscription": subscription,
            "usage": rows[0].counts,
            "usage_items": rows[0].labelled,
            "usage_available": usage_available,
            "domains": list(organization.domains.all()),
            "domain_form": domain_form or DomainAddForm(auto_id="domain_%s"),
            "plan_form": ChangePlanForm(
                initial={"plan": subscription.plan, "seats": subscription.seats}, auto_id="plan_%s"
            ),
            "events": selectors.organization_events(organization=organization, limit=20),
            "invitation": invitation,
            "deletable_at": deletable_at,
            "can_delete_now": deletable_at is not None and timezone.now() >= deletable_at,
            "grace_days": settings.ORGANIZATION_DELETE_GRACE_DAYS,
        },
    )


@operator_required
@require_POST
def organization_change_plan(request, pk):
    organization = _get(pk)
    form = ChangePlanForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            "The plan was not changed: "
            + " ".join(
                f"{form.fields[field].label or field.capitalize()}: {' '.join(errors)}"
                for field, errors in form.errors.items()
            ),
        )
        return redirect("console:organization", pk=organization.pk)
    plan, seats = form.cleaned_data["plan"], form.cleaned_data["seats"]
    before = (organization.subscription.plan_id, organization.subscription.seats)
    try:
        services.subscription_change_plan(
            organization=organization, plan=plan, seats=seats, actor=_actor(request)
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        if before == (plan.pk, seats):
            messages.info(request, f"{organization.name} is already on {plan.name}; nothing was changed.")
        else:
            seats_text = f"{seats} seats" if seats else "the plan's seat limit"
            messages.success(request, f"{organization.name} is now on {plan.name}, with {seats_text}.")
    return redirect("console:organization", pk=organization.pk)


CONFIRMED_ACTIONS = ("suspend", "archive")

LIFECYCLE_DONE = {
    "suspend": "{name} is suspended. Its members see a suspended page; its data is kept.",
    "reactivate": "{name} is reactivated.",
    "archive": "{name} is archived and read-only.",
}


@operator_required
@require_POST
def organization_lifecycle(request, pk):
    organization = _get(pk)
    form = LifecycleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Unknown action; nothing was changed.")
        return redirect("console:organization", pk=organization.pk)
    action, reason = form.cleaned_data["action"], form.cleaned_data["reason"].strip()
    actor = _actor(request)
    if action in CONFIRMED_ACTIONS and not form.cleaned_data["confirm"]:
        messages.error(
            request,
            f"Tick the box to confirm that you mean to {action} {organization.name}; nothing was changed.",
        )
        return redirect("console:organization", pk=organization.pk)
    try:
        if action == "suspend":
            services.organization_suspend(organization=organization, actor=actor, reason=reason)
        elif action == "reactivate":
            services.organization_reactivate(organization=organization, actor=actor)
        elif action == "archive":
            services.organization_archive(organization=organization, actor=actor, reason=reason)
        elif action == "delete":
            if form.cleaned_data["confirm_slug"].strip() != organization.slug:
                messages.error(
                    request,
                    f"Type the organization's subdomain ({organization.slug}) exactly to "
                    "confirm deletion; nothing was deleted.",
                )
                return redirect("console:organization", pk=organization.pk)
            services.organization_delete(organization=organization, actor=actor)
            messages.success(request, f"{organization.name} was deleted and its schema dropped.")
            return redirect("console:organizations")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, LIFECYCLE_DONE[action].format(name=organization.name))
    return redirect("console:organization", pk=organization.pk)


@operator_required
@require_POST
def organization_domain_add(request, pk):
    organization = _get(pk)
    form = DomainAddForm(request.POST, auto_id="domain_%s")
    if form.is_valid():
        try:
            domain = domains.domain_add(
                organization=organization, domain=form.cleaned_data["domain"], actor=_actor(request)
            )
        except ValidationFailed as exc:
            add_service_errors(form, exc)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                f"{domain.domain} now serves {organization.name}. Add it to ALLOWED_HOSTS and give the proxy "
                "a certificate for it (docs/deployment.md, Custom domains).",
            )
            return redirect("console:organization", pk=organization.pk)
    return _render_detail(request, organization, domain_form=form)


def _get_domain(organization, domain_pk):
    domain = selectors.organization_domain_get(organization=organization, pk=domain_pk)
    if domain is None:
        raise Http404
    return domain


def _domain_action(request, pk, domain_pk, change, done: str):
    """Run `change(domain=, actor=)` on one of the organization's domains; a refusal is a message, success
    the message `done` (formatted with `domain` and `organization`); back to the organization's page."""
    organization = _get(pk)
    domain = _get_domain(organization, domain_pk)
    try:
        change(domain=domain, actor=_actor(request))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done.format(domain=domain.domain, organization=organization.name))
    return redirect("console:organization", pk=organization.pk)


@operator_required
@require_POST
def organization_domain_primary(request, pk, domain_pk):
    return _domain_action(
        request,
        pk,
        domain_pk,
        domains.domain_make_primary,
        "{domain} is now the primary domain of {organization}.",
    )


@operator_required
@require_POST
def organization_domain_remove(request, pk, domain_pk):
    return _domain_action(
        request, pk, domain_pk, domains.domain_remove, "{domain} was removed from {organization}."
    )
