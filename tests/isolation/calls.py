"""Sending a matrix row and reading what came back: shared by the isolation tests."""

from django.core.files.uploadedfile import SimpleUploadedFile

from .entries import PNG
from .registry import fill

# Strings that only org B (globex) has; none may appear in a response served to A.
GLOBEX_MARKERS = ("Globex", "globex", "orgadmin@globex.example.com")


def call(client, endpoint, values):
    method = getattr(client, endpoint.method.lower())
    body = filled_body(endpoint.body, values)
    if endpoint.upload:
        upload = SimpleUploadedFile("matrix.png", PNG, content_type="image/png")
        return method(fill(endpoint.path, values), {**body, endpoint.upload: upload}, format="multipart")
    return method(fill(endpoint.path, values), body or None, format="json")


def filled_body(body, values):
    """A body with each string that is exactly one placeholder ("{module_id}") replaced by its value, so a body
    may name the org's objects (reorders, assignments)."""
    if isinstance(body, dict):
        return {key: filled_body(value, values) for key, value in body.items()}
    if isinstance(body, list):
        return [filled_body(value, values) for value in body]
    if isinstance(body, str) and body.startswith("{") and body.endswith("}") and body[1:-1] in values:
        return values[body[1:-1]]
    return body


def body_text(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode(errors="replace")  # files (media, covers) are bytes


def assert_no_globex_data(response):
    body = body_text(response)
    leaked = [marker for marker in GLOBEX_MARKERS if marker in body]
    assert leaked == [], f"{response.request['PATH_INFO']} leaked {leaked}"
