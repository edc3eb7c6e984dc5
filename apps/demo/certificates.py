"""The demo's certificates, in acme: the template "Acme classic" signed by the Org Admin, a rule on Algebra
Foundations (issued automatically on completion, valid 24 months), three of Sam's classmates who passed the
Algebra check-up finishing the course's other lessons, their certificates issued by a bulk job, and one of
them revoked with a reason. Sam Student has not completed the course: when they do (passing the quiz, its
last lesson, after the others) the certificate arrives automatically, like the badge.

Everything goes through the services, as the staff's clicks would; the bulk job and the PDFs, which a worker
runs after commit, are run here as the worker would (a job or PDF already done is left alone)."""

from django.db import transaction

ALGEBRA = "algebra-foundations"
TEMPLATE = "Acme classic"
FINISHERS = ("ava", "ben", "chloe")  # classmates who passed the quiz and finish the course
REVOKED = ("ben", "Issued before a grading error was corrected; a new certificate follows once regraded.")


def _person(slug: str, local: str):
    from apps.accounts.models import User

    return User.objects.filter(email=f"{local}@{slug}.example.com").first()


def seed_certificates(slug: str) -> list[str]:
    """Acme's template, rule and certificates (call in its schema); returns what it created. Idempotent: the
    template already there means the step ran."""
    from apps.certificates.models import CertificateTemplate
    from apps.courses.models import Course

    course = Course.objects.filter(slug=ALGEBRA).first()
    if slug != "acme" or course is None or CertificateTemplate.objects.filter(name=TEMPLATE).exists():
        return []
    created: list[str] = []
    with transaction.atomic():
        _finish_course(slug, course, created)
    with transaction.atomic():
        job = _template_rule_and_job(slug, course, created)
    created += _run(slug, job)
    return created


def _finish_course(slug: str, course, created: list[str]) -> None:
    """The finishers complete every lesson of the course they have not (the quiz they passed already)."""
    from apps.courses import selectors as course_selectors
    from apps.courses import services as course_services
    from apps.courses.kinds import kind_for

    teacher = _person(slug, "teacher")
    lessons = list(
        course.items.filter(published_version__isnull=False).order_by("module__position", "position")
    )
    for local in FINISHERS:
        learner = _person(slug, local)
        if learner is None:
            continue
        if course_selectors.active_enrollment(user=learner, course=course) is None:
            course_services.enroll_assign(actor=teacher, course=course, users=[learner.pk])
        done = course_selectors.progress_by_item(user=learner, course=course)
        for item in lessons:
            kind = kind_for(item.kind)
            if kind is not None and not kind.manual_completion:
                continue  # the quiz: complete once passed
            progress = done.get(item.pk)
            if progress is None or progress.completed_at is None:
                course_services.progress_record(actor=learner, item=item, completed=True)
        created.append(f"{learner.email} finished '{course.title}'")


def _template_rule_and_job(slug: str, course, created: list[str]):
    from apps.certificates.issuing import services
    from apps.certificates.templating import services as templating

    admin = _person(slug, "orgadmin")
    teacher = _person(slug, "teacher")
    template = templating.template_create(
        actor=admin,
        name=TEMPLATE,
        layout="classic",
        signer_name="Ada Admin",
        signer_title="Head of Learning, Acme Academy",
        primary_color="#1d4ed8",
        accent_color="#f59e0b",
    )
    created.append(f"certificate template '{TEMPLATE}'")
    services.rule_set(
        actor=teacher, course=course, template_id=template.pk, expiry_months=24, auto_issue=True
    )
    created.append(f"certificate rule on '{course.title}' (automatic, 24 months)")
    return services.bulk_issue_start(actor=teacher, course=course)


def _run(slug: str, job) -> list[str]:
    from apps.certificates.issuing import services
    from apps.certificates.models import Certificate

    job = services.bulk_issue_run(job_id=job.pk)
    issued = [row for row in job.report if row["outcome"] == "issued"]
    lines = [f"bulk job #{job.pk}: {len(issued)} certificates issued for '{job.course.title}'"]
    for certificate in Certificate.objects.filter(course=job.course).order_by("pk"):
        services.certificate_render(certificate_id=certificate.pk, revision=certificate.revision)
    local, reason = REVOKED
    learner = _person(slug, local)
    certificate = Certificate.objects.filter(user=learner, course=job.course, status="active").first()
    if certificate is not None:
        with transaction.atomic():
            services.certificate_revoke(
                actor=_person(slug, "teacher"), certificate=certificate, reason=reason
            )
        lines.append(f"certificate {certificate.code} of {learner.email} revoked")
    return lines
