from allauth.account.forms import LoginForm, SignupForm
from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.core.errors import ApplicationError, ValidationFailed
from apps.core.forms import SingleLineField


class InvitationAcceptForm(forms.Form):
    full_name = SingleLineField(max_length=150, required=False, label=_("Your name"))
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") and cleaned.get("password1") != cleaned.get("password2"):
            self.add_error("password2", gettext("The two passwords differ."))
        return cleaned


class OrgLoginForm(LoginForm):
    """allauth's sign-in form: email and password (and "keep me signed in"). Also accepts the address under
    `username`, the name Django's own sign-in form (and the page this one replaced) used."""

    def __init__(self, *args, **kwargs):
        data = kwargs.get("data")
        if data is not None and not data.get("login") and data.get("username"):
            data = data.copy()
            data["login"] = data["username"]
            kwargs["data"] = data
        super().__init__(*args, **kwargs)
        self.fields["login"].label = _("Email")
        self.fields["login"].widget.attrs.update(autocomplete="username", spellcheck="false", autofocus=True)
        self.fields["login"].widget.attrs.pop("placeholder", None)
        self.fields["password"].widget.attrs.pop("placeholder", None)
        self.fields["password"].help_text = ""  # the page links to the password reset below the form
        if "remember" in self.fields:
            self.fields["remember"].label = _("Keep me signed in on this device")


class OrgSignupForm(SignupForm):
    """Self-signup: name, email, password twice. The organization's rules (on/off, email domains, plan limit)
    are checked on the address; whether it already has an account is never told (allauth emails its owner)."""

    full_name = SingleLineField(
        max_length=150,
        required=False,
        label=_("Your name"),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    field_order = ["full_name", "email", "password1", "password2"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("email", "password1", "password2"):
            if name in self.fields:
                self.fields[name].widget.attrs.pop("placeholder", None)
        if "password2" in self.fields:
            self.fields["password2"].label = _("Password again")
        self.policy_error: ApplicationError | None = None

    def clean_email(self):
        from .adapters import signup_check

        email = super().clean_email()
        try:
            signup_check(email)
        except ValidationFailed as exc:
            raise forms.ValidationError(exc.field_errors.get("email") or exc.message) from exc
        except ApplicationError as exc:  # sign-up closed meanwhile, plan limit reached
            self.policy_error = exc
            raise forms.ValidationError(exc.message) from exc
        return email


class ProfileForm(forms.Form):
    full_name = SingleLineField(
        max_length=150,
        required=False,
        label=_("Your name"),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    # Only the offered languages (settings.LANGUAGES): anything else is refused with a field error. A stored
    # language that is no longer offered shows as the organization's default, which is what applies.
    language = forms.ChoiceField(required=False, label=_("Language"))
    timezone = forms.ChoiceField(required=False, label=_("Time zone"))

    def __init__(self, *args, org_language: str = "", org_timezone: str = "", **kwargs):
        from apps.core.forms import timezone_choices

        super().__init__(*args, **kwargs)
        languages = dict(settings.LANGUAGES)
        org_language_name = languages.get(org_language) or languages[settings.LANGUAGE_CODE]
        self.fields["language"].choices = [
            ("", gettext("The organization's default (%(name)s)") % {"name": org_language_name}),
            *settings.LANGUAGES,
        ]
        self.fields["timezone"].choices = [
            ("", gettext("The organization's default (%(name)s)") % {"name": org_timezone or "UTC"}),
            *timezone_choices(),
        ]
        if self.initial.get("language") and self.initial["language"] not in languages:
            self.initial["language"] = ""
