"""Per-tenant rate limits: 1000/min per authenticated principal (user or API key), 100/min per anonymous IP.

A fixed one-minute window counted in the shared `platform` cache (Redis in production, so every web
process sees the same counts). Keys name the tenant schema explicitly, so org A's traffic never spends
org B's budget. The outcome is left on the request so every API response can carry
X-RateLimit-Limit / -Remaining / -Reset, and a refusal carries Retry-After.
"""

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from rest_framework.throttling import BaseThrottle


@dataclass(frozen=True)
class RateLimitState:
    limit: int
    count: int  # requests made in this window, this one included
    reset: int  # epoch seconds when the window ends

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.count)

    @property
    def exceeded(self) -> bool:
        return self.count > self.limit

    def headers(self) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(self.reset),
        }


def client_ip(request) -> str:
    # Behind a trusted proxy (NUM_PROXIES) take the client's address from X-Forwarded-For.
    num_proxies = getattr(settings, "NUM_PROXIES", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if num_proxies and forwarded:
        addresses = [a.strip() for a in forwarded.split(",")]
        return addresses[-min(num_proxies, len(addresses))]
    return request.META.get("REMOTE_ADDR", "unknown")


def principal_key(request) -> tuple[str, int]:
    limits = settings.API_RATE_LIMITS
    api_key = getattr(request, "api_key", None)
    if api_key is not None:
        return f"key:{api_key.pk}", limits["authenticated"]
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}", limits["authenticated"]
    return f"ip:{client_ip(request)}", limits["anonymous"]


def hit(scope: str, limit: int, window: int) -> RateLimitState:
    now = int(time.time())
    window_start = now - now % window
    key = f"ratelimit:{scope}:{window_start}"
    cache = caches["platform"]
    cache.add(key, 0, timeout=window + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=window + 5)
        count = 1
    return RateLimitState(limit=limit, count=count, reset=window_start + window)


class TenantRateThrottle(BaseThrottle):
    def allow_request(self, request, view) -> bool:
        window = settings.API_RATE_LIMITS["window_seconds"]
        principal, limit = principal_key(request)
        scope = f"{connection.schema_name}:{principal}"
        state = hit(scope, limit, window)
        request.rate_limit = state
        request._request.rate_limit = state
        self._wait = max(1, state.reset - int(time.time()))
        return not state.exceeded

    def wait(self):
        return self._wait


class ApiRateLimitMiddleware:
    """Rate-limit headers (and the limit itself) for /api/ answers that no DRF view produced: the catch-all
    404, the OpenAPI documents, and the suspended/archived refusals. DRF views count themselves (see
    ApiMixin); this only counts what they did not."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith("/api/") or response.has_header("X-RateLimit-Limit"):
            return response
        tenant = getattr(request, "tenant", None)
        if tenant is None:
            return response
        state = getattr(request, "rate_limit", None)
        if state is None:
            principal, limit = principal_key(request)
            state = hit(
                f"{connection.schema_name}:{principal}", limit, settings.API_RATE_LIMITS["window_seconds"]
            )
            if state.exceeded:
                from .envelope import error_response

                wait = max(1, state.reset - int(time.time()))
                response = error_response(
                    429, "RATE_LIMITED", f"Request was throttled. Expected available in {wait} seconds."
                )
                response["Retry-After"] = str(wait)
        for header, value in state.headers().items():
            response[header] = value
        return response
