"""Turn every exception an API view raises into the error envelope with a stable code."""

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError

from apps.core.errors import ApplicationError, ErrorCode, validation_error_from_django

from ..middleware import TOO_LARGE_MESSAGE
from .envelope import error_payload

logger = logging.getLogger(__name__)

_DRF_CODES: list[tuple[type[Exception], ErrorCode]] = [
    (InvalidToken, ErrorCode.TOKEN_INVALID),
    (exceptions.ValidationError, ErrorCode.VALIDATION_ERROR),
    (exceptions.ParseError, ErrorCode.BAD_REQUEST),
    (exceptions.NotAuthenticated, ErrorCode.NOT_AUTHENTICATED),
    (exceptions.AuthenticationFailed, ErrorCode.AUTHENTICATION_FAILED),
    (exceptions.PermissionDenied, ErrorCode.PERMISSION_DENIED),
    (exceptions.NotFound, ErrorCode.NOT_FOUND),
    (exceptions.MethodNotAllowed, ErrorCode.METHOD_NOT_ALLOWED),
    (exceptions.NotAcceptable, ErrorCode.NOT_ACCEPTABLE),
    (exceptions.UnsupportedMediaType, ErrorCode.UNSUPPORTED_MEDIA_TYPE),
    (exceptions.Throttled, ErrorCode.RATE_LIMITED),
]


def _details_from_drf(detail) -> dict:
    if isinstance(detail, dict):
        return {key: _flatten(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return {"non_field_errors": _flatten(detail)}
    return {}


def _flatten(value):
    if isinstance(value, dict):
        return {key: _flatten(inner) for key, inner in value.items()}
    if isinstance(value, list):
        if all(not isinstance(item, dict | list) for item in value):
            return [str(item) for item in value]
        return [_flatten(item) for item in value]
    return [str(value)]


def _response(
    status_code: int, code: str, message: str, details: dict, headers: dict | None = None
) -> Response:
    response = Response(error_payload(code, message, details), status=status_code, headers=headers)
    response.enveloped = True
    return response


def envelope_exception_handler(exc, context):
    # As DRF's own handler does: with ATOMIC_REQUESTS, a refused request must not commit half its writes.
    set_rollback()
    if isinstance(exc, ApplicationError):
        headers = {"WWW-Authenticate": exc.auth_header} if getattr(exc, "auth_header", None) else None
        return _response(exc.status_code, str(exc.code), exc.message, exc.details, headers)
    if isinstance(exc, DjangoValidationError):
        failure = validation_error_from_django(exc)
        return _response(failure.status_code, str(failure.code), failure.message, failure.details)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, TokenError):
        exc = InvalidToken(str(exc))
    elif isinstance(exc, RequestDataTooBig):
        return _response(413, str(ErrorCode.PAYLOAD_TOO_LARGE), TOO_LARGE_MESSAGE, {})
    elif isinstance(exc, SuspiciousOperation):
        # Too many form fields or files, a malformed multipart body: the client's fault, never a 500.
        logger.info("Refused a suspicious API request: %s", exc)
        return _response(400, str(ErrorCode.BAD_REQUEST), "The request could not be understood.", {})
    elif isinstance(exc, DataError):
        # Safety net: a value the database refuses (a number beyond its column, a NUL) that no validator
        # caught. Fields declare their bounds (apps.core.api.fields); this keeps a miss a 400.
        logger.warning("A value reached the database that it refuses: %s", exc)
        return _response(
            400,
            str(ErrorCode.VALIDATION_ERROR),
            "A value is out of range or not valid for its field.",
            {},
        )

    if isinstance(exc, exceptions.APIException):
        code = next((c for cls, c in _DRF_CODES if isinstance(exc, cls)), ErrorCode.BAD_REQUEST)
        headers = {}
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
        if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
            headers["Retry-After"] = str(max(1, int(exc.wait)))
        if isinstance(exc, exceptions.ValidationError):
            message = "Some fields are not valid."
            details = _details_from_drf(exc.detail)
        else:
            detail = exc.detail
            message = str(detail.get("detail", detail)) if isinstance(detail, dict) else str(detail)
            details = {}
        return _response(exc.status_code, str(code), message, details, headers)

    logger.exception("Unhandled API error", exc_info=exc)
    return _response(
        status.HTTP_500_INTERNAL_SERVER_ERROR,
        str(ErrorCode.SERVER_ERROR),
        "Something went wrong on our side. The error has been logged.",
        {},
    )
