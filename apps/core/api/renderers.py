"""Every API response leaves in the envelope {"success", "data", "meta", "error"}."""

from rest_framework.renderers import JSONRenderer


class EnvelopeJSONRenderer(JSONRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if response is not None and getattr(response, "enveloped", False):
            payload = data
        elif response is not None and response.status_code >= 400:
            # Errors raised outside the exception handler's reach still get the envelope.
            payload = {
                "success": False,
                "data": None,
                "meta": None,
                "error": {"code": "ERROR", "message": str(data), "details": {}},
            }
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
