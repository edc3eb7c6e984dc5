"""Writes on people. Every function runs in the schema of the organization it is called for."""

from dataclasses import dataclass

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from apps.core.errors import ValidationFailed, validation_error_from_django

from .models import RoleAssignment, User
from .tokens import encode_uid, invitation_tokens


@dataclass(frozen=True)
class Invitation:
    user: User
    path: str  # host-relative; the caller knows the org's host


def active_user_count() -> int:
    """People who hold or may take a seat: everyone not deactivated."""
    return User.objects.exclude(status=User.Status.DEACTIVATED).count()


def invitation_path(user: User) -> str:
    return f"/invite/{encode_uid(user)}/{invitation_tokens.make_token(user)}/"


@transaction.atomic
def user_invite(*, email: str, full_name: str = "", roles: list[str] | tuple[str, ...] = ()) -> Invitation:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationFailed({"email": ["Enter a valid email address."]}) from None
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationFailed({"email": ["Someone with this email already belongs to this organization."]})
    from tenants.limits import enforce_limit

    enforce_limit(limit="max_active_users", current=active_user_count())
    user = User(email=email, full_name=full_name.strip(), status=User.Status.INVITED, invited_at=timezone.now())
    user.set_unusable_password()
    try:
        user.full_clean()
    except ValidationError as exc:
        raise validation_error_from_django(exc) from exc
    user.save()
    for role in roles:
        RoleAssignment.objects.create(user=user, role=role)
    return Invitation(user=user, path=invitation_path(user))


@transaction.atomic
def invitation_accept(*, user: User, token: str, password: str, full_name: str | None = None) -> User:
    if user.status != User.Status.INVITED or not invitation_tokens.check_token(user, token):
        raise ValidationFailed({"token": ["This invitation link is no longer valid. Ask for a new one."]})
    if full_name is not None and full_name.strip():
        user.full_name = full_name.strip()
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationFailed({"password": list(exc.messages)}) from exc
    user.set_password(password)
    user.status = User.Status.ACTIVE
    user.save(update_fields=["password", "status", "full_name"])
    return user
