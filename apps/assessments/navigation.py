"""The assessments app's entries in the organization's navigation (registered from AssessmentsConfig.ready())."""

from django.utils.translation import gettext_lazy as _

from apps.accounts.permissions import scope_of
from apps.core.navigation import NavEntry, register_nav


def may_author(request) -> bool:
    return scope_of(request.user).can_author()


ENTRIES = (
    NavEntry(
        _("Question bank"),
        "assessments:bank_list",
        visible=may_author,
        order=35,
        active=("assessments:bank_*", "assessments:import_*"),
    ),
)


def register() -> None:
    for entry in ENTRIES:
        register_nav(entry)
