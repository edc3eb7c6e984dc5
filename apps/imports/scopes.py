"""API-key scopes for bulk imports (apps/imports/api/)."""

from django.utils.translation import gettext_lazy as _

from apps.core.api.scopes import register_scope


def register() -> None:
    register_scope(
        "imports",
        label=_("Imports"),
        description=_(
            "Bulk imports of people from CSV or Excel: templates, uploads, their rows and results."
        ),
        app="imports",
    )
