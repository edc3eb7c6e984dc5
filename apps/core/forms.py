"""Form fields shared by every app's pages."""

from django import forms

from .validation import validate_single_line


class SingleLineField(forms.CharField):
    """A name or title: one line, no control characters (see apps.core.validation.validate_single_line)."""

    default_validators = [validate_single_line]
