"""Invitation links: stateless signed tokens that stop working once the password is set."""

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "learnstack.accounts.invitation"

    def _make_hash_value(self, user, timestamp):
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
