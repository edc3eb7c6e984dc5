"""What the openbadges part of apps.badges registers (called from apps/badges/registry.py)."""


def register() -> None:
    pass
