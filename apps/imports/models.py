"""Bulk imports of people, in an organization's schema: one job per uploaded file, one report row per data
row of that file."""

from django.conf import settings
from django.db import models
from django.utils.translation import pgettext_lazy


class ImportJob(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("import status", "Queued")
        RUNNING = "running", pgettext_lazy("import status", "Running")
        COMPLETED = "completed", pgettext_lazy("import status", "Completed")
        FAILED = "failed", pgettext_lazy("import status", "Failed")

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"

    FINISHED = (Status.COMPLETED, Status.FAILED)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by_email = models.EmailField(blank=True, help_text="Kept when the uploader is deleted.")
    filename = models.CharField(max_length=255)
    file_format = models.CharField(max_length=8, choices=Format.choices)
    size_bytes = models.PositiveIntegerField()
    # The uploaded file itself (at most 5 MB), so that any worker can run or re-run the job without a
    # shared file system. Lists defer it.
    source = models.BinaryField()
    send_invitations = models.BooleanField(default=False)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED, db_index=True)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    failed_count = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True, help_text="Why the job as a whole stopped, if it did.")
    # Where the upload came from, for the audit entries the job writes when it runs in a worker.
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Import #{self.pk} ({self.filename})"

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED

    # What a finished job achieved, which its status alone does not say: an import whose every row failed
    # "completed" its run but imported nobody. Pages and the API show this rather than the bare status.
    OUTCOME_LABELS = {
        "queued": pgettext_lazy("import status", "Queued"),
        "running": pgettext_lazy("import status", "Running"),
        "completed": pgettext_lazy("import status", "Completed"),
        "completed_with_errors": pgettext_lazy("import status", "Completed with errors"),
        "failed": pgettext_lazy("import status", "Failed"),
    }

    @property
    def outcome(self) -> str:
        if self.status == self.Status.COMPLETED and self.failed_count:
            succeeded = self.created_count + self.updated_count + self.unchanged_count
            return "completed_with_errors" if succeeded else "failed"
        return self.status

    @property
    def outcome_display(self) -> str:
        return self.OUTCOME_LABELS.get(self.outcome, self.get_status_display())

    @property
    def progress_percent(self) -> int:
        if self.status == self.Status.COMPLETED:
            return 100
        if not self.total_rows:
            return 0
        return min(100, self.processed_rows * 100 // self.total_rows)


class ImportRow(models.Model):
    """What happened to one data row of an import: the report."""

    class Outcome(models.TextChoices):
        CREATED = "created", pgettext_lazy("import row", "Created")
        UPDATED = "updated", pgettext_lazy("import row", "Updated")
        UNCHANGED = "unchanged", pgettext_lazy("import row", "Unchanged")
        FAILED = "failed", pgettext_lazy("import row", "Failed")

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="rows")
    row_number = models.PositiveIntegerField(help_text="The row's line in the file; the header is row 1.")
    email = models.CharField(max_length=254, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["job", "row_number"]
        constraints = [models.UniqueConstraint(fields=["job", "row_number"], name="import_row_once")]

    def __str__(self) -> str:
        return f"Row {self.row_number}: {self.outcome}"
