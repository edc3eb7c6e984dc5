"""The Open Badges 2.0 documents as served on the organization's host: JSON-LD with the v2 context, every id
on the issuer's origin, the hashed recipient, expiry, evidence, keys and the revocation list."""

import hashlib
from datetime import UTC, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tenants.utils import schema_context

from tests.conftest import client_for

from .openbadges_helpers import JSONLD, fetch, fetch_json, make_award_in

pytestmark = pytest.mark.django_db
ORIGIN = "http://acme.learnstack.test"


def _url(name, *args):
    return ORIGIN + reverse(f"badges:{name}", args=[str(a) for a in args])


def test_the_hosted_assertion_names_its_badge_recipient_and_verification(acme, acme_student):
    award = make_award_in(
        acme, user=acme_student, evidence_url="https://example.org/work", evidence_narrative="Did it."
    )

    assertion = fetch_json(_url("ob_assertion", award.uid))

    assert assertion["@context"] == "https://w3id.org/openbadges/v2"
    assert assertion["type"] == "Assertion"
    assert assertion["id"] == _url("ob_assertion", award.uid)
    assert assertion["badge"] == _url("ob_badge", award.badge.uid)
    assert assertion["verification"] == {"type": "HostedBadge"}
    assert assertion["image"] == _url("ob_assertion_image", award.uid)
    assert assertion["evidence"] == [{"id": "https://example.org/work", "narrative": "Did it."}]
    assert "expires" not in assertion
    salt = assertion["recipient"]["salt"]
    expected = "sha256$" + hashlib.sha256(("student@acme.example.com" + salt).encode()).hexdigest()
    assert assertion["recipient"] == {"type": "email", "hashed": True, "salt": salt, "identity": expected}
    assert "student@acme.example.com" not in str(assertion)


def test_the_email_is_trimmed_and_lowercased_before_hashing():
    from apps.badges.openbadges.identity import hashed_identity

    assert hashed_identity("  Ann@Example.ORG ", "s") == hashed_identity("ann@example.org", "s")
    assert (
        hashed_identity("ann@example.org", "s") == "sha256$" + hashlib.sha256(b"ann@example.orgs").hexdigest()
    )


def test_an_expiring_award_carries_expires_in_utc(acme):
    issued = timezone.now().replace(microsecond=0) - timedelta(days=1)
    award = make_award_in(acme, issued_at=issued, expires_at=issued + timedelta(days=30))

    assertion = fetch_json(_url("ob_assertion", award.uid))

    assert assertion["issuedOn"] == issued.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert assertion["expires"] == (issued + timedelta(days=30)).astimezone(UTC).strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )


def test_the_badge_class_has_image_criteria_tags_and_alignment(acme):
    from apps.badges.baker_recipes import make_badge
    from apps.courses.models import Tag

    with schema_context("acme"):
        tag = Tag.objects.create(name="algebra")
        badge = make_badge(
            name="Algebra ace",
            description="Scored 90 % or more.",
            criteria_narrative="Score at least 90 % on the Algebra check-up.",
            alignment=[
                {"targetName": "CCSS.Math.HSA", "targetUrl": "https://www.thecorestandards.org/Math/"},
                {"targetName": "no url"},
            ],
            tags=[tag],
        )
    award = make_award_in(acme, badge=badge)

    document = fetch_json(_url("ob_badge", badge.uid))

    assert document["type"] == "BadgeClass"
    assert document["id"] == _url("ob_badge", badge.uid)
    assert document["issuer"].startswith(ORIGIN + "/ob/v2/issuers/")
    assert fetch_json(_url("ob_assertion", award.uid))["badge"] == document["id"]
    assert document["image"] == _url("ob_badge_image", badge.uid)
    assert document["criteria"] == {
        "id": _url("ob_badge", badge.uid) + "#criteria",
        "narrative": "Score at least 90 % on the Algebra check-up.",
    }
    assert document["tags"] == ["algebra"]
    assert document["alignment"] == [
        {"targetName": "CCSS.Math.HSA", "targetUrl": "https://www.thecorestandards.org/Math/"}
    ]
    image = fetch(document["image"])
    assert image.status_code == 200
    assert image["Content-Type"] == "image/png"
    assert image.content.startswith(b"\x89PNG\r\n\x1a\n")


def test_the_issuer_profile_is_made_from_the_organization(acme):
    award = make_award_in(acme)
    badge = fetch_json(_url("ob_badge", award.badge.uid))

    issuer = fetch_json(badge["issuer"])

    assert issuer["type"] == "Issuer"
    assert issuer["id"] == badge["issuer"]
    assert issuer["id"].startswith(ORIGIN + "/ob/v2/issuers/")
    assert issuer["name"] == "Acme Academy"
    assert issuer["url"] == ORIGIN + "/"
    assert issuer["email"] == "orgadmin@acme.example.com"
    assert issuer["revocationList"] == issuer["id"] + "/revocations"
    assert len(issuer["publicKey"]) == 1


def test_the_key_document_is_owned_by_the_issuer_and_has_only_the_public_key(acme):
    award = make_award_in(acme)
    issuer = fetch_json(fetch_json(_url("ob_badge", award.badge.uid))["issuer"])

    key = fetch_json(issuer["publicKey"][0])

    assert key["type"] == "CryptographicKey"
    assert key["id"] == issuer["publicKey"][0]
    assert key["owner"] == issuer["id"]
    assert key["publicKeyPem"].startswith("-----BEGIN PUBLIC KEY-----")
    assert "PRIVATE" not in str(key)


def test_a_revoked_assertion_answers_410_with_the_reason_and_is_in_the_revocation_list(acme):
    award = make_award_in(acme, revoked=True, reason="Awarded to the wrong learner.")
    assertion_url = _url("ob_assertion", award.uid)

    gone = fetch(assertion_url)
    page = fetch(assertion_url, accept="text/html")
    image = fetch(_url("ob_assertion_image", award.uid))
    signed = fetch(_url("ob_assertion_signed", award.uid))

    assert gone.status_code == 410
    assert gone.json()["id"] == assertion_url
    assert gone.json()["revoked"] is True
    assert gone.json()["revocationReason"] == "Awarded to the wrong learner."
    assert page.status_code == 410
    assert "Revoked" in page.content.decode()
    assert "Awarded to the wrong learner." in page.content.decode()
    assert image.status_code == signed.status_code == 410
    with schema_context("acme"):
        from apps.badges.openbadges.selectors import issuer_current

        issuer_uid = issuer_current().uid
    revocations = fetch_json(_url("ob_revocations", issuer_uid))
    assert revocations["type"] == "RevocationList"
    assert revocations["issuer"] == _url("ob_issuer", issuer_uid)
    assert {"id": assertion_url, "revocationReason": "Awarded to the wrong learner."} in revocations[
        "revokedAssertions"
    ]
    assert {
        "id": f"urn:uuid:{award.uid}",
        "revocationReason": "Awarded to the wrong learner.",
    } in revocations["revokedAssertions"]


def test_an_unrevoked_award_is_not_in_the_revocation_list(acme):
    award = make_award_in(acme)
    revoked = make_award_in(acme, revoked=True)
    with schema_context("acme"):
        from apps.badges.openbadges.selectors import issuer_current

        issuer_uid = issuer_current().uid

    ids = [entry["id"] for entry in fetch_json(_url("ob_revocations", issuer_uid))["revokedAssertions"]]

    assert _url("ob_assertion", revoked.uid) in ids
    assert _url("ob_assertion", award.uid) not in ids
    assert f"urn:uuid:{award.uid}" not in ids


def test_json_answers_are_public_cacheable_and_open_to_other_origins(acme):
    award = make_award_in(acme)

    response = fetch(_url("ob_assertion", award.uid))

    assert response["Content-Type"].startswith(JSONLD)
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "public" in response["Cache-Control"]
    assert "max-age=300" in response["Cache-Control"]
    assert "Accept" in response["Vary"]
    assert "Set-Cookie" not in response


@pytest.mark.parametrize(
    "accept", ["application/ld+json", "application/json", "application/ld+json, */*;q=0.1"]
)
def test_accept_with_json_gets_json_ld(acme, accept):
    award = make_award_in(acme)

    response = fetch(_url("ob_assertion", award.uid), accept=accept)

    assert response.json()["type"] == "Assertion"


def test_a_browser_gets_the_html_page_with_learner_dates_and_backpack_instructions(acme, acme_student):
    award = make_award_in(
        acme,
        user=acme_student,
        expires_at=timezone.now() + timedelta(days=10),
        evidence_narrative="Built a bridge.",
    )

    response = fetch(_url("ob_assertion", award.uid), accept="text/html,application/xhtml+xml,*/*;q=0.8")

    body = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert award.badge.name in body
    assert "Student" in body  # the learner's name
    assert "Valid" in body
    assert "Expires on" in body
    assert "backpack" in body
    assert "Built a bridge." in body
    assert _url("ob_assertion_image", award.uid) in body
    assert "private" in response["Cache-Control"]


def test_an_expired_assertion_still_answers_with_expires_and_the_page_says_expired(acme):
    issued = timezone.now() - timedelta(days=40)
    award = make_award_in(acme, issued_at=issued, expires_at=issued + timedelta(days=30))

    document = fetch(_url("ob_assertion", award.uid))
    page = fetch(_url("ob_assertion", award.uid), accept="text/html")

    assert document.status_code == 200
    assert "expires" in document.json()
    assert "Expired" in page.content.decode()


def test_the_issuer_and_badge_urls_show_pages_to_browsers(acme):
    award = make_award_in(acme)
    badge_url = _url("ob_badge", award.badge.uid)
    issuer_url = fetch_json(badge_url)["issuer"]

    badge_page = fetch(badge_url, accept="text/html")
    issuer_page = fetch(issuer_url, accept="text/html")

    assert badge_page.status_code == issuer_page.status_code == 200
    assert "Solve equations." in badge_page.content.decode()
    assert "Acme Academy" in issuer_page.content.decode()


def test_a_draft_badge_without_awards_is_not_public(acme):
    from apps.badges.baker_recipes import make_badge
    from apps.badges.models import Badge

    with schema_context("acme"):
        badge = make_badge(status=Badge.Status.DRAFT)

    assert fetch(_url("ob_badge", badge.uid)).status_code == 404
    assert fetch(_url("ob_badge_image", badge.uid)).status_code == 404


def test_unknown_uuids_answer_404(acme):
    client = client_for("acme")
    unknown = "00000000-0000-4000-8000-000000000000"

    for path in [
        f"/ob/v2/issuers/{unknown}",
        f"/ob/v2/issuers/{unknown}/revocations",
        f"/ob/v2/issuers/{unknown}/keys/{unknown}",
        f"/ob/v2/badges/{unknown}",
        f"/ob/v2/badges/{unknown}/image",
        f"/ob/v2/assertions/{unknown}",
        f"/ob/v2/assertions/{unknown}/image",
        f"/ob/v2/assertions/{unknown}/image.svg",
        f"/ob/v2/assertions/{unknown}/signed",
    ]:
        assert client.get(path, HTTP_ACCEPT=JSONLD).status_code == 404, path


def test_acme_uuids_answer_404_on_globex_host(acme, globex):
    award = make_award_in(acme)
    make_award_in(globex)
    with schema_context("acme"):
        from apps.badges.openbadges.selectors import issuer_current, signing_keys_published

        issuer_uid, key_uid = issuer_current().uid, signing_keys_published()[0].uid
    paths = [
        reverse("badges:ob_issuer", args=[issuer_uid]),
        reverse("badges:ob_revocations", args=[issuer_uid]),
        reverse("badges:ob_key", args=[issuer_uid, key_uid]),
        reverse("badges:ob_badge", args=[award.badge.uid]),
        reverse("badges:ob_badge_image", args=[award.badge.uid]),
        reverse("badges:ob_assertion", args=[award.uid]),
        reverse("badges:ob_assertion_image", args=[award.uid]),
        reverse("badges:ob_assertion_svg", args=[award.uid]),
        reverse("badges:ob_assertion_signed", args=[award.uid]),
    ]
    acme_client, globex_client = client_for("acme"), client_for("globex")

    for path in paths:
        assert acme_client.get(path, HTTP_ACCEPT=JSONLD).status_code == 200, path
        for accept in (JSONLD, "text/html"):
            response = globex_client.get(path, HTTP_ACCEPT=accept)
            assert response.status_code == 404, (path, accept)
            assert "Acme" not in response.content.decode(errors="replace")


def test_public_urls_take_no_writes(acme):
    award = make_award_in(acme)

    response = client_for("acme").post(reverse("badges:ob_assertion", args=[award.uid]))

    assert response.status_code == 405


@pytest.mark.parametrize(
    ("name", "accept", "most"),
    [
        ("ob_assertion", JSONLD, 4),
        ("ob_assertion", "text/html", 8),
        ("ob_assertion_image", "image/png", 4),
        ("ob_badge", JSONLD, 4),
    ],
)
def test_a_public_document_costs_a_few_queries(acme, name, accept, most, django_assert_max_num_queries):
    award = make_award_in(acme)
    uid = award.uid if name.startswith("ob_assertion") else award.badge.uid
    client = client_for("acme")
    client.get(reverse(f"badges:{name}", args=[uid]), HTTP_ACCEPT=accept)  # the tenant and scope caches warm

    with django_assert_max_num_queries(most):
        response = client.get(reverse(f"badges:{name}", args=[uid]), HTTP_ACCEPT=accept)

    assert response.status_code == 200
