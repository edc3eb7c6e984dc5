"""Audit sentences of the Open Badges part (apps.audit.describe)."""

from django.utils.translation import gettext_lazy as _

from apps.audit.sentences import register_description, simple


def register() -> None:
    register_description(
        "badge_signing_key.rotated", simple(_("{actor} replaced the organization's badge signing key"))
    )
