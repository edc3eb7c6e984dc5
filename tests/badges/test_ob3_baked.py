"""The Open Badges 3.0 baked images: GET /api/v1/badge-awards/{id}/credential/image (PNG) and
/credential/image.svg, the award's VC-JWT baked in as 1EdTech ob_v3p0 "Baked Badge" says. Each is read back
by an independent reader (a plain chunk walk and Pillow; defusedxml's ElementTree), its JWT verified with the
key the organization publishes, as test_openbadges_api.py verifies the credential download; the same people
as that download may fetch them."""

import io
import json
import struct
import zlib

import pytest
from defusedxml import ElementTree
from jwcrypto import jwk, jws
from PIL import Image

from apps.badges.openbadges import baking
from tests.conftest import browser_for, client_for, jwt_for, person

from .openbadges_helpers import fetch_json, make_award_in

pytestmark = pytest.mark.django_db

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
V3_NAMESPACE = "https://purl.imsglobal.org/ob/v3p0"


def _client(organization, user):
    return client_for(organization.slug, token=jwt_for(organization, user))


def _image(award) -> str:
    return f"/api/v1/badge-awards/{award.pk}/credential/image"


def _svg(award) -> str:
    return f"/api/v1/badge-awards/{award.pk}/credential/image.svg"


def _walk(data: bytes) -> list[tuple[bytes, bytes]]:
    """(type, body) of every chunk, checking each CRC: a reader written from the PNG spec, not ours."""
    assert data.startswith(PNG_SIGNATURE)
    chunks, position = [], len(PNG_SIGNATURE)
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        (crc,) = struct.unpack(">I", data[position + 8 + length : position + 12 + length])
        assert crc == zlib.crc32(kind + body) & 0xFFFFFFFF
        chunks.append((kind, body))
        position += 12 + length
    return chunks


def _credential_chunks(data: bytes) -> list[bytes]:
    return [
        body
        for kind, body in _walk(data)
        if kind in (b"iTXt", b"tEXt", b"zTXt") and body.startswith(b"openbadgecredential\x00")
    ]


def _verified_claims(organization, user, award, token: str) -> dict:
    """The claims of `token` once its signature checks with the published key, and the header as the
    credential download serves it."""
    download = _client(organization, user).get(f"/api/v1/badge-awards/{award.pk}/credential").json()["data"]
    parsed = jws.JWS()
    parsed.deserialize(token)
    header = json.loads(parsed.objects["protected"])
    assert header == {"alg": "RS256", "kid": download["key_url"], "typ": "JWT"}
    key = fetch_json(header["kid"])
    parsed.verify(jwk.JWK.from_pem(key["publicKeyPem"].encode()), alg="RS256")
    claims = json.loads(parsed.payload)
    assert claims["iss"] == claims["issuer"]["id"] == key["owner"]
    return claims


def _assert_matches_award(claims: dict, award) -> None:
    assert claims["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert claims["id"] == claims["jti"] == f"urn:uuid:{award.uid}"
    assert claims["nbf"] == int(award.issued_at.timestamp())
    subject = claims["credentialSubject"]
    assert subject["achievement"]["name"] == award.badge.name
    assert subject["identifier"][0]["identityHash"] == award.identity_hash
    assert subject["identifier"][0]["salt"] == award.salt


def test_the_png_carries_the_signed_credential_in_one_uncompressed_chunk_right_after_ihdr(acme, acme_student):
    award = make_award_in(acme, user=acme_student)

    response = _client(acme, acme_student).get(_image(award))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == f'attachment; filename="badge-{award.uid}-ob3.png"'
    chunks = _walk(response.content)
    assert [kind for kind, _body in chunks[:2]] == [b"IHDR", b"iTXt"]
    assert _credential_chunks(response.content) == [chunks[1][1]]
    # iTXt: keyword NUL, compression flag 0, method 0, empty language NUL, empty translated keyword NUL.
    prefix = b"openbadgecredential\x00\x00\x00\x00\x00"
    assert chunks[1][1].startswith(prefix)
    token = chunks[1][1][len(prefix) :].decode("utf-8")
    assert token.count(".") == 2
    assert b"openbadges\x00" not in b"".join(body for _kind, body in chunks)  # no OB 2.0 assertion inside
    image = Image.open(io.BytesIO(response.content))
    assert image.info["openbadgecredential"] == token
    image.load()  # the picture still decodes
    _assert_matches_award(_verified_claims(acme, acme_student, award, token), award)


def test_the_svg_carries_the_signed_credential_in_the_verify_attribute_of_its_first_child(acme, acme_student):
    award = make_award_in(acme, user=acme_student)

    response = _client(acme, acme_student).get(_svg(award))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="badge-{award.uid}-ob3.svg"'
    assert "sandbox" in response["Content-Security-Policy"]
    root = ElementTree.fromstring(response.content)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    credentials = root.findall(f"{{{V3_NAMESPACE}}}credential")
    assert len(credentials) == 1
    assert root[0] is credentials[0]
    assert (credentials[0].text or "").strip() == ""  # a VC-JWT goes in `verify`, not in the body
    token = credentials[0].get("verify")
    _assert_matches_award(_verified_claims(acme, acme_student, award, token), award)


def test_the_baked_images_carry_the_same_credential_as_the_download(acme, acme_student):
    award = make_award_in(acme, user=acme_student)
    client = _client(acme, acme_student)

    download = client.get(f"/api/v1/badge-awards/{award.pk}/credential?download=1").content.decode()
    png = Image.open(io.BytesIO(client.get(_image(award)).content)).info["openbadgecredential"]
    svg = ElementTree.fromstring(client.get(_svg(award)).content)[0].get("verify")

    assert png == svg == download


def test_an_image_client_accept_header_still_gets_the_file(acme, acme_student):
    award = make_award_in(acme, user=acme_student)

    response = _client(acme, acme_student).get(_image(award), HTTP_ACCEPT="image/png")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"


def test_the_owner_sees_the_baked_image_links_on_the_public_page_and_others_do_not(acme, acme_student):
    award = make_award_in(acme, user=acme_student)
    path = f"/ob/v2/assertions/{award.uid}"

    owner = browser_for(acme, acme_student).get(path, HTTP_ACCEPT="text/html").content.decode()
    visitor = client_for("acme").get(path, HTTP_ACCEPT="text/html").content.decode()

    for link in (f'href="{_image(award)}"', f'href="{_svg(award)}"'):
        assert link in owner
        assert link not in visitor


def test_the_page_link_downloads_with_the_session(acme, acme_student):
    award = make_award_in(acme, user=acme_student)

    response = browser_for(acme, acme_student).get(_svg(award))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("route", [_image, _svg])
def test_another_learners_award_answers_404_and_their_teacher_may_download(acme, acme_student, route):
    award = make_award_in(acme, user=acme_student)

    foreign = _client(acme, person(acme, "south-student")).get(route(award))
    south_teacher = _client(acme, person(acme, "south-teacher")).get(route(award))
    teacher = _client(acme, person(acme, "teacher")).get(route(award))
    missing = _client(acme, acme_student).get(route(award).replace(str(award.pk), "999999"))

    assert foreign.status_code == south_teacher.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()
    assert teacher.status_code == 200


@pytest.mark.parametrize("route", [_image, _svg])
def test_globex_award_ids_answer_404_on_acme_host(acme, globex, acme_admin, route):
    award = make_award_in(globex)

    response = _client(acme, acme_admin).get(route(award))

    assert response.status_code == 404


@pytest.mark.parametrize("route", [_image, _svg])
def test_a_revoked_awards_images_are_refused_as_its_credential_is(acme, acme_student, route):
    award = make_award_in(acme, user=acme_student, revoked=True, reason="Mistake.")
    client = _client(acme, acme_student)

    credential = client.get(f"/api/v1/badge-awards/{award.pk}/credential")
    image = client.get(route(award))

    assert credential.status_code == image.status_code == 409
    assert image.json() == credential.json()


def _png(size=(3, 2)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "#2457d6").save(buffer, format="PNG")
    return buffer.getvalue()


def test_baking_the_credential_replaces_its_own_chunk_and_keeps_the_ob2_assertion():
    ob2 = baking.bake_png(_png(), '{"id": "https://acme.example/a/1"}')

    twice = baking.bake_png(
        baking.bake_png(ob2, "first.jwt.x", keyword=baking.CREDENTIAL_KEYWORD),
        "second.jwt.x",
        keyword=baking.CREDENTIAL_KEYWORD,
    )

    info = Image.open(io.BytesIO(twice)).info
    assert _credential_chunks(twice) == [b"openbadgecredential\x00\x00\x00\x00\x00second.jwt.x"]
    assert info["openbadgecredential"] == "second.jwt.x"
    assert baking.unbake_png(twice) == '{"id": "https://acme.example/a/1"}'
