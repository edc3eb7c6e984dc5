"""The certificates' part of the cost filler (benchmarks/cost_fill.py calls `fill_certificates` and merges
`certificate_targets`): n certificates of the base student (one per new course, issued by hand, so the base
student's lists grow with n), on the template `Cost certificates`, with a bulk job of the base course."""

from django.utils import timezone

TEMPLATE = "Cost certificates"


def _base(admin, base) -> dict:
    from apps.certificates.baker_recipes import make_certificate
    from apps.certificates.issuing.services import current_version
    from apps.certificates.models import BulkJob, Certificate, CertificateRule, CertificateTemplate

    template = CertificateTemplate.objects.filter(name=TEMPLATE).first()
    if template is None:
        template = CertificateTemplate.objects.create(
            name=TEMPLATE, signer_name="Cost Signer", created_by=admin
        )
        current_version(template, actor=admin)
        CertificateRule.objects.create(course=base["course"], template=template, expiry_months=12)
        make_certificate(user=base["student"], course=base["course"], template=template)
        BulkJob.objects.create(
            kind=BulkJob.Kind.ISSUE, course=base["course"], template=template, created_by=admin
        )
    certificate = Certificate.objects.filter(template=template, course=base["course"]).order_by("pk").first()
    return {"template": template, "certificate": certificate}


def fill_certificates(n: int, label: str, *, admin, base, courses) -> None:
    from apps.certificates.issuing.codes import new_code
    from apps.certificates.models import Certificate

    found = _base(admin, base)
    template, student = found["template"], base["student"]
    version = found["certificate"].template_version
    now = timezone.now()
    Certificate.objects.bulk_create(
        Certificate(
            code=new_code(student.full_name),
            user=student,
            template=template,
            template_version=version,
            course=course,
            data={"learner": student.full_name, "course": course.title, "organization": "Cost"},
            source=Certificate.Source.MANUAL,
            issued_at=now,
            issued_by=admin,
        )
        for course in courses[:n]
    )


def certificate_targets(admin, base, *, quiz_id: int) -> dict:
    from apps.certificates.models import BulkJob, CertificateRule

    found = _base(admin, base)
    # The base quiz's rule too (GET /api/v1/assessments/{quiz_id}/certificate-rule is in the table).
    CertificateRule.objects.get_or_create(
        assessment_id=quiz_id, defaults={"template": found["template"], "auto_issue": False}
    )
    certificate = found["certificate"]
    return {
        "certificate_id": certificate.pk,
        "certificate_code": certificate.code,
        "certificate_verify_uuid": certificate.verify_uuid.hex,
        "certificate_template_id": found["template"].pk,
        "certificate_job_id": BulkJob.objects.filter(template=found["template"]).values_list("pk", flat=True)[
            0
        ],
    }
