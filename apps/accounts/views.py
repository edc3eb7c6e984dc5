"""Pages of an organization's host: sign-in and the account pages around it (django-allauth's views
in the organization's branding), invitation acceptance and the person's profile."""

from allauth.account import views as allauth_views
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import translation

from apps.core.errors import ValidationFailed
from apps.core.middleware_locale import request_language

from .adapters import mark_email_verified, password_reset_completed, signup_policy
from .forms import InvitationAcceptForm, ProfileForm
from .services import invitation_accept, user_update
from .tokens import decode_uid, invitation_tokens


class OrgLoginView(allauth_views.LoginView):
    """Sign in with email and password, then the second factor for people who turned it on. Repeated
    failures lock that account at the client's address, and many across accounts the address (django-axes,
    see lockout.py)."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["signup_enabled"] = signup_policy().open
        return context


class OrgLogoutView(allauth_views.LogoutView):
    pass


class OrgSignupView(allauth_views.SignupView):
    """Self-signup, where the organization allows it; elsewhere there is no such page."""

    def dispatch(self, request, *args, **kwargs):
        self.policy = signup_policy()
        if not self.policy.open:
            raise Http404("This organization does not take sign-ups.")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["signup_policy"] = self.policy
        return context


class OrgPasswordResetFromKeyView(allauth_views.PasswordResetFromKeyView):
    def form_valid(self, form):
        response = super().form_valid(form)
        password_reset_completed(self.reset_user)
        return response

    def render_to_response(self, context, **response_kwargs):
        if context.get("token_fail"):
            response_kwargs["status"] = 404  # a dead link, like a dead invitation link
        return super().render_to_response(context, **response_kwargs)


class OrgConfirmEmailView(allauth_views.ConfirmEmailView):
    def render_to_response(self, context, **response_kwargs):
        if not context.get("confirmation"):
            response_kwargs["status"] = 404
        return super().render_to_response(context, **response_kwargs)


def not_offered(request, *args, **kwargs):
    """allauth pages this product does not offer (addresses are changed by an Org Admin)."""
    raise Http404


def invitation(request, uidb64: str, token: str):
    uid = decode_uid(uidb64)
    User = get_user_model()
    user = User.objects.filter(pk=uid).first() if uid and uid.isdigit() else None
    valid = (
        user is not None and user.status == User.Status.INVITED and invitation_tokens.check_token(user, token)
    )
    if not valid:
        return render(request, "accounts/invitation_invalid.html", status=404)
    form = InvitationAcceptForm(request.POST or None, initial={"full_name": user.full_name})
    if request.method == "POST" and form.is_valid():
        try:
            invitation_accept(
                user=user,
                token=token,
                password=form.cleaned_data["password1"],
                full_name=form.cleaned_data["full_name"],
            )
        except ValidationFailed as exc:
            for field, errors in exc.field_errors.items():
                for error in errors:
                    form.add_error("password1" if field == "password" else None, error)
        else:
            mark_email_verified(user)
            login(request, user, backend="allauth.account.auth_backends.AuthenticationBackend")
            return redirect("home")
    return render(request, "accounts/invitation.html", {"form": form, "invited": user})


@login_required
def profile(request):
    """The signed-in person's own profile: name, language and time zone, and the way to their password and
    two-factor settings."""
    from allauth.mfa.models import Authenticator

    user = request.user
    branding = getattr(getattr(request, "tenant", None), "settings", None)
    initial = {"full_name": user.full_name, "language": user.language, "timezone": user.timezone}
    form = ProfileForm(
        request.POST or None,
        initial=initial,
        org_language=getattr(branding, "default_language", ""),
        org_timezone=getattr(branding, "default_timezone", ""),
    )
    if request.method == "POST" and form.is_valid():
        try:
            user_update(user=user, actor=user, **form.cleaned_data)
        except ValidationFailed as exc:
            for field, errors in exc.field_errors.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            # Said in the language the next page will be in (the one just chosen, if any).
            with translation.override(request_language(request)[0]):
                messages.success(request, translation.gettext("Your profile has been saved."))
            return redirect("profile")
    mfa_types = set(Authenticator.objects.filter(user_id=user.pk).values_list("type", flat=True))
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "totp_enabled": Authenticator.Type.TOTP in mfa_types,
            "has_recovery_codes": Authenticator.Type.RECOVERY_CODES in mfa_types,
        },
    )
