"""/api/v1/ endpoints of certificate issuing:

    GET  /certificates                        the certificates the caller may see (staff in scope; a learner
                                              their own), filters: user, course, assessment, status, source
    POST /certificates                        manual issue {user_id, course_id | assessment_id, template_id?}
    GET  /certificates/{id}                   one certificate
    GET  /certificates/{id}/pdf               its PDF (owner or staff in scope; 409 while it is being made)
    POST /certificates/{id}/revoke            {reason}
    POST /certificates/{id}/reissue           same code, the template's newest version, revision + 1
    POST /certificates/{id}/recertify         a new certificate that replaces it (before it expires)
    POST /certificates/{id}/share             the share page URL and LinkedIn's add-to-profile URL
    GET  /users/{id}/certificates             a person's certificates (a learner: self; staff: in scope)
    GET|PUT|DELETE /courses/{id}/certificate-rule      (and /assessments/{id}/certificate-rule)
    POST /certificates/bulk                   {course_id | class_id, template_id?}: a background job
    POST /certificate-templates/{id}/rerender  reissue every valid certificate of a template (Org Admins)
    GET  /certificate-jobs/{id}               a bulk job's progress
    GET  /certificates/{verify_uuid}/verify   public, anonymous: valid / expired / revoked (rate-limited)

Ids outside the caller's scope answer 404; API keys need the `certificates` scope. Without the plan feature
`certificates` the writes answer 403 PLAN_LIMIT_REACHED."""

import time

from django.db import DatabaseError
from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from apps.accounts.scoped_api import ADMIN, AUTHOR, ScopedApiView
from apps.accounts.selectors import person_find
from apps.core.api.envelope import error_response
from apps.core.api.negotiation import AnyAcceptNegotiation
from apps.core.api.views import ApiView
from apps.core.errors import Conflict, PermissionDenied, ValidationFailed
from apps.courses.selectors import course_find
from apps.hierarchy.selectors import class_get

from ..models import Certificate
from ..templating.selectors import template_get
from . import selectors, services
from .serializers import (
    BulkIssueSerializer,
    BulkJobSerializer,
    CertificateCreateSerializer,
    CertificateSerializer,
    ReasonSerializer,
    RuleSerializer,
    ShareSerializer,
    VerificationSerializer,
)
from .verification import verify

TAGS = ["certificates"]


class CertificateApiView(ScopedApiView):
    api_key_scope = "certificates"
    serializer_class = CertificateSerializer
    filter_fields = {
        "user": ["eq", "in"],
        "course": ["eq", "in"],
        "assessment": ["eq", "in"],
        "status": ["eq", "in"],
        "source": ["eq", "in"],
        "render_state": ["eq", "in"],
        "issued_at": ["gt", "lt", "gte", "lte"],
        "expires_at": ["gt", "lt", "gte", "lte"],
    }
    filter_paths = {"user": "user_id", "course": "course_id", "assessment": "assessment_id"}
    sort_fields = ["issued_at", "expires_at", "code", "id"]
    default_sort = ["-issued_at", "-pk"]

    def get_certificate(self):
        certificate = selectors.certificate_get(viewer=self.request.user, pk=self.kwargs["pk"])
        if certificate is None:
            raise Http404
        return certificate

    def fresh(self, certificate, status_code: int = 200) -> Response:
        found = selectors.certificate_api_get(viewer=self.request.user, pk=certificate.pk)
        return self.one(found, status=status_code)


class CertificateListView(CertificateApiView):
    access = {"POST": AUTHOR}

    @extend_schema(responses={200: CertificateSerializer(many=True)}, tags=TAGS)
    def get(self, request):
        return self.listing(selectors.for_api(selectors.certificate_list(viewer=request.user)))

    @extend_schema(request=CertificateCreateSerializer, responses={201: CertificateSerializer}, tags=TAGS)
    def post(self, request):
        """Issue a certificate by hand to a learner the caller may see, for a course or a quiz."""
        data = self.valid(CertificateCreateSerializer)
        user = person_find(viewer=request.user, pk=data["user_id"])
        if user is None:
            raise ValidationFailed({"user_id": ["No such learner."]})
        course = assessment = None
        if data.get("course_id") is not None:
            course = course_find(viewer=request.user, pk=data["course_id"])
            if course is None:
                raise ValidationFailed({"course_id": ["No such course."]})
        else:
            from apps.assessments.quizzes.selectors import assessment_get

            assessment = assessment_get(viewer=request.user, pk=data["assessment_id"])
            if assessment is None:
                raise ValidationFailed({"assessment_id": ["No such quiz."]})
        certificate = services.certificate_issue_manual(
            actor=request.user,
            user=user,
            course=course,
            assessment=assessment,
            template_id=data.get("template_id"),
        )
        return self.fresh(certificate, status.HTTP_201_CREATED)


class CertificateDetailView(CertificateApiView):
    @extend_schema(responses={200: CertificateSerializer}, tags=TAGS)
    def get(self, request, pk):
        certificate = selectors.certificate_api_get(viewer=request.user, pk=pk)
        if certificate is None:
            raise Http404
        return self.one(certificate)


class UserCertificateListView(CertificateApiView):
    @extend_schema(responses={200: CertificateSerializer(many=True)}, tags=TAGS)
    def get(self, request, pk):
        # 404 for a person the caller may not see. certificate_list shows the caller only certificates of
        # people they may see (apps.accounts' visible_people), so a page with rows proves the person visible:
        # the person is looked up only when the page is empty or the request fails (then a 404 comes first,
        # as when the person was looked up before the page). A comment: a docstring would be the schema's.
        queryset = selectors.for_api(selectors.certificate_list(viewer=request.user, user=pk))
        try:
            page = self.paginate_queryset(self.filter_queryset(queryset))
        except DatabaseError:
            raise
        except Exception:
            if person_find(viewer=request.user, pk=pk) is None:
                raise Http404 from None
            raise
        if not page and person_find(viewer=request.user, pk=pk) is None:
            raise Http404
        context = self.get_serializer_context()
        return self.get_paginated_response(self.get_serializer_class()(page, many=True, context=context).data)


class CertificatePdfView(CertificateApiView):
    content_negotiation_class = AnyAcceptNegotiation
    pagination_class = None

    @extend_schema(
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The PDF (sent as application/pdf)."
            )
        },
        tags=TAGS,
    )
    def get(self, request, pk):
        certificate = self.get_certificate()
        if certificate.render_state != Certificate.RenderState.READY or not certificate.pdf:
            raise Conflict("The certificate's PDF is being prepared; try again in a moment.")
        return pdf_response(certificate, download=request.query_params.get("download") == "true")

    def finalize_response(self, request, response, *args, **kwargs):
        if not isinstance(response, Response):
            self._sparse_fields = None
        return super().finalize_response(request, response, *args, **kwargs)


def pdf_response(certificate, *, download: bool) -> HttpResponse:
    with certificate.pdf.open("rb") as handle:
        content = handle.read()
    response = HttpResponse(content, content_type="application/pdf")
    disposition = "attachment" if download else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="certificate-{certificate.code}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


class CertificateActionView(CertificateApiView):
    access = {"POST": AUTHOR}


class CertificateRevokeView(CertificateActionView):
    @extend_schema(request=ReasonSerializer, responses={200: CertificateSerializer}, tags=TAGS)
    def post(self, request, pk):
        certificate = self.get_certificate()
        data = self.valid(ReasonSerializer)
        services.certificate_revoke(actor=request.user, certificate=certificate, reason=data["reason"])
        return self.fresh(certificate)


class CertificateReissueView(CertificateActionView):
    @extend_schema(request=None, responses={200: CertificateSerializer}, tags=TAGS)
    def post(self, request, pk):
        certificate = services.certificate_reissue(actor=request.user, certificate=self.get_certificate())
        return self.fresh(certificate)


class CertificateRecertifyView(CertificateActionView):
    @extend_schema(request=None, responses={201: CertificateSerializer}, tags=TAGS)
    def post(self, request, pk):
        new = services.certificate_recertify(actor=request.user, certificate=self.get_certificate())
        return self.fresh(new, status.HTTP_201_CREATED)


class CertificateShareView(CertificateApiView):
    @extend_schema(request=None, responses={200: ShareSerializer}, tags=TAGS)
    def post(self, request, pk):
        links = services.certificate_share(actor=request.user, certificate=self.get_certificate())
        return Response(ShareSerializer(links).data)


# --- rules ---------------------------------------------------------------------------------------------------


class RuleView(ScopedApiView):
    """GET (anyone who sees the course), PUT and DELETE (its editors) of a course's or quiz's rule."""

    api_key_scope = "certificates"
    serializer_class = RuleSerializer
    pagination_class = None
    access = {"PUT": AUTHOR, "DELETE": AUTHOR}
    target = "course"

    def lookup(self):
        if self.target == "course":
            found, rule, edits = selectors.rule_for_course(
                viewer=self.request.user, course_id=self.kwargs["pk"]
            )
        else:
            found, rule, edits = selectors.rule_for_quiz(
                viewer=self.request.user, assessment_id=self.kwargs["pk"]
            )
        if found is None:
            raise Http404
        return found, rule, edits

    @extend_schema(responses={200: RuleSerializer}, tags=TAGS)
    def get(self, request, pk):
        rule = selectors.rule_row(viewer=request.user, target=self.target, pk=pk)
        if rule is None:
            raise Http404
        return self.one(rule)

    @extend_schema(request=RuleSerializer, responses={200: RuleSerializer}, tags=TAGS)
    def put(self, request, pk):
        found, _rule, edits = self.lookup()
        if not edits:
            raise PermissionDenied("Only this course's editors may change its certificate.")
        data = self.valid(RuleSerializer)
        target = {"course": found} if self.target == "course" else {"assessment": found}
        rule = services.rule_set(
            actor=request.user,
            template_id=data["template_id"],
            expiry_months=data.get("expiry_months"),
            auto_issue=data.get("auto_issue", True),
            **target,
        )
        return self.one(rule)

    @extend_schema(responses={204: None}, tags=TAGS)
    def delete(self, request, pk):
        _found, rule, edits = self.lookup()
        if not edits:
            raise PermissionDenied("Only this course's editors may change its certificate.")
        if rule is None:
            raise Http404
        services.rule_delete(actor=request.user, rule=rule)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CourseRuleView(RuleView):
    target = "course"


class QuizRuleView(RuleView):
    target = "assessment"


# --- bulk jobs -----------------------------------------------------------------------------------------------


class BulkIssueView(ScopedApiView):
    api_key_scope = "certificates"
    access = {"POST": AUTHOR}
    serializer_class = BulkJobSerializer

    @extend_schema(request=BulkIssueSerializer, responses={202: BulkJobSerializer}, tags=TAGS)
    def post(self, request):
        data = self.valid(BulkIssueSerializer)
        course = school_class = None
        if data.get("course_id") is not None:
            course = course_find(viewer=request.user, pk=data["course_id"])
            if course is None:
                raise ValidationFailed({"course_id": ["No such course."]})
        if data.get("class_id") is not None:
            school_class = class_get(viewer=request.user, pk=data["class_id"])
            if school_class is None:
                raise ValidationFailed({"class_id": ["No such class."]})
        job = services.bulk_issue_start(
            actor=request.user, course=course, school_class=school_class, template_id=data.get("template_id")
        )
        return self.one(
            selectors.job_api_get(viewer=request.user, pk=job.pk), status=status.HTTP_202_ACCEPTED
        )


class TemplateRerenderView(ScopedApiView):
    api_key_scope = "certificates"
    access = {"POST": ADMIN}
    serializer_class = BulkJobSerializer

    @extend_schema(request=None, responses={202: BulkJobSerializer}, tags=TAGS)
    def post(self, request, pk):
        template = template_get(viewer=request.user, pk=pk)
        if template is None:
            raise Http404
        job = services.bulk_rerender_start(actor=request.user, template=template)
        return self.one(
            selectors.job_api_get(viewer=request.user, pk=job.pk), status=status.HTTP_202_ACCEPTED
        )


class BulkJobDetailView(ScopedApiView):
    api_key_scope = "certificates"
    access = {"GET": AUTHOR}
    serializer_class = BulkJobSerializer

    @extend_schema(responses={200: BulkJobSerializer}, tags=TAGS)
    def get(self, request, pk):
        job = selectors.job_api_get(viewer=request.user, pk=pk)
        if job is None:
            raise Http404
        return self.one(job)


# --- public verification -------------------------------------------------------------------------------------


class VerifyView(ApiView):
    """Anyone, without credentials: the certificate's status, learner, course, issuer and dates."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes: list = []  # verification has its own, stricter, per-IP limit (verification.py)

    @extend_schema(responses={200: VerificationSerializer}, tags=TAGS, auth=[])
    def get(self, request, verify_uuid):
        if getattr(request, "tenant", None) is None or request.tenant.is_public:
            raise Http404
        found = verify(request, verify_uuid, channel="api", uuid_only=True)
        request._request.rate_limit = found.state  # the verification's own limit, in the response headers
        if found.limited is not None:
            wait = max(1, found.limited.reset - int(time.time()))
            response = error_response(
                429, "RATE_LIMITED", f"Too many verifications. Try again in {wait} seconds."
            )
            response["Retry-After"] = str(wait)
            for header, value in found.state.headers().items():
                response[header] = value
            return response
        if found.certificate is None:
            raise Http404
        response = Response(VerificationSerializer(found.certificate).data)
        response["Cache-Control"] = "no-store"
        return response
