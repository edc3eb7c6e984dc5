"""Applying a chunk of import rows in bulk: the same rules as apps.accounts.services (user_invite,
user_update, role_grant) and apps.hierarchy.services.class_create, with a handful of queries per chunk
instead of a dozen per row.

Rules kept from the services (see apps.accounts.services and apps.accounts.permissions):
- Org Admins may import anyone into any branch, with any role.
- Branch Managers may only give Teacher and Student roles, only in the branches they manage, only to new
  people or to people they can already see (people of their branches), and may not rename Org Admins or
  Branch Managers.
- A new person is invited (status invited, no usable password); the plan's active-user limit counts every
  person who is not deactivated.
- Org Admin applies to the whole organization; Branch Manager to a branch; Teacher and Student to a branch
  or to a class of that branch.
- Missing classes are created with class_create (so they are permission-checked and audited).

Nothing here is written unless the whole chunk is: the caller runs `apply_chunk` inside a transaction.
"""

import secrets
from dataclasses import dataclass, field

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone

from apps.accounts.events import invitations_sent_emit, roles_granted_emit, users_created_emit
from apps.accounts.models import RoleAssignment, User
from apps.accounts.permissions import Scope
from apps.accounts.signals import roles_granted
from apps.core.errors import ApplicationError
from apps.hierarchy.models import Branch, SchoolClass

from .models import ImportRow
from .parsing import SourceRow

Role = RoleAssignment.Role
Outcome = ImportRow.Outcome

ROLE_ALIASES = {
    **{value: value for value in Role.values},
    # The English labels as people type them ("Org Admin" -> org_admin), read from the names: the choice
    # labels are translated, and this mapping must not depend on the language active at import.
    **{role.name.lower(): role.value for role in Role},
}
NAME_MAX = User._meta.get_field("full_name").max_length
EMAIL_MAX = User._meta.get_field("email").max_length
CLASS_NAME_MAX = SchoolClass._meta.get_field("name").max_length


class RowError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class JobContext:
    """What stays the same for every chunk of one run: who imports, the branches and classes, the plan."""

    actor: User
    scope: Scope
    branches: dict[str, Branch]  # by lower-cased code
    classes: dict[tuple[int, str], list[SchoolClass]]  # by (branch id, lower-cased name)
    seat_limit: int | None
    plan_name: str
    send_invitations: bool

    @classmethod
    def load(
        cls, *, actor: User, scope: Scope, seat_limit: int | None, plan_name: str, send_invitations: bool
    ) -> "JobContext":
        branches = {branch.code.lower(): branch for branch in Branch.objects.all()}
        by_pk = {branch.pk: branch for branch in branches.values()}
        classes: dict[tuple[int, str], list[SchoolClass]] = {}
        for school_class in SchoolClass.objects.order_by("pk"):
            school_class.branch = by_pk[school_class.branch_id]
            classes.setdefault((school_class.branch_id, school_class.name.lower()), []).append(school_class)
        return cls(
            actor=actor,
            scope=scope,
            branches=branches,
            classes=classes,
            seat_limit=seat_limit,
            plan_name=plan_name,
            send_invitations=send_invitations,
        )

    @property
    def managed_codes(self) -> list[str]:
        return sorted(b.code for b in self.branches.values() if b.pk in self.scope.managed_branch_ids)


@dataclass
class ChunkResult:
    report: list[ImportRow] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(Outcome.values, 0))
    invited: list[User] = field(default_factory=list)
    classes_created: int = 0


@dataclass
class _Person:
    user: User
    is_new: bool
    held: set = field(default_factory=set)  # (role, branch id, class id) the person holds, pending included

    @property
    def is_admin_or_manager(self) -> bool:
        return any(role in (Role.ORG_ADMIN, Role.BRANCH_MANAGER) for role, _, _ in self.held)


def clean_email(raw: str) -> str:
    email = raw.strip().lower()
    if not email:
        raise RowError("The email is empty.")
    if len(email) > EMAIL_MAX:
        raise RowError(f"The email is longer than {EMAIL_MAX} characters.")
    try:
        validate_email(email)
    except ValidationError:
        raise RowError(f"'{raw.strip()}' is not a valid email address.") from None
    return email


def clean_role(raw: str) -> str:
    if not raw.strip():
        raise RowError("The role is empty. Use org_admin, branch_manager, teacher or student.")
    role = ROLE_ALIASES.get("_".join(raw.strip().lower().replace("-", " ").split()))
    if role is None:
        raise RowError(f"Unknown role '{raw.strip()}'. Use org_admin, branch_manager, teacher or student.")
    return role


def apply_chunk(context: JobContext, rows: list[SourceRow], *, job_id: int) -> ChunkResult:
    """Apply `rows` (in order) and return their report rows. Runs inside the caller's transaction."""
    result = ChunkResult()
    emails: dict[int, str | RowError] = {}  # by row number: the clean email, or why it is not one
    for row in rows:
        try:
            emails[row.number] = clean_email(row.email)
        except RowError as failure:
            emails[row.number] = failure
    people = _load_people({email for email in emails.values() if isinstance(email, str)})
    active = (
        User.objects.exclude(status=User.Status.DEACTIVATED).count() if context.seat_limit is not None else 0
    )
    new_users: list[User] = []
    renamed: dict[int, User] = {}
    new_assignments: list[RoleAssignment] = []
    now = timezone.now()

    for row in rows:
        email = emails[row.number]
        try:
            if isinstance(email, RowError):
                raise email
            role = clean_role(row.role)
            branch = _branch_for(context, row, role)
            classes = _classes_for(context, row, branch) if row.class_name else None
            person = people.get(email)
            name = row.name.strip()
            if len(name) > NAME_MAX:
                raise RowError(f"The name is longer than {NAME_MAX} characters.")
            if person is not None:
                _check_existing(context, person, name)
            elif context.seat_limit is not None and active + 1 > context.seat_limit:
                raise RowError(
                    f"Plan limit reached: the {context.plan_name} plan allows "
                    f"{context.seat_limit} active users."
                )
            changes = []
            school_class = None
            if classes is not None:
                school_class, created_class = _class_for(context, row, branch, classes)
                if created_class:
                    result.classes_created += 1
                    changes.append(f"created class '{school_class.name}' in branch {branch.code}")
        except RowError as failure:
            shown = email if isinstance(email, str) else row.email.strip().lower()
            _report(result, row, shown, Outcome.FAILED, failure.reason, job_id)
            continue

        if person is None:
            user = User(
                email=email,
                full_name=name,
                status=User.Status.INVITED,
                invited_at=now,
                password=_unusable_password(),
            )
            person = people[email] = _Person(user=user, is_new=True)
            new_users.append(user)
            active += 1
            outcome = Outcome.CREATED
        else:
            outcome = Outcome.UPDATED if changes else Outcome.UNCHANGED
            if name and name != person.user.full_name:
                person.user.full_name = name
                if not person.is_new:  # a person created by an earlier row is saved with the new name
                    renamed[person.user.pk] = person.user
                changes.insert(0, "name changed")
                outcome = Outcome.UPDATED
        key = (role, branch.pk if branch else None, school_class.pk if school_class else None)
        if key not in person.held:
            person.held.add(key)
            new_assignments.append(
                RoleAssignment(user=person.user, role=role, branch=branch, school_class=school_class)
            )
            if outcome != Outcome.CREATED:
                outcome = Outcome.UPDATED
                changes.append(f"added {_describe(role, branch, school_class)}")
        if outcome == Outcome.CREATED:
            reason = f"Invited as {_describe(role, branch, school_class)}"
            if context.send_invitations:
                reason += "; invitation email sent"
            if changes:
                reason += "; " + "; ".join(changes)
        elif outcome == Outcome.UPDATED:
            reason = "; ".join(changes)
            reason = reason[:1].upper() + reason[1:]
        else:
            reason = "Already up to date"
        _report(result, row, email, outcome, reason, job_id)

    if new_users:
        User.objects.bulk_create(new_users)
        result.invited = new_users
        users_created_emit(new_users, source="import", actor=context.actor)
        if context.send_invitations:
            invitations_sent_emit(
                new_users, discriminator=f"import{job_id}", resend=False, emailed=True, actor=context.actor
            )
    if renamed:
        User.objects.bulk_update(list(renamed.values()), ["full_name"])
    for assignment in new_assignments:
        assignment.user_id = assignment.user.pk  # users created above now have their ids
    if new_assignments:
        RoleAssignment.objects.bulk_create(new_assignments)
        roles_granted.send(sender=RoleAssignment, assignments=new_assignments)
        roles_granted_emit(new_assignments, actor=context.actor)
    return result


def _unusable_password() -> str:
    """What set_unusable_password() stores (the "!" prefix makes it unusable; the random rest only keeps the
    values distinct), from one urandom call instead of forty: a tenth of a 10,000-row import otherwise."""
    return UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)


def _report(result: ChunkResult, row: SourceRow, email: str, outcome: str, reason: str, job_id: int) -> None:
    result.counts[outcome] += 1
    result.report.append(
        ImportRow(
            job_id=job_id, row_number=row.number, email=email[:254], outcome=outcome, reason=reason[:500]
        )
    )


def _load_people(emails: set[str]) -> dict[str, _Person]:
    if not emails:
        return {}
    # Emails are stored lower-cased (UserManager and the account services lower them), so the unique index
    # on email answers this.
    users = User.objects.filter(email__in=emails).only("pk", "email", "full_name", "status")
    people = {user.email.lower(): _Person(user=user, is_new=False) for user in users}
    by_id = {person.user.pk: person for person in people.values()}
    for user_id, role, branch_id, class_id in RoleAssignment.objects.filter(user_id__in=by_id).values_list(
        "user_id", "role", "branch_id", "school_class_id"
    ):
        by_id[user_id].held.add((role, branch_id, class_id))
    return people


def _branch_for(context: JobContext, row: SourceRow, role: str) -> Branch | None:
    code = row.branch.strip()
    if role == Role.ORG_ADMIN:
        if code or row.class_name:
            raise RowError("An Org Admin applies to the whole organization: leave branch and class empty.")
        if not context.scope.is_org_admin:
            raise RowError("Only Org Admins may appoint Org Admins and Branch Managers.")
        return None
    if not code:
        if row.class_name:
            raise RowError("A class needs its branch: fill in the branch code.")
        raise RowError(f"A {Role(role).label} belongs to a branch: fill in the branch code.")
    if role == Role.BRANCH_MANAGER and row.class_name:
        raise RowError("A Branch Manager manages a branch, not a class: leave the class empty.")
    if not context.scope.is_org_admin:
        if role == Role.BRANCH_MANAGER:
            raise RowError("Only Org Admins may appoint Org Admins and Branch Managers.")
        branch = context.branches.get(code.lower())
        if branch is None or branch.pk not in context.scope.managed_branch_ids:
            # The same answer for a branch that exists and one that does not: no probing of codes.
            raise RowError(
                f"You may only import people into the branches you manage "
                f"({', '.join(context.managed_codes)}); '{code}' is not one of them."
            )
        return branch
    branch = context.branches.get(code.lower())
    if branch is None:
        raise RowError(f"Unknown branch code '{code}'.")
    return branch


def _classes_for(context: JobContext, row: SourceRow, branch: Branch) -> list[SchoolClass]:
    name = row.class_name.strip()
    if len(name) > CLASS_NAME_MAX:
        raise RowError(f"The class name is longer than {CLASS_NAME_MAX} characters.")
    matches = context.classes.get((branch.pk, name.lower()), [])
    if len(matches) > 1:
        terms = ", ".join(sorted(c.term or "no term" for c in matches))
        raise RowError(
            f"Branch {branch.code} has several classes named '{name}' ({terms}); rename one "
            "of them so the import knows which class is meant."
        )
    return matches


def _class_for(
    context: JobContext, row: SourceRow, branch: Branch, matches: list[SchoolClass]
) -> tuple[SchoolClass, bool]:
    if matches:
        return matches[0], False
    from apps.hierarchy.services import class_create

    try:
        school_class = class_create(actor=context.actor, branch=branch, name=row.class_name.strip())
    except ApplicationError as exc:
        details = "; ".join(
            m for messages in (exc.details or {}).values() for m in messages if isinstance(messages, list)
        )
        raise RowError(f"The class could not be created: {details or exc.message}") from None
    school_class.branch = branch
    context.classes[(branch.pk, school_class.name.lower())] = [school_class]
    return school_class, True


def _check_existing(context: JobContext, person: _Person, name: str) -> None:
    user = person.user
    if not person.is_new and user.status == User.Status.DEACTIVATED:
        raise RowError("This person is deactivated; reactivate them before importing them again.")
    scope = context.scope
    if scope.is_org_admin or person.is_new or user.pk == scope.user_id:
        return
    visible = any(branch_id in scope.managed_branch_ids for _, branch_id, _ in person.held)
    if not visible:
        raise RowError(
            "Someone with this email already belongs to this organization outside your branches; "
            "ask an Org Admin to add them."
        )
    if name and name != user.full_name and person.is_admin_or_manager:
        raise RowError("Only Org Admins may change the name of an Org Admin or Branch Manager.")


def _describe(role: str, branch: Branch | None, school_class: SchoolClass | None) -> str:
    label = Role(role).label
    if school_class is not None:
        return f"{label} in class '{school_class.name}' of branch {branch.code}"
    if branch is not None:
        return f"{label} of branch {branch.code}"
    return label
