from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "apps.certificates"
    label = "certificates"
    verbose_name = _("Certificates")

    def ready(self) -> None:
        from . import events  # noqa: F401  declares certificate.* (apps.events.catalog)
        from .registry import register_all

        register_all()  # subscribers, navigation, API-key scope, audit sentences (apps/certificates/registry.py)
