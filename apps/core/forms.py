"""Form fields shared by every app's pages."""

import zoneinfo

from django import forms

from .validation import validate_single_line


class SingleLineField(forms.CharField):
    """A name or title: one line, no control characters (see apps.core.validation.validate_single_line)."""

    default_validators = [validate_single_line]


def timezone_choices() -> list[tuple[str, str]]:
    """IANA zone names for a select: the Area/Location ones and UTC (not the legacy aliases)."""
    return [(name, name) for name in sorted(zoneinfo.available_timezones()) if "/" in name or name == "UTC"]
