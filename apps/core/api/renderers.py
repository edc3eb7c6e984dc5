"""Every API response leaves in the envelope {"success", "data", "meta", "error"}."""

from rest_framework.renderers import JSONRenderer

from apps.core.errors import ErrorCode

# For error responses a view returned itself instead of raising: the code still comes from the stable list.
_CODE_FOR_STATUS = {
    400: ErrorCode.BAD_REQUEST,
    401: ErrorCode.NOT_AUTHENTICATED,
    403: ErrorCode.PERMISSION_DENIED,
    404: ErrorCode.NOT_FOUND,
    405: ErrorCode.METHOD_NOT_ALLOWED,
    406: ErrorCode.NOT_ACCEPTABLE,
    409: ErrorCode.CONFLICT,
    413: ErrorCode.PAYLOAD_TOO_LARGE,
    415: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
    422: ErrorCode.UNPROCESSABLE,
    429: ErrorCode.RATE_LIMITED,
    503: ErrorCode.SERVICE_UNAVAILABLE,
}


def _code_for_status(status_code: int) -> str:
    if status_code in _CODE_FOR_STATUS:
        return str(_CODE_FOR_STATUS[status_code])
    return str(ErrorCode.SERVER_ERROR if status_code >= 500 else ErrorCode.BAD_REQUEST)


def _unraised_error(data, status_code: int) -> dict:
    details = {}
    if isinstance(data, dict) and "detail" in data:
        message = str(data["detail"])
    elif isinstance(data, dict):
        message = "The request could not be completed."
        details = {
            key: [str(v) for v in value] if isinstance(value, list) else [str(value)]
            for key, value in data.items()
        }
    elif data:
        message = str(data)
    else:
        message = "The request could not be completed."
    return {
        "success": False,
        "data": None,
        "meta": None,
        "error": {"code": _code_for_status(status_code), "message": message, "details": details},
    }


class EnvelopeJSONRenderer(JSONRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if response is not None and getattr(response, "enveloped", False):
            payload = data
        elif response is not None and response.status_code >= 400:
            # Errors raised outside the exception handler's reach still get the envelope.
            payload = _unraised_error(data, response.status_code)
        else:
            payload = {
                "success": True,
                "data": data,
                "meta": getattr(response, "meta", None),
                "error": None,
            }
        if response is not None and response.status_code == 204:
            # A 204 has no body; say so honestly rather than sending a body the client must ignore.
            return b""
        return super().render(payload, accepted_media_type, renderer_context)
