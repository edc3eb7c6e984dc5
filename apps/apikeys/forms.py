import datetime

from django import forms
from django.utils import timezone

from apps.core.forms import SingleLineField

from .scopes import SCOPE_OBJECTS

OBJECT_LABELS = {
    "organization": "Organization",
    "branches": "Branches",
    "classes": "Classes",
    "users": "People",
    "audit": "Audit log",
    "imports": "Imports",
    "courses": "Courses and content",
    "enrollments": "Enrollments and progress",
}
ACCESS_CHOICES = [("", "No access"), ("read", "Read"), ("write", "Read and write")]


class ApiKeyForm(forms.Form):
    """Name, one access level per object (none, read, read and write) and an optional expiry date."""

    name = SingleLineField(
        max_length=100, help_text="What the key is for, e.g. the service that will use it."
    )
    expires_on = forms.DateField(
        required=False,
        label="Expires on",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Optional. The key stops working at the start of this day. Leave empty for no expiry.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for obj in SCOPE_OBJECTS:
            self.fields[f"scope_{obj}"] = forms.ChoiceField(
                label=OBJECT_LABELS[obj],
                choices=ACCESS_CHOICES,
                required=False,
                initial="",
                widget=forms.RadioSelect,
            )

    def scope_fields(self):
        return [self[f"scope_{obj}"] for obj in SCOPE_OBJECTS]

    def clean_expires_on(self):
        day = self.cleaned_data.get("expires_on")
        if day is not None and day <= timezone.localdate():
            raise forms.ValidationError("Choose a day after today.")
        return day

    def scopes(self) -> list[str]:
        return [
            f"{obj}:{self.cleaned_data[f'scope_{obj}']}"
            for obj in SCOPE_OBJECTS
            if self.cleaned_data.get(f"scope_{obj}")
        ]

    def expires_at(self) -> datetime.datetime | None:
        day = self.cleaned_data.get("expires_on")
        if day is None:
            return None
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
