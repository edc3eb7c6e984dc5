"""The getting-started checklist on the dashboard: what a new organization still has to set up.

Every step is read from the organization's real state, never from clicks: "Add a branch" is done once a
branch exists (provisioning creates none), so it ticks itself off whichever way the branch was made (page,
API, import of a later release) and unticks if the organization goes back to none.

    register_onboarding_step(...)     a step of the organization's or the branch checklist (apps register
                                      theirs from AppConfig.ready(): hierarchy its own, courses the course ones)
    onboarding_checklist(*, viewer)   -> Checklist | None    (selector: one query)
    onboarding_dismiss(*, actor)      -> Checklist           (service: hide it from the actor's dashboard)
    onboarding_restore(*, actor)      -> Checklist           (service: show it again)

Org Admins get the organization's checklist; Branch Managers (who are not also Org Admins) a shorter one
about their own branches' people and classes; anyone else has none (the page and the API answer 403).
Hiding is per person (an admin's dismissal does not hide a co-admin's checklist) and stored in the
organization's schema (hierarchy.OnboardingDismissal).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import RoleAssignment, User
from apps.accounts.permissions import scope_of
from apps.core.errors import PermissionDenied

from .models import Branch, OnboardingDismissal, SchoolClass

Role = RoleAssignment.Role
ORGANIZATION = "organization"
BRANCH = "branch"
NO_CHECKLIST = _("Only Org Admins and Branch Managers have a getting-started checklist.")


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True)
class Step:
    code: str
    label: str
    hint: str
    done: bool
    links: tuple[Link, ...]

    @property
    def url(self) -> str:
        """Where to go to do this step (its first link)."""
        return self.links[0].url


@dataclass(frozen=True)
class Checklist:
    kind: str  # ORGANIZATION | BRANCH
    steps: tuple[Step, ...]
    dismissed: bool

    @property
    def done_count(self) -> int:
        return sum(step.done for step in self.steps)

    @property
    def total(self) -> int:
        return len(self.steps)

    @property
    def complete(self) -> bool:
        return self.done_count == self.total

    @property
    def progress_label(self) -> str:
        return gettext("%(done)s of %(total)s done") % {"done": self.done_count, "total": self.total}


@dataclass(frozen=True)
class StepDefinition:
    """A step of a checklist, registered by the app whose state it reads (register_onboarding_step)."""

    checklist: str  # ORGANIZATION | BRANCH
    code: str
    label: str
    hint: str
    links: Callable[..., tuple[Link, ...]]  # links(viewer): where to go to do it
    evidence: Callable[..., QuerySet]  # evidence(viewer): the step is done when this queryset has a row
    order: int = 100


_STEPS: dict[tuple[str, str], StepDefinition] = {}


def register_onboarding_step(
    *,
    checklist: str,
    code: str,
    label: str,
    hint: str,
    links: Callable[..., tuple[Link, ...]],
    evidence: Callable[..., QuerySet],
    order: int = 100,
) -> StepDefinition:
    """Add a step to the organization's or the branch checklist; the same code again replaces it."""
    if checklist not in (ORGANIZATION, BRANCH):
        raise ValueError(f"Unknown checklist {checklist!r}")
    step = StepDefinition(checklist, code, label, hint, links, evidence, order)
    _STEPS[(checklist, code)] = step
    return step


def unregister_onboarding_step(*, checklist: str, code: str) -> None:
    _STEPS.pop((checklist, code), None)


def registered_steps(checklist: str) -> list[StepDefinition]:
    steps = [step for (kind, _code), step in _STEPS.items() if kind == checklist]
    return sorted(steps, key=lambda step: (step.order, step.code))


# --- this app's steps (registered from HierarchyConfig.ready()) -------------------------------------------
# The course steps come from apps/courses/onboarding.py.


def _people_links(query: str = "") -> tuple[Link, ...]:
    return (
        Link(_("Invite someone"), reverse("hierarchy:person_invite") + query),
        Link(_("Import people"), reverse("imports:list")),
        Link(_("Download the import template"), reverse("imports:template_csv")),
    )


def _branch_ids(viewer) -> list[int]:
    return sorted(scope_of(viewer).managed_branch_ids)


def _branch_query(viewer) -> str:
    """?branch=<id> on the links of a manager of one branch, so the forms start in it."""
    branch_ids = _branch_ids(viewer)
    return f"?branch={branch_ids[0]}" if len(branch_ids) == 1 else ""


def _in_branches(viewer) -> QuerySet:
    return RoleAssignment.objects.filter(branch_id__in=_branch_ids(viewer))


def register_steps() -> None:
    register_onboarding_step(
        checklist=ORGANIZATION,
        code="branch",
        order=10,
        label=_("Add a branch"),
        hint=_("Branches group your classes and people, for example one per campus or site."),
        links=lambda viewer: (Link(_("New branch"), reverse("hierarchy:branch_create")),),
        evidence=lambda viewer: Branch.objects.all(),
    )
    register_onboarding_step(
        checklist=ORGANIZATION,
        code="people",
        order=20,
        label=_("Invite or import people"),
        hint=_("Invite teachers and learners one by one, or import a spreadsheet of them."),
        links=lambda viewer: _people_links(),
        # anyone besides you, invited (pending) or signed up
        evidence=lambda viewer: User.objects.exclude(pk=viewer.pk),
    )
    register_onboarding_step(
        checklist=BRANCH,
        code="class",
        order=10,
        label=_("Add a class to your branch"),
        hint=_("A class brings a group of learners together with their teachers."),
        links=lambda viewer: (
            Link(_("New class"), reverse("hierarchy:class_create") + _branch_query(viewer)),
        ),
        evidence=lambda viewer: SchoolClass.objects.filter(branch_id__in=_branch_ids(viewer)),
    )
    register_onboarding_step(
        checklist=BRANCH,
        code="people",
        order=20,
        label=_("Invite or import your branch's people"),
        hint=_("Invite teachers and learners one by one, or import a spreadsheet of them."),
        links=lambda viewer: _people_links(_branch_query(viewer)),
        evidence=lambda viewer: _in_branches(viewer).exclude(user_id=viewer.pk),
    )
    register_onboarding_step(
        checklist=BRANCH,
        code="class_members",
        order=30,
        label=_("Put learners in a class"),
        hint=_("Add students to a class so its teachers can follow them."),
        links=lambda viewer: (Link(_("Your classes"), reverse("hierarchy:classes")),),
        evidence=lambda viewer: _in_branches(viewer).filter(role=Role.STUDENT, school_class__isnull=False),
    )


# --- selector ---------------------------------------------------------------------------------------------


def checklist_kind(viewer) -> str | None:
    scope = scope_of(viewer)
    if scope.is_org_admin:
        return ORGANIZATION
    if scope.is_branch_manager:
        return BRANCH
    return None


def onboarding_checklist(*, viewer) -> Checklist | None:
    """The viewer's checklist, or None if their roles have none. One query, however many steps: each step's
    evidence is an EXISTS, read together with the viewer's dismissal in one SELECT over the viewer's row."""
    kind = checklist_kind(viewer)
    if kind is None:
        return None
    specs = registered_steps(kind)
    flags = {f"step_{n}": Exists(spec.evidence(viewer)) for n, spec in enumerate(specs)}
    flags["dismissed"] = Exists(OnboardingDismissal.objects.filter(user_id=OuterRef("pk"), checklist=kind))
    row = User.objects.filter(pk=viewer.pk).order_by().annotate(**flags).values(*flags).first() or {}
    steps = tuple(
        Step(code=s.code, label=s.label, hint=s.hint, done=bool(row.get(f"step_{n}")), links=s.links(viewer))
        for n, s in enumerate(specs)
    )
    return Checklist(kind=kind, steps=steps, dismissed=bool(row.get("dismissed")))


# --- services ---------------------------------------------------------------------------------------------


def _kind_or_refuse(actor) -> str:
    kind = checklist_kind(actor)
    if kind is None:
        raise PermissionDenied(str(NO_CHECKLIST))
    return kind


def onboarding_dismiss(*, actor) -> Checklist:
    """Hide the actor's checklist from their dashboard; doing it again changes nothing."""
    kind = _kind_or_refuse(actor)
    try:
        with transaction.atomic():
            OnboardingDismissal.objects.get_or_create(user_id=actor.pk, checklist=kind)
    except IntegrityError:  # a concurrent dismissal won the race: the checklist is hidden either way
        pass
    return onboarding_checklist(viewer=actor)


def onboarding_restore(*, actor) -> Checklist:
    """Show the actor's checklist on their dashboard again."""
    kind = _kind_or_refuse(actor)
    OnboardingDismissal.objects.filter(user_id=actor.pk, checklist=kind).delete()
    return onboarding_checklist(viewer=actor)
