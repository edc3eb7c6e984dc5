"""Signing keys: RSA 2048 made once on first use, the private key encrypted at rest (and only readable with
this SECRET_KEY in this schema), rotation retiring the old key that stays published, the JWK export, and the
signed assertion (compact JWS, RS256) verifying with the published key."""

import json

import pytest
from cryptography.hazmat.primitives import serialization
from django.test import override_settings
from django.urls import reverse
from django_tenants.utils import schema_context
from jwcrypto import jwk, jws

from apps.badges.openbadges import keys

from .openbadges_helpers import fetch, fetch_json, make_award_in

pytestmark = pytest.mark.django_db


def test_the_first_use_makes_one_rsa_2048_key_and_later_uses_reuse_it(acme):
    from apps.badges.models import SigningKey

    with schema_context("acme"):
        first = keys.signing_key_current()
        again = keys.signing_key_current()

        assert first.pk == again.pk
        assert SigningKey.objects.count() == 1
        public = serialization.load_pem_public_key(first.public_key_pem.encode())
        assert public.key_size == 2048


def test_the_private_key_is_stored_encrypted_and_bound_to_the_secret_and_schema(acme):
    with schema_context("acme"):
        key = keys.signing_key_current()
        stored = key.private_key_encrypted

        assert "PRIVATE KEY" not in stored
        assert keys.decrypt_private_pem(stored).startswith(b"-----BEGIN PRIVATE KEY-----")
        with pytest.raises(keys.InvalidToken):
            keys.decrypt_private_pem(stored, schema_name="globex")
        other_secret = override_settings(SECRET_KEY="another-secret-key-of-sufficient-length-0123456789")
        with other_secret, pytest.raises(keys.InvalidToken):
            keys.decrypt_private_pem(stored)


def test_rotation_retires_the_old_key_which_stays_published(acme, acme_admin):
    from apps.audit.models import AuditEntry

    award = make_award_in(acme)
    with schema_context("acme"):
        old = keys.signing_key_current()
        new = keys.signing_key_rotate(actor=acme_admin)
        old.refresh_from_db()

        assert old.retired_at is not None
        assert new.retired_at is None
        assert keys.signing_key_current().pk == new.pk
        entry = AuditEntry.objects.get(action="badge_signing_key.rotated")
        assert entry.changes == {"retired": [str(old.uid)]}
        assert entry.actor_id == acme_admin.pk
    issuer = fetch_json(
        fetch_json(
            fetch_json("http://acme.learnstack.test" + reverse("badges:ob_assertion", args=[award.uid]))[
                "badge"
            ]
        )["issuer"]
    )
    assert len(issuer["publicKey"]) == 2
    assert issuer["publicKey"][0].endswith(str(new.uid))
    assert fetch(issuer["publicKey"][1]).status_code == 200


def test_the_jwk_export_has_no_private_parts(acme):
    with schema_context("acme"):
        exported = keys.public_jwk(keys.signing_key_current(), kid="https://acme.example/k")

    assert exported["kty"] == "RSA"
    assert exported["alg"] == "RS256"
    assert exported["kid"] == "https://acme.example/k"
    assert set(exported) >= {"n", "e"}
    assert not set(exported) & {"d", "p", "q", "dp", "dq", "qi"}


def test_the_signed_assertion_is_an_rs256_jws_verifying_with_the_published_key(acme):
    award = make_award_in(acme)
    base = "http://acme.learnstack.test"

    token = fetch(
        base + reverse("badges:ob_assertion_signed", args=[award.uid]), accept="*/*"
    ).content.decode()

    parsed = jws.JWS()
    parsed.deserialize(token)
    assert json.loads(parsed.objects["protected"]) == {"alg": "RS256"}
    claims = json.loads(parsed.objects["payload"])
    assert claims["id"] == f"urn:uuid:{award.uid}"
    assert claims["verification"]["type"] == "SignedBadge"
    key_document = fetch_json(claims["verification"]["creator"])
    parsed.verify(jwk.JWK.from_pem(key_document["publicKeyPem"].encode()), alg="RS256")  # raises if forged
    other = jwk.JWK.generate(kty="RSA", size=2048)
    with pytest.raises(jws.InvalidJWSSignature):
        parsed.verify(other, alg="RS256")
