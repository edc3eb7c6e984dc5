"""What the openbadges part of apps.badges registers (called from apps/badges/registry.py): its badge.awarded
subscriber (the issuer profile and signing key made with the first award) and its audit sentence."""


def register() -> None:
    from . import audit, subscribers  # noqa: F401  subscribers register on import

    audit.register()
