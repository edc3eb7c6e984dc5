"""The certificates issuing API: manual issue, lists in the caller's scope, the PDF, revoke / reissue /
recertify, share links, course rules, bulk jobs and re-rendering, and the plan feature."""

import pytest

from apps.certificates.baker_recipes import make_certificate
from apps.certificates.models import BulkJob, Certificate, CertificateRule
from apps.certificates.templating import services as templating
from tests.api.helpers import assert_error, assert_ok
from tests.conftest import client_for, in_org, jwt_for, person

from . import test_issuing_common as common
from .test_issuing_common import complete
from .test_issuing_services import without_certificates_in_plan

pytestmark = pytest.mark.django_db

# The shared fixtures (tests/certificates/test_issuing_common.py).
template, course, rule = common.template, common.course, common.rule


def api(organization, local: str):
    return client_for(organization.slug, token=jwt_for(organization, person(organization, local)))


def test_a_teacher_issues_by_hand_and_the_learner_sees_it(acme, acme_student, course, rule):
    response = api(acme, "teacher").post(
        "/api/v1/certificates", {"user_id": acme_student.pk, "course_id": course.pk}, format="json"
    )

    issued = assert_ok(response, 201)
    assert issued["user"]["id"] == acme_student.pk
    assert issued["course_id"] == course.pk
    assert issued["source"] == "manual"
    assert issued["state"] == "valid"
    assert len(issued["verify_uuid"]) == 32
    assert issued["verify_url"] == f"/verify/{issued['verify_uuid']}"
    mine = assert_ok(api(acme, "student").get("/api/v1/certificates"))
    assert [c["code"] for c in mine] == [issued["code"]]


def test_a_student_may_not_issue(acme, acme_student, course, rule):
    response = api(acme, "student").post(
        "/api/v1/certificates", {"user_id": acme_student.pk, "course_id": course.pk}, format="json"
    )

    assert_error(response, 403, "PERMISSION_DENIED")


def test_issue_needs_a_course_or_a_quiz(acme, acme_student):
    response = api(acme, "orgadmin").post("/api/v1/certificates", {"user_id": acme_student.pk}, format="json")

    assert "course_id" in assert_error(response, 400, "VALIDATION_ERROR")["details"]


def test_lists_show_only_the_callers_scope(acme, acme_student, course, rule):
    with in_org(acme):
        mine = make_certificate(user=acme_student, course=course)
        other = make_certificate(user=person(acme, "south-student"), course=course)

    def codes(local, path="/api/v1/certificates"):
        return {c["code"] for c in assert_ok(api(acme, local).get(path))}

    assert codes("orgadmin") == {mine.code, other.code}
    assert codes("teacher") == {mine.code}
    assert codes("south-teacher") == {other.code}
    assert codes("student") == {mine.code}
    assert codes("teacher", f"/api/v1/users/{acme_student.pk}/certificates") == {mine.code}
    assert api(acme, "south-teacher").get(f"/api/v1/users/{acme_student.pk}/certificates").status_code == 404
    assert api(acme, "south-teacher").get(f"/api/v1/certificates/{mine.pk}").status_code == 404
    assert api(acme, "south-student").get(f"/api/v1/certificates/{mine.pk}").status_code == 404


def test_a_persons_list_answers_404_for_a_person_out_of_scope_whatever_the_page(acme, acme_student, course):
    """/users/{id}/certificates looks the person up only when its page is empty or the request fails: a
    person out of the caller's scope is still a 404 first, one in scope without certificates an empty list."""
    with in_org(acme):
        make_certificate(user=acme_student, course=course)
    mine = f"/api/v1/users/{acme_student.pk}/certificates"
    theirs = f"/api/v1/users/{person(acme, 'south-student').pk}/certificates"
    teacher = api(acme, "teacher")

    assert len(assert_ok(teacher.get(mine))) == 1
    assert assert_ok(teacher.get(mine + "?page=9")) == []
    assert teacher.get(mine + "?sort=nope").status_code == 400
    assert teacher.get(mine + "?per_page=0").status_code == 400
    assert assert_ok(api(acme, "south-teacher").get(theirs)) == []
    for path in (theirs, theirs + "?page=9", theirs + "?sort=nope", mine + "?per_page=0"):
        client = teacher if path.startswith(theirs) else api(acme, "south-teacher")
        assert client.get(path).status_code == 404, path
    assert api(acme, "student").get(theirs).status_code == 404
    assert assert_ok(api(acme, "orgadmin").get(theirs)) == []


def test_the_pdf_answers_409_while_it_is_made_then_the_pdf(acme, acme_student, course, rule):
    from apps.certificates.issuing import services

    with in_org(acme):
        certificate = make_certificate(user=acme_student, course=course)
    client = api(acme, "student")

    assert_error(client.get(f"/api/v1/certificates/{certificate.pk}/pdf"), 409, "CONFLICT")
    with in_org(acme):
        services.certificate_render(certificate_id=certificate.pk, revision=1)
    response = client.get(f"/api/v1/certificates/{certificate.pk}/pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_revoke_needs_a_reason_and_the_certificate_then_says_revoked(acme, acme_student, course, rule):
    with in_org(acme):
        certificate = make_certificate(user=acme_student, course=course)
    client = api(acme, "teacher")
    path = f"/api/v1/certificates/{certificate.pk}/revoke"

    assert_error(client.post(path, {}, format="json"), 400, "VALIDATION_ERROR")
    revoked = assert_ok(client.post(path, {"reason": "Wrong learner"}, format="json"))

    assert revoked["state"] == "revoked"
    assert revoked["revocation_reason"] == "Wrong learner"
    assert_error(client.post(path, {"reason": "again"}, format="json"), 409, "INVALID_STATE")
    assert_error(api(acme, "student").post(path, {"reason": "mine"}, format="json"), 403, "PERMISSION_DENIED")


def test_reissue_and_recertify(acme, acme_admin, acme_student, course, rule, template):
    with in_org(acme):
        certificate = make_certificate(user=acme_student, course=course, template=template)
        templating.template_update(actor=acme_admin, template=template, signer_name="New Signer")
    client = api(acme, "orgadmin")

    reissued = assert_ok(client.post(f"/api/v1/certificates/{certificate.pk}/reissue"))
    renewed = assert_ok(client.post(f"/api/v1/certificates/{certificate.pk}/recertify"), 201)

    assert (reissued["code"], reissued["revision"], reissued["template_version"]) == (certificate.code, 2, 2)
    assert renewed["replaces_id"] == certificate.pk
    assert renewed["source"] == "recertification"
    assert_error(client.post(f"/api/v1/certificates/{certificate.pk}/recertify"), 409, "CONFLICT")


def test_share_returns_the_share_page_and_linkedin_links(acme, acme_student, course, rule):
    with in_org(acme):
        certificate = make_certificate(user=acme_student, course=course)

    links = assert_ok(api(acme, "student").post(f"/api/v1/certificates/{certificate.pk}/share"))

    assert links["share_url"].endswith(f"/certificates/{certificate.verify_uuid.hex}/share")
    assert links["linkedin_url"].startswith(
        "https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME"
    )
    assert f"certId={certificate.code}" in links["linkedin_url"]


def test_a_course_rule_is_put_read_and_deleted_by_its_editors(acme, course, template):
    path = f"/api/v1/courses/{course.pk}/certificate-rule"
    teacher = api(acme, "teacher")

    assert teacher.get(path).status_code == 404
    saved = assert_ok(teacher.put(path, {"template_id": template.pk, "expiry_months": 12}, format="json"))
    assert (saved["template_id"], saved["expiry_months"], saved["auto_issue"]) == (template.pk, 12, True)
    assert assert_ok(api(acme, "student").get(path))["template_id"] == template.pk
    assert_error(
        api(acme, "student").put(path, {"template_id": template.pk}, format="json"), 403, "PERMISSION_DENIED"
    )
    assert_error(  # a north course: south's teacher does not know of it
        api(acme, "south-teacher").put(path, {"template_id": template.pk}, format="json"), 404, "NOT_FOUND"
    )
    assert_error(teacher.put(path, {"template_id": 999999}, format="json"), 400, "VALIDATION_ERROR")
    assert teacher.delete(path).status_code == 204
    assert teacher.get(path).status_code == 404


def test_without_the_plan_feature_writes_answer_plan_limit_reached(acme, acme_student, course, template):
    without_certificates_in_plan(acme)

    rule_put = api(acme, "teacher").put(
        f"/api/v1/courses/{course.pk}/certificate-rule", {"template_id": template.pk}, format="json"
    )
    issue = api(acme, "orgadmin").post(
        "/api/v1/certificates",
        {"user_id": acme_student.pk, "course_id": course.pk, "template_id": template.pk},
        format="json",
    )

    assert_error(rule_put, 403, "PLAN_LIMIT_REACHED")
    assert_error(issue, 403, "PLAN_LIMIT_REACHED")


def test_bulk_issue_runs_in_the_background_with_progress(
    acme, acme_student, course, rule, django_capture_on_commit_callbacks
):
    with in_org(acme):
        complete(course, acme_student)
        south = person(acme, "south-student")
        complete(course, south)
        Certificate.objects.filter(user=acme_student).delete()  # not issued yet (the rule came later)
        Certificate.objects.filter(user=south).delete()
        make_certificate(user=south, course=course)  # already holds one: skipped
    client = api(acme, "orgadmin")

    with django_capture_on_commit_callbacks(execute=True):
        job = assert_ok(
            client.post("/api/v1/certificates/bulk", {"course_id": course.pk}, format="json"), 202
        )
    done = assert_ok(client.get(f"/api/v1/certificate-jobs/{job['id']}"))

    assert done["status"] == "completed"
    assert (done["total"], done["done"], done["failed"], done["percent"]) == (2, 2, 0, 100)
    assert sorted(row["outcome"] for row in done["report"]) == ["issued", "skipped"]
    with in_org(acme):
        issued = Certificate.objects.get(user=acme_student, course=course)
        assert issued.source == "bulk"
        assert issued.render_state == "ready"


def test_bulk_issue_for_a_class_issues_the_courses_with_a_rule(
    acme, acme_student, course, rule, django_capture_on_commit_callbacks
):
    from apps.hierarchy.models import SchoolClass

    with in_org(acme):
        complete(course, acme_student)
        Certificate.objects.filter(user=acme_student).delete()
        algebra = SchoolClass.objects.get(name="Algebra 1")

    with django_capture_on_commit_callbacks(execute=True):
        job = assert_ok(
            api(acme, "teacher").post("/api/v1/certificates/bulk", {"class_id": algebra.pk}, format="json"),
            202,
        )

    with in_org(acme):
        assert BulkJob.objects.get(pk=job["id"]).status == "completed"
        assert Certificate.objects.filter(user=acme_student, course=course, source="bulk").count() == 1


def test_rerender_reissues_every_valid_certificate_of_a_template(
    acme, acme_admin, acme_student, course, rule, template, django_capture_on_commit_callbacks
):
    with in_org(acme):
        valid = make_certificate(user=acme_student, course=course, template=template)
        revoked = make_certificate(user=person(acme, "south-student"), course=course, template=template,
                                   status="revoked", revocation_reason="x")  # fmt: skip
        templating.template_update(actor=acme_admin, template=template, title_text="Fixed title")

    assert_error(api(acme, "teacher").post(f"/api/v1/certificate-templates/{template.pk}/rerender"), 403,
                 "PERMISSION_DENIED")  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        job = assert_ok(
            api(acme, "orgadmin").post(f"/api/v1/certificate-templates/{template.pk}/rerender"), 202
        )

    with in_org(acme):
        valid.refresh_from_db()
        revoked.refresh_from_db()
        assert BulkJob.objects.get(pk=job["id"]).done == 1
        assert (valid.revision, valid.template_version.number, valid.render_state) == (2, 2, "ready")
        assert revoked.revision == 1


def test_a_quiz_rule_is_put_by_the_course_editors(acme, course, template):
    from apps.assessments.baker_recipes import make_quiz

    with in_org(acme):
        quiz = make_quiz(course=course, title="Algebra check-up")

    saved = assert_ok(
        api(acme, "teacher").put(
            f"/api/v1/assessments/{quiz.pk}/certificate-rule", {"template_id": template.pk}, format="json"
        )
    )

    assert (saved["assessment_id"], saved["course_id"]) == (quiz.pk, None)
    with in_org(acme):
        assert CertificateRule.objects.get(assessment=quiz).template == template
