"""The audit log's sentences for people and their roles, the names of the people it mentions
(apps.audit.describe), and who may read the log: Org Admins (apps.audit.access). Registered from
AccountsConfig.ready()."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from apps.audit.access import register_readers
from apps.audit.sentences import (
    USER,
    Facts,
    Named,
    Sentence,
    and_list,
    field_changes,
    humanise,
    link,
    pks,
    register_description,
    register_reference,
    simple,
    visible,
)

from .models import RoleAssignment
from .permissions import IsOrgAdmin, is_org_admin
from .selectors import visible_people

BRANCH = "hierarchy.branch"  # places a role is held in, named by apps.hierarchy's resolvers
CLASS = "hierarchy.schoolclass"


def _users(keys, viewer):
    people = get_user_model().objects.filter(pk__in=pks(keys)).only("pk", "full_name", "email")
    return {
        str(u.pk): Named(u.get_full_name(), link(u, "hierarchy:person", u.pk))
        # visible_people: whom user_list() shows the viewer, without the roles it prefetches for its rows
        for u in visible(people, visible_people, viewer)
    }


def _role(facts: Facts, spec) -> Sentence | None:
    """{"role": "teacher", "branch": 3, "class": 7} -> "Teacher in Algebra 1"."""
    if not isinstance(spec, dict) or not isinstance(spec.get("role"), str):
        return None
    role = spec["role"]
    label = RoleAssignment.Role(role).label if role in RoleAssignment.Role.values else humanise(role)
    if spec.get("class") not in (None, ""):
        return Sentence(
            _("{role} in {place}"), role=label, place=facts.ref(CLASS, spec["class"], _("a class"))
        )
    if spec.get("branch") not in (None, ""):
        return Sentence(
            _("{role} in {place}"), role=label, place=facts.ref(BRANCH, spec["branch"], _("a branch"))
        )
    return Sentence("{role}", role=label)


def _user_invited(facts: Facts) -> Sentence:
    roles = [role for role in (_role(facts, spec) for spec in facts.list("roles")) if role is not None]
    if roles:
        return Sentence(_("{actor} invited {target} as {roles}"), roles=and_list(roles))
    return Sentence(_("{actor} invited {target}"))


def _user_updated(facts: Facts) -> Sentence:
    labels = {
        "full_name": _("name"),
        "language": _("language"),
        "timezone": _("time zone"),
        "email": _("email"),
    }
    changed = field_changes(facts, labels)
    if not changed:
        return Sentence(_("{actor} updated the profile of {target}"))
    if facts.actor_is_target:
        return Sentence(_("{actor} changed their profile: {changes}"), changes=and_list(changed))
    return Sentence(_("{actor} changed the profile of {target}: {changes}"), changes=and_list(changed))


def _user_deleted(facts: Facts) -> Sentence:
    return Sentence(
        _("{actor} deleted {person}"),
        person=facts.target if facts.target.exists else facts.text("email") or facts.target,
    )


def _password_changed(facts: Facts) -> Sentence:
    if facts.actor_is_target or not facts.entry.actor_id:
        return Sentence(_("{target} changed their password"))
    return Sentence(_("{actor} changed the password of {target}"))


def _role_granted(facts: Facts) -> Sentence:
    role = _role(facts, facts.changes)
    if role is None:
        return Sentence(_("{actor} gave {target} a new role"))
    return Sentence(_("{actor} gave {target} the role {role}"), role=role)


def _role_revoked(facts: Facts) -> Sentence:
    role = _role(facts, facts.changes)
    if role is None:
        return Sentence(_("{actor} removed a role from {target}"))
    return Sentence(_("{actor} removed the role {role} from {target}"), role=role)


def register() -> None:
    register_readers(may_read=is_org_admin, api_permission=IsOrgAdmin)
    register_reference(USER, _users)
    d = register_description
    d("user.invited", _user_invited)
    d("user.invitation_accepted", simple(_("{target} accepted their invitation")))
    d("user.invitation_resent", simple(_("{actor} sent {target} a new invitation")))
    d("user.signed_up", simple(_("{target} signed up")))
    d("user.updated", _user_updated)
    d("user.deactivated", simple(_("{actor} deactivated {target}")))
    d("user.reactivated", simple(_("{actor} reactivated {target}")))
    d("user.deleted", _user_deleted)
    d("user.password_changed", _password_changed)
    d("role.granted", _role_granted)
    d("role.revoked", _role_revoked)
