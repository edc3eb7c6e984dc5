"""What the core part of apps.badges registers (called from apps/badges/registry.py)."""


def register() -> None:
    pass
