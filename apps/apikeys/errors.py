"""Why an API key was refused: machine-readable codes of this domain, in the API's error envelope."""

from enum import StrEnum

from apps.core.errors import ApplicationError


class ApiKeyErrorCode(StrEnum):
    API_KEY_INVALID = "API_KEY_INVALID"  # malformed, unknown in this organization, or wrong secret
    API_KEY_REVOKED = "API_KEY_REVOKED"
    API_KEY_EXPIRED = "API_KEY_EXPIRED"
    API_KEY_CREATOR_INACTIVE = "API_KEY_CREATOR_INACTIVE"  # the person it acts as is deactivated


class ApiKeyRejectedError(ApplicationError):
    """The key does not authenticate (401)."""

    code = ApiKeyErrorCode.API_KEY_INVALID  # type: ignore[assignment]
    status_code = 401
