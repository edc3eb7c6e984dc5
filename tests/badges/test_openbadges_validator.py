"""Our Open Badges 2.0 badges through the IMS validator (openbadges-validator-core 1.1.2, run in its own Python
3.9 virtualenv: tests/badges/validator). The documents are exported from the Django test client and served to
the validator at their own URLs (tests/badges/validator/run.py); the validator's verdict and messages are
its own. Revocation is tested on our own answers (test_openbadges_documents.py): the validator 1.1.2 reads
neither status codes nor `revoked` for hosted badges."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.badges.openbadges.documents import iso

from .openbadges_helpers import fetch, fetch_json, make_award_in
from .validator import document, failed_checks, summary, verify

# One worker runs them all: the first builds the validator's virtualenv (if not cached), the rest reuse it.
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("ob-validator")]

RECIPIENT = {"email": "student@acme.example.com"}


def _served(response) -> dict:
    return {"body": response.content, "content_type": response["Content-Type"].split(";")[0].strip()}


def _export(award, *, assertion_override: dict | None = None) -> tuple[str, list[dict]]:
    """The award's assertion URL and every document the validator will fetch, as our host serves them."""
    from apps.badges.openbadges.documents import Links
    from apps.badges.openbadges.selectors import issuer_current

    with schema_context("acme"):
        links = Links(issuer_current())
        assertion_url = links.assertion_url(award)
        image_url = links.assertion_image_url(award)
    assertion = fetch_json(assertion_url)
    badge = fetch_json(assertion["badge"])
    issuer = fetch_json(badge["issuer"])
    served = []
    if assertion_override is not None:
        assertion = {**assertion, **assertion_override}
        served.append(document(assertion["id"], json.dumps(assertion)))
    urls = [assertion_url, badge["id"], issuer["id"], badge["image"], image_url, issuer["revocationList"]]
    urls += issuer.get("publicKey", [])
    for url in urls:
        if assertion_override is not None and url == assertion["id"]:
            continue  # served as overridden above
        response = fetch(url, accept="application/ld+json, image/png")
        assert response.status_code == 200, url
        served.append(document(url, **_served(response)))
    return assertion_url, served


@pytest.fixture
def award(acme, acme_student):
    return make_award_in(
        acme,
        user=acme_student,
        issued_at=timezone.now() - timedelta(days=1),
        expires_at=timezone.now() + timedelta(days=365),
        evidence_url="https://acme.learnstack.test/courses/1/",
        evidence_narrative="Completed every lesson.",
    )


def test_a_hosted_assertion_is_valid(award):
    assertion_url, documents = _export(award)

    report = verify(data=assertion_url, documents=documents, recipient=RECIPIENT)

    assert report["report"]["valid"] is True, summary(report)
    assert report["report"]["errorCount"] == 0, summary(report)
    assert report["report"]["recipientProfile"] == {"email": "student@acme.example.com"}
    assert report["report"]["openBadgesVersion"] == "2.0"


def test_a_baked_png_is_valid(award):
    from apps.badges.openbadges.documents import Links
    from apps.badges.openbadges.selectors import issuer_current

    with schema_context("acme"):
        image_url = Links(issuer_current()).assertion_image_url(award)
    _assertion_url, documents = _export(award)
    baked = fetch(image_url, accept="image/png").content

    report = verify(file=baked, documents=documents, recipient=RECIPIENT)

    assert report["report"]["valid"] is True, summary(report)
    assert report["report"]["errorCount"] == 0, summary(report)


def test_a_baked_svgs_verify_url_and_content_are_valid(award):
    """The validator 1.1.2 cannot take a baked SVG that has the `verify` attribute the spec asks for (its
    bakery hands the attribute on as bytes): so the SVG is read here, and what it carries is validated."""
    from apps.badges.openbadges.baking import unbake_svg
    from apps.badges.openbadges.documents import Links
    from apps.badges.openbadges.selectors import issuer_current

    with schema_context("acme"):
        svg_url = Links(issuer_current()).assertion_svg_url(award)
    assertion_url, documents = _export(award)
    verify_url, content = unbake_svg(fetch(svg_url, accept="image/svg+xml").content.decode())

    by_url = verify(data=verify_url, documents=documents, recipient=RECIPIENT)
    by_content = verify(data=content, documents=documents, recipient=RECIPIENT)

    assert verify_url == assertion_url
    assert by_url["report"]["valid"] is True, summary(by_url)
    assert by_content["report"]["valid"] is True, summary(by_content)


def test_a_signed_assertion_is_valid(award):
    from apps.badges.openbadges.documents import Links
    from apps.badges.openbadges.selectors import issuer_current

    with schema_context("acme"):
        signed_url = Links(issuer_current()).assertion_signed_url(award)
    _assertion_url, documents = _export(award)
    token = fetch(signed_url, accept="*/*").content.decode()

    report = verify(data=token, documents=documents, recipient=RECIPIENT)

    assert report["report"]["valid"] is True, summary(report)
    assert report["report"]["errorCount"] == 0, summary(report)
    names = {message.get("name") for message in report["report"]["messages"]}
    assert "VERIFY_JWS" not in failed_checks(report), names


def test_a_tampered_signed_assertion_fails_its_signature_check(award):
    from apps.badges.openbadges.documents import Links
    from apps.badges.openbadges.selectors import issuer_current

    with schema_context("acme"):
        signed_url = Links(issuer_current()).assertion_signed_url(award)
    _assertion_url, documents = _export(award)
    header, payload, signature = fetch(signed_url, accept="*/*").content.decode().split(".")
    forged = signature[:-4] + ("AAAA" if not signature.endswith("AAAA") else "BBBB")

    report = verify(data=f"{header}.{payload}.{forged}", documents=documents, recipient=RECIPIENT)

    assert report["report"]["valid"] is False
    assert "VERIFY_JWS" in failed_checks(report), summary(report)


def test_a_wrong_recipient_fails_the_recipient_check(award):
    assertion_url, documents = _export(award)

    report = verify(
        data=assertion_url, documents=documents, recipient={"email": "someone.else@acme.example.com"}
    )

    assert report["report"]["valid"] is False
    failures = failed_checks(report)
    assert "VERIFY_RECIPIENT_IDENTIFIER" in failures, summary(report)
    assert "did not match assertion" in failures["VERIFY_RECIPIENT_IDENTIFIER"]


def test_an_assertion_off_the_issuers_origin_fails_the_hosted_scope_check(award):
    off_origin = f"https://elsewhere.example.net/assertions/{award.uid}"
    _assertion_url, documents = _export(award, assertion_override={"id": off_origin})

    report = verify(data=off_origin, documents=documents, recipient=RECIPIENT)

    assert report["report"]["valid"] is False
    failures = failed_checks(report)
    assert "HOSTED_ID_IN_VERIFICATION_SCOPE" in failures, summary(report)
    assert "not hosted in allowed origins" in failures["HOSTED_ID_IN_VERIFICATION_SCOPE"]


def test_an_expired_assertion_fails_the_expiry_check(acme, acme_student):
    issued = timezone.now() - timedelta(days=40)
    expired = make_award_in(acme, user=acme_student, issued_at=issued, expires_at=issued + timedelta(days=30))
    assertion_url, documents = _export(expired)

    report = verify(data=assertion_url, documents=documents, recipient=RECIPIENT)

    assert report["report"]["valid"] is False
    failures = failed_checks(report)
    assert "ASSERTION_TIMESTAMP_CHECKS" in failures, summary(report)
    assert (
        failures["ASSERTION_TIMESTAMP_CHECKS"]
        == f"Assertion {assertion_url} expired on {iso(expired.expires_at)}"
    )


def test_an_assertion_issued_in_the_future_fails_the_timestamp_check(award):
    assertion_url, documents = _export(
        award, assertion_override={"issuedOn": iso(timezone.now() + timedelta(days=2))}
    )

    report = verify(data=assertion_url, documents=documents, recipient=RECIPIENT)

    assert report["report"]["valid"] is False
    assert "ASSERTION_TIMESTAMP_CHECKS" in failed_checks(report), summary(report)
