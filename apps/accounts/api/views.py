"""Authentication endpoints. They exist on every host, and each host signs in the people of its own
schema: platform operators on BASE_DOMAIN, an organization's people on its subdomain. Registration and
password reset are an organization's matter: on BASE_DOMAIN they answer 404.

Sign-in follows the same rules as the pages (apps/accounts/adapters.py): lockout after repeated failures
(django-axes), email verification for people who signed themselves up, a second factor for people who
turned it on. No answer tells whether an address has an account."""

from allauth.account import signals as allauth_signals
from allauth.account.adapter import get_adapter
from allauth.account.forms import ResetPasswordForm, UserTokenForm
from allauth.account.internal.flows.email_verification import (
    send_verification_email_for_user,
    send_verification_email_to_address,
)
from allauth.account.models import EmailAddress
from allauth.core import context as allauth_context
from allauth.core import ratelimit
from allauth.mfa.base.forms import BaseAuthenticateForm
from allauth.mfa.models import Authenticator
from django import forms
from django.conf import settings
from django.contrib.auth import authenticate, user_logged_in
from django.db import connection, transaction
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from apps.accounts.adapters import (
    lockout_message,
    needs_email_verification,
    password_reset_completed,
    signup_check,
)
from apps.accounts.forms import OrgSignupForm
from apps.accounts.services import token_refresh, token_revoke
from apps.core.api.authentication import tokens_for_user
from apps.core.api.envelope import error_payload
from apps.core.api.views import ApiView
from apps.core.errors import ApplicationError, ErrorCode, NotFound, ValidationFailed

from .errors import AuthErrorCode
from .serializers import (
    DetailSerializer,
    ForgotPasswordSerializer,
    LoginSerializer,
    RefreshSerializer,
    RegisterResponseSerializer,
    RegisterSerializer,
    ResetPasswordSerializer,
    TokenPairSerializer,
    UserSerializer,
)


def _token_payload(user, tokens: dict[str, str]) -> dict:
    return {
        **tokens,
        "token_type": "Bearer",
        "expires_in": int(settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"].total_seconds()),
        "user": UserSerializer(user).data,
    }


def _locked_out() -> Response:
    retry_after = int(settings.AXES_COOLOFF_TIME.total_seconds())
    response = Response(
        error_payload(
            str(AuthErrorCode.ACCOUNT_LOCKED), lockout_message(), {"retry_after_seconds": retry_after}
        ),
        status=status.HTTP_429_TOO_MANY_REQUESTS,
        headers={"Retry-After": str(retry_after)},
    )
    response.enveloped = True
    return response


def _unauthorized(message: str, code) -> ApplicationError:
    return ApplicationError(message, code=code, status_code=401)


def _second_factor_error(user, otp: str, http_request) -> Response | None:
    """None when `otp` is a current authenticator code or an unused recovery code of `user` (which it then
    uses up); else why not. allauth's own form, so page and API share its rate limit on wrong codes."""
    if not otp:
        raise _unauthorized(
            "This account uses two-factor authentication: send the code of the authenticator "
            "app (or a recovery code) as `otp`.",
            AuthErrorCode.MFA_REQUIRED,
        )
    with allauth_context.request_context(http_request):
        form = BaseAuthenticateForm(data={"code": otp}, user=user)
        if form.is_valid():
            form.authenticator.record_usage()
            return None
    if form.has_error("code", "too_many_login_attempts"):
        retry_after = 300
        response = Response(
            error_payload(
                str(AuthErrorCode.ACCOUNT_LOCKED),
                "Too many wrong codes. Try again in a few minutes.",
                {"retry_after_seconds": retry_after},
            ),
            status=status.HTTP_429_TOO_MANY_REQUESTS,
            headers={"Retry-After": str(retry_after)},
        )
        response.enveloped = True
        return response
    raise _unauthorized("The two-factor code is not valid.", AuthErrorCode.MFA_INVALID)


class LoginView(ApiView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    serializer_class = LoginSerializer

    @extend_schema(request=LoginSerializer, responses={200: TokenPairSerializer}, tags=["auth"])
    def post(self, request):
        serializer = LoginSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # Django's request, not DRF's wrapper: django-axes reads the client's address from it and flags a
        # lockout on it (AxesMiddleware then lets this view's own answer through).
        http_request = request._request
        user = authenticate(
            http_request,
            username=serializer.validated_data["email"].lower(),
            password=serializer.validated_data["password"],
        )
        if getattr(http_request, "axes_locked_out", False):
            return _locked_out()
        if user is None:
            # The same answer whether the email exists or not.
            raise _unauthorized("Email or password is incorrect.", ErrorCode.AUTHENTICATION_FAILED)
        if needs_email_verification(user):
            with allauth_context.request_context(http_request):
                send_verification_email_for_user(http_request, user)  # at most once every few minutes
            raise _unauthorized(
                "Confirm your email address first: follow the link we have sent to it.",
                AuthErrorCode.EMAIL_NOT_VERIFIED,
            )
        if Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).exists():
            otp = serializer.validated_data.get("otp", "").strip()
            refusal = _second_factor_error(user, otp, http_request)
            if refusal is not None:
                return refusal
        # As a sign-in through the pages does: receivers (last_login among them) see API sign-ins too.
        user_logged_in.send(sender=type(user), request=http_request, user=user)
        return Response(_token_payload(user, tokens_for_user(user)))


class RefreshView(ApiView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    serializer_class = RefreshSerializer

    @extend_schema(request=RefreshSerializer, responses={200: TokenPairSerializer}, tags=["auth"])
    def post(self, request):
        serializer = RefreshSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user, tokens = token_refresh(refresh=serializer.validated_data["refresh"])
        return Response(_token_payload(user, tokens))


class LogoutView(ApiView):
    permission_classes = [IsAuthenticated]
    serializer_class = RefreshSerializer

    @extend_schema(request=RefreshSerializer, responses={204: None}, tags=["auth"])
    def post(self, request):
        serializer = RefreshSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token_revoke(refresh=serializer.validated_data["refresh"], user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(ApiView):
    serializer_class = UserSerializer

    @extend_schema(responses={200: UserSerializer}, tags=["auth"])
    def get(self, request):
        return Response(UserSerializer(request.user).data)


def _organization_only() -> None:
    if connection.schema_name == settings.PUBLIC_SCHEMA_NAME:
        raise NotFound("No such endpoint or object.")


def _rate_limited(http_request, action: str, key: str | None = None) -> None:
    if not ratelimit.consume(http_request, action=action, key=key):
        raise ApplicationError(
            "Too many requests. Try again in a minute.", code=ErrorCode.RATE_LIMITED, status_code=429
        )


def _form_errors(form: forms.Form, rename: dict[str, str]) -> ValidationFailed:
    return ValidationFailed(
        {rename.get(field, field): [str(m) for m in errors] for field, errors in form.errors.items()}
    )


REGISTERED = "If this address can join, we have sent it a link to confirm it. Follow it, then sign in."


class RegisterView(ApiView):
    """Self-signup, where the organization allows it (else 404) and for its allowed email domains (else 400).
    The person is created active with no role and must confirm their address before signing in. An address
    that already has an account gets the very same answer; its owner gets an email saying so."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    serializer_class = RegisterSerializer

    @extend_schema(request=RegisterSerializer, responses={201: RegisterResponseSerializer}, tags=["auth"])
    def post(self, request):
        _organization_only()
        serializer = RegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        email = data["email"].strip().lower()
        http_request = request._request
        _rate_limited(http_request, "signup")
        signup_check(email)
        form = OrgSignupForm(
            data={
                "email": email,
                "full_name": data.get("full_name", ""),
                "password1": data["password"],
                "password2": data["password"],
            }
        )
        with allauth_context.request_context(http_request):
            if not form.is_valid():
                if form.policy_error is not None:
                    raise form.policy_error
                raise _form_errors(
                    form, {"password1": "password", "password2": "password", "__all__": "non_field_errors"}
                )
            if form.account_already_exists:
                # What allauth's page does too: no account is made, the owner is told by email.
                unowned = EmailAddress(user=None, email=email)
                send_verification_email_to_address(http_request, unowned, signup=True)
            else:
                with transaction.atomic():
                    user = form.save(http_request)
                allauth_signals.user_signed_up.send(sender=type(user), request=http_request, user=user)
                address = EmailAddress.objects.filter(user_id=user.pk, email__iexact=email).first()
                if address is not None:
                    send_verification_email_to_address(http_request, address, signup=True)
        return Response(
            {"email": email, "email_verification": "pending", "detail": REGISTERED},
            status=status.HTTP_201_CREATED,
        )


FORGOT = "If an account uses this address, we have sent it a link to choose a new password."


class ForgotPasswordView(ApiView):
    """Always the same answer; the link (to this organization's host) goes out only to an existing account."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    serializer_class = ForgotPasswordSerializer

    @extend_schema(request=ForgotPasswordSerializer, responses={200: DetailSerializer}, tags=["auth"])
    def post(self, request):
        _organization_only()
        serializer = ForgotPasswordSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        email = serializer.validated_data["email"].strip().lower()
        http_request = request._request
        _rate_limited(http_request, "reset_password", key=email)
        with allauth_context.request_context(http_request):
            form = ResetPasswordForm(data={"email": email})
            if form.is_valid():
                form.save(http_request)
        return Response({"detail": FORGOT})


RESET_LINK_INVALID = "This password reset link is invalid or has expired. Ask for a new one."


class ResetPasswordView(ApiView):
    """Set a new password with the uid and token of an emailed reset link. Every refresh token the person
    held stops working."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    serializer_class = ResetPasswordSerializer

    @extend_schema(request=ResetPasswordSerializer, responses={200: DetailSerializer}, tags=["auth"])
    def post(self, request):
        _organization_only()
        serializer = ResetPasswordSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        http_request = request._request
        _rate_limited(http_request, "reset_password_from_key")
        token_form = UserTokenForm(data={"uidb36": data["uid"], "key": data["token"]})
        user = token_form.reset_user if token_form.is_valid() else None
        if user is None or not user.is_active:
            raise ValidationFailed({"token": [RESET_LINK_INVALID]})
        adapter = get_adapter(http_request)
        with allauth_context.request_context(http_request):
            try:
                adapter.clean_password(data["password"], user=user)
            except forms.ValidationError as exc:
                raise ValidationFailed({"password": list(exc.messages)}) from exc
            with transaction.atomic():
                adapter.set_password(user, data["password"])
                password_reset_completed(user)
            adapter.send_notification_mail("account/email/password_reset", user)
        return Response({"detail": "Your password has been changed. Sign in with the new one."})
