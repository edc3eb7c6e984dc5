from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm

from apps.core.api.fields import column_range
from apps.core.forms import SingleLineField
from tenants.models import Organization, Plan, Subscription
from tenants.services import provision_slug_problem
from tenants.validators import slug_problems


class OperatorAuthenticationForm(AuthenticationForm):
    """Sign-in for the console: only superusers of the public schema get in."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "not_operator": (
            "This account is not a platform operator account, so it cannot use the console. "
            "Organization members sign in at their organization's address."
        ),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].widget.attrs.update(autocomplete="username", spellcheck="false")

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not user.is_superuser:
            raise forms.ValidationError(self.error_messages["not_operator"], code="not_operator")


class OrganizationCreateForm(forms.Form):
    name = SingleLineField(
        max_length=120,
        label="Organization name",
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    slug = forms.CharField(
        max_length=63,
        label="Subdomain",
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "none"}
        ),
    )
    plan = forms.ModelChoiceField(queryset=Plan.objects.filter(is_public=True), empty_label=None)
    admin_email = forms.EmailField(
        label="First Org Admin's email", widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )
    admin_name = SingleLineField(
        max_length=150,
        required=False,
        label="First Org Admin's name",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    trial_days = forms.IntegerField(
        min_value=0,
        max_value=365,
        initial=settings.ORGANIZATION_TRIAL_DAYS,
        label="Trial days",
        help_text="0 starts the subscription as active.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].help_text = (
            "Lower-case letters, digits and hyphens, starting with a letter. "
            f"The organization will live at <var>slug</var>.{settings.BASE_DOMAIN}."
        )

    def clean_name(self):
        return self.cleaned_data["name"].strip()

    def clean_slug(self):
        slug = self.cleaned_data["slug"].strip().lower()
        if problems := slug_problems(slug):
            raise forms.ValidationError(problems)
        return slug

    def clean_admin_email(self):
        return self.cleaned_data["admin_email"].strip().lower()

    def clean(self):
        # The slug's availability is checked here, with the other fields, so that every error shows at once.
        cleaned = super().clean()
        slug = cleaned.get("slug")
        if slug:
            problem = provision_slug_problem(
                slug,
                name=cleaned.get("name") or self.data.get("name", "").strip(),
                admin_email=cleaned.get("admin_email") or self.data.get("admin_email", "").strip().lower(),
            )
            if problem:
                self.add_error("slug", problem)
        return cleaned


class ChangePlanForm(forms.Form):
    plan = forms.ModelChoiceField(queryset=Plan.objects.all(), empty_label=None)
    seats = forms.IntegerField(
        min_value=1,
        max_value=column_range(Subscription, "seats")["max_value"],
        required=False,
        help_text="Leave empty to use the plan's limit.",
    )


class LifecycleForm(forms.Form):
    action = forms.ChoiceField(
        choices=[
            ("suspend", "Suspend"),
            ("reactivate", "Reactivate"),
            ("archive", "Archive"),
            ("delete", "Delete"),
        ]
    )
    reason = forms.CharField(max_length=255, required=False)
    confirm_slug = forms.CharField(max_length=63, required=False)
    # Suspending and archiving lock members out of their work: the operator ticks a box to say they mean it
    # (checked on the server, so it holds without JavaScript). Deleting asks for the typed subdomain instead.
    confirm = forms.BooleanField(required=False)


class OrganizationSearchForm(forms.Form):
    q = forms.CharField(
        required=False,
        max_length=200,
        label="Search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Name, subdomain, email or domain"}),
    )
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *Organization.Status.choices])
    plan = forms.ModelChoiceField(
        queryset=Plan.objects.all(), required=False, empty_label="Any plan", to_field_name="code"
    )


class DomainAddForm(forms.Form):
    domain = forms.CharField(
        max_length=253,
        label="Domain",
        help_text="A host name the customer points at this platform with a CNAME, e.g. learning.example.com.",
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "none"}
        ),
    )
