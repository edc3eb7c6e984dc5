"""Small value checks shared by services, forms and serializers (organization settings, branding, people,
names and titles)."""

import re
import zoneinfo

HEX_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


def is_hex_color(value) -> bool:
    return bool(HEX_COLOR.match(str(value or "")))


def is_time_zone(value) -> bool:
    try:
        zoneinfo.ZoneInfo(str(value))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


def offered_language(value) -> str | None:
    """`value` as one of settings.LANGUAGES ("fr-CA" -> "fr"), or None when the interface is not offered in
    it (a language stored before it was withdrawn, or anything else)."""
    from django.conf import settings
    from django.utils.translation import get_supported_language_variant

    code = str(value or "").strip().lower().replace("_", "-")
    if not code:
        return None
    try:
        supported = get_supported_language_variant(code)
    except LookupError:
        return None
    return supported if supported in dict(settings.LANGUAGES) else None


def is_offered_language(value) -> bool:
    """Input is one of the codes of settings.LANGUAGES exactly ("fr", not "FR" or "fr-CA")."""
    from django.conf import settings

    return isinstance(value, str) and value in dict(settings.LANGUAGES)


UNKNOWN_LANGUAGE_MESSAGE = "Choose one of the offered languages."


# Line breaks and other control characters (C0, DEL, C1, and the Unicode line and paragraph separators).
# A name with one breaks every email header it is put in and every one-line place it is shown.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
SINGLE_LINE_MESSAGE = "Use a single line, without line breaks or other control characters."


def is_single_line(value) -> bool:
    return not _CONTROL.search(str(value or ""))


def validate_single_line(value) -> None:
    """A validator for names and titles: forms and DRF serializers take it as it is."""
    from django.core.exceptions import ValidationError

    if not is_single_line(value):
        raise ValidationError(SINGLE_LINE_MESSAGE, code="single_line")


def one_line(value) -> str:
    """`value` with each run of control characters (line breaks included) turned into one space: for
    email subjects and other headers built from names stored before they were validated."""
    return " ".join(part for part in _CONTROL.split(str(value or "")) if part).strip()


def ip_or_none(value) -> str | None:
    """`value` as a normalized IP address, or None: a request with no REMOTE_ADDR (a Unix-socket proxy, an
    in-process call) or a forged X-Forwarded-For records no address rather than failing on the audit row."""
    import ipaddress

    try:
        return str(ipaddress.ip_address(str(value or "").strip()))
    except ValueError:
        return None
