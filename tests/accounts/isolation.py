"""Isolation rows of accounts (apps/accounts and django-allauth in the org's branding): who the caller is,
sign-in, invitations, profile, password and two-factor pages, and the anonymous auth endpoints.

Placeholders: {invite_uid}/{invite_token} (a pending invitation), {admin_email}, {reset_uid}/{reset_key}
(a live password-reset link of the Org Admin) and {refresh_token}, filled inside the organization's schema
(tests/isolation/registry.py collects every app's targets).
"""

from tests.isolation.entries import Endpoint, Page

API_ENDPOINTS = [
    # Who the caller is: people only, closed to API keys.
    Endpoint("GET", "/api/v1/auth/me"),
]

PAGES = [
    Page("/", public=True),
    Page("/accounts/login/", public=True),
    Page("/invite/{invite_uid}/{invite_token}/", public=True, has_object=True),
    # Accounts (django-allauth in the org's branding; targets: account_ids).
    Page("/accounts/signup/", public=True),
    Page("/accounts/password/reset/", public=True),
    Page("/accounts/password/reset/key/{reset_uid}-{reset_key}/", public=True, has_object=True),
    Page("/accounts/logout/"),
    Page("/accounts/profile/"),
    Page("/accounts/password/change/"),
    Page("/accounts/2fa/"),
    Page("/accounts/2fa/totp/activate/"),
    Page("/accounts/2fa/totp/deactivate/"),
    Page("/accounts/2fa/recovery-codes/"),
    Page("/accounts/2fa/recovery-codes/generate/"),
    Page("/accounts/2fa/recovery-codes/download/"),
    Page("/accounts/2fa/reauthenticate/"),
    Page("/accounts/2fa/authenticate/", public=True),
    Page("/accounts/reauthenticate/"),
    Page("/accounts/email/"),
    Page("/accounts/password/set/"),
    Page("/accounts/inactive/", public=True),
    Page("/accounts/confirm-email/", public=True),
    Page("/accounts/password/reset/done/", public=True),
    Page("/accounts/password/reset/key/done/", public=True),
    Page("/accounts/"),
    Page("/accounts/confirm-email/{invite_token}/", public=True),
    Page("/accounts/login/code/confirm/", public=True),
    Page("/accounts/reauthenticate/code/"),
    Page("/accounts/reauthenticate/code/confirm/"),
]

# Endpoints anyone may call, without credentials (so outside the matrices above, which expect 401 without a
# token): tests/accounts/test_auth_isolation.py calls each on acme's host with globex's values in the body
# (placeholders in body values are filled from targets(globex)) and checks that nothing of globex is
# reachable or shown.
ANONYMOUS_API_ENDPOINTS = [
    Endpoint(
        "POST", "/api/v1/auth/login", {"email": "{admin_email}", "password": "correct horse battery staple"}
    ),
    Endpoint("POST", "/api/v1/auth/register", {"email": "{admin_email}", "password": "a-Long-passphrase-42"}),
    Endpoint("POST", "/api/v1/auth/forgot-password", {"email": "{admin_email}"}),
    Endpoint(
        "POST",
        "/api/v1/auth/reset-password",
        {"uid": "{reset_uid}", "token": "{reset_key}", "password": "a-Long-passphrase-42"},
    ),
    Endpoint("POST", "/api/v1/auth/refresh-token", {"refresh": "{refresh_token}"}),
]


def targets(organization) -> dict[str, str]:
    from apps.accounts.models import User
    from apps.accounts.tokens import encode_uid, invitation_tokens

    invited = User.objects.filter(status=User.Status.INVITED).first()
    if invited is None:
        from apps.accounts.services import user_invite

        invited = user_invite(email=f"pending@{organization.slug}.example.com").user
    return {
        "invite_uid": encode_uid(invited),
        "invite_token": invitation_tokens.make_token(invited),
        **account_ids(organization),
    }


def account_ids(organization) -> dict[str, str]:
    """The org admin's address, a live password-reset link (uid and key) and a refresh token of theirs. Made
    without writing anything but the token's outstanding-token row."""
    from allauth.account.utils import user_pk_to_url_str

    from apps.accounts.adapters import PasswordResetTokenGenerator
    from apps.accounts.models import RoleAssignment
    from apps.core.api.authentication import tokens_for_user

    admin = RoleAssignment.objects.filter(role="org_admin").select_related("user").first().user
    return {
        "admin_email": admin.email,
        "reset_uid": user_pk_to_url_str(admin),
        "reset_key": PasswordResetTokenGenerator().make_token(admin),
        "refresh_token": tokens_for_user(admin)["refresh"],
    }
