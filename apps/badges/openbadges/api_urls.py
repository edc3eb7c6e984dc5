"""/api/v1/ routes of the badges openbadges part: the learner's downloads of an award (api.py)."""

from django.urls import path

from . import api

urlpatterns: list = [
    path(
        "badge-awards/<int:pk>/assertion", api.AwardAssertionView.as_view(), name="api-badge-award-assertion"
    ),
    path(
        "badge-signing-keys/rotate", api.SigningKeyRotateView.as_view(), name="api-badge-signing-key-rotate"
    ),
    path(
        "badge-awards/<int:pk>/credential",
        api.AwardCredentialView.as_view(),
        name="api-badge-award-credential",
    ),
    path(
        "badge-awards/<int:pk>/credential/image",
        api.AwardCredentialImageView.as_view(),
        name="api-badge-award-credential-image",
    ),
    path(
        "badge-awards/<int:pk>/credential/image.svg",
        api.AwardCredentialSvgView.as_view(),
        name="api-badge-award-credential-svg",
    ),
]
