from django.apps import AppConfig


class ShellConfig(AppConfig):
    name = "apps.shell"
    label = "shell"
    verbose_name = "Home page and dashboard"
