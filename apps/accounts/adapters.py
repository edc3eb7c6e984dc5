"""How sign-in works in an organization: the glue between the accounts app, django-allauth (pages, email
verification, password reset, MFA) and django-axes (lockout).

Rules that live here, so that the pages and the API follow the same ones:

- Self-signup (`signup_check`): only where the organization turned it on (and its plan offers it), only for
  the organization's allowed email domains (none listed: any domain), within the plan's active-user limit.
  People who sign themselves up get no role: an Org Admin places them in a branch or class later.
- Email verification (`needs_email_verification`): people who signed themselves up have their address on
  file unverified and must confirm it before they can sign in. People an administrator created (invited,
  imported, provisioned) have no address on file: following the invitation link proved the address.
  A completed password reset proves it too.
- A password changed in any way (change, reset, API reset) blacklists every refresh token of the person.
- Lockout (django-axes, lockout.py): failed sign-ins lock an account at one address, and an address only
  after many failures across accounts; never an account on its own. A completed reset lifts it.
"""

from __future__ import annotations

from dataclasses import dataclass

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.stages import EmailVerificationStage
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings
from django.db import connection, transaction
from django.utils import translation

from apps.core.api.envelope import is_api_path
from apps.core.errors import NotFound, ValidationFailed
from apps.core.validation import offered_language, one_line

from .lockout import account_lockout_clear
from .lockout import lockout_message as lockout_message  # the API's sign-in view imports it from here
from .tokens import OrganizationBoundTokenGenerator

PLATFORM_NAME = "LearnStack"


# --- organization and self-signup ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SignupPolicy:
    open: bool
    allowed_domains: tuple[str, ...] = ()

    def allows_domain(self, email: str) -> bool:
        domain = email.rpartition("@")[2].strip().lower()
        return not self.allowed_domains or domain in self.allowed_domains

    def domain_message(self) -> str:
        domains = list(self.allowed_domains)
        listed = domains[0] if len(domains) == 1 else ", ".join(domains[:-1]) + " or " + domains[-1]
        return (
            f"Sign-up here is open to addresses at {listed} only. "
            "Use such an address, or ask your organization's administrator for an invitation."
        )


def _current_organization():
    """The organization whose schema is active (fresh from the database), or None on the platform."""
    if connection.schema_name == settings.PUBLIC_SCHEMA_NAME:
        return None
    from tenants.models import Organization

    return (
        Organization.objects.select_related("settings", "subscription__plan")
        .filter(schema_name=connection.schema_name)
        .first()
    )


def organization_name() -> str:
    organization = _current_organization()
    if organization is None:
        return PLATFORM_NAME
    org_settings = getattr(organization, "settings", None)
    # One line, whatever was stored: it goes into email subjects and the TOTP issuer.
    return one_line((org_settings.display_name if org_settings else "") or organization.name)


def recipient_language(user=None, *, email: str = "") -> str | None:
    """The language to write to a person in: theirs, else their organization's default. None when neither is
    known (no such person here, and no organization): the caller keeps the language already active."""
    if user is None and email:
        from .models import User

        user = User.objects.filter(email__iexact=email).only("language").first()
    organization = _current_organization()
    org_settings = getattr(organization, "settings", None) if organization is not None else None
    for code in (getattr(user, "language", ""), getattr(org_settings, "default_language", "")):
        language = offered_language(code)
        if language:
            return language
    return None


def signup_policy() -> SignupPolicy:
    """Whether this organization takes sign-ups, and from which email domains."""
    from tenants.models import PlanFeature

    organization = _current_organization()
    if organization is None or not organization.is_usable:
        return SignupPolicy(open=False)
    org_settings = getattr(organization, "settings", None)
    subscription = getattr(organization, "subscription", None)
    plan_allows = subscription is None or subscription.plan.has_feature(PlanFeature.SELF_SIGNUP)
    if org_settings is None or not org_settings.self_signup_enabled or not plan_allows:
        return SignupPolicy(open=False)
    domains = tuple(domain.lower() for domain in org_settings.allowed_email_domains)
    return SignupPolicy(open=True, allowed_domains=domains)


def signup_check(email: str) -> SignupPolicy:
    """May `email` sign up here now? Raises NotFound (sign-up is off), ValidationFailed (a domain the
    organization does not take) or PlanLimitReached. The answer never depends on whether the address
    already has an account."""
    from tenants.limits import enforce_limit

    from .services import active_user_count

    policy = signup_policy()
    if not policy.open:
        raise NotFound("This organization does not take sign-ups.")
    if not policy.allows_domain(email):
        raise ValidationFailed({"email": [policy.domain_message()]})
    enforce_limit(limit="max_active_users", current=active_user_count())
    return policy


def signup_user_save(user, *, email: str, password: str, full_name: str = ""):
    """Create a person who signed themselves up: active, no role, address unverified (allauth records it and
    sends the confirmation link). Re-checks the policy inside the transaction."""
    from apps.audit.services import audit_record

    from .models import User

    with transaction.atomic():
        signup_check(email)
        user.email = email.strip().lower()
        user.full_name = (full_name or "").strip()
        user.status = User.Status.ACTIVE
        user.set_password(password)
        user.save()
        audit_record(actor=user, action="user.signed_up", target=user)
        from .events import users_created_emit

        users_created_emit([user], source="signup", actor=user)
    return user


# --- email verification and passwords -----------------------------------------------------------------------


def needs_email_verification(user) -> bool:
    """True for someone who signed up and has not confirmed their address yet (see the module docstring)."""
    from allauth.account.models import EmailAddress

    states = set(EmailAddress.objects.filter(user_id=user.pk).values_list("verified", flat=True))
    return states == {False}


def mark_email_verified(user) -> None:
    from allauth.account.models import EmailAddress

    unverified = EmailAddress.objects.filter(user_id=user.pk, email__iexact=user.email, verified=False)
    unverified.update(verified=True)


def password_changed(user) -> None:
    """After a person's password changed: no refresh token issued before keeps working."""
    from .services import _revoke_tokens

    _revoke_tokens(user)
    if connection.schema_name != settings.PUBLIC_SCHEMA_NAME:
        from apps.audit.services import audit_record

        audit_record(actor=user, action="user.password_changed", target=user)


def password_reset_completed(user) -> None:
    """A reset link sent to the person's address was followed: the address is theirs, and the account's
    lockout is lifted at every address (lockout.py)."""
    mark_email_verified(user)
    account_lockout_clear(email=user.email)


class PasswordResetTokenGenerator(OrganizationBoundTokenGenerator):
    """Reset links: Django's generator (user id, password hash, last sign-in and email in the hash) under its
    own salt, bound to the organization that made them (apps/accounts/tokens.py). Unlike allauth's default it
    writes nothing while making a token (allauth's records an unverified address for people who have none,
    which would then demand email verification of them)."""

    key_salt = "learnstack.accounts.password_reset"


class OrgEmailVerificationStage(EmailVerificationStage):
    """allauth's mandatory verification, for the people it applies to (needs_email_verification)."""

    def handle(self):
        user = self.login.user
        if user is not None and not needs_email_verification(user):
            return None, True
        return super().handle()


# --- allauth adapters ---------------------------------------------------------------------------------------


class OrgAccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        # The wording people (and the other tests) know from Django's own sign-in form.
        "email_password_mismatch": "Please enter a correct email and password.",
    }

    def is_open_for_signup(self, request) -> bool:
        return signup_policy().open

    def save_user(self, request, user, form, commit=True):
        data = form.cleaned_data
        return signup_user_save(
            user, email=data["email"], password=data["password1"], full_name=data.get("full_name", "")
        )

    def set_password(self, user, password: str) -> None:
        with transaction.atomic():
            super().set_password(user, password)
            password_changed(user)

    def pre_authenticate(self, request, **credentials) -> None:
        # allauth counts failed passwords here; django-axes does that (one lockout, one message).
        return None

    def reauthenticate(self, user, password: str) -> bool:
        # allauth looks for an address on file; people an administrator created have none.
        from allauth.core import context

        reauth_user = self.authenticate(context.request, email=user.email, password=password)
        return reauth_user is not None and reauth_user.pk == user.pk

    def is_safe_url(self, url: str) -> bool:
        # allauth also trusts every host in ALLOWED_HOSTS, which includes every other organization's host.
        from allauth.core import context
        from django.utils.http import url_has_allowed_host_and_scheme

        request = context.request
        return url_has_allowed_host_and_scheme(
            url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )

    def get_login_stages(self) -> list[str]:
        stages = super().get_login_stages()
        ours = f"{__name__}.OrgEmailVerificationStage"
        return [ours if path == "allauth.account.stages.EmailVerificationStage" else path for path in stages]

    def format_email_subject(self, subject: str) -> str:
        return one_line(f"[{organization_name()}] {subject}")

    # Links in emails start with the organization's own base URL (tenants.identity.organization_url), never
    # with the Host header of the request that asked for them (allauth's default).

    def get_reset_password_from_key_url(self, key: str) -> str:
        from urllib.parse import quote

        from django.urls import reverse

        from tenants.identity import organization_url

        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        return organization_url(path.replace("UID-KEY", quote(key)))

    def get_email_confirmation_url(self, request, emailconfirmation) -> str:
        from django.urls import reverse

        from tenants.identity import organization_url

        return organization_url(reverse("account_confirm_email", args=[emailconfirmation.key]))

    def send_account_already_exists_mail(self, email: str) -> None:
        from django.urls import reverse

        from tenants.identity import organization_url

        context = {
            "signup_url": organization_url(reverse("account_signup")),
            "password_reset_url": organization_url(reverse("account_reset_password")),
        }
        self.send_mail("account/email/account_already_exists", email, context)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Every allauth email (password reset, address confirmation, account already exists) in the
        recipient's language, whatever the language of the page that asked for it."""
        language = recipient_language(context.get("user"), email=email) or translation.get_language()
        with translation.override(language):
            super().send_mail(template_prefix, email, {"organization_name": organization_name(), **context})

    def send_notification_mail(self, template_prefix, user, context=None, email=None) -> None:
        super().send_notification_mail(template_prefix, user, context, email or user.email)

    def unstash_verified_email(self, request) -> str | None:
        # allauth writes None back, which would hand every API registration a session cookie.
        return request.session.pop("account_verified_email", None)

    def add_message(self, request, *args, **kwargs) -> None:
        if is_api_path(request.path):
            return  # API clients read the answer, not a message queued in a session
        super().add_message(request, *args, **kwargs)


class OrgMFAAdapter(DefaultMFAAdapter):
    def get_totp_issuer(self) -> str:
        return organization_name()

    def get_totp_label(self, user) -> str:
        return user.email
