"""Isolation and role rows of certificate issuing (apps/certificates/issuing): the API, the pages, their form
actions, and the public verification and share pages.

The targets, in each org (found again by name, so a second call in the same test gives the same objects): a
published course of the north branch owned by the named Teacher, with a quiz, a certificate template and an
automatic rule; the named Student is enrolled and holds {cert_id} for it (its PDF rendered), with its
{cert_code} and {cert_verify_uuid}; {cert_job_id} is a bulk job of the course. So the Teacher (owner and the
Student's teacher), the north Branch Manager and the Org Admin manage it, and the Student sees their own.
Names start with the org's name, so a leak of globex's shows "Globex". globex's plan has no certificates: its
rows are written with the recipes (apps/certificates/baker_recipes.py), not the services.

API keys need the `certificates` scope. The public rows (verification page and JSON, share page and card)
are Page rows open to anyone: acme's codes and uuids answer 404 on globex's host and the reverse
(tests/isolation/test_cross_tenant.py, and tests/certificates/test_issuing_verify.py).
"""

from tests.isolation.entries import Endpoint, Page, PageAction, scoped

STAFF = ("org_admin", "branch_manager", "teacher")
ADMIN = ("org_admin",)

CERTIFICATES = "/api/v1/certificates"
CERTIFICATE = CERTIFICATES + "/{cert_id}"

API_ENDPOINTS: list[Endpoint] = scoped(
    "certificates",
    [
        Endpoint("GET", CERTIFICATES),
        Endpoint("GET", CERTIFICATES + "?filter[course]={cert_course_id}&sort=-issued_at"),
        Endpoint(
            "POST",
            CERTIFICATES,
            {
                "user_id": "{cert_student_id}",
                "assessment_id": "{cert_quiz_id}",
                "template_id": "{cert_template_id}",
            },
            allowed_roles=STAFF,
        ),
        Endpoint("GET", CERTIFICATE, has_object=True),
        Endpoint("GET", CERTIFICATE + "/pdf", has_object=True),
        Endpoint("POST", CERTIFICATE + "/revoke", {"reason": "Matrix"}, allowed_roles=STAFF, has_object=True),
        Endpoint("POST", CERTIFICATE + "/reissue", allowed_roles=STAFF, has_object=True),
        Endpoint("POST", CERTIFICATE + "/recertify", allowed_roles=STAFF, has_object=True),
        Endpoint("POST", CERTIFICATE + "/share", has_object=True),
        Endpoint("GET", "/api/v1/users/{cert_student_id}/certificates", has_object=True),
        Endpoint("GET", "/api/v1/courses/{cert_course_id}/certificate-rule", has_object=True),
        Endpoint(
            "PUT",
            "/api/v1/courses/{cert_course_id}/certificate-rule",
            {"template_id": "{cert_template_id}", "expiry_months": 12, "auto_issue": True},
            allowed_roles=STAFF,
            has_object=True,
        ),
        Endpoint(
            "DELETE",
            "/api/v1/courses/{cert_course_id}/certificate-rule",
            allowed_roles=STAFF,
            has_object=True,
        ),
        Endpoint(
            "PUT",
            "/api/v1/assessments/{cert_quiz_id}/certificate-rule",
            {"template_id": "{cert_template_id}", "auto_issue": False},
            allowed_roles=STAFF,
            has_object=True,
        ),
        Endpoint(
            "POST",
            CERTIFICATES + "/bulk",
            {"course_id": "{cert_course_id}", "template_id": "{cert_template_id}"},
            allowed_roles=STAFF,
        ),
        Endpoint(
            "POST",
            "/api/v1/certificate-templates/{cert_template_id}/rerender",
            allowed_roles=ADMIN,
            has_object=True,
        ),
        Endpoint("GET", "/api/v1/certificate-jobs/{cert_job_id}", allowed_roles=STAFF, has_object=True),
    ],
)

PAGES = [
    Page("/certificates/"),
    Page("/certificates/?state=revoked&page=2"),
    Page("/certificates/mine/"),
    Page("/certificates/bulk/"),
    Page("/certificates/issue/"),
    Page("/certificates/issue/?course={cert_course_id}"),
    Page("/certificates/jobs/{cert_job_id}/", has_object=True),
    Page("/certificates/rerender/{cert_template_id}/", has_object=True),
    Page("/certificates/{cert_id}/", has_object=True),
    Page("/certificates/{cert_id}/pdf/", has_object=True),
    Page("/courses/{cert_course_id}/certificate/", has_object=True),
    Page("/quizzes/{cert_quiz_id}/certificate/", has_object=True),
    Page("/courses/{cert_course_id}/certificates/", has_object=True),
    # public: anyone, no sign-in
    Page("/verify/", public=True),
    Page("/verify/?code={cert_code}", public=True),
    Page("/verify/{cert_code}", public=True, has_object=True),
    Page("/verify/{cert_verify_uuid}", public=True, has_object=True),
    Page("/api/v1/certificates/{cert_verify_uuid}/verify", public=True, has_object=True),
    Page("/certificates/{cert_verify_uuid}/share", public=True, has_object=True),
    Page("/certificates/{cert_verify_uuid}/card.png", public=True, has_object=True),
]

PAGE_ACTIONS = [
    PageAction("/certificates/{cert_id}/revoke/", {"reason": "Hijacked"}),
    PageAction("/certificates/{cert_id}/reissue/"),
    PageAction("/certificates/{cert_id}/recertify/"),
    PageAction(
        "/courses/{cert_course_id}/certificate/",
        {"template": "{cert_template_id}", "expiry_months": "12", "auto_issue": "on"},
    ),
    PageAction(
        "/quizzes/{cert_quiz_id}/certificate/",
        {"template": "{cert_template_id}", "auto_issue": "on"},
    ),
    PageAction(
        "/certificates/issue/",
        {"learner": "{cert_student_email}", "quiz": "{cert_quiz_id}", "template": "{cert_template_id}"},
    ),
    PageAction("/certificates/bulk/", {"course": "{cert_course_id}"}),
    PageAction("/certificates/rerender/{cert_template_id}/"),
]


def targets(organization) -> dict[str, str]:
    """Call inside the organization's schema (tests/isolation/registry.py: targets does)."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone
    from model_bakery import baker

    from apps.assessments.baker_recipes import make_quiz
    from apps.assessments.models import Assessment
    from apps.certificates.baker_recipes import make_certificate
    from apps.certificates.issuing import services
    from apps.certificates.models import BulkJob, Certificate, CertificateRule, CertificateTemplate
    from apps.courses.models import Course, Enrollment
    from apps.hierarchy.models import Branch

    name = organization.name
    users = get_user_model().objects
    teacher = users.get(email=f"teacher@{organization.slug}.example.com")
    student = users.get(email=f"student@{organization.slug}.example.com")
    course = Course.objects.filter(title=f"{name} certificate course").first()
    if course is None:
        course = baker.make_recipe("courses.course", title=f"{name} certificate course", owner=teacher)
        course.branches.set([Branch.objects.get(code="north")])
        make_quiz(course=course, title=f"{name} certificate quiz")
        template = baker.make_recipe("certificates.template", name=f"{name} certificate template")
        CertificateRule.objects.create(course=course, template=template, expiry_months=24)
        baker.make_recipe(
            "courses.enrollment", course=course, user=student, status=Enrollment.Status.COMPLETED
        )
        certificate = make_certificate(
            user=student,
            course=course,
            template=template,
            source=Certificate.Source.AUTOMATIC,
            expires_at=services.add_months(timezone.now(), 24),
        )
        services.certificate_render(certificate_id=certificate.pk, revision=certificate.revision)
        baker.make(BulkJob, kind=BulkJob.Kind.ISSUE, course=course, template=template, total=1, done=1,
                   status=BulkJob.Status.COMPLETED, report=[{"user_id": student.pk, "outcome": "skipped"}])  # fmt: skip
    template = CertificateTemplate.objects.get(name=f"{name} certificate template")
    certificate = Certificate.objects.filter(course=course, user=student).order_by("pk").first()
    quiz = Assessment.objects.get(course=course)
    return {
        "cert_course_id": str(course.pk),
        "cert_quiz_id": str(quiz.pk),
        "cert_template_id": str(template.pk),
        "cert_student_id": str(student.pk),
        "cert_student_email": student.email,
        "cert_id": str(certificate.pk),
        "cert_code": certificate.code,
        "cert_verify_uuid": certificate.verify_uuid.hex,
        "cert_job_id": str(BulkJob.objects.filter(course=course).values_list("pk", flat=True).first()),
    }
