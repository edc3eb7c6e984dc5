"""The recipient's identity in an Open Badges assertion: the email, normalized, hashed with a salt.

The IMS validator compares "sha256$" + sha256(identity + salt) with the profile's email as given (it does
not lowercase it), so the email is trimmed and lowercased before hashing, and a backpack asked about
" Ann@Example.org" must be told the normalized form."""

import hashlib
import secrets


def normalized_email(email: str) -> str:
    return email.strip().lower()


def new_salt() -> str:
    return secrets.token_hex(16)


def hashed_identity(email: str, salt: str) -> str:
    return "sha256$" + hashlib.sha256((normalized_email(email) + salt).encode("utf-8")).hexdigest()
