"""The certificate pages: a learner's "My certificates" with the download, staff lists and actions (revoke
through the page, and the verification page then says revoked), a course's rule page, bulk jobs, the
navigation entry, and learner_certificates for the achievements page."""

import pytest

from apps.certificates.baker_recipes import make_certificate
from apps.certificates.issuing import services
from apps.certificates.models import Certificate, CertificateRule
from apps.certificates.selectors import learner_certificates
from tests.conftest import browser_for, client_for, in_org, person

from . import test_issuing_common as common

pytestmark = pytest.mark.django_db

# The shared fixtures (tests/certificates/test_issuing_common.py).
template, course, rule = common.template, common.course, common.rule


@pytest.fixture
def certificate(acme, acme_student, course, rule):
    with in_org(acme):
        issued = make_certificate(user=acme_student, course=course, template=rule.template)
        services.certificate_render(certificate_id=issued.pk, revision=1)
        issued.refresh_from_db()
        return issued


def test_my_certificates_lists_the_learners_certificates_with_the_download(acme, acme_student, certificate):
    body = browser_for(acme, acme_student).get("/certificates/mine/").content.decode()

    assert f'data-code="{certificate.code}"' in body
    assert f"/certificates/{certificate.pk}/pdf/?download=1" in body
    assert f"/verify/{certificate.verify_uuid.hex}" in body


def test_the_learner_downloads_their_pdf_and_others_get_404(acme, acme_student, certificate):
    own = browser_for(acme, acme_student).get(f"/certificates/{certificate.pk}/pdf/?download=1")
    other = browser_for(acme, person(acme, "south-student")).get(f"/certificates/{certificate.pk}/pdf/")

    assert own.status_code == 200
    assert own["Content-Type"] == "application/pdf"
    assert own["Content-Disposition"] == f'attachment; filename="certificate-{certificate.code}.pdf"'
    assert other.status_code == 404


def test_staff_revoke_through_the_page_and_the_verification_page_says_revoked(
    acme, acme_teacher, certificate
):
    browser = browser_for(acme, acme_teacher)
    detail = browser.get(f"/certificates/{certificate.pk}/").content.decode()
    assert 'id="revoke-form"' in detail

    response = browser.post(f"/certificates/{certificate.pk}/revoke/", {"reason": "Duplicate"})

    assert response.status_code == 302
    verify = client_for("acme").get(f"/verify/{certificate.code}").content.decode()
    assert 'data-state="revoked"' in verify
    assert "Duplicate" in verify


def test_a_student_sees_no_manage_form_and_may_not_revoke(acme, acme_student, certificate):
    browser = browser_for(acme, acme_student)

    assert 'id="revoke-form"' not in browser.get(f"/certificates/{certificate.pk}/").content.decode()
    response = browser.post(f"/certificates/{certificate.pk}/revoke/", {"reason": "mine"})

    assert response.status_code == 403
    with in_org(acme):
        assert Certificate.objects.get(pk=certificate.pk).status == "active"


def test_the_staff_list_shows_the_certificates_in_scope(acme, acme_teacher, certificate):
    own = browser_for(acme, acme_teacher).get("/certificates/").content.decode()
    south = browser_for(acme, person(acme, "south-teacher")).get("/certificates/").content.decode()
    student = browser_for(acme, person(acme, "student")).get("/certificates/")

    assert certificate.code in own
    assert certificate.code not in south
    assert student.status_code == 403


def test_the_course_rule_page_saves_the_rule(acme, acme_teacher, course, template):
    response = browser_for(acme, acme_teacher).post(
        f"/courses/{course.pk}/certificate/",
        {"template": template.pk, "expiry_months": "6", "auto_issue": "on"},
    )

    assert response.status_code == 302
    with in_org(acme):
        rule = CertificateRule.objects.get(course=course)
        assert (rule.template_id, rule.expiry_months, rule.auto_issue) == (template.pk, 6, True)


def test_the_bulk_page_starts_a_job_and_shows_its_progress(
    acme, acme_admin, course, rule, django_capture_on_commit_callbacks
):
    browser = browser_for(acme, acme_admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post("/certificates/bulk/", {"course": course.pk})
    job_page = browser.get(response["Location"]).content.decode()

    assert response.status_code == 302
    assert 'data-status="completed"' in job_page


def test_the_navigation_shows_certificates_to_staff_only(acme, acme_teacher, acme_student):
    assert 'href="/certificates/"' in browser_for(acme, acme_teacher).get("/").content.decode()
    assert 'href="/certificates/"' not in browser_for(acme, acme_student).get("/").content.decode()


def test_learner_certificates_follow_the_viewers_scope(acme, acme_student, certificate):
    with in_org(acme):
        teacher, south = person(acme, "teacher"), person(acme, "south-teacher")

        assert list(learner_certificates(acme_student, acme_student)) == [certificate]
        assert list(learner_certificates(teacher, acme_student)) == [certificate]
        assert list(learner_certificates(south, acme_student)) == []
