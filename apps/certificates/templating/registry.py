"""What the templating part of apps.certificates registers (called from apps/certificates/registry.py)."""


def register() -> None:
    pass
