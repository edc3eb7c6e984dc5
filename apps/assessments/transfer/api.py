"""Question imports and exports over the API:

    GET  /api/v1/question-imports              the caller's import jobs (Org Admins: all), newest first
    POST /api/v1/question-imports              multipart: file, category_id, assessment_id?, format?
                                               (gift|qti; read from the file when left out), apply_settings?
    GET  /api/v1/question-imports/{id}         status, progress, counts and the per-question report
    GET  /api/v1/assessments/{id}/export?format=gift|qti           a quiz's questions as a file
    GET  /api/v1/question-categories/{id}/export?format=gift|qti   a category's questions as a file

Teachers, Branch Managers and Org Admins (others get 403); a job, quiz or category outside the caller's
scope answers 404, the same as a missing one. A file over its format's limit answers 413
PAYLOAD_TOO_LARGE before anything is stored. API keys need the `assessments` scope."""

from django.http import Http404, HttpResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from apps.accounts.scoped_api import AUTHOR, ScopedApiView
from apps.core.api.parsers import JSONParser
from apps.core.api.serializers import PlannedSerializer
from apps.core.errors import ValidationFailed

from ..bank.selectors import category_get
from ..models import TransferJob
from ..quizzes.selectors import assessment_get
from . import selectors, services

TAGS = ["question imports"]
FORMAT_PARAMETER = OpenApiParameter("format", str, enum=list(services.FORMATS), required=True)


# A job read by selectors.job_rows and passed through `prepared` (its progress, uploader and page link). No
# docstring: drf-spectacular would publish it as the schema's description.
class TransferJobSerializer(PlannedSerializer):
    id = serializers.IntegerField(read_only=True)
    status = serializers.ChoiceField(choices=TransferJob.Status.choices, read_only=True)
    file_format = serializers.ChoiceField(choices=TransferJob.Format.choices, read_only=True)
    filename = serializers.CharField(read_only=True)
    size_bytes = serializers.IntegerField(read_only=True)
    category_id = serializers.IntegerField(read_only=True, allow_null=True)
    course_id = serializers.IntegerField(read_only=True, allow_null=True)
    assessment_id = serializers.IntegerField(read_only=True, allow_null=True)
    total = serializers.IntegerField(
        source="progress_total", read_only=True, help_text="Questions in the file (parsed and skipped)."
    )
    processed = serializers.IntegerField(source="progress_processed", read_only=True)
    progress_percent = serializers.IntegerField(read_only=True, help_text="0 to 100.")
    created = serializers.IntegerField(source="progress_created", read_only=True)
    skipped = serializers.IntegerField(source="progress_skipped", read_only=True)
    error = serializers.CharField(read_only=True, help_text="Why the job failed (nothing was imported).")
    created_by = serializers.CharField(source="created_by_email", read_only=True, allow_null=True)
    created_at = serializers.DateTimeField(read_only=True)
    started_at = serializers.DateTimeField(read_only=True, allow_null=True)
    finished_at = serializers.DateTimeField(read_only=True, allow_null=True)
    page_url = serializers.CharField(read_only=True)


PAGE_SENTINEL = 918273645


def prepared(jobs):
    """The jobs with what TransferJobSerializer writes beyond their columns: their progress (while a job
    runs, as it last published it), the uploader's address and the job page's link (reversed once)."""
    head, tail = reverse("assessments:import_detail", args=[PAGE_SENTINEL]).rsplit(str(PAGE_SENTINEL), 1)
    for job in jobs:
        progress = selectors.progress_of(job)
        job.progress_total = progress.total
        job.progress_processed = progress.processed
        job.progress_created = progress.created
        job.progress_skipped = progress.skipped
        job.progress_percent = progress.percent
        if "created_by_email" not in job.__dict__:
            job.created_by_email = job.created_by.email if job.created_by_id else None
        job.page_url = f"{head}{job.pk}{tail}"
    return jobs


class ReportRowSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["question", "group", "settings"])
    ref = serializers.CharField(help_text="Where in the file: a GIFT line, a QTI item ident.")
    name = serializers.CharField()
    outcome = serializers.ChoiceField(choices=["created", "skipped", "applied"])
    reason = serializers.CharField()
    question_id = serializers.IntegerField(allow_null=True, required=False)


class TransferJobDetailSerializer(TransferJobSerializer):
    report = serializers.ListField(child=serializers.DictField(), read_only=True)


class TransferCreateSerializer(serializers.Serializer):
    file = serializers.FileField(
        allow_empty_file=True,
        help_text="A GIFT text file (at most 2 MB) or a QTI package (ZIP, at most 20 MB).",
    )
    category_id = serializers.IntegerField(min_value=1, max_value=10**12, help_text="The target category.")
    assessment_id = serializers.IntegerField(
        min_value=1,
        max_value=10**12,
        required=False,
        allow_null=True,
        help_text="Also add them to this quiz.",
    )
    format = serializers.ChoiceField(choices=list(services.FORMATS), required=False, allow_blank=True)
    apply_settings = serializers.BooleanField(
        required=False, default=False, help_text="QTI: apply the package's quiz settings to the quiz."
    )


class TransferApiView(ScopedApiView):
    access = {"GET": AUTHOR, "POST": AUTHOR}
    api_key_scope = "assessments"


class ImportListView(TransferApiView):
    # Documented as a multipart upload; a JSON body is parsed too (and refused: it carries no file).
    parser_classes = [MultiPartParser, JSONParser]
    serializer_class = TransferJobSerializer
    filter_fields = {
        "status": ["eq", "ne", "in", "nin"],
        "file_format": ["eq", "in"],
        "category_id": ["eq", "in"],
        "assessment_id": ["eq", "in"],
        "created_at": ["gt", "lt", "gte", "lte"],
    }
    sort_fields = ["created_at", "finished_at", "status", "filename"]
    default_sort = ["-created_at", "-id"]

    def get_queryset(self):
        return selectors.job_rows(viewer=self.request.user)

    @extend_schema(responses={200: TransferJobSerializer(many=True)}, tags=TAGS)
    def get(self, request):
        return self.listing(self.get_queryset(), prepare=prepared)

    @extend_schema(
        request={"multipart/form-data": TransferCreateSerializer},
        responses={
            201: TransferJobDetailSerializer,
            413: OpenApiResponse(description="PAYLOAD_TOO_LARGE: the file is over its format's limit."),
        },
        tags=TAGS,
    )
    def post(self, request):
        """Upload a file to import into a category (and optionally a quiz). The job runs in the
        background: follow it at GET /question-imports/{id}."""
        data = self.valid(TransferCreateSerializer)
        category = category_get(viewer=request.user, pk=data["category_id"])
        if category is None:
            raise ValidationFailed({"category_id": ["No such category."]})
        assessment = None
        if data.get("assessment_id"):
            assessment = assessment_get(viewer=request.user, pk=data["assessment_id"])
            if assessment is None or not assessment.viewer_edits:
                raise ValidationFailed({"assessment_id": ["No such quiz."]})
        job = services.transfer_create(
            actor=request.user,
            upload=data["file"],
            category=category,
            assessment=assessment,
            file_format=data.get("format") or None,
            apply_settings=data.get("apply_settings", False),
        )
        # With eager tasks the job may have run already; read it again to answer with where it stands.
        job = selectors.job_row(viewer=request.user, pk=job.pk) or job
        prepared([job])
        return self.one(job, TransferJobDetailSerializer, status=status.HTTP_201_CREATED)


class ImportDetailView(TransferApiView):
    serializer_class = TransferJobDetailSerializer

    @extend_schema(responses={200: TransferJobDetailSerializer}, tags=TAGS)
    def get(self, request, pk):
        job = selectors.job_row(viewer=request.user, pk=pk)
        if job is None:
            raise Http404
        prepared([job])
        return self.one(job)


class _FileNegotiation(DefaultContentNegotiation):
    """Files go out whatever the client accepts, and `?format=` names the file's format (not one of DRF's
    renderers); errors still answer in the JSON envelope."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def file_response(export) -> HttpResponse:
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


class ExportView(TransferApiView):
    content_negotiation_class = _FileNegotiation
    pagination_class = None
    serializer_class = TransferJobSerializer  # for the schema only: the answer is a file

    def finalize_response(self, request, response, *args, **kwargs):
        if not isinstance(response, Response):
            self._sparse_fields = None  # nothing to prune in a file
        return super().finalize_response(request, response, *args, **kwargs)

    def file_format(self) -> str:
        # DRF reserves ?format= for its renderers; read the raw query string.
        value = self.request.GET.get("format", "").strip().lower()
        if value not in services.FORMATS:
            raise ValidationFailed({"format": ["Use gift or qti."]})
        return value


EXPORT_RESPONSES = {
    (200, "text/plain"): OpenApiResponse(OpenApiTypes.BINARY, description="format=gift: a GIFT file."),
    (200, "application/zip"): OpenApiResponse(
        OpenApiTypes.BINARY, description="format=qti: a QTI 1.2 package (Canvas's shape)."
    ),
}


class AssessmentExportView(ExportView):
    @extend_schema(parameters=[FORMAT_PARAMETER], responses=EXPORT_RESPONSES, tags=TAGS)
    def get(self, request, pk):
        file_format = self.file_format()
        assessment = assessment_get(viewer=request.user, pk=pk)
        if assessment is None or not assessment.viewer_edits:
            raise Http404
        export = selectors.assessment_export(
            viewer=request.user, assessment=assessment, file_format=file_format
        )
        if export is None:
            raise Http404
        return file_response(export)


class CategoryExportView(ExportView):
    @extend_schema(parameters=[FORMAT_PARAMETER], responses=EXPORT_RESPONSES, tags=TAGS)
    def get(self, request, pk):
        file_format = self.file_format()
        category = category_get(viewer=request.user, pk=pk)
        if category is None:
            raise Http404
        export = selectors.category_export(viewer=request.user, category=category, file_format=file_format)
        if export is None:
            raise Http404
        return file_response(export)
