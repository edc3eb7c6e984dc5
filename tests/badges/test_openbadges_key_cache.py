"""The loaded signing key is kept per process (loading an RSA key costs ~90 ms), found by the schema,
SECRET_KEY and the stored ciphertext: a credential is always signed by the current key of its own
organization, a rotation signs with the new key at once, another organization's key is never used, and a
changed SECRET_KEY still refuses to sign."""

import json

import pytest
from django.test import override_settings
from django_tenants.utils import schema_context
from jwcrypto import jwk, jws
from jwcrypto.common import JWException

from apps.badges.openbadges import keys
from tests.conftest import client_for, jwt_for

from .openbadges_helpers import fetch_json, make_award_in

pytestmark = pytest.mark.django_db


def _credential(organization, user, award) -> str:
    client = client_for(organization.slug, token=jwt_for(organization, user))
    response = client.get(f"/api/v1/badge-awards/{award.pk}/credential")
    assert response.status_code == 200
    return response.json()["data"]["credential"]


def _verifies(token: str, public_pem: str) -> bool:
    signed = jws.JWS()
    signed.deserialize(token)
    try:
        signed.verify(jwk.JWK.from_pem(public_pem.encode()), alg="RS256")
    except JWException:
        return False
    return True


def _kid(token: str) -> str:
    signed = jws.JWS()
    signed.deserialize(token)
    return json.loads(signed.objects["protected"])["kid"]


def test_each_organization_signs_with_its_own_current_key_and_a_rotation_at_once(
    acme, globex, acme_student, globex_student, acme_admin
):
    acme_award = make_award_in(acme, user=acme_student)
    globex_award = make_award_in(globex, user=globex_student)
    with schema_context("acme"):
        acme_key = keys.signing_key_current()
    with schema_context("globex"):
        globex_key = keys.signing_key_current()

    for _ in range(2):  # the second time from the kept keys
        acme_token = _credential(acme, acme_student, acme_award)
        globex_token = _credential(globex, globex_student, globex_award)
        assert _verifies(acme_token, acme_key.public_key_pem)
        assert not _verifies(acme_token, globex_key.public_key_pem)
        assert _verifies(globex_token, globex_key.public_key_pem)
        assert not _verifies(globex_token, acme_key.public_key_pem)

    with schema_context("acme"):
        new_key = keys.signing_key_rotate(actor=acme_admin)
    rotated = _credential(acme, acme_student, acme_award)
    assert _verifies(rotated, new_key.public_key_pem)
    assert not _verifies(rotated, acme_key.public_key_pem)
    assert fetch_json(_kid(rotated))["publicKeyPem"].strip() == new_key.public_key_pem.strip()
    assert _verifies(_credential(globex, globex_student, globex_award), globex_key.public_key_pem)


def test_the_kept_key_is_found_by_schema_and_secret_never_reused_across_them(acme, globex):
    make_award_in(acme)
    with schema_context("acme"):
        key = keys.signing_key_current()
        assert keys.private_jwk(key) is keys.private_jwk(key)
        other_secret = override_settings(SECRET_KEY="another-secret-key-of-sufficient-length-0123456789")
        with other_secret, pytest.raises(keys.InvalidToken):
            keys.private_jwk(key)
    with schema_context("globex"), pytest.raises(keys.InvalidToken):
        keys.private_jwk(key)  # acme's row read in globex's schema: not acme's kept key
