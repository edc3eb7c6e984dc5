"""Courses, their modules and content items (with versions), media, enrollments and progress, inside an
organization's schema.

    Course ─┬─ Module ── ContentItem ─┬─ ContentVersion   (every save; one is published to learners)
            │                         └─ ItemProgress      (per learner)
            ├─ MediaFile                                   (uploads, served through a permission check)
            ├─ EnrollmentRule                              (a class or branch: its people, also later ones)
            └─ Enrollment                                  (one per learner; withdrawn ones keep history)
"""

import uuid

from django.conf import settings
from django.db import connection, models
from django.db.models.functions import Lower
from django.utils.translation import pgettext, pgettext_lazy

from .kinds import LessonKind, kind_choices, kind_for


class Category(models.Model):
    name = models.CharField(max_length=80)
    slug = models.SlugField(max_length=80)
    description = models.TextField(blank=True, max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"
        constraints = [models.UniqueConstraint(Lower("slug"), name="category_slug_unique_ci")]

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    name = models.CharField(max_length=40)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="tag_name_unique_ci")]

    def __str__(self) -> str:
        return self.name


def cover_path(instance, filename: str) -> str:
    return f"{connection.schema_name}/covers/{uuid.uuid4().hex}{_suffix(filename)}"


def media_path(instance, filename: str) -> str:
    # Each organization's files live under its schema name; names are random, never the uploader's.
    return f"{connection.schema_name}/media/{uuid.uuid4().hex}{_suffix(filename)}"


def _suffix(filename: str) -> str:
    dot = filename.rfind(".")
    suffix = filename[dot:].lower() if dot > 0 else ""
    return suffix if len(suffix) <= 8 and suffix[1:].isalnum() else ""


class Course(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("course status", "Draft")
        PUBLISHED = "published", pgettext_lazy("course status", "Published")
        ARCHIVED = "archived", pgettext_lazy("course status", "Archived")

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80)
    summary = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True, help_text="Markdown; shown sanitized.")
    description_html = models.TextField(blank=True, editable=False)
    cover = models.ImageField(upload_to=cover_path, blank=True, max_length=255)
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="courses"
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="courses")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True)
    # No branches: the whole organization may see it (only Org Admins make such courses).
    branches = models.ManyToManyField("hierarchy.Branch", blank=True, related_name="courses")
    prerequisites = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="unlocks")
    estimated_minutes = models.PositiveIntegerField(null=True, blank=True)
    self_enrollment = models.BooleanField(
        default=True, help_text="Learners who can see the course may enroll themselves."
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="owned_courses"
    )
    co_teachers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="co_taught_courses"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "pk"]
        constraints = [models.UniqueConstraint(Lower("slug"), name="course_slug_unique_ci")]

    def __str__(self) -> str:
        return self.title

    # The relations as lists. Selectors prefetch them into plain lists (Prefetch(to_attr=...)), which skips
    # Django building a related manager's queryset per course: a fifth of a catalog request's time otherwise.
    def _related(self, attr: str, relation: str) -> list:
        prefetched = getattr(self, attr, None)
        return prefetched if prefetched is not None else list(getattr(self, relation).all())

    @property
    def tag_list(self) -> list:
        return self._related("prefetched_tags", "tags")

    @property
    def branch_list(self) -> list:
        return self._related("prefetched_branches", "branches")

    @property
    def co_teacher_list(self) -> list:
        return self._related("prefetched_co_teachers", "co_teachers")

    @property
    def prerequisite_list(self) -> list:
        return self._related("prefetched_prerequisites", "prerequisites")


class Module(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="modules")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=2000)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["course_id", "position", "pk"]

    def __str__(self) -> str:
        return self.title


class ContentItem(models.Model):
    """One lesson of a module. What learners see is its published version; what teachers edit is its latest
    version. A quiz item (assessments) is one more kind whose version points at the assessment."""

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="items")
    # Denormalized from the module, so item queries (progress roll-up, catalog counts) need no join.
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="items")
    # A registered lesson kind (apps.courses.kinds): the choices are read from the registry, so a new kind
    # needs no migration.
    kind = models.CharField(max_length=16, choices=kind_choices)
    position = models.PositiveIntegerField(default=0)
    # Mirrors of the latest version, for lists and the editor.
    title = models.CharField(max_length=200)
    latest_version = models.ForeignKey(
        "ContentVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_version = models.ForeignKey(
        "ContentVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    estimated_minutes = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["module__position", "module_id", "position", "pk"]
        indexes = [models.Index(fields=["course", "module", "position"], name="item_course_order")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.published_version_id is not None

    @property
    def lesson_kind(self) -> LessonKind | None:
        """The registered kind of this lesson (None for a kind no longer registered)."""
        return kind_for(self.kind)


class ContentVersion(models.Model):
    """An immutable snapshot of a content item. Text is stored as written and as sanitized HTML."""

    class Format(models.TextChoices):
        MARKDOWN = "markdown", "Markdown"
        HTML = "html", "HTML"

    item = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True, help_text="As written (Markdown or HTML).")
    body_format = models.CharField(max_length=16, choices=Format.choices, default=Format.MARKDOWN)
    body_html = models.TextField(blank=True, help_text="Sanitized HTML: the only form shown to anyone.")
    video_url = models.URLField(blank=True, max_length=500, help_text="An embed from an allowed provider.")
    embed_url = models.URLField(blank=True, max_length=500)
    url = models.URLField(blank=True, max_length=1000, help_text="External link.")
    media = models.ForeignKey(
        "MediaFile", null=True, blank=True, on_delete=models.SET_NULL, related_name="versions"
    )
    data = models.JSONField(default=dict, blank=True, help_text="Kind-specific extras (quiz: assessment id).")
    duration_seconds = models.PositiveIntegerField(null=True, blank=True)
    note = models.CharField(max_length=200, blank=True, help_text="What changed, in the author's words.")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["item_id", "-number"]
        constraints = [models.UniqueConstraint(fields=["item", "number"], name="version_number_unique")]

    def __str__(self) -> str:
        return f"{self.title} v{self.number}"


class MediaFile(models.Model):
    """An uploaded file of a course. Its real type was sniffed from its bytes; it is served only through
    the media view, to people who may see the course (and the item it belongs to)."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="media")
    item = models.ForeignKey(
        ContentItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="media"
    )
    file = models.FileField(upload_to=media_path, max_length=255)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.original_name


class EnrollmentRule(models.Model):
    """'Everyone learning in this class (or branch) takes this course', also people who join later."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="enrollment_rules")
    school_class = models.ForeignKey(
        "hierarchy.SchoolClass", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    branch = models.ForeignKey(
        "hierarchy.Branch", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    due_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="rule_targets_class_or_branch",
                condition=models.Q(school_class__isnull=False, branch__isnull=True)
                | models.Q(school_class__isnull=True, branch__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["course", "school_class", "branch"], nulls_distinct=False, name="rule_unique_target"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course} for {self.school_class or self.branch}"


class Enrollment(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("enrollment status", "In progress")
        COMPLETED = "completed", pgettext_lazy("enrollment status", "Completed")
        WITHDRAWN = "withdrawn", pgettext_lazy("enrollment status", "Withdrawn")

    class Source(models.TextChoices):
        SELF = "self", pgettext_lazy("enrollment source", "Self-enrolled")
        ASSIGNED = "assigned", pgettext_lazy("enrollment source", "Assigned")
        CLASS = "class", pgettext_lazy("enrollment source", "Through a class")
        BRANCH = "branch", pgettext_lazy("enrollment source", "Through a branch")

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="enrollments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.ASSIGNED)
    rule = models.ForeignKey(
        EnrollmentRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="enrollments"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_at = models.DateTimeField(null=True, blank=True)
    progress_percent = models.PositiveSmallIntegerField(default=0)
    completed_items = models.PositiveIntegerField(default=0)
    total_items = models.PositiveIntegerField(default=0)
    enrolled_at = models.DateTimeField(auto_now_add=True)
    last_activity_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-enrolled_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["course", "user"], name="enrollment_unique")]
        indexes = [models.Index(fields=["user", "status"], name="enrollment_user_status")]

    def __str__(self) -> str:
        return f"{self.user} in {self.course}"

    @property
    def is_active(self) -> bool:
        return self.status != self.Status.WITHDRAWN

    @property
    def is_started(self) -> bool:
        """Whether the learner has opened anything: an active enrollment with no activity is "not started"."""
        return bool(self.last_activity_at or self.completed_items or self.progress_percent)

    @property
    def state(self) -> str:
        """The status as people read it: `not_started` for an active enrollment nobody has begun."""
        if self.status == self.Status.ACTIVE and not self.is_started:
            return "not_started"
        return self.status

    @property
    def state_display(self) -> str:
        return (
            pgettext("enrollment status", "Not started")
            if self.state == "not_started"
            else self.get_status_display()
        )


class ItemProgress(models.Model):
    """A learner's progress on one content item. Kept when they are unenrolled."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="item_progress")
    item = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="progress")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="item_progress")
    started_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    time_spent_seconds = models.PositiveIntegerField(default=0)
    last_position_seconds = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "item"], name="progress_unique")]
        indexes = [models.Index(fields=["user", "course"], name="progress_user_course")]

    def __str__(self) -> str:
        return f"{self.user} on {self.item}"

    @property
    def is_completed(self) -> bool:
        return self.completed_at is not None
