"""/api/v1/ routes of the certificates templating part."""

from django.urls import path

from . import api

BASE = "certificate-templates"

urlpatterns = [
    path(BASE, api.TemplateListView.as_view(), name="api-certificate-templates"),
    path(f"{BASE}/<int:pk>", api.TemplateDetailView.as_view(), name="api-certificate-template"),
    path(
        f"{BASE}/<int:pk>/versions",
        api.TemplateVersionListView.as_view(),
        name="api-certificate-template-versions",
    ),
    path(
        f"{BASE}/<int:pk>/versions/<int:number>",
        api.TemplateVersionDetailView.as_view(),
        name="api-certificate-template-version",
    ),
    path(
        f"{BASE}/<int:pk>/archive", api.TemplateArchiveView.as_view(), name="api-certificate-template-archive"
    ),
    path(
        f"{BASE}/<int:pk>/restore", api.TemplateRestoreView.as_view(), name="api-certificate-template-restore"
    ),
    path(f"{BASE}/<int:pk>/logo", api.TemplateLogoView.as_view(), name="api-certificate-template-logo"),
    path(
        f"{BASE}/<int:pk>/signature",
        api.TemplateSignatureView.as_view(),
        name="api-certificate-template-signature",
    ),
    path(
        f"{BASE}/<int:pk>/preview", api.TemplatePreviewView.as_view(), name="api-certificate-template-preview"
    ),
]
