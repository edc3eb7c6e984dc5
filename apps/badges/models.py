"""Badges, in an organization's schema.

IssuerProfile (one per organization: the Open Badges Issuer; its uuid names its public URLs)
  └─ SigningKey (RSA, RS256: signed OB 2.0 assertions and OB 3.0 VC-JWTs; old keys kept, retired)
Badge (a definition: name, image, criteria narrative, tags, alignment, expiry, draft/active/archived)
  ├─ BadgeCriterion (complete course X, N courses, Y % on quiz Z, an N-day streak, badges A and B, manual)
  ├─ BadgeProgress (per learner: each criterion's current value and target, updated from events)
  └─ BadgeAward (an Open Badges Assertion: hashed recipient, expiry, evidence, soft revoke)
ActivityDay (a learner's days with a completed lesson: the streak criterion reads them)
"""

import uuid

from django.conf import settings
from django.db import connection, models
from django.db.models import Q
from django.utils.translation import pgettext_lazy

from apps.assessments.models import Assessment
from apps.courses.models import Category, Course, Tag


def badge_image_path(instance, filename: str) -> str:
    # Each organization's files live under its schema name; names are random, never the uploader's.
    return f"{connection.schema_name}/badges/{uuid.uuid4().hex}.png"


def issuer_image_path(instance, filename: str) -> str:
    return f"{connection.schema_name}/badges/issuer-{uuid.uuid4().hex}.png"


class IssuerProfile(models.Model):
    """The organization as an Open Badges issuer. One row (made on first use); `uid` is in every public URL
    and never changes, so badges already issued stay verifiable when the name or domain changes."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200)
    url = models.URLField(max_length=500)
    email = models.EmailField()
    description = models.TextField(blank=True, max_length=2000)
    image = models.ImageField(upload_to=issuer_image_path, blank=True, max_length=255)
    # The host the first badge was issued on: public ids stay on it (a domain change redirects).
    origin = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.name


class SigningKey(models.Model):
    """An RSA key pair of the organization (RS256). The newest unretired key signs; retired keys still
    verify what they signed. The private key is stored encrypted (apps/badges/openbadges/keys.py)."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    public_key_pem = models.TextField()
    private_key_encrypted = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return str(self.uid)


class Badge(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("badge status", "Draft")
        ACTIVE = "active", pgettext_lazy("badge status", "Active")
        ARCHIVED = "archived", pgettext_lazy("badge status", "Archived")

    class Expiry(models.TextChoices):
        NONE = "none", pgettext_lazy("badge expiry", "Never expires")
        DATE = "date", pgettext_lazy("badge expiry", "On a fixed date")
        DAYS = "days", pgettext_lazy("badge expiry", "Some days after the award")

    class Mode(models.TextChoices):
        ALL = "all", pgettext_lazy("badge criteria", "All criteria")
        ANY = "any", pgettext_lazy("badge criteria", "Any criterion")

    class ImageSource(models.TextChoices):
        UPLOAD = "upload", pgettext_lazy("badge image", "Uploaded")
        GENERATED = "generated", pgettext_lazy("badge image", "Generated from the organization's colours")

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200)
    description = models.TextField(max_length=2000)
    image = models.ImageField(upload_to=badge_image_path, blank=True, max_length=255)
    image_source = models.CharField(max_length=16, choices=ImageSource.choices, default=ImageSource.GENERATED)
    criteria_narrative = models.TextField(blank=True, max_length=5000, help_text="Markdown.")
    tags = models.ManyToManyField(Tag, blank=True, related_name="badges")
    # Open Badges AlignmentObject list: [{"targetName", "targetUrl", "targetDescription", "targetFramework",
    # "targetCode"}], targetName and targetUrl required.
    alignment = models.JSONField(default=list, blank=True)
    expiry = models.CharField(max_length=8, choices=Expiry.choices, default=Expiry.NONE)
    expires_on = models.DateField(null=True, blank=True)
    expires_after_days = models.PositiveIntegerField(null=True, blank=True)
    criteria_mode = models.CharField(max_length=4, choices=Mode.choices, default=Mode.ALL)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True)
    # A course's badge (its editors manage it) or, when null, the organization's (Org Admins).
    course = models.ForeignKey(
        Course, null=True, blank=True, on_delete=models.SET_NULL, related_name="badges"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(expiry="date") | Q(expires_on__isnull=False), name="badge_expiry_date_set"
            ),
            models.CheckConstraint(
                condition=~Q(expiry="days") | Q(expires_after_days__gt=0), name="badge_expiry_days_set"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class BadgeCriterion(models.Model):
    class Kind(models.TextChoices):
        COURSE = "course", pgettext_lazy("badge criterion", "Complete a course")
        COURSES = "courses", pgettext_lazy("badge criterion", "Complete a number of courses")
        QUIZ = "quiz", pgettext_lazy("badge criterion", "Score at least a percentage on a quiz")
        STREAK = "streak", pgettext_lazy("badge criterion", "Learn on consecutive days")
        BADGES = "badges", pgettext_lazy("badge criterion", "Earn other badges")
        MANUAL = "manual", pgettext_lazy("badge criterion", "Awarded by hand only")

    badge = models.ForeignKey(Badge, on_delete=models.CASCADE, related_name="criteria")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    course = models.ForeignKey(Course, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    assessment = models.ForeignKey(
        Assessment, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # courses: N courses; streak: N days.
    count = models.PositiveIntegerField(null=True, blank=True)
    min_percent = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    required_badges = models.ManyToManyField(Badge, blank=True, related_name="required_by")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["badge_id", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="course") | Q(course__isnull=False), name="crit_course_set"
            ),
            models.CheckConstraint(condition=~Q(kind="courses") | Q(count__gt=0), name="crit_courses_count"),
            models.CheckConstraint(
                condition=~Q(kind="quiz") | (Q(assessment__isnull=False) & Q(min_percent__isnull=False)),
                name="crit_quiz_set",
            ),
            models.CheckConstraint(condition=~Q(kind="streak") | Q(count__gt=0), name="crit_streak_count"),
        ]

    def __str__(self) -> str:
        return f"{self.badge_id}:{self.kind}"


class BadgeProgress(models.Model):
    """A learner's progress towards a badge, updated by the event subscribers. `state` maps each
    criterion's id (a string) to {"current": n, "target": n, "met": bool}; `percent` is 0..100."""

    badge = models.ForeignKey(Badge, on_delete=models.CASCADE, related_name="progress")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="badge_progress"
    )
    state = models.JSONField(default=dict)
    percent = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["badge", "user"], name="badge_progress_once")]

    def __str__(self) -> str:
        return f"{self.badge_id}:{self.user_id} {self.percent}%"


class BadgeAward(models.Model):
    """An award: the Open Badges Assertion. One unrevoked award per learner and badge (the constraint makes
    redelivered and concurrent events award once). The recipient's email is normalized (trimmed,
    lowercased) at award time and hashed with the award's own salt: `identity_hash` = "sha256$" +
    sha256(email + salt)."""

    class Source(models.TextChoices):
        AUTOMATIC = "automatic", pgettext_lazy("badge award", "Earned")
        MANUAL = "manual", pgettext_lazy("badge award", "Awarded by hand")

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    badge = models.ForeignKey(Badge, on_delete=models.PROTECT, related_name="awards")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="badge_awards")
    recipient_email = models.EmailField()
    salt = models.CharField(max_length=64)
    identity_hash = models.CharField(max_length=80)
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField(null=True, blank=True)
    source = models.CharField(max_length=16, choices=Source.choices)
    awarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True, max_length=2000)
    evidence_url = models.URLField(blank=True, max_length=500)
    evidence_narrative = models.TextField(blank=True, max_length=2000)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revocation_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["badge", "user"], condition=Q(revoked_at__isnull=True), name="badge_award_once"
            )
        ]
        indexes = [models.Index(fields=["user", "-issued_at"], name="badge_award_user")]

    def __str__(self) -> str:
        return str(self.uid)


class ActivityDay(models.Model):
    """A day (in the learner's time zone) on which the learner completed at least one lesson."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="activity_day_once")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.day}"
