"""Where the current action comes from (IP address, user agent), without threading it through every
service call: a middleware sets it per request, tasks set it for their run."""

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from apps.core.validation import ip_or_none


@dataclass(frozen=True)
class Origin:
    ip_address: str | None = None
    user_agent: str = ""


_origin: ContextVar[Origin] = ContextVar("audit_origin", default=Origin())  # noqa: B039  frozen


def current_origin() -> Origin:
    return _origin.get()


@contextmanager
def origin(ip_address: str | None, user_agent: str = ""):
    token = _origin.set(Origin(ip_or_none(ip_address), (user_agent or "")[:255]))
    try:
        yield
    finally:
        _origin.reset(token)


class AuditOriginMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from apps.core.api.throttling import client_ip

        with origin(client_ip(request), request.META.get("HTTP_USER_AGENT", "")):
            return self.get_response(request)
