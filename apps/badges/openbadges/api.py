"""The learner's downloads of an award, over the API (a learner: their own awards; staff: the awards of the
learners they may see, as apps/badges/core/selectors.award_get decides (award_download reads it); anything
else 404):

    GET /api/v1/badge-awards/{id}/assertion    the OB 2.0 hosted assertion JSON, its public URL and the
                                               baked PNG / SVG and signed (JWS) URLs
    GET /api/v1/badge-awards/{id}/credential   the OB 3.0 OpenBadgeCredential signed as a VC-JWT
                                               (`?download=1`: the VC-JWT itself, application/vc+jwt, as a
                                               file; the public assertion page links it for its owner)
    GET /api/v1/badge-awards/{id}/credential/image       that VC-JWT baked into the badge's PNG (an iTXt
    GET /api/v1/badge-awards/{id}/credential/image.svg   `openbadgecredential` chunk) or SVG (an
                                               `<openbadges:credential verify>`), as a file (baking.py)

A revoked award's credential (and its baked images) is refused (409 CONFLICT): it is no longer vouched for. Its assertion answers,
marked revoked (the public URL answers 410).

    POST /api/v1/badge-signing-keys/rotate     Org Admins: retire the signing key and make a new one (after a
                                               suspected leak); closed to API keys. What the old key signed
                                               still verifies: it stays published.
"""

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from apps.accounts.scoped_api import ADMIN, ScopedApiView
from apps.badges.core.selectors import award_download
from apps.core.api.negotiation import AnyAcceptNegotiation
from apps.core.errors import Conflict

from . import baking, documents, keys, ob3, services
from .images import badge_png

TAGS = ["open badges"]


class AssertionDownloadSerializer(serializers.Serializer):
    award_id = serializers.IntegerField(read_only=True)
    assertion = serializers.JSONField(read_only=True, help_text="The Open Badges 2.0 Assertion (hosted).")
    assertion_url = serializers.URLField(read_only=True)
    image_url = serializers.URLField(read_only=True, help_text="The baked PNG (the assertion inside).")
    svg_url = serializers.URLField(read_only=True, help_text="The baked SVG.")
    signed_url = serializers.URLField(read_only=True, help_text="The signed assertion (compact JWS, RS256).")
    revoked = serializers.BooleanField(read_only=True)
    revocation_reason = serializers.CharField(read_only=True)


class CredentialSerializer(serializers.Serializer):
    award_id = serializers.IntegerField(read_only=True)
    format = serializers.CharField(read_only=True, help_text="vc+jwt")
    media_type = serializers.CharField(read_only=True)
    credential = serializers.CharField(read_only=True, help_text="The VC-JWT (compact JWS, RS256).")
    credential_id = serializers.CharField(read_only=True)
    key_url = serializers.URLField(read_only=True, help_text="The `kid`: the signing key's public document.")


class AwardDownloadView(ScopedApiView):
    api_key_scope = "badges"
    pagination_class = None

    def get_award(self):
        award = award_download(viewer=self.request.user, pk=self.kwargs["pk"])
        if award is None:
            raise Http404
        return award


class AwardAssertionView(AwardDownloadView):
    serializer_class = AssertionDownloadSerializer

    @extend_schema(responses={200: AssertionDownloadSerializer}, tags=TAGS)
    def get(self, request, pk):
        award = self.get_award()
        issuer = services.issuer_ensure()
        links = documents.Links(issuer)
        return self.one(
            {
                "award_id": award.pk,
                "assertion": documents.assertion_document(issuer, award),
                "assertion_url": links.assertion_url(award),
                "image_url": links.assertion_image_url(award),
                "svg_url": links.assertion_svg_url(award),
                "signed_url": links.assertion_signed_url(award),
                "revoked": award.revoked_at is not None,
                "revocation_reason": award.revocation_reason,
            }
        )


def _credential(award):
    """(issuer, key, VC-JWT) of an award still vouched for: a revoked one has none (409)."""
    if award.revoked_at is not None:
        raise Conflict(_("This badge was revoked: it has no credential any more."))
    issuer = services.issuer_ensure()
    key = services.signing_key_current()
    return issuer, key, ob3.vc_jwt(issuer, award, key=key)


class AwardCredentialView(AwardDownloadView):
    serializer_class = CredentialSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("download", bool, description="1: answer the VC-JWT itself, as a file.")
        ],
        responses={200: CredentialSerializer},
        tags=TAGS,
    )
    def get(self, request, pk):
        award = self.get_award()
        issuer, key, token = _credential(award)
        if request.query_params.get("download") in ("1", "true"):
            response = HttpResponse(token, content_type=ob3.MEDIA_TYPE)
            response["Content-Disposition"] = f'attachment; filename="badge-{award.uid}.jwt"'
            response["X-Content-Type-Options"] = "nosniff"
            return response
        return self.one(
            {
                "award_id": award.pk,
                "format": "vc+jwt",
                "media_type": ob3.MEDIA_TYPE,
                "credential": token,
                "credential_id": documents.signed_id(award),
                "key_url": documents.Links(issuer).key_url(key),
            }
        )


class AwardCredentialImageView(AwardDownloadView):
    """The badge's PNG with the award's Open Badges 3.0 credential (the VC-JWT) baked in, as a file."""

    content_negotiation_class = AnyAcceptNegotiation  # a file, whatever the client accepts

    @extend_schema(
        summary="Download the Open Badges 3.0 baked PNG of a badge award",
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                OpenApiTypes.BINARY,
                description="The PNG (sent as image/png), an iTXt `openbadgecredential` chunk holding the VC-JWT.",
            )
        },
        tags=TAGS,
    )
    def get(self, request, pk):
        award = self.get_award()
        _issuer, _key, token = _credential(award)
        baked = baking.bake_png(badge_png(award.badge), token, keyword=baking.CREDENTIAL_KEYWORD)
        return _file(baked, "image/png", f"badge-{award.uid}-ob3.png")

    def finalize_response(self, request, response, *args, **kwargs):
        if not isinstance(response, Response):
            self._sparse_fields = None  # a file: `fields` has nothing to trim
        return super().finalize_response(request, response, *args, **kwargs)


class AwardCredentialSvgView(AwardCredentialImageView):
    """The badge as an SVG carrying the award's Open Badges 3.0 credential (the VC-JWT), as a file."""

    @extend_schema(
        summary="Download the Open Badges 3.0 baked SVG of a badge award",
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                OpenApiTypes.BINARY,
                description="The SVG (sent as image/svg+xml), an `<openbadges:credential verify>` (namespace "
                "https://purl.imsglobal.org/ob/v3p0) holding the VC-JWT.",
            )
        },
        tags=TAGS,
    )
    def get(self, request, pk):
        award = self.get_award()
        _issuer, _key, token = _credential(award)
        svg = baking.bake_svg_credential(badge_png(award.badge), token=token, title=award.badge.name)
        response = _file(svg, "image/svg+xml; charset=utf-8", f"badge-{award.uid}-ob3.svg")
        # An SVG opened on its own could run script: this one has none, and may run none.
        response["Content-Security-Policy"] = "default-src 'none'; img-src data:; sandbox"
        return response


def _file(content, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


class SigningKeySerializer(serializers.Serializer):
    uid = serializers.UUIDField(read_only=True)
    key_url = serializers.URLField(
        read_only=True, help_text="The CryptographicKey document (the VC-JWT `kid`)."
    )
    created_at = serializers.DateTimeField(read_only=True)
    jwk = serializers.JSONField(read_only=True, help_text="The public key as a JWK (no private parts).")


class SigningKeyRotateView(ScopedApiView):
    access = {"POST": ADMIN}
    api_key_scope = None  # people only: a leaked key must not be able to swap the organization's keys
    serializer_class = SigningKeySerializer
    pagination_class = None

    @extend_schema(request=None, responses={201: SigningKeySerializer}, tags=TAGS)
    def post(self, request):
        """Retire the current signing key and make a new one; later signatures use the new key."""
        issuer = services.issuer_ensure()
        key = services.signing_key_rotate(actor=request.user)
        url = documents.Links(issuer).key_url(key)
        payload = {
            "uid": key.uid,
            "key_url": url,
            "created_at": key.created_at,
            "jwk": keys.public_jwk(key, kid=url),
        }
        return self.one(payload, status=201)
