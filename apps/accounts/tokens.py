"""Emailed links made of a user id and a stateless signed token: invitations (here) and password resets
(apps.accounts.adapters.PasswordResetTokenGenerator, on the same base).

Each token hashes in the uid of the organization that made it (tenants/identity.py). User ids restart at 1
in every schema and a deleted organization's slug (and schema name) can be given again, so without it a
link made for person 1 of a deleted organization could open the account of person 1 of the next
organization of that name. With it, a link works only in the organization that sent it.
"""

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode


class OrganizationBoundTokenGenerator(PasswordResetTokenGenerator):
    """Django's token generator, its hash bound to the organization whose schema is active."""

    def _make_hash_value(self, user, timestamp):
        from tenants.identity import require_current_organization_uid

        return f"{require_current_organization_uid()}:{self._person_hash_value(user, timestamp)}"

    def _person_hash_value(self, user, timestamp) -> str:
        return super()._make_hash_value(user, timestamp)


class InvitationTokenGenerator(OrganizationBoundTokenGenerator):
    key_salt = "learnstack.accounts.invitation"

    def _person_hash_value(self, user, timestamp) -> str:
        # Status and password both change on acceptance, so a used link is dead.
        return f"{user.pk}{user.password}{user.status}{timestamp}{user.email}"


invitation_tokens = InvitationTokenGenerator()


def encode_uid(user) -> str:
    return urlsafe_base64_encode(force_bytes(user.pk))


def decode_uid(uidb64: str) -> str | None:
    try:
        return force_str(urlsafe_base64_decode(uidb64))
    except (TypeError, ValueError, OverflowError):
        return None
