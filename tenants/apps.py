from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = "Organizations and plans"

    def ready(self) -> None:
        from . import (
            retirement,  # noqa: F401  the slug quarantine's system check
            signals,  # noqa: F401  cache invalidation on every change
        )
