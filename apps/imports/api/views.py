"""Imports over the API: POST /api/v1/imports (multipart `file`), GET /api/v1/imports,
GET /api/v1/imports/{id} (status and progress), GET /api/v1/imports/{id}/report (the CSV report),
GET /api/v1/imports/template?file_format=csv|xlsx (a file to fill in: the header row and one example row).

Open to Org Admins and Branch Managers (and to API keys of theirs with the `imports:read|write` scopes);
a job the caller may not see answers 404, the same as a missing one."""

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from apps.accounts.permissions import IsOrgMember
from apps.core.api.parsers import JSONParser
from apps.core.api.views import ApiGenericView
from apps.core.errors import InvalidState

from ..parsing import read_upload
from ..report import report_response
from ..selectors import import_get, import_list
from ..services import import_create, may_import
from ..template import CONTENT_TYPES, WRITERS, import_template_file, template_response
from .serializers import ImportCreateSerializer, ImportJobSerializer


class IsImporter(IsOrgMember):
    message = "Only Org Admins and Branch Managers may import people."

    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and may_import(request.user)


class ImportListView(ApiGenericView):
    permission_classes = [IsImporter]
    api_key_scope = "imports"  # an API key needs imports:read to list, imports:write to upload
    # Documented as a multipart upload (`file`, or the CSV text in `content`); JSON with `content` works too.
    parser_classes = [MultiPartParser, JSONParser]
    serializer_class = ImportJobSerializer
    filter_fields = {
        "status": ["eq", "ne", "in", "nin"],
        "created_at": ["gt", "lt", "gte", "lte"],
        "file_format": ["eq", "in"],
    }
    sort_fields = ["created_at", "finished_at", "total_rows", "status"]
    default_sort = ["-created_at", "-id"]

    def get_queryset(self):
        return import_list(viewer=self.request.user)

    @extend_schema(responses={200: ImportJobSerializer(many=True)}, tags=["imports"])
    def get(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(ImportJobSerializer(page, many=True).data)

    @extend_schema(
        request={"multipart/form-data": ImportCreateSerializer},
        responses={201: ImportJobSerializer},
        tags=["imports"],
    )
    def post(self, request):
        serializer = ImportCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if data.get("file") is not None:
            filename, content = data["file"].name, read_upload(data["file"])
        else:
            filename, content = data.get("filename") or "upload.csv", data["content"].encode("utf-8")
        job = import_create(
            actor=request.user, filename=filename, content=content, send_invitations=data["send_invitations"]
        )
        # With eager tasks the job has already run; read it again to answer with where it stands.
        job = import_get(viewer=request.user, pk=job.pk) or job
        return Response(ImportJobSerializer(job).data, status=status.HTTP_201_CREATED)


class ImportObjectMixin:
    permission_classes = [IsImporter]
    api_key_scope = "imports"

    def get_job(self):
        job = import_get(viewer=self.request.user, pk=self.kwargs["pk"])
        if job is None:
            raise Http404
        return job


class ImportDetailView(ImportObjectMixin, ApiGenericView):
    serializer_class = ImportJobSerializer

    @extend_schema(responses={200: ImportJobSerializer}, tags=["imports"])
    def get(self, request, pk):
        return Response(ImportJobSerializer(self.get_job()).data)


class ImportReportView(ImportObjectMixin, ApiGenericView):
    serializer_class = ImportJobSerializer

    @extend_schema(
        responses={
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.BINARY,
                description="The per-row report as text/csv (UTF-8): row, email, outcome, reason.",
            ),
            409: OpenApiResponse(description="INVALID_STATE: the import has not finished yet."),
        },
        tags=["imports"],
    )
    def get(self, request, pk):
        job = self.get_job()
        if not job.is_finished:
            raise InvalidState(
                "The report is ready when the import has finished.", details={"status": [job.status]}
            )
        return report_response(job)


class ImportTemplateView(ApiGenericView):
    permission_classes = [IsImporter]
    api_key_scope = "imports"
    serializer_class = ImportJobSerializer

    @extend_schema(
        summary="Download the import template",
        parameters=[
            OpenApiParameter(
                "file_format",
                str,
                enum=list(WRITERS),
                default="csv",
                description="csv (UTF-8 with a BOM, for Excel) or xlsx.",
            )
        ],
        responses={
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.BINARY,
                description="The header row the import reads (email, name, role, branch, class) and one "
                "example row naming a branch the caller may import into.",
            ),
            (200, CONTENT_TYPES["xlsx"]): OpenApiResponse(
                OpenApiTypes.BINARY, description="The same rows as an Excel workbook (file_format=xlsx)."
            ),
        },
        tags=["imports"],
    )
    def get(self, request):
        file_format = request.query_params.get("file_format", "csv")
        return template_response(import_template_file(viewer=request.user, file_format=file_format))
