"""Isolation rows of the event catalog (apps/events). No placeholders."""

from tests.isolation.entries import Endpoint

API_ENDPOINTS = [
    # The event catalog (apps/events/api.py): the same for every org, readable by every member;
    # closed to API keys.
    Endpoint("GET", "/api/v1/events"),
]
