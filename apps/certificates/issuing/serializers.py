"""What the certificates issuing API shows and takes."""

from django.urls import reverse
from rest_framework import serializers

from apps.core.api.fields import MAX_ID
from apps.core.api.serializers import PlannedSerializer

from ..models import BulkJob, Certificate


# The certificate's learner, read from the certificate's own row: selectors.for_api annotates the learner's
# name and email on it (no user instance per row). Comments, not docstrings: those would be the OpenAPI
# components' descriptions.
class CertificateHolderSerializer(PlannedSerializer):
    id = serializers.IntegerField(source="user_id", read_only=True)
    full_name = serializers.SerializerMethodField()
    email = serializers.EmailField(source="holder_email", read_only=True)

    def get_full_name(self, certificate) -> str:
        return certificate.holder_name or certificate.holder_email  # the learner's get_full_name()


def _url_format(name: str, sample: str) -> str:
    """The URL named `name` for the argument `sample`, as a format with `{}` in its place: reverse() once per
    request rather than once per row."""
    url = reverse(name, args=[sample]).replace("{", "{{").replace("}", "}}")
    assert url.count(sample) == 1, url
    return url.replace(sample, "{}")


# A certificate as selectors.for_api loads it: its columns (API_COLUMNS), its learner's name and email and
# its version's number.
class CertificateSerializer(PlannedSerializer):
    id = serializers.IntegerField(read_only=True)
    code = serializers.CharField(read_only=True)
    verify_uuid = serializers.SerializerMethodField()
    state = serializers.CharField(read_only=True, help_text="valid, expired or revoked (expiry is computed).")
    status = serializers.ChoiceField(choices=Certificate.Status.choices, read_only=True)
    user = CertificateHolderSerializer(source="*", read_only=True)
    course_id = serializers.IntegerField(read_only=True, allow_null=True)
    assessment_id = serializers.IntegerField(read_only=True, allow_null=True)
    template_id = serializers.IntegerField(read_only=True)
    template_version = serializers.IntegerField(source="version_number", read_only=True)
    data = serializers.JSONField(read_only=True)
    source = serializers.ChoiceField(choices=Certificate.Source.choices, read_only=True)
    issued_at = serializers.DateTimeField(read_only=True)
    expires_at = serializers.DateTimeField(read_only=True, allow_null=True)
    revoked_at = serializers.DateTimeField(read_only=True, allow_null=True)
    revocation_reason = serializers.CharField(read_only=True)
    replaces_id = serializers.IntegerField(read_only=True, allow_null=True)
    render_state = serializers.ChoiceField(choices=Certificate.RenderState.choices, read_only=True)
    revision = serializers.IntegerField(read_only=True)
    pdf_url = serializers.SerializerMethodField()
    verify_url = serializers.SerializerMethodField()

    def get_verify_uuid(self, certificate) -> str:
        return certificate.verify_uuid.hex

    def _format(self, name: str, sample: str) -> str:
        formats = self.__dict__.setdefault("_url_formats", {})
        found = formats.get(name)
        if found is None:
            found = formats[name] = _url_format(name, sample)
        return found

    def get_pdf_url(self, certificate) -> str | None:
        if certificate.render_state != Certificate.RenderState.READY:
            return None
        return self._format("api-certificate-pdf", "918273645").format(certificate.pk)

    def get_verify_url(self, certificate) -> str:
        return self._format("certificates:verify_detail", "0123456789abcdef" * 2).format(
            certificate.verify_uuid.hex
        )


class CertificateCreateSerializer(serializers.Serializer):
    user_id = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    course_id = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, allow_null=True)
    assessment_id = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, allow_null=True)
    template_id = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, allow_null=True)

    def validate(self, attrs):
        if (attrs.get("course_id") is None) == (attrs.get("assessment_id") is None):
            raise serializers.ValidationError(
                {"course_id": ["Name a course_id or an assessment_id (not both)."]}
            )
        return attrs


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, allow_blank=False, trim_whitespace=True)


class ShareSerializer(serializers.Serializer):
    share_url = serializers.URLField()
    verify_url = serializers.URLField()
    linkedin_url = serializers.URLField()


class RuleSerializer(PlannedSerializer):
    id = serializers.IntegerField(read_only=True)
    course_id = serializers.IntegerField(read_only=True, allow_null=True)
    assessment_id = serializers.IntegerField(read_only=True, allow_null=True)
    template_id = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    expiry_months = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=600)
    auto_issue = serializers.BooleanField(required=False, default=True)
    updated_at = serializers.DateTimeField(read_only=True)


class BulkIssueSerializer(serializers.Serializer):
    course_id = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, allow_null=True)
    class_id = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, allow_null=True)
    template_id = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, allow_null=True)

    def validate(self, attrs):
        if attrs.get("course_id") is None and attrs.get("class_id") is None:
            raise serializers.ValidationError({"course_id": ["Name a course_id or a class_id."]})
        return attrs


class BulkJobSerializer(PlannedSerializer):
    id = serializers.IntegerField(read_only=True)
    kind = serializers.ChoiceField(choices=BulkJob.Kind.choices, read_only=True)
    status = serializers.ChoiceField(choices=BulkJob.Status.choices, read_only=True)
    course_id = serializers.IntegerField(read_only=True, allow_null=True)
    class_id = serializers.IntegerField(source="school_class_id", read_only=True, allow_null=True)
    template_id = serializers.IntegerField(read_only=True, allow_null=True)
    total = serializers.IntegerField(read_only=True)
    done = serializers.IntegerField(read_only=True)
    failed = serializers.IntegerField(read_only=True)
    percent = serializers.SerializerMethodField()
    report = serializers.JSONField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    started_at = serializers.DateTimeField(read_only=True, allow_null=True)
    finished_at = serializers.DateTimeField(read_only=True, allow_null=True)

    def get_percent(self, job) -> int:
        if job.status in (BulkJob.Status.COMPLETED, BulkJob.Status.COMPLETED_WITH_ERRORS):
            return 100
        return int(job.done * 100 / job.total) if job.total else 0


class VerificationSerializer(PlannedSerializer):
    """What anyone may read of a certificate: no email, no internal ids."""

    verify_uuid = serializers.SerializerMethodField()
    code = serializers.CharField()
    state = serializers.CharField()
    learner = serializers.SerializerMethodField()
    course = serializers.SerializerMethodField()
    issuer = serializers.SerializerMethodField()
    issued_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField(allow_null=True)
    revoked_at = serializers.DateTimeField(allow_null=True)
    revocation_reason = serializers.CharField()

    def get_verify_uuid(self, certificate) -> str:
        return certificate.verify_uuid.hex

    def get_learner(self, certificate) -> str:
        return certificate.data.get("learner", "")

    def get_course(self, certificate) -> str:
        return certificate.data.get("course", "")

    def get_issuer(self, certificate) -> str:
        return certificate.data.get("organization", "")
