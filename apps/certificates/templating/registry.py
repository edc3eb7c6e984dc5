"""What the templating part of apps.certificates registers (called from apps/certificates/registry.py): the
audit log's sentences for templates. (Its pages sit under the issuing part's "Certificates" navigation
entry, and its API under the `certificates` API-key scope that the issuing part registers.)"""


def register() -> None:
    from .audit import register as register_audit

    register_audit()
