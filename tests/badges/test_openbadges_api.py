"""The learner's downloads: GET /api/v1/badge-awards/{id}/assertion (OB 2.0) and /credential (OB 3.0 VC-JWT),
for the learner's own awards and staff in scope; the VC-JWT's header, claims and signature."""

import json
from datetime import UTC, timedelta

import pytest
from django.utils import timezone
from jwcrypto import jwk, jws

from tests.conftest import browser_for, client_for, jwt_for, person

from .openbadges_helpers import fetch, fetch_json, make_award_in

pytestmark = pytest.mark.django_db


def _client(organization, user):
    return client_for(organization.slug, token=jwt_for(organization, user))


def test_a_learner_downloads_their_assertion_with_the_baked_image_url(acme, acme_student):
    award = make_award_in(acme, user=acme_student)

    response = _client(acme, acme_student).get(f"/api/v1/badge-awards/{award.pk}/assertion")

    data = response.json()["data"]
    assert response.status_code == 200
    assert data["award_id"] == award.pk
    assert data["assertion"] == fetch_json(data["assertion_url"])
    assert data["image_url"] == data["assertion"]["image"]
    assert fetch(data["image_url"], accept="image/png")["Content-Type"] == "image/png"
    assert data["signed_url"].endswith("/signed")
    assert data["revoked"] is False


def test_a_learner_gets_their_credential_as_a_vc_jwt_signed_by_the_published_key(acme, acme_student):
    issued = timezone.now().replace(microsecond=0) - timedelta(days=1)
    award = make_award_in(acme, user=acme_student, issued_at=issued, expires_at=issued + timedelta(days=90))

    response = _client(acme, acme_student).get(f"/api/v1/badge-awards/{award.pk}/credential")

    data = response.json()["data"]
    assert response.status_code == 200
    assert data["format"] == "vc+jwt"
    token = jws.JWS()
    token.deserialize(data["credential"])
    header = json.loads(token.objects["protected"])
    assert header == {"alg": "RS256", "kid": data["key_url"], "typ": "JWT"}
    key = fetch_json(header["kid"])
    token.verify(jwk.JWK.from_pem(key["publicKeyPem"].encode()), alg="RS256")
    claims = json.loads(token.payload)
    assert claims["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert claims["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert claims["id"] == claims["jti"] == data["credential_id"] == f"urn:uuid:{award.uid}"
    assert claims["iss"] == claims["issuer"]["id"] == key["owner"]
    assert claims["issuer"]["type"] == ["Profile"]
    assert claims["validFrom"] == issued.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert claims["nbf"] == int(issued.timestamp())
    assert claims["exp"] == int((issued + timedelta(days=90)).timestamp())
    assert "validUntil" in claims
    subject = claims["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    assert subject["identifier"] == [
        {
            "type": "IdentityObject",
            "identityHash": award.identity_hash,
            "identityType": "emailAddress",
            "hashed": True,
            "salt": award.salt,
        }
    ]
    assert subject["achievement"]["type"] == ["Achievement"]
    assert subject["achievement"]["name"] == award.badge.name
    assert claims["credentialStatus"]["type"] == "1EdTechRevocationList"
    assert fetch_json(claims["credentialStatus"]["id"])["type"] == "RevocationList"
    assert "student@acme.example.com" not in data["credential"]


def test_download_1_answers_the_vc_jwt_itself_as_a_file(acme, acme_student):
    award = make_award_in(acme, user=acme_student)

    response = browser_for(acme, acme_student).get(f"/api/v1/badge-awards/{award.pk}/credential?download=1")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vc+jwt"
    assert response["Content-Disposition"] == f'attachment; filename="badge-{award.uid}.jwt"'
    assert response.content.count(b".") == 2
    assert "no-store" in response["Cache-Control"]


def test_the_owner_sees_the_credential_link_on_the_public_page_and_others_do_not(acme, acme_student):
    award = make_award_in(acme, user=acme_student)
    path = f"/ob/v2/assertions/{award.uid}"
    link = f"/api/v1/badge-awards/{award.pk}/credential?download=1"

    owner = browser_for(acme, acme_student).get(path, HTTP_ACCEPT="text/html")
    visitor = client_for("acme").get(path, HTTP_ACCEPT="text/html")

    assert link in owner.content.decode()
    assert link not in visitor.content.decode()


def test_another_learners_award_answers_404_and_their_teacher_may_download(acme, acme_student):
    award = make_award_in(acme, user=acme_student)
    other = person(acme, "south-student")

    foreign = _client(acme, other).get(f"/api/v1/badge-awards/{award.pk}/credential")
    teacher = _client(acme, person(acme, "teacher")).get(f"/api/v1/badge-awards/{award.pk}/credential")
    south_teacher = _client(acme, person(acme, "south-teacher")).get(
        f"/api/v1/badge-awards/{award.pk}/assertion"
    )
    missing = _client(acme, acme_student).get("/api/v1/badge-awards/999999/assertion")

    assert foreign.status_code == 404
    assert foreign.json() == missing.json()
    assert teacher.status_code == 200
    assert south_teacher.status_code == 404


def test_a_revoked_awards_credential_is_refused_and_its_assertion_says_revoked(acme, acme_student):
    award = make_award_in(acme, user=acme_student, revoked=True, reason="Mistake.")
    client = _client(acme, acme_student)

    credential = client.get(f"/api/v1/badge-awards/{award.pk}/credential")
    assertion = client.get(f"/api/v1/badge-awards/{award.pk}/assertion")

    assert credential.status_code == 409
    assert credential.json()["error"]["code"] == "CONFLICT"
    assert assertion.json()["data"]["revoked"] is True
    assert assertion.json()["data"]["revocation_reason"] == "Mistake."


def test_globex_award_ids_answer_404_on_acme_host(acme, globex, acme_admin):
    award = make_award_in(globex)

    response = _client(acme, acme_admin).get(f"/api/v1/badge-awards/{award.pk}/credential")

    assert response.status_code == 404


def test_an_org_admin_rotates_the_signing_key_and_later_credentials_use_the_new_one(
    acme, acme_admin, acme_student
):
    award = make_award_in(acme, user=acme_student)
    before = _client(acme, acme_student).get(f"/api/v1/badge-awards/{award.pk}/credential").json()["data"]

    response = _client(acme, acme_admin).post("/api/v1/badge-signing-keys/rotate")
    after = _client(acme, acme_student).get(f"/api/v1/badge-awards/{award.pk}/credential").json()["data"]

    assert response.status_code == 201
    rotated = response.json()["data"]
    assert rotated["key_url"] == after["key_url"] != before["key_url"]
    assert rotated["jwk"]["kid"] == rotated["key_url"]
    assert "d" not in rotated["jwk"]
    assert fetch(before["key_url"]).status_code == 200  # the old key still verifies what it signed


@pytest.mark.parametrize("role", ["manager", "teacher", "student"])
def test_only_org_admins_rotate_the_key(acme, role):
    response = _client(acme, person(acme, role)).post("/api/v1/badge-signing-keys/rotate")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "PERMISSION_DENIED"
