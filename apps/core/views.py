"""Health and error pages shared by every host."""

import logging

from django.core.cache import caches
from django.core.exceptions import RequestDataTooBig
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render

from .api.envelope import error_response, is_api_path

logger = logging.getLogger(__name__)


def healthz(request):
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # report, do not crash: this is what the probe is for
        logger.warning("health: database unavailable: %s", exc)
        checks["database"] = "unavailable"
    try:
        cache = caches["platform"]
        cache.set("healthz", "1", 5)
        checks["cache"] = "ok" if cache.get("healthz") == "1" else "unavailable"
    except Exception as exc:
        logger.warning("health: cache unavailable: %s", exc)
        checks["cache"] = "unavailable"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "degraded", "checks": checks}, status=200 if healthy else 503
    )


def page_not_found(request, exception=None):
    if is_api_path(request.path):
        return error_response(404, "NOT_FOUND", "No such endpoint or object.")
    return render(request, "errors/404.html", status=404)


def server_error(request):
    if is_api_path(request.path):
        return error_response(
            500, "SERVER_ERROR", "Something went wrong on our side. The error has been logged."
        )
    return render(request, "errors/500.html", status=500)


def permission_denied(request, exception=None):
    if is_api_path(request.path):
        return error_response(403, "PERMISSION_DENIED", "You do not have permission to do this.")
    from .pages import forbidden

    return forbidden(request)


def bad_request(request, exception=None):
    if isinstance(exception, RequestDataTooBig):
        # Django raises this (a SuspiciousOperation, so a 400) when a body it reads is over the limit.
        from .middleware import too_large_response

        return too_large_response(request)
    if is_api_path(request.path):
        return error_response(400, "BAD_REQUEST", "The request could not be understood.")
    return render(request, "errors/400.html", status=400)
