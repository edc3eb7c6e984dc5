from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = "Organizations and plans"

    def ready(self) -> None:
        from . import signals  # noqa: F401  cache invalidation on every change
