"""What the issuing part of apps.certificates registers (called from apps/certificates/registry.py): the
automatic-issue subscribers, the "Certificates" navigation entries, the API-key scope and audit sentences."""

from django.utils.translation import gettext_lazy as _

from apps.accounts.permissions import scope_of
from apps.core.navigation import NavEntry, register_nav


def _staff(request) -> bool:
    return scope_of(request.user).can_author()


def register() -> None:
    from apps.core.api.scopes import register_scope

    from . import subscribers  # noqa: F401  course.completed / assessment.passed issue certificates
    from .audit import register as register_audit

    register_nav(
        NavEntry(
            _("Certificates"),
            "certificates:certificate_list",
            visible=_staff,
            order=38,
            active=("certificates:certificate_*", "certificates:bulk_*", "certificates:template_*"),
        )
    )
    register_scope(
        "certificates",
        label=_("Certificates"),
        description=_(
            "Certificate rules of courses and quizzes, issued certificates and their PDFs, revocation, "
            "reissue, recertification, sharing links and bulk jobs."
        ),
        app="certificates",
    )
    register_audit()
