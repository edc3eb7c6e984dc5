"""Pages of the certificates templating part."""

from django.urls import path

from . import views

urlpatterns = [
    path("certificates/templates/", views.template_list, name="template_list"),
    path("certificates/templates/new/", views.template_create, name="template_create"),
    path("certificates/templates/<int:pk>/", views.template_detail, name="template_detail"),
    path("certificates/templates/<int:pk>/preview/", views.template_preview, name="template_preview"),
    path("certificates/templates/<int:pk>/logo/", views.template_logo, name="template_logo"),
    path("certificates/templates/<int:pk>/signature/", views.template_signature, name="template_signature"),
    path("certificates/templates/<int:pk>/archive/", views.template_archive, name="template_archive"),
    path("certificates/templates/<int:pk>/restore/", views.template_restore, name="template_restore"),
    path("certificates/templates/<int:pk>/delete/", views.template_delete, name="template_delete"),
]
