"""/api/v1/ routes of the certificates issuing part."""

from django.urls import path

from . import api

urlpatterns = [
    path("certificates", api.CertificateListView.as_view(), name="api-certificates"),
    path("certificates/bulk", api.BulkIssueView.as_view(), name="api-certificates-bulk"),
    path("certificates/<int:pk>", api.CertificateDetailView.as_view(), name="api-certificate"),
    path("certificates/<int:pk>/pdf", api.CertificatePdfView.as_view(), name="api-certificate-pdf"),
    path("certificates/<int:pk>/revoke", api.CertificateRevokeView.as_view(), name="api-certificate-revoke"),
    path(
        "certificates/<int:pk>/reissue", api.CertificateReissueView.as_view(), name="api-certificate-reissue"
    ),
    path(
        "certificates/<int:pk>/recertify",
        api.CertificateRecertifyView.as_view(),
        name="api-certificate-recertify",
    ),
    path("certificates/<int:pk>/share", api.CertificateShareView.as_view(), name="api-certificate-share"),
    path("certificates/<str:verify_uuid>/verify", api.VerifyView.as_view(), name="api-certificate-verify"),
    path("users/<int:pk>/certificates", api.UserCertificateListView.as_view(), name="api-user-certificates"),
    path(
        "courses/<int:pk>/certificate-rule", api.CourseRuleView.as_view(), name="api-course-certificate-rule"
    ),
    path(
        "assessments/<int:pk>/certificate-rule", api.QuizRuleView.as_view(), name="api-quiz-certificate-rule"
    ),
    path(
        "certificate-templates/<int:pk>/rerender",
        api.TemplateRerenderView.as_view(),
        name="api-certificate-template-rerender",
    ),
    path("certificate-jobs/<int:pk>", api.BulkJobDetailView.as_view(), name="api-certificate-job"),
]
