"""Everything apps.certificates plugs into the layers below it, registered from CertificatesConfig.ready():
each part's event subscribers, navigation entries, API-key scope and audit sentences."""

from .issuing.registry import register as register_issuing
from .templating.registry import register as register_templating


def register_all() -> None:
    register_templating()  # templates, their versions and previews
    register_issuing()  # rules, issue, verification, sharing and bulk jobs
