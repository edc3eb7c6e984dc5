"""The language and time zone a request is answered in.

Pages: the signed-in person's `language`, else their organization's `default_language`, else the browser's
Accept-Language among settings.LANGUAGES (Django's LocaleMiddleware logic, cookie included), else English.
The time zone likewise: the person's `timezone`, else the organization's `default_timezone`, else UTC, so
that `{{ value|date }}` on a page shows the viewer's local time. A stored value that is no longer offered
(a withdrawn language, a time zone the system does not know) is skipped, never an error.

API (/api/...): the person is only known inside the view (tokens, API keys), and its answers are read by
programs: messages follow Accept-Language, and the time zone stays UTC, so that ISO datetimes keep their
"+00:00" whatever the caller's preferences.
"""

import zoneinfo
from functools import cache

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers

from apps.core.api.envelope import is_api_path
from apps.core.validation import offered_language

DEFAULT_TIME_ZONE = "UTC"


@cache
def _zone(name: str) -> zoneinfo.ZoneInfo | None:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def _organization_settings(request):
    organization = getattr(request, "tenant", None)
    if organization is None or organization.is_public:
        return None
    try:
        return organization.settings  # loaded with the organization by the host lookup (cached)
    except ObjectDoesNotExist:  # an organization being provisioned may not have settings yet
        return None


def _person(request):
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def request_language(request) -> tuple[str, bool]:
    """The language to answer `request` in, and whether it was taken from the browser (Accept-Language or
    the language cookie), in which case the answer varies on that header."""
    if not is_api_path(request.path):
        person = _person(request)
        for code in (
            getattr(person, "language", ""),
            getattr(_organization_settings(request), "default_language", ""),
        ):
            language = offered_language(code)
            if language:
                return language, False
    language = offered_language(translation.get_language_from_request(request, check_path=False))
    return language or settings.LANGUAGE_CODE, True


def request_time_zone(request) -> zoneinfo.ZoneInfo:
    if not is_api_path(request.path):
        candidates = (
            getattr(_person(request), "timezone", ""),
            getattr(_organization_settings(request), "default_timezone", ""),
        )
        for name in candidates:
            zone = _zone(name) if name else None
            if zone is not None:
                return zone
    return _zone(DEFAULT_TIME_ZONE)


class PersonLocaleMiddleware:
    """After AuthenticationMiddleware (and the session's organization check): activates the language and the
    time zone for the rest of the request and restores the previous ones after it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language, from_browser = request_language(request)
        zone = request_time_zone(request)
        request.LANGUAGE_CODE = language
        with translation.override(language), timezone.override(zone):
            response = self.get_response(request)
        if from_browser:
            patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", language)
        return response
