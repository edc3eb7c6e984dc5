"""The imports page in the organization's navigation (registered from ImportsConfig.ready())."""

from django.utils.translation import gettext_lazy as _

from apps.accounts.permissions import scope_of
from apps.core.navigation import NavEntry, register_nav


def manages_people(request) -> bool:
    return scope_of(request.user).can_manage_people()


def register() -> None:
    register_nav(NavEntry(_("Import"), "imports:list", visible=manages_people, order=70))
