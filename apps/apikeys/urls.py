"""Pages of this app on organization hosts (mounted at /manage/api-keys/)."""

from django.urls import path

from . import views

app_name = "apikeys"

urlpatterns = [
    path("", views.api_key_list_page, name="list"),
    path("<int:pk>/revoke/", views.api_key_revoke_page, name="revoke"),
]
