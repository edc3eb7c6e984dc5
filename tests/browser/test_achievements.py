"""Achievements in a real browser: a student completes the last lesson of a course whose badge and
certificate are earned automatically, sees both on "My achievements", and anyone, signed out (a new
context), opens the certificate's verification page and reads that it is valid; once a teacher revokes it
from the certificate's page, the verification page says revoked. No page logs a console error or a
Content-Security-Policy violation."""

import pytest
from django_tenants.utils import schema_context

from tests.browser.conftest import classroom, screenshot
from tests.browser.test_assessments import Watched, expect

pytestmark = pytest.mark.browser


@pytest.fixture
def school(server, provisioned):
    """A growth-plan organization with Algebra 1's teacher and student, a published course of one lesson
    the class is enrolled in, a certificate template, the course's automatic certificate rule and an active
    badge for completing it."""
    from django.db import connection

    from apps.badges.core import services as badges
    from apps.certificates.issuing import services as issuing
    from apps.certificates.templating import services as templating
    from apps.courses import services

    organization = provisioned(plan="growth", name="Browser Achievements School")
    with schema_context(organization.schema_name):
        from django.contrib.auth import get_user_model

        admin = get_user_model().objects.get(email=organization.admin_email)
        admin.status = admin.Status.ACTIVE  # provisioning invites the Org Admin; here they have accepted
        admin.save(update_fields=["status"])
        room = classroom(organization, teacher_name="Tara Teacher", student_name="Sam Student")
        course = services.course_create(actor=room.teacher, title="World geography", summary="Places.")
        module = services.module_create(actor=room.teacher, course=course, title="Europe")
        lesson = services.content_create(
            actor=room.teacher, module=module, kind="text", title="Capitals", body="Paris, Rome, Madrid."
        )
        services.course_publish(actor=room.teacher, course=course)
        services.enroll_assign(actor=room.teacher, course=course, classes=[room.school_class.pk])
        template = templating.template_create(actor=admin, name="School classic", signer_name="Ada Admin")
        issuing.rule_set(actor=room.teacher, course=course, template_id=template.pk, expiry_months=24)
        badges.badge_create(
            actor=room.teacher,
            name="Geography explorer",
            description="Completed World geography.",
            course=course,
            criteria=[{"kind": "course", "course_id": course.pk}],
            status="active",
        )
    connection.set_schema_to_public()
    return organization, room, course, lesson


def test_a_student_earns_the_badge_and_certificate_and_anyone_verifies_it(browser, server, school):
    from django.db import connection

    from apps.certificates.models import Certificate

    organization, room, course, lesson = school
    student = Watched(browser, server, organization, room.student)
    page = student.page

    page.goto(server.url(f"/courses/{course.pk}/learn/{lesson.pk}/", organization.slug))
    page.click("#mark-complete")
    page.wait_for_load_state()
    page.goto(server.url("/achievements/", organization.slug))

    expect(page.get_by_text("Geography explorer")).to_be_visible()
    expect(page.locator("#my-certificates-title")).to_be_visible()
    expect(page.get_by_text("World geography").first).to_be_visible()
    student.assert_clean()
    screenshot(page, "achievements.png")
    with schema_context(organization.schema_name):
        certificate = Certificate.objects.get(user=room.student, course=course)
        assert certificate.source == "automatic"
        assert certificate.render_state == "ready"
    connection.set_schema_to_public()

    page.goto(server.url("/certificates/mine/", organization.slug))
    expect(page.locator(f'[data-code="{certificate.code}"]')).to_be_visible()
    expect(page.get_by_role("link", name="Download PDF")).to_be_visible()
    student.assert_clean()
    student.close()

    visitor = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    try:
        anonymous = visitor.new_page()
        anonymous.goto(server.url(f"/verify/{certificate.verify_uuid.hex}", organization.slug))
        expect(anonymous.locator("#verification")).to_have_attribute("data-state", "valid")
        expect(anonymous.get_by_role("heading", name="This certificate is valid")).to_be_visible()
        expect(anonymous.locator("#verify-learner")).to_have_text("Sam Student")
        screenshot(anonymous, "verify-valid.png")

        teacher = Watched(browser, server, organization, room.teacher)
        teacher.page.goto(server.url(f"/certificates/{certificate.pk}/", organization.slug))
        teacher.page.fill("#id_reason", "Completed by someone else")
        teacher.page.click("#revoke-form button[type=submit]")
        teacher.page.wait_for_load_state()
        expect(teacher.page.locator(".status-certificate-revoked").first).to_be_visible()
        teacher.assert_clean()
        teacher.close()

        anonymous.goto(server.url("/verify/", organization.slug))
        anonymous.fill("#id_code", certificate.code)
        anonymous.click("button[type=submit]")
        expect(anonymous.locator("#verification")).to_have_attribute("data-state", "revoked")
        expect(anonymous.get_by_role("heading", name="This certificate has been revoked")).to_be_visible()
        expect(anonymous.get_by_text("Completed by someone else")).to_be_visible()
        screenshot(anonymous, "verify-revoked.png")
    finally:
        visitor.close()
