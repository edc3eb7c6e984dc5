"""The public Open Badges 2.0 URLs (names prefixed ob_; views.py says what each answers). Their uuids are in
issued badges: never change these paths."""

from django.urls import path

from . import views

urlpatterns: list = [
    path("ob/v2/issuers/<uuid:uid>", views.issuer_view, name="ob_issuer"),
    path("ob/v2/issuers/<uuid:uid>/revocations", views.revocations_view, name="ob_revocations"),
    path("ob/v2/issuers/<uuid:issuer_uid>/keys/<uuid:key_uid>", views.key_view, name="ob_key"),
    path("ob/v2/badges/<uuid:uid>", views.badge_view, name="ob_badge"),
    path("ob/v2/badges/<uuid:uid>/image", views.badge_image_view, name="ob_badge_image"),
    path("ob/v2/assertions/<uuid:uid>", views.assertion_view, name="ob_assertion"),
    path("ob/v2/assertions/<uuid:uid>/image", views.assertion_image_view, name="ob_assertion_image"),
    path("ob/v2/assertions/<uuid:uid>/image.svg", views.assertion_svg_view, name="ob_assertion_svg"),
    path("ob/v2/assertions/<uuid:uid>/signed", views.assertion_signed_view, name="ob_assertion_signed"),
]
