"""Authentication endpoints. They exist on every host, and each host signs in the people of its own
schema: platform operators on BASE_DOMAIN, an organization's people on its subdomain."""

import contextlib

from django.conf import settings
from django.contrib.auth import authenticate, get_user_model, user_logged_in
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.tokens import RefreshToken

from apps.core.api.authentication import ORG_CLAIM, check_token_org, tokens_for_user
from apps.core.api.views import ApiView
from apps.core.errors import ApplicationError, ErrorCode

from .serializers import LoginSerializer, RefreshSerializer, TokenPairSerializer, UserSerializer


def _token_payload(user, tokens: dict[str, str]) -> dict:
    return {
        **tokens,
        "token_type": "Bearer",
        "expires_in": int(settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"].total_seconds()),
        "user": UserSerializer(user).data,
    }


class LoginView(ApiView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    serializer_class = LoginSerializer

    @extend_schema(request=LoginSerializer, responses={200: TokenPairSerializer}, tags=["auth"])
    def post(self, request):
        serializer = LoginSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = authenticate(
            request, username=serializer.validated_data["email"].lower(),
            password=serializer.validated_data["password"],
        )
        if user is None:
            # The same answer whether the email exists or not.
            raise ApplicationError("Email or password is incorrect.", code=ErrorCode.AUTHENTICATION_FAILED,
                                   status_code=401)
        # As a sign-in through the pages does: receivers (last_login among them) see API sign-ins too.
        user_logged_in.send(sender=type(user), request=request._request, user=user)
        return Response(_token_payload(user, tokens_for_user(user)))


def _refresh_token(raw: str) -> RefreshToken:
    try:
        token = RefreshToken(raw)
    except TokenError as exc:
        raise ApplicationError("The refresh token is invalid or expired.", code=ErrorCode.TOKEN_INVALID,
                               status_code=401) from exc
    if token.get(ORG_CLAIM) is None:
        raise ApplicationError("The refresh token is invalid or expired.", code=ErrorCode.TOKEN_INVALID,
                               status_code=401)
    try:
        check_token_org(token)
    except Exception as exc:
        raise ApplicationError("This token was not issued for this organization.",
                               code=ErrorCode.TOKEN_INVALID, status_code=401) from exc
    return token


class RefreshView(ApiView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    serializer_class = RefreshSerializer

    @extend_schema(request=RefreshSerializer, responses={200: TokenPairSerializer}, tags=["auth"])
    def post(self, request):
        serializer = RefreshSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token = _refresh_token(serializer.validated_data["refresh"])
        user = get_user_model().objects.filter(pk=token.get("user_id")).first()
        if user is None or not user.is_active:
            raise ApplicationError("The refresh token is invalid or expired.", code=ErrorCode.TOKEN_INVALID,
                                   status_code=401)
        # Rotation: the old refresh token is blacklisted, a new pair is issued.
        with contextlib.suppress(AttributeError):  # blacklist app not installed: rotation only
            token.blacklist()
        return Response(_token_payload(user, tokens_for_user(user)))


class LogoutView(ApiView):
    permission_classes = [IsAuthenticated]
    serializer_class = RefreshSerializer

    @extend_schema(request=RefreshSerializer, responses={204: None}, tags=["auth"])
    def post(self, request):
        serializer = RefreshSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token = _refresh_token(serializer.validated_data["refresh"])
        if str(token.get("user_id")) != str(request.user.pk):
            raise ApplicationError("The refresh token is invalid or expired.", code=ErrorCode.TOKEN_INVALID,
                                   status_code=401)
        token.blacklist()
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(ApiView):
    serializer_class = UserSerializer

    @extend_schema(responses={200: UserSerializer}, tags=["auth"])
    def get(self, request):
        return Response(UserSerializer(request.user).data)
