"""Pages of an organization's host: its home, sign-in and invitation acceptance."""

from django.contrib.auth import get_user_model, login
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render

from apps.core.errors import ValidationFailed

from .forms import InvitationAcceptForm
from .services import invitation_accept
from .tokens import decode_uid, invitation_tokens


def home(request):
    return render(request, "accounts/home.html")


class OrgLoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class OrgLogoutView(auth_views.LogoutView):
    next_page = "login"


def invitation(request, uidb64: str, token: str):
    uid = decode_uid(uidb64)
    User = get_user_model()
    user = User.objects.filter(pk=uid).first() if uid and uid.isdigit() else None
    valid = user is not None and user.status == User.Status.INVITED and invitation_tokens.check_token(user, token)
    if not valid:
        return render(request, "accounts/invitation_invalid.html", status=404)
    form = InvitationAcceptForm(request.POST or None, initial={"full_name": user.full_name})
    if request.method == "POST" and form.is_valid():
        try:
            invitation_accept(user=user, token=token, password=form.cleaned_data["password1"],
                              full_name=form.cleaned_data["full_name"])
        except ValidationFailed as exc:
            for field, errors in exc.field_errors.items():
                for error in errors:
                    form.add_error("password1" if field == "password" else None, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect("home")
    return render(request, "accounts/invitation.html", {"form": form, "invited": user})
