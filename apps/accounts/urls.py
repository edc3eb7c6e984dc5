"""/accounts/ on an organization's host: sign-in, sign-up, email verification, password reset and change,
two-factor authentication (django-allauth, in the organization's branding) and the person's profile.

The routes named here come first and replace allauth's at the same paths; allauth's names (account_login,
account_signup, ...) still reverse to them."""

from django.urls import include, path, re_path
from django.views.generic import RedirectView

from . import views

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="profile", permanent=False), name="accounts"),
    path("login/", views.OrgLoginView.as_view(), name="login"),
    path("logout/", views.OrgLogoutView.as_view(), name="logout"),
    path("signup/", views.OrgSignupView.as_view(), name="signup"),
    path("profile/", views.profile, name="profile"),
    re_path(
        r"^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$",
        views.OrgPasswordResetFromKeyView.as_view(),
        name="password_reset_from_key",
    ),
    re_path(r"^confirm-email/(?P<key>[-:\w]+)/$", views.OrgConfirmEmailView.as_view(), name="confirm_email"),
    # Addresses are changed by an Org Admin (apps.accounts.services.user_update), not managed here.
    path("email/", views.not_offered),
    path("password/set/", views.not_offered),
    path("", include("allauth.urls")),
]
