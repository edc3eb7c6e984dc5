"""Everything apps.badges plugs into the layers below it, registered from BadgesConfig.ready(): each part's
event subscribers, navigation entries, API-key scope and audit sentences (apps/badges/<part>/registry.py)."""

from .core.registry import register as register_core
from .openbadges.registry import register as register_openbadges


def register_all() -> None:
    register_core()  # definitions, criteria, progress and awards
    register_openbadges()  # the public Open Badges documents and the signing keys
