import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.core.api.scopes import registered_scopes
from apps.core.forms import SingleLineField

ACCESS_CHOICES = [("", _("No access")), ("read", _("Read")), ("write", _("Read and write"))]


class ApiKeyForm(forms.Form):
    """Name, one access level per registered scope object (none, read, read and write), grouped by the app
    that registered it, and an optional expiry date. The scopes are read from the registry when the form is
    made, so a scope an app registers is offered without touching this form."""

    name = SingleLineField(
        max_length=100,
        label=_("Name"),
        help_text=_("What the key is for, e.g. the service that will use it."),
    )
    expires_on = forms.DateField(
        required=False,
        label=_("Expires on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Optional. The key stops working at the start of this day. Leave empty for no expiry."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._scopes = registered_scopes()
        for scope in self._scopes:
            self.fields[f"scope_{scope.object}"] = forms.ChoiceField(
                label=scope.label,
                help_text=scope.description,
                choices=ACCESS_CHOICES,
                required=False,
                initial="",
                widget=forms.RadioSelect,
            )

    def scope_fields(self):
        return [self[f"scope_{scope.object}"] for scope in self._scopes]

    def scope_groups(self) -> list[tuple[str, list]]:
        """(app name, its bound scope fields) per app that registered scopes, in registration order."""
        groups: dict[str, list] = {}
        for scope in self._scopes:
            groups.setdefault(scope.app_name, []).append(self[f"scope_{scope.object}"])
        return list(groups.items())

    def clean_expires_on(self):
        day = self.cleaned_data.get("expires_on")
        if day is not None and day <= timezone.localdate():
            raise forms.ValidationError(gettext("Choose a day after today."))
        return day

    def scopes(self) -> list[str]:
        return [
            f"{scope.object}:{self.cleaned_data[f'scope_{scope.object}']}"
            for scope in self._scopes
            if self.cleaned_data.get(f"scope_{scope.object}")
        ]

    def expires_at(self) -> datetime.datetime | None:
        day = self.cleaned_data.get("expires_on")
        if day is None:
            return None
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
