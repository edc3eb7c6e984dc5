"""/api/v1/certificate-templates: certificate templates, their versions, logo and signature uploads,
archive / restore, and a preview PDF with sample data.

Org Admins and Branch Managers read (anyone else 403 before any lookup); only Org Admins write (Branch
Managers get 403 on writes). Every change to what a template prints makes a new version
(`GET .../{id}/versions`). The custom layout's `fields` are positions in mm from the page's top-left
corner: `{"learner": {"x": 148.5, "y": 90, "size": 34, "align": "center"}, ...}`."""

from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from apps.accounts.scoped_api import ADMIN, MANAGER, ScopedApiView
from apps.certificates.models import CertificateTemplate, TemplateVersion
from apps.core.api.fields import SingleLineCharField
from apps.core.api.negotiation import AnyAcceptNegotiation
from apps.core.api.serializers import PlannedModelSerializer, PlannedSerializer
from apps.core.errors import ValidationFailed

from . import previews, selectors, services
from .serving import image_response

TAGS = ["certificate templates"]
Model = CertificateTemplate


# --- serializers -------------------------------------------------------------------------------------------


class TemplateAuthorSerializer(PlannedSerializer):
    id = serializers.IntegerField(read_only=True)
    full_name = serializers.CharField(read_only=True)


class TemplateSerializer(PlannedModelSerializer):
    logo = serializers.SerializerMethodField(help_text="The logo's URL, or null.")
    signature_image = serializers.SerializerMethodField(help_text="The signature's URL, or null.")
    created_by = TemplateAuthorSerializer(read_only=True, allow_null=True)
    certificate_count = serializers.IntegerField(read_only=True)
    rule_count = serializers.IntegerField(read_only=True, help_text="Course and quiz rules naming it.")

    class Meta:
        model = CertificateTemplate
        fields = [
            "id",
            "name",
            "status",
            "version",
            "layout",
            "page_size",
            "orientation",
            "primary_color",
            "accent_color",
            "logo",
            "signature_image",
            "signer_name",
            "signer_title",
            "title_text",
            "body_text",
            "fields",
            "certificate_count",
            "rule_count",
            "created_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_logo(self, template) -> str | None:
        return f"/api/v1/certificate-templates/{template.pk}/logo" if template.logo else None

    def get_signature_image(self, template) -> str | None:
        return f"/api/v1/certificate-templates/{template.pk}/signature" if template.signature_image else None


class TemplateWriteSerializer(serializers.Serializer):
    name = SingleLineCharField(max_length=200)
    layout = serializers.ChoiceField(choices=Model.Layout.choices, required=False)
    page_size = serializers.ChoiceField(choices=Model.PageSize.choices, required=False)
    orientation = serializers.ChoiceField(choices=Model.Orientation.choices, required=False)
    primary_color = serializers.RegexField(r"^#[0-9a-fA-F]{6}$", required=False, help_text="#rrggbb")
    accent_color = serializers.RegexField(r"^#[0-9a-fA-F]{6}$", required=False, help_text="#rrggbb")
    signer_name = SingleLineCharField(max_length=200, required=False, allow_blank=True)
    signer_title = SingleLineCharField(max_length=200, required=False, allow_blank=True)
    title_text = SingleLineCharField(max_length=200, required=False)
    body_text = serializers.CharField(
        max_length=2000, required=False, trim_whitespace=False,
        help_text="Placeholders: {learner} {course} {grade} {issued_on} {expires_on} {organization} {code}.",
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Declared here: a class attribute named `fields` would hide the serializer's own `fields`.
        self.fields["fields"] = serializers.JSONField(
            required=False, help_text="The custom layout's positions (see above)."
        )


class TemplateUpdateSerializer(TemplateWriteSerializer):
    name = SingleLineCharField(max_length=200, required=False)


class TemplateVersionSerializer(PlannedModelSerializer):
    created_by = TemplateAuthorSerializer(read_only=True, allow_null=True)
    current = serializers.SerializerMethodField()

    class Meta:
        model = TemplateVersion
        fields = ["number", "current", "snapshot", "created_by", "created_at"]
        read_only_fields = fields

    def get_current(self, version) -> bool:
        return version.number == self.context.get("current_number")


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="A PNG or JPEG, at most 2 MB and 4000 pixels a side.")


# --- views -------------------------------------------------------------------------------------------------


class TemplateApiView(ScopedApiView):
    api_key_scope = "certificates"
    access = {"GET": MANAGER, "POST": ADMIN, "PUT": ADMIN, "PATCH": ADMIN, "DELETE": ADMIN}
    serializer_class = TemplateSerializer

    def template(self) -> CertificateTemplate:
        template = selectors.template_get(viewer=self.request.user, pk=self.kwargs["pk"])
        if template is None:
            raise Http404
        return template

    def bare_template(self) -> CertificateTemplate:
        """The template (scoped like template()) without its counts: for its versions."""
        template = selectors.template_find(viewer=self.request.user, pk=self.kwargs["pk"])
        if template is None:
            raise Http404
        return template

    def fresh(self, pk) -> Response:
        return self.one(selectors.template_row(viewer=self.request.user, pk=pk))


class TemplateListView(TemplateApiView):
    filter_fields = {
        "name": ["eq", "like", "ilike"],
        "status": ["eq", "in"],
        "layout": ["eq", "in"],
        "created_at": ["gt", "lt", "gte", "lte"],
    }
    sort_fields = ["name", "created_at", "updated_at", "version"]
    default_sort = ["name", "id"]

    @extend_schema(responses={200: TemplateSerializer(many=True)}, tags=TAGS)
    def get(self, request):
        return self.listing(selectors.template_rows(viewer=request.user))

    @extend_schema(request=TemplateWriteSerializer, responses={201: TemplateSerializer}, tags=TAGS)
    def post(self, request):
        data = self.valid(TemplateWriteSerializer)
        template = services.template_create(actor=request.user, **data)
        response = self.fresh(template.pk)
        response.status_code = status.HTTP_201_CREATED
        return response


class TemplateDetailView(TemplateApiView):
    @extend_schema(responses={200: TemplateSerializer}, tags=TAGS)
    def get(self, request, pk):
        template = selectors.template_row(viewer=request.user, pk=pk)
        if template is None:
            raise Http404
        return self.one(template)

    @extend_schema(request=TemplateUpdateSerializer, responses={200: TemplateSerializer}, tags=TAGS)
    def put(self, request, pk):
        """Change what the template prints; the version goes up when anything changed."""
        template = self.template()
        data = self.valid(TemplateUpdateSerializer)
        services.template_update(actor=request.user, template=template, **data)
        return self.fresh(pk)

    @extend_schema(request=TemplateUpdateSerializer, responses={200: TemplateSerializer}, tags=TAGS)
    def patch(self, request, pk):
        return self.put(request, pk)

    @extend_schema(responses={204: None}, tags=TAGS)
    def delete(self, request, pk):
        """Only a template that no certificate and no rule uses (409 otherwise: archive it)."""
        services.template_delete(actor=request.user, template=self.template())
        return Response(status=status.HTTP_204_NO_CONTENT)


class TemplateVersionListView(TemplateApiView):
    serializer_class = TemplateVersionSerializer
    sort_fields = ["number", "created_at"]
    default_sort = ["-number"]

    @extend_schema(responses={200: TemplateVersionSerializer(many=True)}, tags=TAGS)
    def get(self, request, pk):
        template = self.bare_template()
        page = self.paginate_queryset(self.filter_queryset(selectors.version_rows(template=template)))
        context = {**self.get_serializer_context(), "current_number": template.version}
        return self.get_paginated_response(TemplateVersionSerializer(page, many=True, context=context).data)


class TemplateVersionDetailView(TemplateApiView):
    serializer_class = TemplateVersionSerializer

    @extend_schema(responses={200: TemplateVersionSerializer}, tags=TAGS)
    def get(self, request, pk, number):
        version = selectors.version_row_of(viewer=request.user, template_pk=pk, number=number)
        if version is None:
            raise Http404
        return self.one(version, context={"current_number": version.current_number})


class TemplateArchiveView(TemplateApiView):
    @extend_schema(request=None, responses={200: TemplateSerializer}, tags=TAGS)
    def post(self, request, pk):
        """No new rules or certificates may name it; issued certificates are untouched."""
        services.template_archive(actor=request.user, template=self.template())
        return self.fresh(pk)


class TemplateRestoreView(TemplateApiView):
    @extend_schema(request=None, responses={200: TemplateSerializer}, tags=TAGS)
    def post(self, request, pk):
        services.template_restore(actor=request.user, template=self.template())
        return self.fresh(pk)


class TemplateImageView(TemplateApiView):
    """GET the image, PUT a multipart `file` to replace it, DELETE to print none; each change makes
    a new version."""

    parser_classes = [MultiPartParser]
    content_negotiation_class = AnyAcceptNegotiation
    field = "logo"

    @extend_schema(
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                OpenApiTypes.BINARY,
                description="The image, sent with its real type (image/png or image/jpeg).",
            )
        },
        tags=TAGS,
    )
    def get(self, request, pk):
        """The image (404 when the template has none)."""
        return image_response(request, self.template(), self.field)

    def finalize_response(self, request, response, *args, **kwargs):
        if not isinstance(response, Response):
            self._sparse_fields = None
        return super().finalize_response(request, response, *args, **kwargs)

    @extend_schema(request={"multipart/form-data": UploadSerializer}, responses={200: TemplateSerializer},
                   tags=TAGS)  # fmt: skip
    def put(self, request, pk):
        template = self.template()
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationFailed({"file": ["Choose a PNG or JPEG file to upload."]})
        services.template_set_image(actor=request.user, template=template, field=self.field, upload=upload)
        return self.fresh(pk)

    @extend_schema(responses={200: TemplateSerializer}, tags=TAGS)
    def delete(self, request, pk):
        services.template_clear_image(actor=request.user, template=self.template(), field=self.field)
        return self.fresh(pk)


class TemplateLogoView(TemplateImageView):
    field = "logo"


class TemplateSignatureView(TemplateImageView):
    field = "signature_image"


class TemplatePreviewView(TemplateApiView):
    content_negotiation_class = AnyAcceptNegotiation
    pagination_class = None

    @extend_schema(
        parameters=[
            OpenApiParameter("version", int, description="A version's number; default: the current.")
        ],
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The PDF (sent as application/pdf)."
            )
        },
        tags=TAGS,
    )
    def get(self, request, pk):
        """The template printed with sample data (inline PDF)."""
        template = self.template()
        number = request.query_params.get("version", "").strip()
        snapshot = None
        if number:
            version = selectors.version_get(template=template, number=number)
            if version is None:
                raise ValidationFailed({"version": ["This template has no version with this number."]})
            snapshot = version.snapshot
        return pdf_response(previews.preview_pdf(request, template, snapshot=snapshot), template)

    def finalize_response(self, request, response, *args, **kwargs):
        if not isinstance(response, Response):
            self._sparse_fields = None
        return super().finalize_response(request, response, *args, **kwargs)


def pdf_response(content: bytes, template) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="certificate-template-{template.pk}-preview.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
