"""The key itself: `lsk_<prefix>_<secret>`.

The prefix is public (it names the key in lists and logs and finds its row); the secret is 40 random
letters and digits (about 238 bits), shown once and stored only as an HMAC-SHA256 of the whole key keyed
with SECRET_KEY. A fast keyed hash is right here, unlike for passwords: the secret is random, not guessable,
and it is checked on every request. SECRET_KEY_FALLBACKS are honoured, so rotating SECRET_KEY does not
invalidate every key at once.
"""

import re
import secrets
import string

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

KEY_TYPE = "lsk"
PREFIX_LENGTH = 8
SECRET_LENGTH = 40
_PREFIX_ALPHABET = string.ascii_lowercase + string.digits
_SECRET_ALPHABET = string.ascii_letters + string.digits
_KEY = re.compile(
    rf"^{KEY_TYPE}_(?P<prefix>[a-z0-9]{{{PREFIX_LENGTH}}})_(?P<secret>[A-Za-z0-9]{{{SECRET_LENGTH}}})$"
)
_HMAC_SALT = "learnstack.apikeys.ApiKey"


def generate_prefix() -> str:
    return "".join(secrets.choice(_PREFIX_ALPHABET) for _ in range(PREFIX_LENGTH))


def generate_secret() -> str:
    return "".join(secrets.choice(_SECRET_ALPHABET) for _ in range(SECRET_LENGTH))


def format_key(prefix: str, secret: str) -> str:
    return f"{KEY_TYPE}_{prefix}_{secret}"


def parse_key(raw: str) -> tuple[str, str] | None:
    """(prefix, secret) of a well-formed key, or None."""
    match = _KEY.match(raw.strip()) if raw else None
    return (match["prefix"], match["secret"]) if match else None


def hash_key(raw_key: str, *, secret_key: str | None = None) -> str:
    return salted_hmac(_HMAC_SALT, raw_key, secret=secret_key, algorithm="sha256").hexdigest()


def key_matches(raw_key: str, stored_hash: str) -> bool:
    """Constant-time comparison against the hash under SECRET_KEY, then each of SECRET_KEY_FALLBACKS."""
    for secret_key in (settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])):
        if constant_time_compare(hash_key(raw_key, secret_key=secret_key), stored_hash):
            return True
    return False


def masked(prefix: str, last_four: str) -> str:
    """How a key is shown after creation: `lsk_ab12cd34_…wxyz`."""
    return f"{KEY_TYPE}_{prefix}_…{last_four}"
