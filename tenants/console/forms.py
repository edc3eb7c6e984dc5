from django import forms

from tenants.models import Organization, Plan
from tenants.validators import slug_problems


class OrganizationCreateForm(forms.Form):
    name = forms.CharField(max_length=120, label="Organization name")
    slug = forms.CharField(
        max_length=63, label="Subdomain",
        help_text="Lower-case letters, digits and hyphens; becomes {slug}.{your base domain}.",
    )
    plan = forms.ModelChoiceField(queryset=Plan.objects.filter(is_public=True), empty_label=None)
    admin_email = forms.EmailField(label="First Org Admin's email")
    admin_name = forms.CharField(max_length=150, required=False, label="First Org Admin's name")
    trial_days = forms.IntegerField(min_value=0, max_value=365, initial=14, label="Trial days",
                                    help_text="0 starts the subscription as active.")

    def clean_slug(self):
        slug = self.cleaned_data["slug"].strip().lower()
        if problems := slug_problems(slug):
            raise forms.ValidationError(problems)
        return slug


class ChangePlanForm(forms.Form):
    plan = forms.ModelChoiceField(queryset=Plan.objects.all(), empty_label=None)
    seats = forms.IntegerField(min_value=1, required=False, help_text="Leave empty to use the plan's limit.")


class LifecycleForm(forms.Form):
    action = forms.ChoiceField(choices=[("suspend", "Suspend"), ("reactivate", "Reactivate"),
                                        ("archive", "Archive"), ("delete", "Delete")])
    reason = forms.CharField(max_length=255, required=False)
    confirm_slug = forms.CharField(max_length=63, required=False)


class OrganizationSearchForm(forms.Form):
    q = forms.CharField(required=False, label="Search")
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *Organization.Status.choices])
