"""Issuing certificates: automatically from course.completed and assessment.passed (once, however often the
event is delivered or however many run at once), by hand, and their revoke, reissue and recertification,
the plan feature and the PDF rendering task."""

import threading
import uuid
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context
from model_bakery import baker

from apps.audit.models import AuditEntry
from apps.certificates.baker_recipes import make_certificate
from apps.certificates.issuing import services
from apps.certificates.models import Certificate, CertificateRule, CertificateTemplate, TemplateVersion
from apps.certificates.templating import services as templating
from apps.core.errors import Conflict, InvalidState, PermissionDenied, PlanLimitReached, ValidationFailed
from apps.events.bus import dispatch
from apps.events.models import Event
from tenants.models import Plan, Subscription
from tests.conftest import in_org, person

from . import test_issuing_common as common
from .test_issuing_common import CODE, complete

pytestmark = pytest.mark.django_db

# The shared fixtures (tests/certificates/test_issuing_common.py).
template, course, rule = common.template, common.course, common.rule


def certificates_of(user, **lookup):
    return list(Certificate.objects.filter(user=user, **lookup))


def without_certificates_in_plan(organization):
    plan = Plan.objects.create(code=f"bare-{uuid.uuid4().hex[:6]}", name="Bare", features=["self_signup"])
    Subscription.objects.filter(organization=organization).update(plan=plan)


# --- automatic issue ---------------------------------------------------------------------------------------


def test_completing_a_course_whose_rule_issues_gives_one_certificate(
    acme, acme_student, course, rule, django_capture_on_commit_callbacks
):
    with in_org(acme):
        with django_capture_on_commit_callbacks(execute=True):
            complete(course, acme_student)

        (certificate,) = certificates_of(acme_student)
        assert certificate.course == course
        assert certificate.source == "automatic"
        assert CODE.match(certificate.code)
        assert certificate.code[10] == "S"
        assert certificate.data["learner"] == "Student"
        assert certificate.data["course"] == "Algebra Foundations"
        assert certificate.data["organization"] == "Acme Academy"
        assert certificate.data["template_version"] == 1
        assert certificate.expires_at.date() == services.add_months(certificate.issued_at, 24).date()
        assert certificate.data["expires_on"] == certificate.expires_at.date().isoformat()
        assert Event.objects.filter(
            name="certificate.issued", key=f"certificate.issued:{certificate.pk}"
        ).exists()
        assert AuditEntry.objects.filter(action="certificate.issued", target_id=str(certificate.pk)).exists()


def test_the_pdf_is_rendered_in_the_background_with_the_verify_url(
    acme, acme_student, course, rule, django_capture_on_commit_callbacks
):
    from pypdf import PdfReader

    with in_org(acme):
        with django_capture_on_commit_callbacks(execute=True):
            complete(course, acme_student)

        certificate = Certificate.objects.get(user=acme_student)
        assert certificate.render_state == "ready"
        with certificate.pdf.open("rb") as handle:
            text = PdfReader(handle).pages[0].extract_text()
        assert certificate.code in text
        assert f"/verify/{certificate.verify_uuid.hex}" in text.replace("\n", "")
        expected = f"{settings.SITE_SCHEME}://acme.learnstack.test/verify/{certificate.verify_uuid.hex}"
        assert services.verify_url(certificate) == expected


def test_a_redelivered_completion_event_issues_nothing_more(acme, acme_student, course, rule):
    with in_org(acme):
        complete(course, acme_student)
        event = Event.objects.get(name="course.completed")

        dispatch(event.pk)
        from apps.certificates.issuing.subscribers import issue_for_course

        issue_for_course(event)  # a redelivery that got past the delivery record
        issue_for_course(event)

        assert len(certificates_of(acme_student)) == 1


def test_a_revoked_automatic_certificate_is_not_issued_again_by_a_later_event(
    acme, acme_student, acme_admin, course, rule
):
    with in_org(acme):
        first = services.certificate_issue_automatic(user_id=acme_student.pk, course_id=course.pk)
        services.certificate_revoke(actor=acme_admin, certificate=first, reason="Issued by mistake")

        again = services.certificate_issue_automatic(user_id=acme_student.pk, course_id=course.pk)

        assert again.pk == first.pk
        assert len(certificates_of(acme_student)) == 1


def test_no_rule_or_a_rule_without_auto_issue_issues_nothing(acme, acme_student, course, template):
    with in_org(acme):
        assert services.certificate_issue_automatic(user_id=acme_student.pk, course_id=course.pk) is None
        baker.make_recipe("certificates.rule", course=course, template=template, auto_issue=False)

        assert services.certificate_issue_automatic(user_id=acme_student.pk, course_id=course.pk) is None
        assert certificates_of(acme_student) == []


def test_passing_a_quiz_whose_rule_issues_gives_a_certificate_with_the_grade(acme, acme_student, template):
    from apps.assessments.baker_recipes import make_quiz
    from apps.assessments.models import AssessmentGrade
    from apps.certificates.issuing.subscribers import issue_for_quiz

    with in_org(acme):
        quiz_course = baker.make_recipe("courses.course", title="Algebra")
        quiz = make_quiz(course=quiz_course, questions=[], max_grade=10)
        AssessmentGrade.objects.create(assessment=quiz, user=acme_student, grade=9, passed=True)
        baker.make_recipe("certificates.rule", assessment=quiz, template=template)
        event = Event(
            name="assessment.passed",
            key="t",
            payload={"user_id": acme_student.pk, "course_id": quiz_course.pk, "assessment_id": quiz.pk},
        )

        issue_for_quiz(event)
        issue_for_quiz(event)

        (certificate,) = certificates_of(acme_student)
        assert certificate.assessment == quiz
        assert certificate.course is None
        assert certificate.data["grade"] == "90 %"
        assert certificate.data["course"] == quiz.item.title
        assert certificate.expires_at is None


def test_without_the_plan_feature_automatic_issue_is_skipped_and_recorded(acme, acme_student, course, rule):
    without_certificates_in_plan(acme)
    with in_org(acme):
        result = services.certificate_issue_automatic(user_id=acme_student.pk, course_id=course.pk)

        assert result is None
        assert certificates_of(acme_student) == []
        entry = AuditEntry.objects.get(action="certificate.skipped")
        assert entry.changes["user"] == acme_student.pk
        assert entry.changes["reason"] == "plan"


def test_without_the_plan_feature_manual_issue_is_refused(acme, acme_admin, acme_student, course, template):
    without_certificates_in_plan(acme)
    with in_org(acme), pytest.raises(PlanLimitReached):
        services.certificate_issue_manual(
            actor=acme_admin, user=acme_student, course=course, template_id=template.pk
        )


# --- concurrency: committed data raced on several connections -----------------------------------------------


def on_own_connection(schema: str, fn, *args):
    box: dict = {}

    def target():
        try:
            with schema_context(schema):
                box["result"] = fn(*args)
        except BaseException as exc:
            box["error"] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(90)
    if "error" in box:
        raise box["error"]
    return box.get("result")


@pytest.fixture
def committed_rule(acme):
    """A course with an automatic rule, committed in acme (outside the test's transaction); removed after."""
    marker = f"race-{uuid.uuid4().hex[:8]}"

    def build():
        from django.contrib.auth import get_user_model

        # Everything audited from here on is this fixture's (the template's creation included): removed after.
        floor = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        event_floor = Event.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        admin = get_user_model().objects.get(email="orgadmin@acme.example.com")
        student = get_user_model().objects.get(email="student@acme.example.com")
        template = templating.template_create(actor=admin, name=marker)
        course = baker.make_recipe("courses.course", title=marker, owner=admin)
        CertificateRule.objects.create(course=course, template=template, auto_issue=True)
        return {
            "course": course.pk,
            "template": template.pk,
            "student": student.pk,
            "floor": floor,
            "event_floor": event_floor,
        }

    def cleanup(ids):
        from apps.courses.models import Course

        issued = Certificate.objects.filter(course_id=ids["course"])
        Event.objects.filter(pk__gt=ids["event_floor"]).delete()
        issued.delete()
        CertificateRule.objects.filter(course_id=ids["course"]).delete()
        TemplateVersion.objects.filter(template_id=ids["template"]).delete()
        CertificateTemplate.objects.filter(pk=ids["template"]).delete()
        Course.objects.filter(pk=ids["course"]).delete()
        AuditEntry.objects.filter(pk__gt=ids["floor"]).delete()

    ids = on_own_connection(acme.schema_name, build)
    try:
        yield ids
    finally:
        on_own_connection(acme.schema_name, cleanup, ids)


def test_concurrent_completion_events_issue_one_certificate(acme, committed_rule):
    barrier = threading.Barrier(6)
    results: list = []
    errors: list = []

    def worker():
        try:
            with schema_context(acme.schema_name):
                barrier.wait(10)
                certificate = services.certificate_issue_automatic(
                    user_id=committed_rule["student"], course_id=committed_rule["course"]
                )
                results.append(certificate.pk)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(90)

    def state(ids):
        return {
            "certificates": Certificate.objects.filter(course_id=ids["course"]).count(),
            "events": Event.objects.filter(
                name="certificate.issued", payload__course_id=ids["course"]
            ).count(),
        }

    assert errors == []
    assert len(set(results)) == 1
    assert len(results) == 6
    assert on_own_connection(acme.schema_name, state, committed_rule) == {"certificates": 1, "events": 1}


# --- manual issue ------------------------------------------------------------------------------------------


def test_a_teacher_issues_a_certificate_to_a_learner_of_their_class(
    acme, acme_teacher, acme_student, course, rule
):
    with in_org(acme):
        certificate = services.certificate_issue_manual(actor=acme_teacher, user=acme_student, course=course)

        assert certificate.source == "manual"
        assert certificate.issued_by == acme_teacher
        assert certificate.template == rule.template
        assert certificate.expires_at is not None


def test_a_teacher_cannot_issue_to_a_learner_outside_their_classes(acme, acme_teacher, course, rule):
    with in_org(acme):
        outsider = person(acme, "south-student")
        with pytest.raises(ValidationFailed) as caught:
            services.certificate_issue_manual(actor=acme_teacher, user=outsider, course=course)

        assert "user_id" in caught.value.field_errors


def test_a_student_may_not_issue_certificates(acme, acme_student, course, rule):
    with in_org(acme), pytest.raises(PermissionDenied):
        services.certificate_issue_manual(actor=acme_student, user=acme_student, course=course)


def test_manual_issue_without_a_rule_needs_a_template(acme, acme_admin, acme_student, course, template):
    with in_org(acme):
        with pytest.raises(ValidationFailed) as caught:
            services.certificate_issue_manual(actor=acme_admin, user=acme_student, course=course)
        assert "template_id" in caught.value.field_errors

        certificate = services.certificate_issue_manual(
            actor=acme_admin, user=acme_student, course=course, template_id=template.pk
        )
        assert certificate.expires_at is None


def test_a_second_manual_issue_while_one_is_valid_is_a_conflict(acme, acme_admin, acme_student, course, rule):
    with in_org(acme):
        services.certificate_issue_manual(actor=acme_admin, user=acme_student, course=course)
        with pytest.raises(Conflict):
            services.certificate_issue_manual(actor=acme_admin, user=acme_student, course=course)


def test_a_code_collision_draws_another_code(acme, acme_admin, acme_student, course, rule, monkeypatch):
    with in_org(acme):
        taken = make_certificate(user=acme_admin, course=course, code="1234567890SS")
        codes = iter([taken.code, "1111111111SS"])
        monkeypatch.setattr(services, "new_code", lambda name: next(codes))

        certificate = services.certificate_issue_manual(actor=acme_admin, user=acme_student, course=course)

        assert certificate.code == "1111111111SS"


# --- revoke, reissue, recertify -----------------------------------------------------------------------------


def test_revoking_needs_a_reason_and_says_revoked(acme, acme_admin, acme_student, course, rule):
    with in_org(acme):
        certificate = services.certificate_issue_manual(actor=acme_admin, user=acme_student, course=course)
        with pytest.raises(ValidationFailed):
            services.certificate_revoke(actor=acme_admin, certificate=certificate, reason="  ")

        revoked = services.certificate_revoke(
            actor=acme_admin, certificate=certificate, reason="Copied answers"
        )

        assert revoked.state == "revoked"
        assert revoked.revocation_reason == "Copied answers"
        assert revoked.revoked_by == acme_admin
        assert Event.objects.filter(name="certificate.revoked").count() == 1
        with pytest.raises(InvalidState):
            services.certificate_revoke(actor=acme_admin, certificate=certificate, reason="again")


def test_the_learner_may_not_revoke_their_own_certificate(acme, acme_admin, acme_student, course, rule):
    with in_org(acme):
        certificate = services.certificate_issue_manual(actor=acme_admin, user=acme_student, course=course)
        with pytest.raises(PermissionDenied):
            services.certificate_revoke(actor=acme_student, certificate=certificate, reason="no")


def test_reissue_keeps_the_code_and_prints_the_newest_template_version(
    acme, acme_admin, acme_student, course, rule, template
):
    with in_org(acme):
        certificate = services.certificate_issue_manual(actor=acme_admin, user=acme_student, course=course)
        templating.template_update(
            actor=acme_admin, template=template, title_text="Certificate of achievement"
        )

        reissued = services.certificate_reissue(actor=acme_admin, certificate=certificate)

        assert reissued.code == certificate.code
        assert reissued.verify_uuid == certificate.verify_uuid
        assert reissued.revision == 2
        assert reissued.template_version.number == 2
        assert reissued.template_version.snapshot["title_text"] == "Certificate of achievement"
        assert reissued.data["template_version"] == 2
        assert reissued.render_state == "pending"


def test_the_render_task_renders_only_the_newest_revision_and_is_safe_to_repeat(
    acme, acme_admin, acme_student, course, rule
):
    with in_org(acme):
        certificate = services.certificate_issue_manual(actor=acme_admin, user=acme_student, course=course)
        services.certificate_reissue(actor=acme_admin, certificate=certificate)

        assert services.certificate_render(certificate_id=certificate.pk, revision=1) == "stale"
        assert services.certificate_render(certificate_id=certificate.pk, revision=2) == "rendered"
        assert services.certificate_render(certificate_id=certificate.pk, revision=2) == "done"
        certificate.refresh_from_db()
        assert certificate.render_state == "ready"
        assert certificate.pdf.name.endswith(".pdf")


def test_a_failing_render_marks_the_certificate_failed(
    acme, acme_admin, acme_student, course, rule, monkeypatch
):
    from apps.certificates.issuing import tasks

    with in_org(acme):
        certificate = services.certificate_issue_manual(actor=acme_admin, user=acme_student, course=course)
        monkeypatch.setattr(
            services, "certificate_pdf_bytes", lambda c: (_ for _ in ()).throw(OSError("disk"))
        )

        with pytest.raises(OSError, match="disk"):
            tasks.render_certificate.apply(kwargs={"certificate_id": certificate.pk, "revision": 1}).get()

        certificate.refresh_from_db()
        assert certificate.render_state == "failed"


def test_recertify_makes_a_new_certificate_that_replaces_the_old(
    acme, acme_admin, acme_student, course, rule
):
    with in_org(acme):
        old = services.certificate_issue_manual(actor=acme_admin, user=acme_student, course=course)

        new = services.certificate_recertify(actor=acme_admin, certificate=old)

        assert new.replaces == old
        assert new.source == "recertification"
        assert new.code != old.code
        assert new.expires_at > old.expires_at - timedelta(minutes=1)
        with pytest.raises(Conflict):
            services.certificate_recertify(actor=acme_admin, certificate=old)


def test_an_expired_certificate_cannot_be_recertified_and_shows_expired(
    acme, acme_admin, acme_student, course
):
    with in_org(acme):
        old = make_certificate(
            user=acme_student, course=course, expires_at=timezone.now() - timedelta(days=1)
        )

        assert old.state == "expired"
        with pytest.raises(InvalidState):
            services.certificate_recertify(actor=acme_admin, certificate=old)


# --- sharing -----------------------------------------------------------------------------------------------


def test_the_linkedin_link_names_the_certificate_as_linkedin_documents(
    acme, acme_admin, acme_student, course, rule
):
    from urllib.parse import parse_qs, urlparse

    with in_org(acme):
        certificate = services.certificate_issue_manual(actor=acme_admin, user=acme_student, course=course)

        links = services.certificate_share(actor=acme_student, certificate=certificate)

        url = urlparse(links["linkedin_url"])
        query = {key: values[0] for key, values in parse_qs(url.query).items()}
        assert f"{url.scheme}://{url.netloc}{url.path}" == "https://www.linkedin.com/profile/add"
        assert query == {
            "startTask": "CERTIFICATION_NAME",
            "name": "Algebra Foundations",
            "organizationName": "Acme Academy",
            "issueYear": str(certificate.issued_at.year),
            "issueMonth": str(certificate.issued_at.month),
            "expirationYear": str(certificate.expires_at.year),
            "expirationMonth": str(certificate.expires_at.month),
            "certUrl": links["verify_url"],
            "certId": certificate.code,
        }
        assert links["share_url"].endswith(f"/certificates/{certificate.verify_uuid.hex}/share")
