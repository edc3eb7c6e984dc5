"""What every server-rendered page shares: sign-in required, the one 403 page, and a service call turned
into a page (field errors back onto the form, NotFound a 404, PermissionDenied the 403 page, any other
refusal a message).

Pages of every app use these; the services decide, the pages only translate their answer:

    @member_required
    def branch_edit(request, pk):
        ...
        if form.is_valid() and (done := submit(request, form, lambda: branch_update(...),
                                               success="Saved.", then=lambda b: b.get_absolute_url())):
            return done
        return render(request, "org/branch_form.html", {"form": form})
"""

from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.db import connection
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django_tenants.utils import get_public_schema_name

from .errors import ApplicationError, NotFound, PermissionDenied, ValidationFailed


def member_required(view):
    """Anonymous: off to the sign-in page, coming back here afterwards. Pages are never cached."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return never_cache(wrapped)


def forbidden(request, message: str | None = None):
    """The 403 page (one for every page and host): what the viewer may not do, and the way back."""
    on_org_host = connection.schema_name != get_public_schema_name()
    signed_in = getattr(request, "user", None) is not None and request.user.is_authenticated
    layout = "org/base.html" if on_org_host and signed_in else "base.html"
    return render(request, "errors/403.html", {"message": message, "layout": layout}, status=403)


def refusal(request, exc: ApplicationError):
    """A service's refusal as a page: NotFound is a 404, PermissionDenied the 403 page; for anything else
    (None) the caller shows the message."""
    if isinstance(exc, NotFound):
        raise Http404(exc.message)
    if isinstance(exc, PermissionDenied):
        return forbidden(request, exc.message)
    return None


def message_for(exc: ApplicationError) -> str:
    if isinstance(exc, ValidationFailed):
        return " ".join(error for errors in exc.field_errors.values() for error in errors) or exc.message
    return exc.message


def add_service_errors(form: forms.Form, exc: ValidationFailed, aliases: dict | None = None) -> None:
    """Show a service's field errors on the form's fields (unknown fields become form-wide errors)."""
    for field, errors in exc.field_errors.items():
        name = (aliases or {}).get(field, field)
        for error in errors:
            form.add_error(name if name in form.fields else None, error)


def submit(request, form, call, *, success, then, aliases: dict | None = None):
    """Run a service for a valid form. Field errors go back onto the form, NotFound and PermissionDenied
    become the 404/403 page, any other refusal (a plan's limit, a state that does not allow it) a form-wide
    error; None means: render the form again. On success, flash `success` (a message, or a function of the
    result) and redirect to `then(result)`."""
    try:
        result = call()
    except ValidationFailed as exc:
        add_service_errors(form, exc, aliases)
        return None
    except (NotFound, PermissionDenied) as exc:
        return refusal(request, exc)
    except ApplicationError as exc:
        form.add_error(None, message_for(exc))
        return None
    messages.success(request, success(result) if callable(success) else success)
    return redirect(then(result))


def act(request, call, *, success, then):
    """Run a service for a button (no form to show errors on): a refusal becomes the 404/403 page, other
    errors a message; either way back to `then`."""
    try:
        result = call()
    except ApplicationError as exc:
        if response := refusal(request, exc):
            return response
        messages.error(request, message_for(exc))
        return redirect(then)
    messages.success(request, success(result) if callable(success) else success)
    return redirect(then)
