"""The API keys page in the organization's navigation (registered from ApiKeysConfig.ready())."""

from django.utils.translation import gettext_lazy as _

from apps.accounts.permissions import scope_of
from apps.core.navigation import NavEntry, register_nav


def is_org_admin(request) -> bool:
    return scope_of(request.user).is_org_admin


def register() -> None:
    register_nav(NavEntry(_("API keys"), "apikeys:list", visible=is_org_admin, order=80))
