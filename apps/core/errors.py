"""One application error type with stable machine-readable codes.

Services raise these; the API's exception handler turns them into the envelope and pages turn them into
form errors or messages. Domain code never imports the API layer.
"""

from enum import StrEnum
from typing import Any

from django.utils.translation import gettext


class ErrorCode(StrEnum):
    BAD_REQUEST = "BAD_REQUEST"
    VALIDATION_ERROR = "VALIDATION_ERROR"
    INVALID_FILTER = "INVALID_FILTER"
    INVALID_SORT = "INVALID_SORT"
    INVALID_FIELDS = "INVALID_FIELDS"
    INVALID_PAGINATION = "INVALID_PAGINATION"
    NOT_AUTHENTICATED = "NOT_AUTHENTICATED"
    AUTHENTICATION_FAILED = "AUTHENTICATION_FAILED"
    ACCOUNT_LOCKED = "ACCOUNT_LOCKED"
    MFA_REQUIRED = "MFA_REQUIRED"
    MFA_INVALID = "MFA_INVALID"
    EMAIL_NOT_VERIFIED = "EMAIL_NOT_VERIFIED"
    TOKEN_INVALID = "TOKEN_INVALID"
    PERMISSION_DENIED = "PERMISSION_DENIED"
    NOT_FOUND = "NOT_FOUND"
    METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
    NOT_ACCEPTABLE = "NOT_ACCEPTABLE"
    UNSUPPORTED_MEDIA_TYPE = "UNSUPPORTED_MEDIA_TYPE"
    PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
    CONFLICT = "CONFLICT"
    UNPROCESSABLE = "UNPROCESSABLE"
    RATE_LIMITED = "RATE_LIMITED"
    PLAN_LIMIT_REACHED = "PLAN_LIMIT_REACHED"
    TENANT_SUSPENDED = "TENANT_SUSPENDED"
    TENANT_ARCHIVED = "TENANT_ARCHIVED"
    INVALID_STATE = "INVALID_STATE"
    SERVER_ERROR = "SERVER_ERROR"
    SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"


class ApplicationError(Exception):
    """A failure the caller can understand and act on."""

    code: StrEnum = ErrorCode.BAD_REQUEST
    status_code: int = 400

    def __init__(
        self,
        message: str,
        *,
        code: StrEnum | None = None,
        details: dict[str, Any] | None = None,
        status_code: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if status_code is not None:
            self.status_code = status_code
        self.details = details or {}


class ValidationFailed(ApplicationError):
    """Input was refused; `details` maps field names to lists of messages."""

    code = ErrorCode.VALIDATION_ERROR
    status_code = 400

    def __init__(self, field_errors: dict[str, list[str]], message: str | None = None) -> None:
        # Translated when raised (in the request's language), not once at import.
        super().__init__(
            message if message is not None else gettext("Some fields are not valid."), details=field_errors
        )

    @property
    def field_errors(self) -> dict[str, list[str]]:
        return self.details


class NotFound(ApplicationError):
    code = ErrorCode.NOT_FOUND
    status_code = 404


class PermissionDenied(ApplicationError):
    code = ErrorCode.PERMISSION_DENIED
    status_code = 403


class Conflict(ApplicationError):
    code = ErrorCode.CONFLICT
    status_code = 409


class InvalidState(ApplicationError):
    """The object is not in a state that allows this action (e.g. deleting an active organization)."""

    code = ErrorCode.INVALID_STATE
    status_code = 409


class PlanLimitReached(ApplicationError):
    code = ErrorCode.PLAN_LIMIT_REACHED
    status_code = 403


def validation_error_from_django(exc) -> ValidationFailed:
    """Convert a django.core.exceptions.ValidationError (e.g. from full_clean) into ValidationFailed."""
    if hasattr(exc, "error_dict"):
        errors = {field: [str(m) for e in errs for m in e.messages] for field, errs in exc.error_dict.items()}
    else:
        errors = {"non_field_errors": [str(m) for m in exc.messages]}
    return ValidationFailed(errors)
