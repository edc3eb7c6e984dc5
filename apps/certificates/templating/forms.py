"""The template editor's form (pages only: the services validate again, and decide)."""

import json

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.certificates.models import CertificateTemplate

from .services import PLACEHOLDERS

LAYOUT_HELP = {
    "classic": _("A framed page, everything centred, the name in a large serif."),
    "modern": _("A coloured band at the side with the logo and the QR code; text on the left."),
    "minimal": _("White space, a thin accent line, clean sans-serif type."),
    "custom": _("You place each field yourself (positions in mm, below)."),
}


class ColourInput(forms.TextInput):
    input_type = "color"


class TemplateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, help_text=_("Only staff see it."))
    layout = forms.ChoiceField(
        label=_("Layout"), choices=CertificateTemplate.Layout.choices, widget=forms.RadioSelect
    )
    page_size = forms.ChoiceField(label=_("Paper size"), choices=CertificateTemplate.PageSize.choices)
    orientation = forms.ChoiceField(label=_("Orientation"), choices=CertificateTemplate.Orientation.choices)
    primary_color = forms.RegexField(
        label=_("Main colour"), regex=r"^#[0-9a-fA-F]{6}$", widget=ColourInput, max_length=7
    )
    accent_color = forms.RegexField(
        label=_("Accent colour"), regex=r"^#[0-9a-fA-F]{6}$", widget=ColourInput, max_length=7
    )
    title_text = forms.CharField(label=_("Title"), max_length=200)
    body_text = forms.CharField(
        label=_("Text"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Placeholders: %(names)s. The learner's name and the course are set large on their own lines."
        )
        % {"names": " ".join("{" + name + "}" for name in PLACEHOLDERS)},
    )
    signer_name = forms.CharField(label=_("Signed by"), max_length=200, required=False)
    signer_title = forms.CharField(label=_("Signer's title"), max_length=200, required=False)
    logo = forms.FileField(label=_("Logo"), required=False, help_text=_("PNG or JPEG, at most 2 MB."))
    clear_logo = forms.BooleanField(label=_("Remove the logo"), required=False)
    signature_image = forms.FileField(
        label=_("Signature"),
        required=False,
        help_text=_("PNG (transparent background) or JPEG, at most 2 MB."),
    )
    clear_signature = forms.BooleanField(label=_("Remove the signature"), required=False)
    positions = forms.CharField(
        label=_("Field positions (custom layout)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "class": "mono"}),
        help_text=_(
            'JSON: {"learner": {"x": 148, "y": 90, "size": 34, "align": "center"}, …} in mm from the top-left '
            "corner, for title, learner, course, body, grade, date, code, organization, logo, signature and qr."
        ),
    )

    def __init__(self, *args, template: CertificateTemplate | None = None, **kwargs):
        if template is not None and not kwargs.get("data"):
            kwargs["initial"] = {
                **{name: getattr(template, name) for name in self.base_fields if hasattr(template, name)},
                "positions": json.dumps(template.fields, indent=2) if template.fields else "",
            }
            kwargs["initial"].pop("logo", None)
            kwargs["initial"].pop("signature_image", None)
        elif template is None and not kwargs.get("data"):
            defaults = {f.name: f.get_default() for f in CertificateTemplate._meta.fields}
            kwargs["initial"] = {name: defaults[name] for name in self.base_fields if name in defaults}
            kwargs["initial"]["positions"] = ""
        super().__init__(*args, **kwargs)
        self.template = template
        self.layout_help = LAYOUT_HELP

    def clean_positions(self):
        raw = self.cleaned_data.get("positions", "").strip()
        if not raw:
            return {}
        try:
            value = json.loads(raw)
        except ValueError:
            raise forms.ValidationError(_("This is not valid JSON.")) from None
        if not isinstance(value, dict):
            raise forms.ValidationError(_("Give an object of field positions."))
        return value

    def values(self) -> dict:
        data = self.cleaned_data
        values = {
            name: data[name]
            for name in (
                "name",
                "layout",
                "page_size",
                "orientation",
                "primary_color",
                "accent_color",
                "title_text",
                "body_text",
                "signer_name",
                "signer_title",
            )
        }
        values["fields"] = data["positions"]
        return values

    def images(self) -> dict:
        data = self.cleaned_data
        images = {}
        for field, clear in (("logo", "clear_logo"), ("signature_image", "clear_signature")):
            if data.get(field):
                images[field] = data[field]
            elif data.get(clear):
                images[field] = None
        return images
