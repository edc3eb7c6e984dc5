"""Events about people and their roles (the catalog: apps.events.catalog, docs/events.md). Payloads carry ids
only: a subscriber reads names and addresses by id, in the organization's schema."""

from typing import Literal

from apps.events import declare, emit_many

USER_CREATED = declare(
    "user.created",
    "A person joined the organization: invited by someone (status `invited` until they accept), signed "
    "themselves up (`active`), or added by a bulk import (`invited`).",
    payload={
        "user_id": int,
        "status": Literal["invited", "active"],
        "source": Literal["invitation", "signup", "import"],
    },
)
INVITATION_SENT = declare(
    "invitation.sent",
    "An invitation link was issued to an invited person: on invitation, on a resend, or by an import that "
    "sends invitations. `emailed` says whether it was emailed to them (else the inviter passes the link on).",
    payload={"user_id": int, "resend": bool, "emailed": bool},
)
INVITATION_ACCEPTED = declare(
    "invitation.accepted",
    "An invited person accepted their invitation (set a password): they are now active.",
    payload={"user_id": int},
)
USER_DEACTIVATED = declare(
    "user.deactivated",
    "A person was deactivated: they can no longer sign in and their tokens were revoked; their history is kept.",
    payload={"user_id": int},
)
USER_REACTIVATED = declare(
    "user.reactivated",
    "A deactivated person was reactivated: `active`, or `invited` if they had never accepted.",
    payload={"user_id": int, "status": Literal["invited", "active"]},
)
USER_DELETED = declare(
    "user.deleted",
    "A person was deleted for good, with their roles (no role.revoked follows) and their learning history.",
    payload={"user_id": int},
)
_ROLE_PAYLOAD = {
    "assignment_id": int,
    "user_id": int,
    "role": Literal["org_admin", "branch_manager", "teacher", "student"],
    "branch_id": int | None,
    "class_id": int | None,
}
ROLE_GRANTED = declare(
    "role.granted",
    "A person was given a role: Org Admin (no branch), Branch Manager of a branch, or Teacher or Student of a "
    "branch or of one class (its branch too). Also raised for each role of an invitation or an import.",
    payload=_ROLE_PAYLOAD,
)
ROLE_REVOKED = declare(
    "role.revoked",
    "A person's role was taken away (the same fields as role.granted).",
    payload=_ROLE_PAYLOAD,
)


def role_payload(assignment) -> dict:
    return {
        "assignment_id": assignment.pk,
        "user_id": assignment.user_id,
        "role": assignment.role,
        "branch_id": assignment.branch_id,
        "class_id": assignment.school_class_id,
    }


def roles_granted_emit(assignments, *, actor=None) -> None:
    """role.granted for each new assignment (saved, so with ids), in one INSERT."""
    emit_many(ROLE_GRANTED, [(f"{ROLE_GRANTED}:{a.pk}", role_payload(a)) for a in assignments], actor=actor)


def users_created_emit(users, *, source: str, actor=None) -> None:
    emit_many(
        USER_CREATED,
        [(f"{USER_CREATED}:{u.pk}", {"user_id": u.pk, "status": u.status, "source": source}) for u in users],
        actor=actor,
    )


def invitations_sent_emit(users, *, discriminator: str, resend: bool, emailed: bool, actor=None) -> None:
    """invitation.sent for each of `users`; `discriminator` tells one issue of a link from the next (the
    audit entry's id, or the import job's)."""
    emit_many(
        INVITATION_SENT,
        [
            (
                f"{INVITATION_SENT}:{u.pk}:{discriminator}",
                {"user_id": u.pk, "resend": resend, "emailed": emailed},
            )
            for u in users
        ],
        actor=actor,
    )
