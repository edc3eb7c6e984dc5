"""Forms of the organization area's pages. They check the shape of the input and offer only choices inside
the viewer's scope; the services decide what is allowed and write."""

import warnings
import zoneinfo
from functools import cache

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model

from apps.accounts.models import RoleAssignment
from apps.accounts.permissions import scope_of
from apps.core.errors import ValidationFailed
from apps.core.forms import SingleLineField

from . import selectors

Role = RoleAssignment.Role
User = get_user_model()

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


@cache
def timezone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(zoneinfo.available_timezones()) if "/" in name or name == "UTC"]


def add_service_errors(form: forms.Form, exc: ValidationFailed, aliases: dict | None = None) -> None:
    """Show a service's field errors on the form's fields (unknown fields become form-wide errors)."""
    for field, errors in exc.field_errors.items():
        name = (aliases or {}).get(field, field)
        for error in errors:
            form.add_error(name if name in form.fields else None, error)


class ClassChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj} · {obj.branch.name}"


def _branches(viewer):
    return selectors.branch_list(viewer=viewer).order_by("name", "pk")


def _classes(viewer):
    return selectors.class_list(viewer=viewer).order_by("branch__name", "name", "term", "pk")


def _search_input(placeholder: str) -> forms.TextInput:
    return forms.TextInput(attrs={"type": "search", "placeholder": placeholder, "autocomplete": "off"})


# --- people -----------------------------------------------------------------------------------------------


class PeopleFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=200, label="Search", widget=_search_input("Name or email"))
    role = forms.ChoiceField(required=False, choices=[("", "Any role"), *Role.choices])
    branch = forms.ModelChoiceField(required=False, queryset=None, empty_label="Any branch")
    school_class = ClassChoiceField(required=False, queryset=None, empty_label="Any class", label="Class")
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *User.Status.choices])

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = _branches(viewer)
        self.fields["school_class"].queryset = _classes(viewer)


class RoleFieldsMixin:
    """Role, branch and class, offering only the roles, branches and classes the viewer may grant."""

    def _setup_role_fields(self, viewer) -> None:
        scope = scope_of(viewer)
        branches = _branches(viewer)
        classes = _classes(viewer)
        roles = list(Role.choices)
        if not scope.is_org_admin:
            branches = branches.filter(pk__in=scope.managed_branch_ids)
            classes = classes.filter(branch_id__in=scope.managed_branch_ids)
            roles = [(value, label) for value, label in roles if value in (Role.TEACHER, Role.STUDENT)]
        self.fields["role"].choices = roles
        # Most people invited or given a role are learners: never preselect the most powerful role.
        self.fields["role"].initial = Role.STUDENT
        self.fields["branch"].queryset = branches
        self.fields["school_class"].queryset = classes


class RoleFields(RoleFieldsMixin, forms.Form):
    role = forms.ChoiceField(choices=Role.choices)
    branch = forms.ModelChoiceField(
        required=False,
        queryset=None,
        empty_label="—",
        help_text="Branch Managers manage a branch; teachers and students need a branch or a class.",
    )
    school_class = ClassChoiceField(
        required=False, queryset=None, empty_label="—", label="Class", help_text="A class implies its branch."
    )


class InviteForm(RoleFields):
    email = forms.EmailField(max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    full_name = SingleLineField(
        max_length=150, required=False, label="Name", widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    field_order = ["email", "full_name", "role", "branch", "school_class"]

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_role_fields(viewer)


class RoleAddForm(RoleFields):
    def __init__(self, *args, viewer, **kwargs):
        kwargs.setdefault("auto_id", "role_%s")
        super().__init__(*args, **kwargs)
        self._setup_role_fields(viewer)


class ProfileForm(forms.Form):
    full_name = SingleLineField(max_length=150, required=False, label="Name")
    email = forms.EmailField(max_length=254, help_text="Only Org Admins may change an email address.")
    language = forms.ChoiceField(required=False, choices=[("", "Organization default"), *settings.LANGUAGES])
    timezone = forms.ChoiceField(required=False, label="Time zone")

    def __init__(self, *args, may_change_email: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["timezone"].choices = [("", "Organization default"), *timezone_choices()]
        if not may_change_email:
            del self.fields["email"]


class ConfirmDeleteForm(forms.Form):
    confirm_email = forms.CharField(
        label="Type the person's email address to confirm",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args, expected: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.expected = expected

    def clean_confirm_email(self):
        value = self.cleaned_data["confirm_email"].strip().lower()
        if value != self.expected.lower():
            raise forms.ValidationError("This is not the person's email address; nothing was deleted.")
        return value


# --- branches and classes ---------------------------------------------------------------------------------

COLOR_HELP = "A colour like #2457d6. Empty: the organization's colour."


class BranchForm(forms.Form):
    name = SingleLineField(max_length=120)
    code = forms.SlugField(max_length=40, help_text="Short unique code used by imports, e.g. north.")
    address = forms.CharField(required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
    timezone = forms.ChoiceField(required=False, label="Time zone")
    display_name = SingleLineField(
        required=False,
        max_length=120,
        label="Display name",
        help_text="Shown instead of the organization's name on this branch's pages.",
    )
    primary_color = forms.RegexField(
        required=False,
        regex=r"^#[0-9a-fA-F]{6}$",
        max_length=7,
        label="Primary colour",
        help_text=COLOR_HELP,
        error_messages={"invalid": "Use a colour like #2457d6."},
    )
    welcome_text = forms.CharField(
        required=False, max_length=2000, label="Welcome text", widget=forms.Textarea(attrs={"rows": 3})
    )
    is_active = forms.BooleanField(required=False, initial=True, label="Active")

    def __init__(self, *args, may_change_code: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["timezone"].choices = [("", "The organization's time zone"), *timezone_choices()]
        if not may_change_code:
            del self.fields["code"]


class ClassForm(forms.Form):
    branch = forms.ModelChoiceField(queryset=None, empty_label=None)
    name = SingleLineField(max_length=120)
    term = SingleLineField(max_length=60, required=False, help_text="e.g. 2026 Spring")
    description = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    is_active = forms.BooleanField(required=False, initial=True, label="Active")

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        scope = scope_of(viewer)
        branches = _branches(viewer)
        if not scope.is_org_admin:
            branches = branches.filter(pk__in=scope.managed_branch_ids)
        self.fields["branch"].queryset = branches


class ClassMemberAddForm(forms.Form):
    email = forms.EmailField(
        max_length=254,
        label="Email",
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        help_text="Someone who is not in the organization yet is invited.",
    )
    full_name = SingleLineField(
        max_length=150, required=False, label="Name", help_text="Only used when inviting someone new."
    )
    role = forms.ChoiceField(choices=[(Role.STUDENT, "Student"), (Role.TEACHER, "Teacher")], label="As")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "member_%s")
        super().__init__(*args, **kwargs)


# --- organization settings --------------------------------------------------------------------------------


class OrganizationSettingsForm(forms.Form):
    display_name = SingleLineField(
        max_length=120, required=False, label="Display name", help_text="Empty: the organization's name."
    )
    logo = forms.FileField(
        required=False,
        help_text="PNG, JPEG, GIF or WebP, at most 1 MB.",
        widget=forms.FileInput(attrs={"accept": LOGO_ACCEPT}),
    )
    remove_logo = forms.BooleanField(required=False, label="Remove the current logo")
    primary_color = forms.RegexField(
        regex=r"^#[0-9a-fA-F]{6}$",
        max_length=7,
        label="Primary colour",
        widget=forms.TextInput(attrs={"type": "color"}),
        error_messages={"invalid": "Use a colour like #2457d6."},
    )
    welcome_text = forms.CharField(
        required=False,
        max_length=2000,
        label="Welcome text",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Shown on the sign-in and start pages.",
    )
    default_language = forms.ChoiceField(choices=settings.LANGUAGES, label="Default language")
    default_timezone = forms.ChoiceField(label="Default time zone")
    self_signup_enabled = forms.BooleanField(required=False, label="People may sign up by themselves")
    allowed_email_domains = forms.CharField(
        required=False,
        label="Allowed email domains",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One per line or separated by commas, e.g. acme.example.com. "
        "Empty: any domain may sign up (when sign-up is on).",
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
                f"The logo is {upload.size / 1024 / 1024:.1f} MB; upload one of at most 1 MB."
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
                "This file is not an image we can use. Upload a PNG, JPEG, GIF or WebP image."
            ) from exc
        if image_format not in LOGO_FORMATS:
            raise forms.ValidationError("Upload a PNG, JPEG, GIF or WebP image.")
        if width > LOGO_MAX_SIDE or height > LOGO_MAX_SIDE:
            raise forms.ValidationError(
                f"The logo is {width} x {height} pixels; use at most {LOGO_MAX_SIDE} x {LOGO_MAX_SIDE}."
            )
        upload.seek(0)
        # The stored name comes from what the file is, never from what it was called.
        upload.name = f"logo.{LOGO_FORMATS[image_format][0]}"
        return upload

    def clean_allowed_email_domains(self):
        return self.cleaned_data["allowed_email_domains"].strip()
