from django.urls import path

from . import views

app_name = "console"

urlpatterns = [
    path("login/", views.ConsoleLoginView.as_view(), name="login"),
    path("logout/", views.ConsoleLogoutView.as_view(), name="logout"),
    path("", views.organization_list, name="organizations"),
    path("organizations/new/", views.organization_create, name="organization_create"),
    path("organizations/<int:pk>/", views.organization_detail, name="organization"),
    path("organizations/<int:pk>/plan/", views.organization_change_plan, name="organization_plan"),
    path("organizations/<int:pk>/lifecycle/", views.organization_lifecycle, name="organization_lifecycle"),
    path("organizations/<int:pk>/domains/", views.organization_domain_add, name="organization_domain_add"),
    path(
        "organizations/<int:pk>/domains/<int:domain_pk>/primary/",
        views.organization_domain_primary,
        name="organization_domain_primary",
    ),
    path(
        "organizations/<int:pk>/domains/<int:domain_pk>/remove/",
        views.organization_domain_remove,
        name="organization_domain_remove",
    ),
]
