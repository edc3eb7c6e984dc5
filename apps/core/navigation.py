"""The organization area's navigation, as a registry: each app contributes its own entries from its
AppConfig.ready() (`apps/<app>/navigation.py`), so this layer knows no feature app.

    register_nav(NavEntry(...))   add an entry, or replace the one with the same URL name (idempotent)
    entries_for(request)          [{"label", "url", "active", "section"}] the viewer may see, in order

An entry names the pages it stands for by URL name (fnmatch patterns on "namespace:name"); the current entry is
the first visible one whose patterns match the page, and a page no entry names falls back to the most specific
path prefix (/courses/teaching/ is Teaching, not Catalog). New pages belong to an entry by adding their URL
names to it, never by marking the entry in a template.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from fnmatch import fnmatchcase

from django.urls import reverse

MENU = "menu"  # on a phone, the entries fold behind the Menu button (static/js/nav.js)


def everyone(request) -> bool:
    return True


@dataclass(frozen=True)
class NavEntry:
    label: str  # gettext_lazy: translated when the page is rendered, in the viewer's language
    url_name: str  # where the entry leads; also its identity in the registry
    visible: Callable[..., bool] = everyone  # visible(request) -> may this viewer see the entry?
    order: int = 100
    active: tuple[str, ...] = field(default_factory=tuple)  # URL-name patterns of the pages it stands for
    phone_section: str = MENU

    def url(self) -> str:
        return reverse(self.url_name)


_ENTRIES: dict[str, NavEntry] = {}


def register_nav(entry: NavEntry) -> NavEntry:
    """Add an entry to the navigation; registering one with the same URL name again replaces it."""
    _ENTRIES[entry.url_name] = entry
    return entry


def unregister_nav(url_name: str) -> None:
    _ENTRIES.pop(url_name, None)


def registered_entries() -> list[NavEntry]:
    return sorted(_ENTRIES.values(), key=lambda entry: (entry.order, entry.url_name))


def _signed_in_member(request) -> bool:
    organization = getattr(request, "tenant", None)
    user = getattr(request, "user", None)
    return (
        organization is not None and not organization.is_public and user is not None and user.is_authenticated
    )


def current_url(request, shown: list[tuple[NavEntry, str]]) -> str | None:
    """The URL of the entry that stands for this page: named by URL name first, else by path prefix."""
    match = getattr(request, "resolver_match", None)
    view_name = match.view_name if match is not None else ""
    if view_name:
        for entry, url in shown:
            if any(fnmatchcase(view_name, pattern) for pattern in entry.active):
                return url
    return max((url for _, url in shown if request.path.startswith(url)), key=len, default=None)


def entries_for(request) -> list[dict]:
    """The entries a signed-in member of this organization may see, the current one marked active."""
    if not _signed_in_member(request):
        return []
    shown = [(entry, entry.url()) for entry in registered_entries() if entry.visible(request)]
    current = current_url(request, shown)
    return [
        {"label": entry.label, "url": url, "active": url == current, "section": entry.phone_section}
        for entry, url in shown
    ]
