"""Pages of this app on organization hosts, under /manage/imports/."""

from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("", views.import_list_page, name="list"),
    path("template.csv", views.import_template_page, {"file_format": "csv"}, name="template_csv"),
    path("template.xlsx", views.import_template_page, {"file_format": "xlsx"}, name="template_xlsx"),
    path("<int:pk>/", views.import_detail_page, name="detail"),
    path("<int:pk>/report.csv", views.import_report_page, name="report"),
]
