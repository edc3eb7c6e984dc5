"""The provisioning console on BASE_DOMAIN, for platform operators (superusers of the public schema)."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import user_passes_test
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from apps.core.api.throttling import client_ip
from apps.core.errors import ApplicationError, ValidationFailed
from tenants import selectors, services

from .forms import ChangePlanForm, LifecycleForm, OrganizationCreateForm, OrganizationSearchForm

PER_PAGE = 25


def _is_operator(user) -> bool:
    return user.is_authenticated and user.is_superuser


operator_required = user_passes_test(_is_operator, login_url="console:login")


def _actor(request) -> services.Actor:
    return services.Actor(user=request.user, ip_address=client_ip(request))


class ConsoleLoginView(auth_views.LoginView):
    template_name = "console/login.html"
    redirect_authenticated_user = True

    def get_success_url(self):
        return self.get_redirect_url() or reverse("console:organizations")


class ConsoleLogoutView(auth_views.LogoutView):
    next_page = "console:login"


@operator_required
def organization_list(request):
    form = OrganizationSearchForm(request.GET or None)
    search, status = "", ""
    if form.is_valid():
        search, status = form.cleaned_data["q"].strip(), form.cleaned_data["status"]
    paginator = Paginator(selectors.organization_list(search=search, status=status).order_by("name", "pk"), PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    organizations = list(page.object_list)
    usage = selectors.organization_usage(organizations)
    rows = [(org, usage.get(org.pk, {})) for org in organizations]
    return render(request, "console/organization_list.html", {
        "form": form,
        "page": page,
        "rows": rows,
        "usage_columns": list(selectors.USAGE_COUNTERS),
        "recent": selectors.provisioning_events(limit=8),
    })


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
        except Exception:
            form.add_error(None, "Provisioning failed and was rolled back; nothing was created. "
                                 "The failure is listed under recent provisioning.")
        else:
            if result.created:
                request.session["console_invitation"] = {
                    "org": result.organization.pk, "url": result.invitation_url,
                    "seconds": round(result.seconds, 2),
                }
                messages.success(request, f"{result.organization.name} is ready at {result.organization.base_url}.")
            else:
                messages.info(request, f"{result.organization.name} already exists; nothing was changed.")
            return redirect("console:organization", pk=result.organization.pk)
    return render(request, "console/organization_create.html", {"form": form})


def _get(pk):
    organization = selectors.organization_get(pk=pk)
    if organization is None:
        raise Http404
    return organization


@operator_required
def organization_detail(request, pk):
    organization = _get(pk)
    invitation = request.session.get("console_invitation")
    if invitation and invitation.get("org") == organization.pk:
        del request.session["console_invitation"]
    else:
        invitation = None
    return render(request, "console/organization_detail.html", {
        "org": organization,
        "usage": selectors.organization_usage([organization]).get(organization.pk, {}),
        "plan_form": ChangePlanForm(initial={"plan": organization.subscription.plan,
                                             "seats": organization.subscription.seats}),
        "events": selectors.organization_events(organization=organization, limit=20),
        "invitation": invitation,
        "deletable_at": services.organization_deletable_at(organization),
    })


@operator_required
@require_POST
def organization_change_plan(request, pk):
    organization = _get(pk)
    form = ChangePlanForm(request.POST)
    if form.is_valid():
        services.subscription_change_plan(organization=organization, plan=form.cleaned_data["plan"],
                                          seats=form.cleaned_data["seats"], actor=_actor(request))
        messages.success(request, f"Plan changed to {form.cleaned_data['plan'].name}.")
    else:
        messages.error(request, "The plan change was not valid: " + "; ".join(
            f"{field}: {' '.join(errors)}" for field, errors in form.errors.items()))
    return redirect("console:organization", pk=organization.pk)


@operator_required
@require_POST
def organization_lifecycle(request, pk):
    organization = _get(pk)
    form = LifecycleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Unknown action.")
        return redirect("console:organization", pk=organization.pk)
    action, reason = form.cleaned_data["action"], form.cleaned_data["reason"]
    actor = _actor(request)
    try:
        if action == "suspend":
            services.organization_suspend(organization=organization, actor=actor, reason=reason)
        elif action == "reactivate":
            services.organization_reactivate(organization=organization, actor=actor)
        elif action == "archive":
            services.organization_archive(organization=organization, actor=actor, reason=reason)
        elif action == "delete":
            if form.cleaned_data["confirm_slug"] != organization.slug:
                messages.error(request, "Type the organization's slug to confirm deletion.")
                return redirect("console:organization", pk=organization.pk)
            services.organization_delete(organization=organization, actor=actor)
            messages.success(request, f"{organization.name} was deleted and its schema dropped.")
            return redirect("console:organizations")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{organization.name}: {action} done.")
    return redirect("console:organization", pk=organization.pk)
