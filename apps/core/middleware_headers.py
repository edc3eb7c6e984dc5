"""Response headers that depend on who asked, set once for every answer.

`ApiCacheControlMiddleware`: an `/api/` answer to a request that carries credentials (a bearer token, an API
key or a session cookie) is personal, so no cache may keep it: `Cache-Control: no-store`, errors included,
and also the answers the tenant and rate-limit middleware make before any view runs (it sits outside
them). Anonymous answers keep their defaults.
"""

from django.conf import settings
from django.utils.cache import patch_cache_control

from .api.envelope import is_api_path


def carries_credentials(request) -> bool:
    """Did the client send something that identifies it? (Whether it was valid does not matter: an answer
    to a wrong key is about that key too.)"""
    return bool(
        request.headers.get("Authorization")
        or request.headers.get("X-API-Key")
        or request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    )


class ApiCacheControlMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if is_api_path(request.path_info) and carries_credentials(request):
            cache_control = response.get("Cache-Control", "")
            if "no-store" not in cache_control:
                # Whatever a view said about caching (e.g. a file's "private, max-age"), it must not be kept.
                if "Cache-Control" in response:
                    del response["Cache-Control"]
                patch_cache_control(response, no_store=True)
        return response
