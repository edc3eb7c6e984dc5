"""Pages of the certificates issuing part (names: certificate_*, verify*, share*, bulk_*)."""

from django.urls import path

from . import views

urlpatterns = [
    path("certificates/", views.certificate_list, name="certificate_list"),
    path("certificates/mine/", views.certificate_mine, name="certificate_mine"),
    path("certificates/issue/", views.certificate_issue, name="certificate_issue"),
    path("certificates/bulk/", views.bulk_start, name="bulk_start"),
    path("certificates/jobs/<int:pk>/", views.bulk_job, name="bulk_job"),
    path("certificates/rerender/<int:pk>/", views.bulk_rerender, name="bulk_rerender"),
    path("certificates/<int:pk>/", views.certificate_detail, name="certificate_detail"),
    path("certificates/<int:pk>/pdf/", views.certificate_pdf, name="certificate_pdf"),
    path("certificates/<int:pk>/revoke/", views.certificate_revoke, name="certificate_revoke"),
    path("certificates/<int:pk>/reissue/", views.certificate_reissue, name="certificate_reissue"),
    path("certificates/<int:pk>/recertify/", views.certificate_recertify, name="certificate_recertify"),
    path("certificates/<str:uuid_hex>/share", views.share, name="share"),
    path("certificates/<str:uuid_hex>/card.png", views.share_card, name="share_card"),
    path("courses/<int:pk>/certificate/", views.certificate_rule, name="certificate_rule"),
    path("quizzes/<int:pk>/certificate/", views.certificate_quiz_rule, name="certificate_quiz_rule"),
    path("courses/<int:pk>/certificates/", views.certificate_course_list, name="certificate_course_list"),
    path("verify/", views.verify_form, name="verify"),
    path("verify/<str:key>", views.verify_detail, name="verify_detail"),
]
