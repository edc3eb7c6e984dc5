"""Writes on branches and classes. Org Admins run branches; Branch Managers run their branches' classes."""

import json

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.deletion import ProtectedError
from django.utils.translation import gettext

from apps.accounts.permissions import scope_of
from apps.audit.services import audit_record
from apps.core.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    ValidationFailed,
    validation_error_from_django,
)
from apps.core.validation import is_hex_color, is_time_zone
from apps.events import emit

from . import events
from .models import Branch, SchoolClass

BRANCH_FIELDS = (
    "name",
    "code",
    "address",
    "timezone",
    "display_name",
    "primary_color",
    "welcome_text",
    "settings",
    "is_active",
)
BRANCH_SETTINGS_FIELDS = ("display_name", "primary_color", "welcome_text", "timezone", "settings")
CLASS_FIELDS = ("name", "term", "description", "is_active", "branch_id")
DUPLICATE_CODE = "Another branch already uses this code."
SETTINGS_MAX_CHARS = 10_000


def _require_org_admin(actor) -> None:
    if actor is not None and not scope_of(actor).is_org_admin:
        raise PermissionDenied(gettext("Only Org Admins may do this."))


def _require_branch_manager(actor, branch_id) -> None:
    if actor is not None and not scope_of(actor).manages_branch(branch_id):
        if branch_id in scope_of(actor).member_branch_ids:
            raise PermissionDenied(gettext("Only this branch's managers and Org Admins may do this."))
        raise NotFound(gettext("No such branch."))


def _clean_branch(values: dict) -> dict:
    errors: dict[str, list[str]] = {}
    cleaned = {k: (v.strip() if isinstance(v, str) else v) for k, v in values.items()}
    if "code" in cleaned:
        cleaned["code"] = (cleaned["code"] or "").lower()
    if cleaned.get("timezone") and not is_time_zone(cleaned["timezone"]):
        errors["timezone"] = [gettext("Unknown time zone.")]
    if cleaned.get("primary_color") and not is_hex_color(cleaned["primary_color"]):
        errors["primary_color"] = [gettext("Use a colour like #2457d6.")]
    if "settings" in cleaned:
        if not isinstance(cleaned["settings"], dict):
            errors["settings"] = [gettext("Settings must be an object.")]
        elif len(json.dumps(cleaned["settings"])) > SETTINGS_MAX_CHARS:
            errors["settings"] = [
                gettext("Settings may take at most %(count)s characters as JSON.")
                % {"count": SETTINGS_MAX_CHARS}
            ]
    if errors:
        raise ValidationFailed(errors)
    return cleaned


def _save(instance, *, unique_message: dict[str, list[str]]):
    try:
        instance.full_clean()
    except ValidationError as exc:
        failure = validation_error_from_django(exc)
        if "__all__" in failure.field_errors:
            failure.field_errors.update(unique_message)
            del failure.field_errors["__all__"]
        raise failure from exc
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as exc:
        raise ValidationFailed(unique_message) from exc
    return instance


@transaction.atomic
def branch_create(*, actor, name: str, code: str, **values) -> Branch:
    _require_org_admin(actor)
    cleaned = _clean_branch({"name": name, "code": code, **values})
    unknown = set(cleaned) - set(BRANCH_FIELDS)
    if unknown:
        raise ValidationFailed({field: [gettext("Unknown field.")] for field in sorted(unknown)})
    if Branch.objects.filter(code__iexact=cleaned["code"]).exists():
        raise ValidationFailed({"code": [DUPLICATE_CODE]})
    branch = _save(Branch(**cleaned), unique_message={"code": [DUPLICATE_CODE]})
    audit_record(actor=actor, action="branch.created", target=branch, changes={"code": branch.code})
    emit(
        events.BRANCH_CREATED,
        key=f"{events.BRANCH_CREATED}:{branch.pk}",
        payload={"branch_id": branch.pk, "code": branch.code},
        actor=actor,
    )
    return branch


@transaction.atomic
def branch_update(*, branch: Branch, actor, **values) -> Branch:
    return _branch_change(
        branch=branch, actor=actor, values=values, allowed=BRANCH_FIELDS, action="branch.updated"
    )


@transaction.atomic
def branch_settings_update(*, branch: Branch, actor, **values) -> Branch:
    """A branch's own settings and the branding that overrides the organization's (empty = inherit)."""
    return _branch_change(
        branch=branch,
        actor=actor,
        values=values,
        allowed=BRANCH_SETTINGS_FIELDS,
        action="branch.settings_changed",
    )


def _branch_change(*, branch: Branch, actor, values: dict, allowed: tuple[str, ...], action: str) -> Branch:
    _require_branch_manager(actor, branch.pk)
    unknown = set(values) - set(allowed)
    if unknown:
        raise ValidationFailed({field: [gettext("Unknown field.")] for field in sorted(unknown)})
    cleaned = _clean_branch(values)
    if "code" in cleaned and cleaned["code"] != branch.code:
        if actor is not None and not scope_of(actor).is_org_admin:
            raise PermissionDenied(gettext("Only Org Admins may change a branch's code."))
        if Branch.objects.filter(code__iexact=cleaned["code"]).exclude(pk=branch.pk).exists():
            raise ValidationFailed({"code": [DUPLICATE_CODE]})
    changes = {f: [getattr(branch, f), v] for f, v in cleaned.items() if getattr(branch, f) != v}
    for field, value in cleaned.items():
        setattr(branch, field, value)
    _save(branch, unique_message={"code": [DUPLICATE_CODE]})
    if changes:
        audit_record(actor=actor, action=action, target=branch, changes=changes)
    return branch


def branch_for_classes(*, actor, ref: int | str) -> Branch:
    """The branch `ref` names (an id, or a code) for creating a class in it or moving one there.

    Anyone but an Org Admin is refused the same way whether the branch exists or not, so that ids and codes
    of other branches cannot be probed."""
    if isinstance(ref, int):
        branch = Branch.objects.filter(pk=ref).first() if 0 < ref < 2**63 else None
    else:
        branch = Branch.objects.filter(code__iexact=str(ref).strip()).first()
    scope = scope_of(actor) if actor is not None else None
    managed = (
        scope is None or scope.is_org_admin or (branch is not None and branch.pk in scope.managed_branch_ids)
    )
    if not managed:
        raise PermissionDenied(gettext("You may only put classes in the branches you manage."))
    if branch is None:
        raise ValidationFailed({"branch": [gettext("No such branch.")]})
    return branch


@transaction.atomic
def branch_delete(*, branch: Branch, actor) -> None:
    _require_org_admin(actor)
    if branch.classes.exists():
        raise Conflict(
            gettext("This branch still has classes. Move or delete them first, or deactivate the branch."),
            details={"classes": [str(c) for c in branch.classes.all()[:10]]},
        )
    audit_record(actor=actor, action="branch.deleted", target=branch, changes={"code": branch.code})
    try:
        branch.delete()
    except ProtectedError as exc:
        raise Conflict(gettext("This branch is still in use.")) from exc


def _clean_class(values: dict) -> dict:
    return {k: (v.strip() if isinstance(v, str) else v) for k, v in values.items()}


@transaction.atomic
def class_create(
    *, actor, branch: Branch, name: str, term: str = "", description: str = "", is_active: bool = True
) -> SchoolClass:
    _require_branch_manager(actor, branch.pk)
    cleaned = _clean_class({"name": name, "term": term, "description": description})
    school_class = _save(
        SchoolClass(branch=branch, is_active=is_active, **cleaned),
        unique_message={"name": ["This branch already has a class with this name and term."]},
    )
    audit_record(actor=actor, action="class.created", target=school_class, changes={"branch": branch.code})
    emit(
        events.CLASS_CREATED,
        key=f"{events.CLASS_CREATED}:{school_class.pk}",
        payload={"class_id": school_class.pk, "branch_id": branch.pk},
        actor=actor,
    )
    return school_class


@transaction.atomic
def class_update(*, school_class: SchoolClass, actor, **values) -> SchoolClass:
    _require_branch_manager(actor, school_class.branch_id)
    unknown = set(values) - {"name", "term", "description", "is_active", "branch"}
    if unknown:
        raise ValidationFailed({field: [gettext("Unknown field.")] for field in sorted(unknown)})
    if "branch" in values:
        new_branch = values.pop("branch")
        _require_branch_manager(actor, new_branch.pk)
        if new_branch.pk != school_class.branch_id:
            # People in the class move with it: their branch follows the class.
            school_class.role_assignments.update(branch=new_branch)
            values["branch"] = new_branch
    cleaned = _clean_class(values)
    changes = {
        f: [str(getattr(school_class, f)), str(v)]
        for f, v in cleaned.items()
        if getattr(school_class, f) != v
    }
    for field, value in cleaned.items():
        setattr(school_class, field, value)
    _save(school_class, unique_message={"name": ["This branch already has a class with this name and term."]})
    if changes:
        audit_record(actor=actor, action="class.updated", target=school_class, changes=changes)
    return school_class


@transaction.atomic
def class_delete(*, school_class: SchoolClass, actor) -> None:
    _require_branch_manager(actor, school_class.branch_id)
    audit_record(actor=actor, action="class.deleted", target=school_class)
    school_class.delete()
