"""Certificates, in an organization's schema.

CertificateTemplate (branding, page, layout, fields) ─ TemplateVersion (every saved change; frozen)
CertificateRule (a course or a quiz names its template, expiry and whether completion issues it)
Certificate (an issue: snapshot of what is printed, verify uuid + short code, PDF, soft revoke;
             `replaces` links a recertification to the certificate it renews)
Verification (every public verification, found or not: rate limits and the log)
BulkJob (issue for a course or class, or re-render after a template change, in the background)
"""

import uuid

from django.conf import settings
from django.db import connection, models
from django.db.models import Q
from django.utils.translation import pgettext_lazy

from apps.assessments.models import Assessment
from apps.courses.models import Course
from apps.hierarchy.models import SchoolClass


def template_file_path(instance, filename: str) -> str:
    dot = filename.rfind(".")
    suffix = filename[dot:].lower() if dot > 0 and len(filename) - dot <= 6 else ""
    return f"{connection.schema_name}/certificates/assets/{uuid.uuid4().hex}{suffix}"


def pdf_path(instance, filename: str) -> str:
    return f"{connection.schema_name}/certificates/pdf/{uuid.uuid4().hex}.pdf"


class CertificateTemplate(models.Model):
    class Layout(models.TextChoices):
        CLASSIC = "classic", pgettext_lazy("certificate layout", "Classic (framed)")
        MODERN = "modern", pgettext_lazy("certificate layout", "Modern (side band)")
        MINIMAL = "minimal", pgettext_lazy("certificate layout", "Minimal")
        CUSTOM = "custom", pgettext_lazy("certificate layout", "Custom field positions")

    class PageSize(models.TextChoices):
        A4 = "a4", "A4"
        LETTER = "letter", pgettext_lazy("paper size", "Letter")

    class Orientation(models.TextChoices):
        LANDSCAPE = "landscape", pgettext_lazy("page orientation", "Landscape")
        PORTRAIT = "portrait", pgettext_lazy("page orientation", "Portrait")

    class Status(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("certificate template status", "Active")
        ARCHIVED = "archived", pgettext_lazy("certificate template status", "Archived")

    name = models.CharField(max_length=200)
    layout = models.CharField(max_length=16, choices=Layout.choices, default=Layout.CLASSIC)
    page_size = models.CharField(max_length=8, choices=PageSize.choices, default=PageSize.A4)
    orientation = models.CharField(max_length=10, choices=Orientation.choices, default=Orientation.LANDSCAPE)
    primary_color = models.CharField(max_length=7, default="#1d4ed8")
    accent_color = models.CharField(max_length=7, default="#f59e0b")
    logo = models.ImageField(upload_to=template_file_path, blank=True, max_length=255)
    signature_image = models.ImageField(upload_to=template_file_path, blank=True, max_length=255)
    signer_name = models.CharField(max_length=200, blank=True)
    signer_title = models.CharField(max_length=200, blank=True)
    title_text = models.CharField(max_length=200, default="Certificate of completion")
    # Placeholders: {learner}, {course}, {grade}, {issued_on}, {expires_on}, {organization}, {code}.
    body_text = models.TextField(
        max_length=2000, default="This certifies that {learner} has completed {course}."
    )
    # Custom layout: {field: {"x": mm, "y": mm, "size": pt, "align": "left|center|right"}} for the fields
    # learner, course, body, grade, date, code, qr, signature, logo (apps/certificates/rendering).
    fields = models.JSONField(default=dict, blank=True)
    version = models.PositiveIntegerField(default=1)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class TemplateVersion(models.Model):
    """A template as it was at one save: `snapshot` holds every field above (file fields as storage
    names), so a certificate re-renders exactly as issued."""

    template = models.ForeignKey(CertificateTemplate, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    snapshot = models.JSONField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["template_id", "-number"]
        constraints = [models.UniqueConstraint(fields=["template", "number"], name="template_version_once")]

    def __str__(self) -> str:
        return f"{self.template_id} v{self.number}"


class CertificateRule(models.Model):
    """What a course (or a quiz) issues: its template, how long certificates last, and whether completing
    the course (or passing the quiz) issues one automatically."""

    course = models.OneToOneField(
        Course, null=True, blank=True, on_delete=models.CASCADE, related_name="certificate_rule"
    )
    assessment = models.OneToOneField(
        Assessment, null=True, blank=True, on_delete=models.CASCADE, related_name="certificate_rule"
    )
    template = models.ForeignKey(CertificateTemplate, on_delete=models.PROTECT, related_name="rules")
    expiry_months = models.PositiveIntegerField(null=True, blank=True, help_text="Empty: never expires.")
    auto_issue = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(course__isnull=False, assessment__isnull=True)
                | Q(course__isnull=True, assessment__isnull=False),
                name="certificate_rule_one_target",
            )
        ]

    def __str__(self) -> str:
        return f"rule of course {self.course_id}" if self.course_id else f"rule of quiz {self.assessment_id}"


class Certificate(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("certificate status", "Valid")
        REVOKED = "revoked", pgettext_lazy("certificate status", "Revoked")

    class RenderState(models.TextChoices):
        PENDING = "pending", pgettext_lazy("certificate file", "Being prepared")
        READY = "ready", pgettext_lazy("certificate file", "Ready")
        FAILED = "failed", pgettext_lazy("certificate file", "Failed")

    class Source(models.TextChoices):
        AUTOMATIC = "automatic", pgettext_lazy("certificate source", "Earned")
        MANUAL = "manual", pgettext_lazy("certificate source", "Issued by hand")
        BULK = "bulk", pgettext_lazy("certificate source", "Issued in bulk")
        RECERTIFICATION = "recertification", pgettext_lazy("certificate source", "Recertification")

    verify_uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Moodle's shape: 10 random digits + 2 capitals (the learner's initials, or random); unique, retried.
    code = models.CharField(max_length=16, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="certificates")
    template = models.ForeignKey(CertificateTemplate, on_delete=models.PROTECT, related_name="certificates")
    template_version = models.ForeignKey(TemplateVersion, on_delete=models.PROTECT, related_name="+")
    course = models.ForeignKey(Course, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    assessment = models.ForeignKey(
        Assessment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # What is printed, frozen at issue: {"learner", "course", "grade", "organization", "issued_on",
    # "expires_on", ...}; a re-render reads only this and the template version.
    data = models.JSONField(default=dict)
    source = models.CharField(max_length=16, choices=Source.choices)
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revocation_reason = models.CharField(max_length=500, blank=True)
    replaces = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="renewed_by"
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    pdf = models.FileField(upload_to=pdf_path, blank=True, max_length=255)
    render_state = models.CharField(
        max_length=16, choices=RenderState.choices, default=RenderState.PENDING, db_index=True
    )
    rendered_at = models.DateTimeField(null=True, blank=True)
    # Bumped by a reissue (same code, new template version): the task renders only the newest.
    revision = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-issued_at", "-pk"]
        constraints = [
            # Automatic issue is once per learner and course (or quiz) among valid certificates.
            models.UniqueConstraint(
                fields=["user", "course"],
                condition=Q(status="active", course__isnull=False, replaces__isnull=True, source="automatic"),
                name="certificate_auto_once_course",
            ),
            models.UniqueConstraint(
                fields=["user", "assessment"],
                condition=Q(
                    status="active", assessment__isnull=False, replaces__isnull=True, source="automatic"
                ),
                name="certificate_auto_once_quiz",
            ),
        ]
        indexes = [models.Index(fields=["user", "-issued_at"], name="certificate_user")]

    def __str__(self) -> str:
        return self.code

    @property
    def is_expired(self) -> bool:
        """Computed, never stored (Moodle's rule): an expiry in the past."""
        from django.utils import timezone

        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def state(self) -> str:
        """What the verification page says: "revoked", "expired" or "valid"."""
        if self.status == self.Status.REVOKED:
            return "revoked"
        return "expired" if self.is_expired else "valid"


class Verification(models.Model):
    """One public verification: by code (the form), by uuid (the QR's URL) or through the API."""

    class Channel(models.TextChoices):
        PAGE = "page", "page"
        API = "api", "api"

    certificate = models.ForeignKey(
        Certificate, null=True, blank=True, on_delete=models.CASCADE, related_name="verifications"
    )
    looked_up = models.CharField(max_length=64)
    found = models.BooleanField()
    channel = models.CharField(max_length=8, choices=Channel.choices)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.looked_up} ({'found' if self.found else 'not found'})"


class BulkJob(models.Model):
    class Kind(models.TextChoices):
        ISSUE = "issue", pgettext_lazy("certificate job", "Issue")
        RERENDER = "rerender", pgettext_lazy("certificate job", "Re-render")

    class Status(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("job status", "Queued")
        RUNNING = "running", pgettext_lazy("job status", "Running")
        COMPLETED = "completed", pgettext_lazy("job status", "Completed")
        COMPLETED_WITH_ERRORS = "completed_with_errors", pgettext_lazy("job status", "Completed with errors")
        FAILED = "failed", pgettext_lazy("job status", "Failed")

    kind = models.CharField(max_length=16, choices=Kind.choices)
    status = models.CharField(max_length=24, choices=Status.choices, default=Status.QUEUED)
    course = models.ForeignKey(Course, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    school_class = models.ForeignKey(
        SchoolClass, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    template = models.ForeignKey(
        CertificateTemplate, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    # [{"user_id", "certificate_id" | null, "outcome": "issued|skipped|rendered|failed", "message"}]
    report = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} job {self.pk}"
