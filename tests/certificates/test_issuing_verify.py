"""Public verification and sharing: anyone, no sign-in, on the organization's own host. Valid, expired and
revoked certificates say so; unknown codes, malformed ones and another organization's give the same 404;
every lookup is logged; each IP is rate-limited."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from apps.certificates.baker_recipes import make_certificate
from apps.certificates.issuing import services
from apps.certificates.models import Verification
from apps.events.models import Event
from tests.api.helpers import assert_error, assert_ok
from tests.conftest import client_for, in_org, person

from . import test_issuing_common as common
from .test_issuing_common import make_course

pytestmark = pytest.mark.django_db

# The shared fixtures (tests/certificates/test_issuing_common.py).
template, course, rule = common.template, common.course, common.rule


@pytest.fixture
def certificate(acme, acme_student, course, rule):
    with in_org(acme):
        return make_certificate(
            user=acme_student,
            course=course,
            template=rule.template,
            expires_at=timezone.now() + timedelta(days=300),
        )


@pytest.fixture
def globex_certificate(globex):
    """globex's plan has no certificates: the row written by the recipe, as if issued before a downgrade."""
    with in_org(globex):
        course = make_course(globex, title="Chemistry basics")
        return make_certificate(user=person(globex, "student"), course=course)


def without_nonce(response) -> str:
    return re.sub(r'nonce="[^"]*"', "", response.content.decode())


def page(slug: str, path: str):
    return client_for(slug).get(path)


def test_the_verify_page_by_code_says_valid_with_the_learner_course_issuer_and_dates(acme, certificate):
    response = page("acme", f"/verify/{certificate.code}")

    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-state="valid"' in body
    assert "This certificate is valid" in body
    assert "Student" in body
    assert "Algebra Foundations" in body
    assert "Acme Academy" in body
    assert certificate.code in body
    assert response["Cache-Control"] == "no-store"


def test_the_qr_url_by_uuid_and_a_typed_code_with_spaces_find_it_too(acme, certificate):
    spaced = f"{certificate.code[:5]} {certificate.code[5:10]} {certificate.code[10:].lower()}"

    assert page("acme", f"/verify/{certificate.verify_uuid.hex}").status_code == 200
    form = page("acme", f"/verify/?code={spaced}")
    assert form.status_code == 302
    assert form["Location"] == f"/verify/{certificate.code}"


def test_a_revoked_certificate_says_revoked_with_the_reason(acme, acme_admin, certificate):
    with in_org(acme):
        services.certificate_revoke(actor=acme_admin, certificate=certificate, reason="Academic misconduct")

    body = page("acme", f"/verify/{certificate.code}").content.decode()
    data = assert_ok(client_for("acme").get(f"/api/v1/certificates/{certificate.verify_uuid.hex}/verify"))

    assert "This certificate has been revoked" in body
    assert "Academic misconduct" in body
    assert data["state"] == "revoked"
    assert data["revocation_reason"] == "Academic misconduct"


def test_an_expired_certificate_says_expired(acme, acme_student, course):
    with in_org(acme):
        old = make_certificate(
            user=acme_student, course=course, expires_at=timezone.now() - timedelta(days=1)
        )

    assert "This certificate has expired" in page("acme", f"/verify/{old.code}").content.decode()
    data = assert_ok(client_for("acme").get(f"/api/v1/certificates/{old.verify_uuid.hex}/verify"))
    assert data["state"] == "expired"


def test_the_json_api_shows_what_anyone_may_know_and_nothing_more(acme, certificate):
    data = assert_ok(client_for("acme").get(f"/api/v1/certificates/{certificate.verify_uuid.hex}/verify"))

    assert data == {
        "verify_uuid": certificate.verify_uuid.hex,
        "code": certificate.code,
        "state": "valid",
        "learner": "Student",
        "course": "Algebra Foundations",
        "issuer": "Acme Academy",
        "issued_at": data["issued_at"],
        "expires_at": data["expires_at"],
        "revoked_at": None,
        "revocation_reason": "",
    }
    assert data["expires_at"] is not None


@pytest.mark.parametrize("key", ["0000000000XX", "abc", "1" * 32, "../../etc/passwd", "x" * 70])
def test_unknown_keys_give_the_same_404_as_another_organizations(
    acme, globex, certificate, globex_certificate, key
):
    unknown = page("acme", f"/verify/{key}")
    foreign = page("acme", f"/verify/{globex_certificate.code}")

    assert unknown.status_code == foreign.status_code == 404
    assert without_nonce(unknown) == without_nonce(foreign)
    assert "Globex" not in foreign.content.decode()
    assert globex_certificate.code not in foreign.content.decode()


def test_acme_codes_and_uuids_answer_404_on_globex_host(acme, globex, certificate, globex_certificate):
    hexed = certificate.verify_uuid.hex
    for path in (f"/verify/{certificate.code}", f"/verify/{hexed}", f"/certificates/{hexed}/share",
                 f"/certificates/{hexed}/card.png"):  # fmt: skip
        response = page("globex", path)
        assert response.status_code == 404, path
        assert "Acme" not in response.content.decode(errors="replace")
    api = client_for("globex").get(f"/api/v1/certificates/{hexed}/verify")
    missing = client_for("globex").get(f"/api/v1/certificates/{'0' * 32}/verify")
    assert_error(api, 404, "NOT_FOUND")
    assert api.json() == missing.json()
    # and globex's own certificate is found on its own host
    assert page("globex", f"/verify/{globex_certificate.code}").status_code == 200


def test_every_lookup_is_logged_and_found_ones_raise_certificate_verified(acme, certificate):
    client_for("acme").get(f"/verify/{certificate.code}", HTTP_USER_AGENT="Scanner/1.0")
    client_for("acme").get(f"/api/v1/certificates/{certificate.verify_uuid.hex}/verify")
    client_for("acme").get("/verify/9999999999ZZ")

    with in_org(acme):
        rows = list(
            Verification.objects.order_by("pk").values_list("looked_up", "found", "channel", "certificate_id")
        )
        assert rows == [
            (certificate.code, True, "page", certificate.pk),
            (certificate.verify_uuid.hex, True, "api", certificate.pk),
            ("9999999999ZZ", False, "page", None),
        ]
        assert Verification.objects.filter(user_agent="Scanner/1.0").count() == 1
        events = Event.objects.filter(name="certificate.verified").order_by("pk")
        assert [e.payload["channel"] for e in events] == ["page", "api"]
        assert set(events[0].payload) == {"certificate_id", "verify_uuid", "user_id", "course_id", "assessment_id",
                                          "channel"}  # fmt: skip


def test_each_ip_is_rate_limited_and_a_refused_lookup_is_not_logged(acme, certificate, monkeypatch):
    from apps.certificates.issuing import verification

    monkeypatch.setattr(verification, "RATE_PER_MINUTE", 3)
    client = client_for("acme")
    statuses = [client.get(f"/verify/{certificate.code}").status_code for _ in range(3)]
    refused = client.get(f"/verify/{certificate.code}")
    api = client.get(f"/api/v1/certificates/{certificate.verify_uuid.hex}/verify")
    other_ip = client_for("acme").get(f"/verify/{certificate.code}", REMOTE_ADDR="10.1.2.3")

    assert statuses == [200, 200, 200]
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1
    assert_error(api, 429, "RATE_LIMITED")
    assert other_ip.status_code == 200
    with in_org(acme):
        assert Verification.objects.count() == 4


def test_the_share_page_has_open_graph_tags_and_the_linkedin_button(acme, certificate):
    hexed = certificate.verify_uuid.hex
    body = page("acme", f"/certificates/{hexed}/share").content.decode()

    base = f"{settings.SITE_SCHEME}://acme.learnstack.test"
    assert f'<meta property="og:url" content="{base}/certificates/{hexed}/share">' in body
    assert f'<meta property="og:image" content="{base}/certificates/{hexed}/card.png">' in body
    assert '<meta property="og:title" content="Student earned a certificate: Algebra Foundations">' in body
    assert 'property="og:description"' in body
    assert "https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME" in body


def test_the_share_card_is_a_1200_by_630_png(acme, certificate):
    import io

    from PIL import Image

    response = page("acme", f"/certificates/{certificate.verify_uuid.hex}/card.png")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(response.content)).size == (1200, 630)


def test_the_json_api_takes_only_the_verify_uuid_and_carries_its_own_rate_limit(acme, certificate):
    from apps.certificates.issuing.verification import RATE_PER_MINUTE

    by_code = client_for("acme").get(f"/api/v1/certificates/{certificate.code}/verify")
    by_uuid = client_for("acme").get(f"/api/v1/certificates/{certificate.verify_uuid.hex}/verify")

    assert_error(by_code, 404, "NOT_FOUND")
    assert_ok(by_uuid)
    assert by_uuid["X-RateLimit-Limit"] == str(RATE_PER_MINUTE)
