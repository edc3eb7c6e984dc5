"""Why a sign-in was refused: the auth endpoints' codes, which live in apps.core.errors.ErrorCode."""

from apps.core.errors import ErrorCode

AuthErrorCode = ErrorCode
