"""Event subscribers of the Open Badges part."""

from apps.events import subscriber

from .services import openbadges_prepare


@subscriber("badge.awarded")
def prepare_issuer_and_key(event) -> None:
    """The first award makes the issuer profile and the signing key, so that the public documents (read-only
    GETs) find them."""
    openbadges_prepare()
