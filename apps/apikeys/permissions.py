from rest_framework.permissions import BasePermission

from .models import ApiKey


class NotWithApiKey(BasePermission):
    """API keys cannot manage API keys (nor mint more of themselves): only a signed-in person may."""

    message = "API keys cannot manage API keys; sign in as an Org Admin to do this."

    def has_permission(self, request, view) -> bool:
        return not isinstance(request.auth, ApiKey)
