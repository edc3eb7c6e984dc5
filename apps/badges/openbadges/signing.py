"""Signed Open Badges 2.0 assertions: a compact JWS (RS256) over the assertion JSON, by the organization's
current signing key; `verification.creator` names that key's CryptographicKey URL (which the issuer's
`publicKey` lists)."""

from jwcrypto import jws
from jwcrypto.common import json_encode

from ..models import BadgeAward, IssuerProfile, SigningKey
from .documents import assertion_document, dumps
from .keys import private_jwk, signing_key_current


def compact_jws(payload: str, key: SigningKey, *, header: dict | None = None) -> str:
    token = jws.JWS(payload.encode("utf-8"))
    token.add_signature(private_jwk(key), None, json_encode(header or {"alg": "RS256"}))
    return token.serialize(compact=True)


def signed_assertion(issuer: IssuerProfile, award: BadgeAward, *, key: SigningKey | None = None) -> str:
    key = key or signing_key_current()
    return compact_jws(dumps(assertion_document(issuer, award, signed_by=key)), key)
