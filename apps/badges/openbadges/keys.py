"""The organization's signing keys (RSA 2048, RS256): signed Open Badges 2.0 assertions and OB 3.0 VC-JWTs.

The newest key that is not retired signs; retired keys stay published (the issuer's `publicKey` lists them)
so what they signed still verifies. A key is made on first use (`signing_key_current`) and replaced by
`signing_key_rotate` (the old one retired, a new one made, in one transaction).

The private key is stored encrypted (Fernet) with a key derived from settings.SECRET_KEY by HKDF-SHA256 with
the schema name as `info`: a database dump alone does not sign, and one organization's ciphertext does not
decrypt in another's schema. Rotating SECRET_KEY makes the stored keys unreadable: rotate the signing keys
then (the old public keys stay published, so old signatures still verify).
"""

import base64
import functools

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from jwcrypto import jwk

from ..models import SigningKey

KEY_SIZE = 2048
PUBLIC_EXPONENT = 65537
_HKDF_SALT = b"learnstack/badges/openbadges/signing-key"


def _fernet(schema_name: str | None = None) -> Fernet:
    info = (schema_name or connection.schema_name).encode("utf-8")
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=_HKDF_SALT, info=info).derive(
        settings.SECRET_KEY.encode("utf-8")
    )
    return Fernet(base64.urlsafe_b64encode(derived))


def encrypt_private_pem(pem: bytes, *, schema_name: str | None = None) -> str:
    return _fernet(schema_name).encrypt(pem).decode("ascii")


def decrypt_private_pem(token: str, *, schema_name: str | None = None) -> bytes:
    """The private key's PEM. Raises InvalidToken when SECRET_KEY or the schema differ from when it was stored."""
    return _fernet(schema_name).decrypt(token.encode("ascii"))


def _new_key_pair() -> tuple[str, str]:
    private = rsa.generate_private_key(public_exponent=PUBLIC_EXPONENT, key_size=KEY_SIZE)
    private_pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public_pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return public_pem.decode("ascii"), encrypt_private_pem(private_pem)


def _lock() -> None:
    """Serialize key creation in this schema (two first uses at once must make one key)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtext(%s))", [f"{connection.schema_name}:ob-signing-key"]
        )


def signing_key_current() -> SigningKey:
    """The key that signs now: the newest unretired one, made on first use."""
    key = SigningKey.objects.filter(retired_at__isnull=True).first()
    if key is not None:
        return key
    with transaction.atomic():
        _lock()
        key = SigningKey.objects.filter(retired_at__isnull=True).first()
        if key is None:
            public_pem, encrypted = _new_key_pair()
            key = SigningKey(public_key_pem=public_pem, private_key_encrypted=encrypted)
            key.full_clean()
            key.save()
    return key


def signing_key_rotate(*, actor=None) -> SigningKey:
    """Retire the signing key(s) in use and make a new one; the retired keys stay published for verification."""
    from apps.audit.services import audit_record

    with transaction.atomic():
        _lock()
        now = timezone.now()
        retired = list(SigningKey.objects.filter(retired_at__isnull=True).values_list("uid", flat=True))
        SigningKey.objects.filter(retired_at__isnull=True).update(retired_at=now)
        public_pem, encrypted = _new_key_pair()
        key = SigningKey(public_key_pem=public_pem, private_key_encrypted=encrypted)
        key.full_clean()
        key.save()
        audit_record(
            actor=actor,
            action="badge_signing_key.rotated",
            target=key,
            changes={"retired": [str(uid) for uid in retired]},
        )
    return key


def private_jwk(key: SigningKey) -> jwk.JWK:
    """The key's private JWK, to sign with. Loading an RSA key checks it (about 90 ms): the loaded key is
    kept per process, found by this schema, SECRET_KEY and the stored ciphertext itself (a key's ciphertext
    never changes; a new key, after a rotation, is another ciphertext), so it is only ever the key this
    schema would decrypt from this row now, and never another organization's."""
    return _loaded_private_jwk(connection.schema_name, settings.SECRET_KEY, key.private_key_encrypted)


@functools.lru_cache(maxsize=64)
def _loaded_private_jwk(schema_name: str, secret_key: str, encrypted: str) -> jwk.JWK:
    loaded = jwk.JWK.from_pem(decrypt_private_pem(encrypted, schema_name=schema_name))
    loaded.get_op_key("sign")  # jwcrypto builds (and checks) its signing key once, on first use: now
    return loaded


def public_jwk(key: SigningKey, *, kid: str = "") -> dict:
    """The public key as a JWK (RFC 7517): kty, n, e, and `kid`/`alg`/`use`; never the private parts."""
    exported = jwk.JWK.from_pem(key.public_key_pem.encode("ascii")).export_public(as_dict=True)
    exported.update({"alg": "RS256", "use": "sig"})
    if kid:
        exported["kid"] = kid
    return exported


__all__ = [
    "InvalidToken",
    "decrypt_private_pem",
    "encrypt_private_pem",
    "private_jwk",
    "public_jwk",
    "signing_key_current",
    "signing_key_rotate",
]
