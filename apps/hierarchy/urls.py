"""Pages of the organization area, mounted at /manage/ on organization hosts."""

from django.urls import path

from . import views

app_name = "hierarchy"

urlpatterns = [
    path("", views.manage_home, name="index"),
    path("onboarding/", views.onboarding_page, name="onboarding"),
    path("people/", views.people_list, name="people"),
    path("people/invite/", views.person_invite, name="person_invite"),
    path("people/<int:pk>/", views.person_detail, name="person"),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("people/<int:pk>/roles/", views.person_role_add, name="person_role_add"),
    path(
        "people/<int:pk>/roles/<int:assignment_pk>/remove/",
        views.person_role_remove,
        name="person_role_remove",
    ),
    path("people/<int:pk>/deactivate/", views.person_deactivate, name="person_deactivate"),
    path("people/<int:pk>/reactivate/", views.person_reactivate, name="person_reactivate"),
    path(
        "people/<int:pk>/resend-invitation/", views.person_resend_invitation, name="person_resend_invitation"
    ),
    path("people/<int:pk>/delete/", views.person_delete, name="person_delete"),
    path("branches/", views.branch_list, name="branches"),
    path("branches/new/", views.branch_create, name="branch_create"),
    path("branches/<int:pk>/", views.branch_detail, name="branch"),
    path("branches/<int:pk>/edit/", views.branch_edit, name="branch_edit"),
    path("branches/<int:pk>/delete/", views.branch_delete, name="branch_delete"),
    path("classes/", views.class_list, name="classes"),
    path("classes/new/", views.class_create, name="class_create"),
    path("classes/<int:pk>/", views.class_detail, name="class"),
    path("classes/<int:pk>/edit/", views.class_edit, name="class_edit"),
    path("classes/<int:pk>/delete/", views.class_delete, name="class_delete"),
    path("classes/<int:pk>/members/", views.class_member_add, name="class_member_add"),
    path(
        "classes/<int:pk>/members/<int:assignment_pk>/remove/",
        views.class_member_remove,
        name="class_member_remove",
    ),
]
