"""Authentication settings (sign-in flows, MFA, lockout). `configure(namespace)` is called at the end of
base.py with base's globals, so this module may extend INSTALLED_APPS, MIDDLEWARE and the rest."""


def configure(ns: dict) -> None:
    return None
