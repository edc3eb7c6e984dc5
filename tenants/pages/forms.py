"""The settings page's form: the shape of the input and the logo read from its bytes; the service
(tenants.services.organization_settings_update, tenants/settings_validation.py) validates the rest."""

import warnings

from django import forms
from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.core.forms import SingleLineField, timezone_choices

LOGO_MAX_BYTES = 1024 * 1024
LOGO_MAX_SIDE = 4096
# Pillow format -> file extension and content type. No SVG: it can carry scripts.
LOGO_FORMATS = {
    "PNG": ("png", "image/png"),
    "JPEG": ("jpg", "image/jpeg"),
    "GIF": ("gif", "image/gif"),
    "WEBP": ("webp", "image/webp"),
}
LOGO_ACCEPT = ",".join(content_type for _, content_type in LOGO_FORMATS.values())


class OrganizationSettingsForm(forms.Form):
    display_name = SingleLineField(
        max_length=120,
        required=False,
        label=_("Display name"),
        help_text=_("Empty: the organization's name."),
    )
    logo = forms.FileField(
        required=False,
        label=_("Logo"),
        help_text=_("PNG, JPEG, GIF or WebP, at most 1 MB."),
        widget=forms.FileInput(attrs={"accept": LOGO_ACCEPT}),
    )
    remove_logo = forms.BooleanField(required=False, label=_("Remove the current logo"))
    primary_color = forms.RegexField(
        regex=r"^#[0-9a-fA-F]{6}$",
        max_length=7,
        label=_("Primary colour"),
        widget=forms.TextInput(attrs={"type": "color"}),
        error_messages={"invalid": _("Use a colour like #2457d6.")},
    )
    welcome_text = forms.CharField(
        required=False,
        max_length=2000,
        label=_("Welcome text"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown on the sign-in and start pages."),
    )
    default_language = forms.ChoiceField(choices=settings.LANGUAGES, label=_("Default language"))
    default_timezone = forms.ChoiceField(label=_("Default time zone"))
    self_signup_enabled = forms.BooleanField(required=False, label=_("People may sign up by themselves"))
    allowed_email_domains = forms.CharField(
        required=False,
        label=_("Allowed email domains"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One per line or separated by commas, e.g. acme.example.com. "
            "Empty: any domain may sign up (when sign-up is on)."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["default_timezone"].choices = timezone_choices()

    def clean_logo(self):
        upload = self.cleaned_data.get("logo")
        if not upload:
            return None
        if upload.size > LOGO_MAX_BYTES:
            raise forms.ValidationError(
                gettext("The logo is %(size)s MB; upload one of at most 1 MB.")
                % {"size": f"{upload.size / 1024 / 1024:.1f}"}
            )
        from PIL import Image, UnidentifiedImageError

        try:
            upload.seek(0)
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                with Image.open(upload) as image:
                    image_format, (width, height) = image.format, image.size
                    image.verify()
        except (
            UnidentifiedImageError,
            Image.DecompressionBombError,
            Image.DecompressionBombWarning,
            OSError,
            SyntaxError,
            ValueError,
        ) as exc:
            raise forms.ValidationError(
                gettext("This file is not an image we can use. Upload a PNG, JPEG, GIF or WebP image.")
            ) from exc
        if image_format not in LOGO_FORMATS:
            raise forms.ValidationError(gettext("Upload a PNG, JPEG, GIF or WebP image."))
        if width > LOGO_MAX_SIDE or height > LOGO_MAX_SIDE:
            raise forms.ValidationError(
                gettext("The logo is %(width)s x %(height)s pixels; use at most %(max)s x %(max)s.")
                % {"width": width, "height": height, "max": LOGO_MAX_SIDE}
            )
        upload.seek(0)
        # The stored name comes from what the file is, never from what it was called.
        upload.name = f"logo.{LOGO_FORMATS[image_format][0]}"
        return upload

    def clean_allowed_email_domains(self):
        return self.cleaned_data["allowed_email_domains"].strip()
