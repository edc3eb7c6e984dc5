from rest_framework.permissions import BasePermission


class IsPlatformOperator(BasePermission):
    """A super-admin of the platform, signed in on BASE_DOMAIN (users of the public schema)."""

    message = "Only platform operators may do this."

    def has_permission(self, request, view) -> bool:
        tenant = getattr(request, "tenant", None)
        user = request.user
        return bool(
            tenant is not None and tenant.is_public and user and user.is_authenticated and user.is_superuser
        )
