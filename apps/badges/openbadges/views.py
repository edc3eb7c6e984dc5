"""The public Open Badges URLs on the organization's host: no sign-in, GET and HEAD only.

    /ob/v2/issuers/<uuid>                      Issuer (JSON-LD, or an HTML page)
    /ob/v2/issuers/<uuid>/revocations          RevocationList (JSON-LD)
    /ob/v2/issuers/<uuid>/keys/<uuid>          CryptographicKey (JSON-LD)
    /ob/v2/badges/<uuid>                       BadgeClass (JSON-LD, or an HTML page)
    /ob/v2/badges/<uuid>/image                 the badge's PNG
    /ob/v2/assertions/<uuid>                   Assertion (JSON-LD, or an HTML page); revoked: 410
    /ob/v2/assertions/<uuid>/image             the baked PNG (the assertion JSON inside)
    /ob/v2/assertions/<uuid>/image.svg         the baked SVG
    /ob/v2/assertions/<uuid>/signed            the signed assertion (compact JWS, RS256)

Content negotiation: JSON-LD (`application/ld+json`) when the Accept header names ld+json or json, else the
HTML page for people. JSON answers carry `Access-Control-Allow-Origin: *` (backpacks fetch them from other
origins) and may be cached for a few minutes (a revocation shows within CACHE_SECONDS); every negotiated
answer varies on Accept. A revoked assertion answers 410 Gone with {"id", "revoked": true,
"revocationReason"} (the HTML page says revoked, also with 410), and so do its images and signed form. An
unknown uuid, or another organization's (not in this schema), answers 404.
"""

import json

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import require_safe

from ..models import BadgeAward
from . import baking, documents, selectors, services
from .images import badge_png
from .signing import signed_assertion

CACHE_SECONDS = 300
REVOCATIONS_CACHE_SECONDS = 60


def wants_json(request) -> bool:
    accept = request.headers.get("Accept", "").lower()
    return "json" in accept  # application/ld+json, application/json, */*+json


def _public(response: HttpResponse, *, seconds: int = CACHE_SECONDS, cors: bool = True) -> HttpResponse:
    if cors:
        response["Access-Control-Allow-Origin"] = "*"
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, public=True, max_age=seconds)
    return response


def json_ld(document: dict, *, status: int = 200, seconds: int = CACHE_SECONDS) -> HttpResponse:
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=2),
        content_type=f"{documents.JSONLD}; charset=utf-8",
        status=status,
    )
    return _public(response, seconds=seconds)


def _negotiated(response: HttpResponse) -> HttpResponse:
    patch_vary_headers(response, ["Accept"])
    return response


def _page(request, template: str, context: dict, *, status: int = 200) -> HttpResponse:
    response = render(request, template, context, status=status)
    # The page may show its owner a download link: never kept by a shared cache.
    patch_cache_control(response, private=True, no_cache=True)
    return response


def _issuer_or_404(uid):
    issuer = selectors.issuer_public(uid=uid)
    if issuer is None:
        raise Http404
    return issuer


def _award_or_404(uid) -> BadgeAward:
    award = selectors.award_public(uid=uid)
    if award is None:
        raise Http404
    return award


def _gone(issuer, award) -> HttpResponse:
    return json_ld(documents.revoked_document(issuer, award), status=410)


@require_safe
def issuer_view(request, uid):
    issuer = _issuer_or_404(uid)
    if wants_json(request):
        return _negotiated(json_ld(documents.issuer_document(issuer)))
    context = {"issuer": issuer, "issuer_url": documents.Links(issuer).issuer_url()}
    return _negotiated(_page(request, "badges/openbadges/issuer.html", context))


@require_safe
def revocations_view(request, uid):
    issuer = _issuer_or_404(uid)
    return json_ld(documents.revocation_list_document(issuer), seconds=REVOCATIONS_CACHE_SECONDS)


@require_safe
def key_view(request, issuer_uid, key_uid):
    issuer = _issuer_or_404(issuer_uid)
    key = selectors.signing_key_public(uid=key_uid)
    if key is None:
        raise Http404
    return json_ld(documents.key_document(issuer, key))


def _badge_or_404(uid):
    badge = selectors.badge_public(uid=uid)
    if badge is None:
        raise Http404
    return badge


@require_safe
def badge_view(request, uid):
    badge = _badge_or_404(uid)
    issuer = services.issuer_ensure()
    if wants_json(request):
        return _negotiated(json_ld(documents.badge_document(issuer, badge)))
    context = {
        "badge": badge,
        "issuer": issuer,
        "narrative": documents.criteria_narrative(badge),
        "document": documents.badge_document(issuer, badge),
    }
    return _negotiated(_page(request, "badges/openbadges/badge.html", context))


@require_safe
def badge_image_view(request, uid):
    badge = _badge_or_404(uid)
    return _public(HttpResponse(badge_png(badge), content_type="image/png"))


def _status(award: BadgeAward) -> str:
    if award.revoked_at is not None:
        return "revoked"
    if award.expires_at is not None and award.expires_at <= timezone.now():
        return "expired"
    return "valid"


@require_safe
def assertion_view(request, uid):
    award = _award_or_404(uid)
    issuer = services.issuer_ensure()
    status = _status(award)
    if wants_json(request):
        if status == "revoked":
            return _negotiated(_gone(issuer, award))
        return _negotiated(json_ld(documents.assertion_document(issuer, award)))
    links = documents.Links(issuer)
    context = {
        "award": award,
        "badge": award.badge,
        "issuer": issuer,
        "status": status,
        "urls": {
            "assertion": links.assertion_url(award),
            "issuer": links.issuer_url(),
            "badge": links.badge_url(award.badge),
            "image": links.assertion_image_url(award),
            "svg": links.assertion_svg_url(award),
            "signed": links.assertion_signed_url(award),
        },
        "is_owner": request.user.is_authenticated and request.user.pk == award.user_id,
    }
    page = _page(
        request, "badges/openbadges/assertion.html", context, status=410 if status == "revoked" else 200
    )
    return _negotiated(page)


def _hosted_json(issuer, award) -> str:
    return documents.dumps(documents.assertion_document(issuer, award))


@require_safe
def assertion_image_view(request, uid):
    award = _award_or_404(uid)
    issuer = services.issuer_ensure()
    if award.revoked_at is not None:
        return _gone(issuer, award)
    baked = baking.bake_png(badge_png(award.badge), _hosted_json(issuer, award))
    response = _public(HttpResponse(baked, content_type="image/png"))
    response["Content-Disposition"] = f'inline; filename="badge-{award.uid}.png"'
    return response


@require_safe
def assertion_svg_view(request, uid):
    award = _award_or_404(uid)
    issuer = services.issuer_ensure()
    if award.revoked_at is not None:
        return _gone(issuer, award)
    svg = baking.bake_svg(
        badge_png(award.badge),
        verify=documents.Links(issuer).assertion_url(award),
        assertion_json=_hosted_json(issuer, award),
        title=award.badge.name,
    )
    response = _public(HttpResponse(svg, content_type="image/svg+xml; charset=utf-8"))
    response["Content-Disposition"] = f'inline; filename="badge-{award.uid}.svg"'
    # An SVG opened on its own could run script: this one has none, and may run none.
    response["Content-Security-Policy"] = "default-src 'none'; img-src data:; sandbox"
    return response


@require_safe
def assertion_signed_view(request, uid):
    award = _award_or_404(uid)
    issuer = services.issuer_ensure()
    if award.revoked_at is not None:
        return _gone(issuer, award)
    token = signed_assertion(issuer, award, key=services.signing_key_current())
    return _public(HttpResponse(token, content_type="application/jose; charset=utf-8"))
