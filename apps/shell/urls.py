"""The shell's page, mounted at "" on organization hosts (no namespace: `{% url 'home' %}`)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
]
