"""The organization's start page: its branding and a sign-in call to action for visitors, the member's
dashboard once signed in. The dashboard greets the member and shows the cards the apps registered
(apps.core.dashboard) that this viewer may see: the getting-started checklist, the organization's counts,
recent activity, one section per role."""

from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

from apps.accounts.models import RoleAssignment
from apps.accounts.permissions import scope_of
from apps.core.dashboard import cards_for


def home(request):
    if request.user.is_authenticated:
        return dashboard(request)
    return render(request, "accounts/home.html")


def dashboard(request):
    scope = scope_of(request.user)
    role_labels = [label for value, label in RoleAssignment.Role.choices if value in scope.roles]
    context = {"scope": scope, "role_labels": role_labels, "cards": cards_for(request)}
    response = render(request, "org/dashboard.html", context)
    add_never_cache_headers(response)
    return response
