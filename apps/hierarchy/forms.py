"""Forms of the organization area's pages. They check the shape of the input and offer only choices inside
the viewer's scope; the services decide what is allowed and write."""

from functools import cache

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import RoleAssignment
from apps.accounts.permissions import scope_of
from apps.core.forms import SingleLineField, timezone_choices

from . import selectors

Role = RoleAssignment.Role
User = get_user_model()


@cache
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
    q = forms.CharField(
        required=False, max_length=200, label=_("Search"), widget=_search_input(_("Name or email"))
    )
    role = forms.ChoiceField(required=False, label=_("Role"), choices=[("", _("Any role")), *Role.choices])
    branch = forms.ModelChoiceField(
        required=False, queryset=None, label=_("Branch"), empty_label=_("Any branch")
    )
    school_class = ClassChoiceField(
        required=False, queryset=None, empty_label=_("Any class"), label=_("Class")
    )
    status = forms.ChoiceField(
        required=False, label=_("Status"), choices=[("", _("Any status")), *User.Status.choices]
    )

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
    role = forms.ChoiceField(choices=Role.choices, label=_("Role"))
    branch = forms.ModelChoiceField(
        required=False,
        queryset=None,
        empty_label="—",
        label=_("Branch"),
        help_text=_("Branch Managers manage a branch; teachers and students need a branch or a class."),
    )
    school_class = ClassChoiceField(
        required=False,
        queryset=None,
        empty_label="—",
        label=_("Class"),
        help_text=_("A class implies its branch."),
    )


class InviteForm(RoleFields):
    email = forms.EmailField(
        max_length=254, label=_("Email"), widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )
    full_name = SingleLineField(
        max_length=150, required=False, label=_("Name"), widget=forms.TextInput(attrs={"autocomplete": "off"})
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
    full_name = SingleLineField(max_length=150, required=False, label=_("Name"))
    email = forms.EmailField(
        max_length=254, label=_("Email"), help_text=_("Only Org Admins may change an email address.")
    )
    language = forms.ChoiceField(
        required=False, label=_("Language"), choices=[("", _("Organization default")), *settings.LANGUAGES]
    )
    timezone = forms.ChoiceField(required=False, label=_("Time zone"))

    def __init__(self, *args, may_change_email: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["timezone"].choices = [("", _("Organization default")), *timezone_choices()]
        if not may_change_email:
            del self.fields["email"]


class ConfirmDeleteForm(forms.Form):
    confirm_email = forms.CharField(
        label=_("Type the person's email address to confirm"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args, expected: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.expected = expected

    def clean_confirm_email(self):
        value = self.cleaned_data["confirm_email"].strip().lower()
        if value != self.expected.lower():
            raise forms.ValidationError(
                gettext("This is not the person's email address; nothing was deleted.")
            )
        return value


# --- branches and classes ---------------------------------------------------------------------------------

COLOR_HELP = _("A colour like #2457d6. Empty: the organization's colour.")


class BranchForm(forms.Form):
    name = SingleLineField(max_length=120, label=_("Name"))
    code = forms.SlugField(
        max_length=40, label=_("Code"), help_text=_("Short unique code used by imports, e.g. north.")
    )
    address = forms.CharField(
        required=False, max_length=500, label=_("Address"), widget=forms.Textarea(attrs={"rows": 3})
    )
    timezone = forms.ChoiceField(required=False, label=_("Time zone"))
    display_name = SingleLineField(
        required=False,
        max_length=120,
        label=_("Display name"),
        help_text=_("Shown instead of the organization's name on this branch's pages."),
    )
    primary_color = forms.RegexField(
        required=False,
        regex=r"^#[0-9a-fA-F]{6}$",
        max_length=7,
        label=_("Primary colour"),
        help_text=COLOR_HELP,
        error_messages={"invalid": _("Use a colour like #2457d6.")},
    )
    welcome_text = forms.CharField(
        required=False, max_length=2000, label=_("Welcome text"), widget=forms.Textarea(attrs={"rows": 3})
    )
    is_active = forms.BooleanField(
        required=False, initial=True, label=pgettext_lazy("branch or class", "Active")
    )

    def __init__(self, *args, may_change_code: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["timezone"].choices = [("", _("The organization's time zone")), *timezone_choices()]
        if not may_change_code:
            del self.fields["code"]


class ClassForm(forms.Form):
    branch = forms.ModelChoiceField(queryset=None, empty_label=None, label=_("Branch"))
    name = SingleLineField(max_length=120, label=_("Name"))
    term = SingleLineField(max_length=60, required=False, label=_("Term"), help_text=_("e.g. 2026 Spring"))
    description = forms.CharField(
        required=False, max_length=2000, label=_("Description"), widget=forms.Textarea(attrs={"rows": 3})
    )
    is_active = forms.BooleanField(
        required=False, initial=True, label=pgettext_lazy("branch or class", "Active")
    )

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
        label=_("Email"),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        help_text=_("Someone who is not in the organization yet is invited."),
    )
    full_name = SingleLineField(
        max_length=150, required=False, label=_("Name"), help_text=_("Only used when inviting someone new.")
    )
    role = forms.ChoiceField(
        choices=[(Role.STUDENT, Role.STUDENT.label), (Role.TEACHER, Role.TEACHER.label)], label=_("As")
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "member_%s")
        super().__init__(*args, **kwargs)
