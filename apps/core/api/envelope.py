"""Building envelope payloads outside DRF views (Django 404/500 handlers, middleware)."""

import json
from typing import Any

from django.http import HttpResponse


def error_payload(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "success": False,
        "data": None,
        "meta": None,
        "error": {"code": code, "message": message, "details": details or {}},
    }


def error_response(
    status: int, code: str, message: str, details: dict[str, Any] | None = None
) -> HttpResponse:
    return HttpResponse(
        json.dumps(error_payload(code, message, details)),
        status=status,
        content_type="application/json",
    )


def is_api_path(path: str) -> bool:
    return path.startswith("/api/")
