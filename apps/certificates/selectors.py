"""Reads of apps.certificates that other apps use (badges' "My achievements" page)."""

from .issuing.selectors import certificate_list, learner_certificates

__all__ = ["certificate_list", "learner_certificates"]
