"""Writes on people and their roles. Every function runs in the schema of the organization it is called for,
checks what the acting person may do (apps.accounts.permissions) and records an audit entry."""

import contextlib
from dataclasses import dataclass

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django_tenants.utils import schema_context

from apps.audit.services import audit_record
from apps.core.api.authentication import ORG_CLAIM, token_is_for_this_organization, tokens_for_user
from apps.core.errors import (
    ApplicationError,
    ErrorCode,
    NotFound,
    PermissionDenied,
    ValidationFailed,
    validation_error_from_django,
)
from apps.core.validation import UNKNOWN_LANGUAGE_MESSAGE, is_offered_language, is_time_zone
from apps.events import emit

from . import events
from .models import RoleAssignment, User
from .permissions import forget_scope, scope_of
from .selectors import user_list
from .signals import roles_granted
from .tokens import encode_uid, invitation_tokens

Role = RoleAssignment.Role

DUPLICATE_EMAIL = "Someone with this email already belongs to this organization."
LAST_ADMIN = "This is the organization's last Org Admin; appoint another first."


@dataclass(frozen=True)
class RoleSpec:
    """A role and where it applies: nowhere for Org Admin, a branch for Branch Manager, a branch or a class
    for Teacher and Student (a class implies its branch)."""

    role: str
    branch_id: int | None = None
    school_class_id: int | None = None


@dataclass(frozen=True)
class Invitation:
    user: User
    path: str  # host-relative
    url: str = ""  # absolute, on the organization's host (empty outside an organization's schema)


def active_user_count() -> int:
    """People who hold or may take a seat: everyone not deactivated."""
    return User.objects.exclude(status=User.Status.DEACTIVATED).count()


def invitation_path(user: User) -> str:
    return f"/invite/{encode_uid(user)}/{invitation_tokens.make_token(user)}/"


def invitation_url(path: str) -> str:
    """`path` on the organization's own base URL (never the request's host; see tenants.identity)."""
    from tenants.identity import organization_url

    return organization_url(path)


def _send_invitation_after_commit(invitation: Invitation) -> None:
    """Queue the invitation email once the person exists for good, in the schema they were created in."""
    schema = connection.schema_name
    user_id, url = invitation.user.pk, invitation.url

    def queue() -> None:
        from .tasks import send_invitation_email

        with schema_context(schema):
            send_invitation_email.delay(user_id=user_id, url=url)

    transaction.on_commit(queue)


def _check_role_name(spec: RoleSpec) -> None:
    if spec.role not in Role.values:
        known = ", ".join(Role.values)
        raise ValidationFailed(
            {
                "role": [
                    gettext("Unknown role '%(role)s'. Use one of: %(known)s.")
                    % {"role": spec.role, "known": known}
                ]
            }
        )


def _check_may_grant_spec(actor, spec: RoleSpec) -> None:
    """Refuse, before looking anything up, a role `actor` may not hand out. Someone who does not run the whole
    organization gets the same answer for a branch or class outside their branches whether it exists or not,
    so ids cannot be probed."""
    if actor is None:
        return
    scope = scope_of(actor)
    if scope.is_org_admin:
        return
    if not scope.can_manage_people():
        raise PermissionDenied(gettext("You may not change people's roles."))
    if spec.role in (Role.ORG_ADMIN, Role.BRANCH_MANAGER):
        raise PermissionDenied(gettext("Only Org Admins may appoint Org Admins and Branch Managers."))
    from apps.hierarchy.models import SchoolClass

    outside = (spec.branch_id is not None and spec.branch_id not in scope.managed_branch_ids) or (
        spec.school_class_id is not None
        and not SchoolClass.objects.filter(
            pk=spec.school_class_id, branch_id__in=scope.managed_branch_ids
        ).exists()
    )
    if outside:
        raise PermissionDenied(gettext("You may only assign people within the branches you manage."))


def _resolve(spec: RoleSpec) -> RoleAssignment:
    """Validate a role spec and return an unsaved assignment with branch/class filled in."""
    from apps.hierarchy.models import Branch, SchoolClass

    _check_role_name(spec)
    branch = school_class = None
    if spec.school_class_id is not None:
        school_class = SchoolClass.objects.select_related("branch").filter(pk=spec.school_class_id).first()
        if school_class is None:
            raise ValidationFailed({"class": [gettext("No such class.")]})
        branch = school_class.branch
        if spec.branch_id is not None and spec.branch_id != branch.pk:
            raise ValidationFailed({"branch": [gettext("The class belongs to another branch.")]})
    elif spec.branch_id is not None:
        branch = Branch.objects.filter(pk=spec.branch_id).first()
        if branch is None:
            raise ValidationFailed({"branch": [gettext("No such branch.")]})
    if spec.role == Role.ORG_ADMIN and (branch or school_class):
        raise ValidationFailed(
            {"role": [gettext("Org Admin applies to the whole organization, not a branch or class.")]}
        )
    if spec.role == Role.BRANCH_MANAGER and (branch is None or school_class is not None):
        raise ValidationFailed(
            {"branch": [gettext("A Branch Manager manages a branch: name one (and no class).")]}
        )
    if spec.role in (Role.TEACHER, Role.STUDENT) and branch is None:
        raise ValidationFailed(
            {"branch": [gettext("Teachers and students belong to a branch or a class: name one.")]}
        )
    return RoleAssignment(role=spec.role, branch=branch, school_class=school_class)


def _resolve_for(actor, spec: RoleSpec) -> RoleAssignment:
    _check_role_name(spec)
    _check_may_grant_spec(actor, spec)
    assignment = _resolve(spec)
    _check_may_grant(actor, assignment)
    return assignment


def _check_may_grant(actor, assignment: RoleAssignment) -> None:
    if actor is None:  # the system (provisioning, imports run by an admin) has already been authorized
        return
    scope = scope_of(actor)
    if scope.is_org_admin:
        return
    if assignment.role in (Role.ORG_ADMIN, Role.BRANCH_MANAGER):
        raise PermissionDenied(gettext("Only Org Admins may appoint Org Admins and Branch Managers."))
    if not scope.manages_branch(assignment.branch_id):
        raise PermissionDenied(gettext("You may only assign people within the branches you manage."))


def _visible_or_404(actor, user: User) -> None:
    if actor is None:
        return
    if not user_list(viewer=actor).filter(pk=user.pk).exists():
        raise NotFound(gettext("No such person."))


def _check_may_manage(actor, user: User) -> None:
    """May `actor` change `user`'s account (deactivate, edit, change roles)?"""
    if actor is None:
        return
    _visible_or_404(actor, user)
    scope = scope_of(actor)
    if scope.is_org_admin:
        return
    if not scope.is_branch_manager:
        raise PermissionDenied(gettext("You may not manage other people's accounts."))
    if RoleAssignment.objects.filter(user=user, role__in=[Role.ORG_ADMIN, Role.BRANCH_MANAGER]).exists():
        raise PermissionDenied(gettext("Only Org Admins may manage Org Admins and Branch Managers."))


def _clean_email(email: str) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationFailed({"email": [gettext("Enter a valid email address.")]}) from None
    return email


def _check_timezone(name: str) -> None:
    if name and not is_time_zone(name):
        raise ValidationFailed({"timezone": [gettext("Unknown time zone.")]})


def _check_language(code: str) -> None:
    """Empty (the organization's default) or one of settings.LANGUAGES."""
    if code and not is_offered_language(code):
        raise ValidationFailed({"language": [UNKNOWN_LANGUAGE_MESSAGE]})


def _unique(assignments: list[RoleAssignment]) -> list[RoleAssignment]:
    seen, unique = set(), []
    for assignment in assignments:
        key = (assignment.role, assignment.branch_id, assignment.school_class_id)
        if key not in seen:
            seen.add(key)
            unique.append(assignment)
    return unique


@transaction.atomic
def user_invite(
    *,
    email: str,
    full_name: str = "",
    roles: list[RoleSpec] | tuple = (),
    actor=None,
    language: str = "",
    timezone_name: str = "",
    send_email: bool = False,
) -> Invitation:
    """Create a person in the invited state with their roles, and return their invitation link.
    `roles` may also hold bare role names for organization-wide roles (used at provisioning).
    With `send_email`, the invitation email is queued once the transaction commits."""
    if actor is not None and not scope_of(actor).can_manage_people():
        raise PermissionDenied(gettext("You may not invite people."))
    specs = [RoleSpec(r) if isinstance(r, str) else r for r in roles]
    assignments = _unique([_resolve_for(actor, spec) for spec in specs])
    if actor is not None and not scope_of(actor).is_org_admin and not assignments:
        raise ValidationFailed({"roles": [gettext("Give the person a role in one of your branches.")]})
    email = _clean_email(email)
    _check_language(language)
    _check_timezone(timezone_name)
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationFailed({"email": [DUPLICATE_EMAIL]})
    from tenants.limits import enforce_limit

    enforce_limit(limit="max_active_users", current=active_user_count())
    user = User(
        email=email,
        full_name=(full_name or "").strip(),
        status=User.Status.INVITED,
        invited_at=timezone.now(),
        language=language,
        timezone=timezone_name,
    )
    user.set_unusable_password()
    try:
        user.full_clean()
    except ValidationError as exc:
        raise validation_error_from_django(exc) from exc
    user.save()
    for assignment in assignments:
        assignment.user = user
        assignment.save()
    roles_granted.send(sender=RoleAssignment, assignments=assignments)
    entry = audit_record(
        actor=actor,
        action="user.invited",
        target=user,
        changes={"roles": [_describe(a) for a in assignments]},
    )
    events.users_created_emit([user], source="invitation", actor=actor)
    events.roles_granted_emit(assignments, actor=actor)
    events.invitations_sent_emit(
        [user], discriminator=f"audit{entry.pk}", resend=False, emailed=send_email, actor=actor
    )
    path = invitation_path(user)
    invitation = Invitation(user=user, path=path, url=invitation_url(path))
    if send_email:
        _send_invitation_after_commit(invitation)
    return invitation


def _describe(assignment: RoleAssignment) -> dict:
    return {"role": assignment.role, "branch": assignment.branch_id, "class": assignment.school_class_id}


@transaction.atomic
def invitation_accept(*, user: User, token: str, password: str, full_name: str | None = None) -> User:
    if user.status != User.Status.INVITED or not invitation_tokens.check_token(user, token):
        raise ValidationFailed(
            {"token": [gettext("This invitation link is no longer valid. Ask for a new one.")]}
        )
    if full_name is not None and full_name.strip():
        user.full_name = full_name.strip()
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationFailed({"password": list(exc.messages)}) from exc
    user.set_password(password)
    user.status = User.Status.ACTIVE
    user.save(update_fields=["password", "status", "full_name"])
    audit_record(actor=user, action="user.invitation_accepted", target=user)
    emit(
        events.INVITATION_ACCEPTED,
        key=f"{events.INVITATION_ACCEPTED}:{user.pk}",
        payload={"user_id": user.pk},
        actor=user,
    )
    from .lockout import account_lockout_clear

    account_lockout_clear(email=user.email)  # the link proved the mailbox: lift guesses at any address
    return user


@transaction.atomic
def invitation_resend(*, user: User, actor, send_email: bool = True) -> Invitation:
    """A fresh invitation link for someone who has not accepted yet, emailed to them after commit."""
    _check_may_manage(actor, user)
    if user.status != User.Status.INVITED:
        raise ValidationFailed({"status": [gettext("Only invited people can be sent a new invitation.")]})
    user.invited_at = timezone.now()
    user.save(update_fields=["invited_at"])
    entry = audit_record(actor=actor, action="user.invitation_resent", target=user)
    events.invitations_sent_emit(
        [user], discriminator=f"audit{entry.pk}", resend=True, emailed=send_email, actor=actor
    )
    path = invitation_path(user)
    invitation = Invitation(user=user, path=path, url=invitation_url(path))
    if send_email:
        _send_invitation_after_commit(invitation)
    return invitation


PROFILE_FIELDS = ("full_name", "language", "timezone")


@transaction.atomic
def user_update(*, user: User, actor, **values) -> User:
    """Change a person's profile (name, language, time zone) or, for Org Admins, their email."""
    unknown = set(values) - {*PROFILE_FIELDS, "email"}
    if unknown:
        raise ValidationFailed(
            {field: [gettext("This field cannot be changed here.")] for field in sorted(unknown)}
        )
    if actor is not None and actor.pk != user.pk:
        _check_may_manage(actor, user)
    changes = {}
    if "email" in values:
        email = _clean_email(values["email"])
        if email != user.email:
            if actor is not None and not scope_of(actor).is_org_admin:
                raise PermissionDenied(gettext("Only Org Admins may change email addresses."))
            if User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
                raise ValidationFailed({"email": [DUPLICATE_EMAIL]})
        values["email"] = email
    if "language" in values:
        _check_language(values["language"])
    if "timezone" in values:
        _check_timezone(values["timezone"])
    for field, value in values.items():
        value = value.strip() if isinstance(value, str) else value
        if getattr(user, field) != value:
            changes[field] = [getattr(user, field), value]
            setattr(user, field, value)
    if not changes:
        return user
    try:
        user.full_clean()
    except ValidationError as exc:
        raise validation_error_from_django(exc) from exc
    user.save()
    audit_record(actor=actor, action="user.updated", target=user, changes=changes)
    return user


def _org_admin_count() -> int:
    return (
        RoleAssignment.objects.filter(role=Role.ORG_ADMIN, user__status=User.Status.ACTIVE)
        .values("user")
        .distinct()
        .count()
    )


def _refuse_last_admin(user: User) -> None:
    is_admin = RoleAssignment.objects.filter(user=user, role=Role.ORG_ADMIN).exists()
    if is_admin and user.status == User.Status.ACTIVE and _org_admin_count() <= 1:
        raise ValidationFailed({"user": [LAST_ADMIN]})


@transaction.atomic
def user_deactivate(*, user: User, actor) -> User:
    _check_may_manage(actor, user)
    if actor is not None and actor.pk == user.pk:
        raise ValidationFailed({"user": [gettext("You cannot deactivate yourself.")]})
    if user.status == User.Status.DEACTIVATED:
        return user
    _refuse_last_admin(user)
    previous = user.status
    user.status = User.Status.DEACTIVATED
    user.save(update_fields=["status"])
    _revoke_tokens(user)
    entry = audit_record(
        actor=actor, action="user.deactivated", target=user, changes={"status": [previous, user.status]}
    )
    emit(
        events.USER_DEACTIVATED,
        key=f"{events.USER_DEACTIVATED}:{user.pk}:audit{entry.pk}",
        payload={"user_id": user.pk},
        actor=actor,
    )
    return user


@transaction.atomic
def user_reactivate(*, user: User, actor) -> User:
    _check_may_manage(actor, user)
    if user.status != User.Status.DEACTIVATED:
        return user
    from tenants.limits import enforce_limit

    enforce_limit(limit="max_active_users", current=active_user_count())
    user.status = User.Status.ACTIVE if user.has_usable_password() else User.Status.INVITED
    user.save(update_fields=["status"])
    entry = audit_record(actor=actor, action="user.reactivated", target=user)
    emit(
        events.USER_REACTIVATED,
        key=f"{events.USER_REACTIVATED}:{user.pk}:audit{entry.pk}",
        payload={"user_id": user.pk, "status": user.status},
        actor=actor,
    )
    return user


@transaction.atomic
def user_delete(*, user: User, actor) -> None:
    """Remove a person for good, freeing their email. Org Admins only."""
    if actor is not None:
        _visible_or_404(actor, user)
        if not scope_of(actor).is_org_admin:
            raise PermissionDenied(gettext("Only Org Admins may delete people; deactivate them instead."))
        if actor.pk == user.pk:
            raise ValidationFailed({"user": [gettext("You cannot delete yourself.")]})
    _refuse_last_admin(user)
    audit_record(
        actor=actor, action="user.deleted", target=user, target_repr=user.email, changes={"email": user.email}
    )
    emit(
        events.USER_DELETED,
        key=f"{events.USER_DELETED}:{user.pk}",
        payload={"user_id": user.pk},
        actor=actor if getattr(actor, "pk", None) != user.pk else None,
    )
    user.delete()


def _revoke_tokens(user: User) -> None:
    """Blacklist every outstanding refresh token of `user` (deactivation, password change)."""
    from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

    for token in OutstandingToken.objects.filter(user=user).exclude(blacklistedtoken__isnull=False):
        BlacklistedToken.objects.get_or_create(token=token)


REFRESH_REFUSED = "The refresh token is invalid or expired."


def _token_refused(message: str = REFRESH_REFUSED) -> ApplicationError:
    return ApplicationError(message, code=ErrorCode.TOKEN_INVALID, status_code=401)


def _refresh_token(raw: str):
    """The refresh token `raw`, if it is well signed, current, not blacklisted and issued here."""
    from rest_framework_simplejwt.exceptions import TokenError
    from rest_framework_simplejwt.tokens import RefreshToken

    try:
        token = RefreshToken(raw)
    except TokenError as exc:
        raise _token_refused() from exc
    if token.get(ORG_CLAIM) is None:
        raise _token_refused()
    if not token_is_for_this_organization(token):
        # Another organization's, or one of an organization that was deleted (whose blacklist went with it).
        raise _token_refused(gettext("This token was not issued for this organization."))
    return token


@transaction.atomic
def token_refresh(*, refresh: str) -> tuple[User, dict[str, str]]:
    """Rotation: the refresh token `refresh` is blacklisted and a new pair issued to its (active) owner.
    Returns the owner and the pair (`access`, `refresh`)."""
    token = _refresh_token(refresh)
    user = User.objects.filter(pk=token.get("user_id")).first()
    if user is None or not user.is_active:
        raise _token_refused()
    with contextlib.suppress(AttributeError):  # blacklist app not installed: rotation only
        token.blacklist()
    return user, tokens_for_user(user)


@transaction.atomic
def token_revoke(*, refresh: str, user: User) -> None:
    """Sign-out of the API: `user`'s refresh token `refresh` is blacklisted. Someone else's is refused, as
    an invalid one is."""
    token = _refresh_token(refresh)
    if str(token.get("user_id")) != str(user.pk):
        raise _token_refused()
    token.blacklist()


@transaction.atomic
def role_grant(*, user: User, spec: RoleSpec, actor) -> RoleAssignment:
    """Give `user` a role; granting one they already hold changes nothing and returns it."""
    return role_grant_or_get(user=user, spec=spec, actor=actor)[0]


@transaction.atomic
def role_grant_or_get(*, user: User, spec: RoleSpec, actor) -> tuple[RoleAssignment, bool]:
    """As role_grant, also saying whether the role is new."""
    if actor is not None and not scope_of(actor).is_org_admin:
        _visible_or_404(actor, user)
    assignment = _resolve_for(actor, spec)
    existing = RoleAssignment.objects.filter(
        user=user, role=assignment.role, branch=assignment.branch, school_class=assignment.school_class
    ).first()
    if existing:
        return existing, False
    assignment.user = user
    assignment.save()
    forget_scope(user)
    roles_granted.send(sender=RoleAssignment, assignments=[assignment])
    audit_record(actor=actor, action="role.granted", target=user, changes=_describe(assignment))
    events.roles_granted_emit([assignment], actor=actor)
    return assignment, True


@dataclass(frozen=True)
class Membership:
    user: User
    assignment: RoleAssignment
    created: bool  # a new role (or a new person) rather than one already held
    invitation: Invitation | None = None  # set when the person was invited


@transaction.atomic
def member_add(
    *,
    actor,
    spec: RoleSpec,
    user: User | None = None,
    email: str = "",
    full_name: str = "",
    send_email: bool = True,
) -> Membership:
    """Give a role in a branch or class to an existing person (`user`, or the person with `email`), or invite
    a new person with that role. An existing email the actor cannot see is refused as a duplicate, exactly as
    an invitation would be, so people outside the actor's branches cannot be pulled in."""
    if user is None:
        email = _clean_email(email)
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            invitation = user_invite(
                email=email, full_name=full_name, roles=[spec], actor=actor, send_email=send_email
            )
            assignment = invitation.user.role_assignments.get()
            return Membership(invitation.user, assignment, True, invitation)
        if actor is not None and not scope_of(actor).is_org_admin:
            if not scope_of(actor).can_manage_people():
                raise PermissionDenied(gettext("You may not change people's roles."))
            if not user_list(viewer=actor).filter(pk=user.pk).exists():
                raise ValidationFailed({"email": [DUPLICATE_EMAIL]})
    assignment, created = role_grant_or_get(user=user, spec=spec, actor=actor)
    return Membership(user, assignment, created)


@transaction.atomic
def role_revoke(*, assignment: RoleAssignment, actor) -> None:
    if actor is not None:
        _visible_or_404(actor, assignment.user)
        if not scope_of(actor).can_manage_people():
            raise PermissionDenied(gettext("You may not change people's roles."))
    _check_may_grant(actor, assignment)
    if assignment.role == Role.ORG_ADMIN:
        _refuse_last_admin(assignment.user)
    audit_record(actor=actor, action="role.revoked", target=assignment.user, changes=_describe(assignment))
    emit(
        events.ROLE_REVOKED,
        key=f"{events.ROLE_REVOKED}:{assignment.pk}",
        payload=events.role_payload(assignment),
        actor=actor,
    )
    forget_scope(assignment.user)
    assignment.delete()
