"""Validation of organization settings values beyond what the model fields check."""

import re

from apps.core.errors import ValidationFailed
from apps.core.validation import UNKNOWN_LANGUAGE_MESSAGE, is_hex_color, is_offered_language, is_time_zone

DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def clean_settings(values: dict) -> dict:
    errors: dict[str, list[str]] = {}
    cleaned = dict(values)
    if "primary_color" in values and not is_hex_color(values["primary_color"]):
        errors["primary_color"] = ["Use a colour like #2457d6."]
    if "default_language" in values and not is_offered_language(values["default_language"]):
        errors["default_language"] = [UNKNOWN_LANGUAGE_MESSAGE]
    if "default_timezone" in values and not is_time_zone(values["default_timezone"]):
        errors["default_timezone"] = ["Unknown time zone."]
    if "allowed_email_domains" in values:
        raw = values["allowed_email_domains"]
        if isinstance(raw, str):
            raw = [part for part in re.split(r"[\s,]+", raw) if part]
        if not isinstance(raw, list | tuple):
            errors["allowed_email_domains"] = ["Give a list of domains."]
        else:
            domains = [str(d).strip().lower().lstrip("@") for d in raw]
            bad = [d for d in domains if not DOMAIN.match(d)]
            if bad:
                errors["allowed_email_domains"] = [f"'{d}' is not a domain name." for d in bad]
            cleaned["allowed_email_domains"] = sorted(set(domains))
    if "self_signup_enabled" in values and not isinstance(values["self_signup_enabled"], bool):
        errors["self_signup_enabled"] = ["Must be true or false."]
    if errors:
        raise ValidationFailed(errors)
    return cleaned
