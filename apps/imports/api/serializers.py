from django.urls import reverse
from rest_framework import serializers

from apps.core.api.serializers import PlannedModelSerializer

from ..models import ImportJob
from ..parsing import max_bytes, max_rows


class ImportJobSerializer(PlannedModelSerializer):
    progress_percent = serializers.IntegerField(read_only=True, help_text="0 to 100.")
    created = serializers.IntegerField(source="created_count", read_only=True)
    updated = serializers.IntegerField(source="updated_count", read_only=True)
    unchanged = serializers.IntegerField(source="unchanged_count", read_only=True)
    failed = serializers.IntegerField(source="failed_count", read_only=True)
    created_by = serializers.EmailField(source="created_by_email", read_only=True)
    outcome = serializers.ChoiceField(
        choices=list(ImportJob.OUTCOME_LABELS),
        read_only=True,
        help_text="What the job achieved: `failed` also when it ran but every row failed, "
        "`completed_with_errors` when some rows failed.",
    )
    report_url = serializers.SerializerMethodField(help_text="Where the per-row report is, once finished.")
    page_url = serializers.SerializerMethodField()

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "status",
            "outcome",
            "filename",
            "file_format",
            "size_bytes",
            "send_invitations",
            "total_rows",
            "processed_rows",
            "progress_percent",
            "created",
            "updated",
            "unchanged",
            "failed",
            "error",
            "created_by",
            "created_at",
            "started_at",
            "finished_at",
            "report_url",
            "page_url",
        ]
        read_only_fields = fields

    def get_report_url(self, job) -> str | None:
        return reverse("api-import-report", args=[job.pk]) if job.is_finished else None

    def get_page_url(self, job) -> str:
        return reverse("imports:detail", args=[job.pk])


class ImportCreateSerializer(serializers.Serializer):
    """multipart/form-data with `file`; or JSON with the CSV text in `content` and its `filename`."""

    file = serializers.FileField(
        required=False,
        allow_empty_file=True,
        help_text=f"CSV (UTF-8, comma-separated) or XLSX; at most {max_bytes() // (1024 * 1024)} MB and "
        f"{max_rows():,} rows. Columns: email, name, role, branch (code), class (name).",
    )
    filename = serializers.CharField(
        required=False, max_length=255, help_text="With `content`: e.g. people.csv"
    )
    content = serializers.CharField(
        required=False, trim_whitespace=False, help_text="Instead of `file`: the CSV text itself."
    )
    send_invitations = serializers.BooleanField(required=False, default=False)

    def validate(self, attrs):
        if attrs.get("file") is None and attrs.get("content") is None:
            raise serializers.ValidationError(
                {
                    "file": [
                        "Upload a CSV or XLSX file in `file` (multipart/form-data), or send the CSV text "
                        "in `content`."
                    ]
                }
            )
        if attrs.get("file") is not None and attrs.get("content") is not None:
            raise serializers.ValidationError({"content": ["Send either `file` or `content`, not both."]})
        return attrs
