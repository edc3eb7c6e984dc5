"""Pages of the organization area (/manage/ on an organization's host); the dashboard at "/" is the shell's
(apps/shell), its cards this app's dashboard.py.

Reads go through apps.hierarchy.selectors and apps.accounts.selectors (people), which scope everything by
the viewer: an object outside the viewer's scope is absent, and its page answers 404 like a missing one.
Writes go through the services, which decide what the viewer may do: their PermissionDenied becomes a 403
page (the viewer sees the object but may not do this), NotFound a 404, ValidationFailed form errors with
nothing written.
Anonymous visitors are sent to the sign-in page.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.accounts import selectors as accounts_selectors
from apps.accounts.models import RoleAssignment
from apps.accounts.permissions import Scope, scope_of
from apps.accounts.services import (
    RoleSpec,
    invitation_resend,
    member_add,
    role_grant,
    role_revoke,
    user_deactivate,
    user_delete,
    user_invite,
    user_reactivate,
    user_update,
)
from apps.core.colors import brand_palette
from apps.core.errors import ApplicationError, PermissionDenied, ValidationFailed
from apps.core.pages import add_service_errors, forbidden, member_required, message_for, refusal, submit
from apps.core.validation import is_hex_color

from . import onboarding, selectors
from .forms import (
    BranchForm,
    ClassForm,
    ClassMemberAddForm,
    ConfirmDeleteForm,
    InviteForm,
    PeopleFilterForm,
    ProfileForm,
    RoleAddForm,
)

Role = RoleAssignment.Role
PER_PAGE = 25
# Aggregating selectors lose the models' default ordering (GROUP BY): pages order explicitly.
CLASS_ORDER = ("branch__name", "name", "term", "pk")
MEMBERS_SHOWN = 50
INVITATION_SESSION_KEY = "org_invitation_link"
MEMBERS_FORBIDDEN = gettext_lazy(
    "Only the managers of this class's branch and Org Admins may change its members."
)
# Service error fields that are called differently on the pages' forms.
ROLE_ERROR_ALIASES = {"class": "school_class", "roles": "role", "user": None}


# --- access -----------------------------------------------------------------------------------------------


def _people_scope(request) -> Scope:
    """The people area exists for Org Admins, Branch Managers and Teachers; for anyone else it does not."""
    scope = scope_of(request.user)
    if not (scope.can_manage_people() or scope.is_teacher):
        raise Http404
    return scope


def _may_manage(scope: Scope, person) -> bool:
    """Mirror of the services' rule, to offer only the buttons that will work (the services still decide)."""
    if scope.is_org_admin:
        return True
    if not scope.is_branch_manager:
        return False
    return not any(a.role in (Role.ORG_ADMIN, Role.BRANCH_MANAGER) for a in person.role_assignments.all())


def _may_revoke(scope: Scope, assignment) -> bool:
    if scope.is_org_admin:
        return True
    return (
        assignment.role in (Role.TEACHER, Role.STUDENT) and assignment.branch_id in scope.managed_branch_ids
    )


def _with_visible_roles(viewer, people):
    """Attach to each person the roles the viewer may know of (from the prefetched role assignments)."""
    people = list(people)
    for person in people:
        person.visible_roles = accounts_selectors.visible_roles(viewer=viewer, user=person)
    return people


def _page(request, queryset):
    return Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))


def _role_spec(data: dict) -> RoleSpec:
    branch, school_class = data["branch"], data["school_class"]
    return RoleSpec(
        role=data["role"],
        branch_id=branch.pk if branch else None,
        school_class_id=school_class.pk if school_class else None,
    )


# --- getting started --------------------------------------------------------------------------------------

ONBOARDING_ACTIONS = {
    "dismiss": (
        onboarding.onboarding_dismiss,
        gettext_lazy(
            "The checklist is hidden from your dashboard. You can always find it under Getting started."
        ),
    ),
    "restore": (onboarding.onboarding_restore, gettext_lazy("The checklist is back on your dashboard.")),
}


@member_required
@require_http_methods(["GET", "POST"])
def onboarding_page(request):
    """The getting-started checklist on a page of its own (also once hidden from the dashboard); POST
    action=dismiss|restore hides it from the dashboard or shows it there again."""
    checklist = onboarding.onboarding_checklist(viewer=request.user)
    if checklist is None:
        return forbidden(request, onboarding.NO_CHECKLIST)
    if request.method == "POST":
        action = ONBOARDING_ACTIONS.get(request.POST.get("action", ""))
        if action is None:
            messages.error(request, _("Choose to hide the checklist or to show it again."))
            return render(request, "org/onboarding.html", {"checklist": checklist}, status=400)
        service, success = action
        service(actor=request.user)
        messages.success(request, str(success))
        return redirect("home" if request.POST.get("next") == "dashboard" else "hierarchy:onboarding")
    return render(request, "org/onboarding.html", {"checklist": checklist})


# --- people -----------------------------------------------------------------------------------------------


def filter_people(people, *, scope: Scope, q="", role="", branch=None, school_class=None, status=""):
    """Narrow a user_list() queryset by the people page's filters. Role, branch and class apply to one and
    the same role of a person (role=teacher, class=Algebra: the teachers of Algebra), and only to roles the
    viewer may know of (apps.accounts.selectors.role_is_visible), so filtering reveals no role held elsewhere."""
    if q:
        people = people.filter(Q(full_name__icontains=q) | Q(email__icontains=q))
    if status:
        people = people.filter(status=status)
    held = {}
    if role:
        held["role"] = role
    if branch is not None:
        held["branch_id"] = branch.pk
    if school_class is not None:
        held["school_class_id"] = school_class.pk
    if held:
        roles = RoleAssignment.objects.filter(**held)
        if not scope.is_org_admin:
            roles = roles.filter(
                Q(user_id=scope.user_id)
                | Q(role=Role.ORG_ADMIN)
                | Q(branch_id__in=scope.managed_branch_ids)
                | Q(school_class_id__in=scope.teaching_class_ids)
            )
        people = people.filter(pk__in=roles.values("user_id"))
    return people


@member_required
@require_GET
def people_list(request):
    scope = _people_scope(request)
    form = PeopleFilterForm(request.GET or None, viewer=request.user)
    filters = {}
    if form.is_bound:
        form.is_valid()  # an invalid filter is ignored, the valid ones still apply
        filters = {k: v for k, v in form.cleaned_data.items() if v not in ("", None)}
    people = filter_people(accounts_selectors.user_list(viewer=request.user), scope=scope, **filters)
    page = _page(request, people)
    page.object_list = _with_visible_roles(request.user, page.object_list)
    return render(
        request,
        "org/people_list.html",
        {
            "form": form,
            "filtered": bool(filters),
            "page": page,
            "may_invite": scope.can_manage_people(),
        },
    )


@member_required
def person_invite(request):
    scope = _people_scope(request)
    if not scope.can_manage_people():
        return forbidden(request, _("Only Org Admins and Branch Managers may invite people."))
    form = InviteForm(
        request.POST or None,
        viewer=request.user,
        initial={"branch": request.GET.get("branch"), "school_class": request.GET.get("class")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        spec = _role_spec(data)
        try:
            invitation = user_invite(
                email=data["email"],
                full_name=data["full_name"],
                roles=[spec],
                actor=request.user,
                send_email=True,
            )
        except ValidationFailed as exc:
            add_service_errors(form, exc, ROLE_ERROR_ALIASES)
        except PermissionDenied as exc:
            return forbidden(request, exc.message)
        except ApplicationError as exc:  # e.g. the plan's limit of active people
            form.add_error(None, exc.message)
        else:
            _remember_invitation(request, invitation)
            messages.success(
                request,
                _("%(email)s is invited. An invitation email is on its way.")
                % {"email": invitation.user.email},
            )
            return redirect("hierarchy:person", pk=invitation.user.pk)
    return render(request, "org/person_invite.html", {"form": form})


def _remember_invitation(request, invitation) -> None:
    """Keep the link for the person's page, which shows it once (the services email it after commit)."""
    url = invitation.url or request.build_absolute_uri(invitation.path)
    request.session[INVITATION_SESSION_KEY] = {"user": invitation.user.pk, "url": url}


def _person_or_404(request, pk):
    person = accounts_selectors.user_get(viewer=request.user, pk=pk)
    if person is None:
        raise Http404
    return person


def _render_person(request, person, *, role_form=None, status=200):
    from apps.audit.selectors import audit_entry_rows

    scope = scope_of(request.user)
    invitation = request.session.get(INVITATION_SESSION_KEY)
    if invitation and invitation.get("user") == person.pk:
        del request.session[INVITATION_SESSION_KEY]  # the link is shown once
    else:
        invitation = None
    may_manage = _may_manage(scope, person)
    roles = [
        (a, may_manage and _may_revoke(scope, a))
        for a in accounts_selectors.visible_roles(viewer=request.user, user=person)
    ]
    return render(
        request,
        "org/person_detail.html",
        {
            "person": person,
            "roles": roles,
            "may_manage": may_manage,
            "may_edit": may_manage or person.pk == request.user.pk,
            "may_delete": scope.is_org_admin and person.pk != request.user.pk,
            "is_self": person.pk == request.user.pk,
            "role_form": role_form
            if role_form is not None
            else (RoleAddForm(viewer=request.user) if may_manage else None),
            "invitation": invitation,
            "history": audit_entry_rows(limit=10, target=person, viewer=request.user)
            if scope.is_org_admin
            else None,
        },
        status=status,
    )


@member_required
@require_GET
def person_detail(request, pk):
    _people_scope(request)
    return _render_person(request, _person_or_404(request, pk))


@member_required
@require_POST
def person_role_add(request, pk):
    _people_scope(request)
    person = _person_or_404(request, pk)
    form = RoleAddForm(request.POST, viewer=request.user)
    if form.is_valid():
        data = form.cleaned_data
        spec = _role_spec(data)
        try:
            assignment = role_grant(user=person, spec=spec, actor=request.user)
        except ValidationFailed as exc:
            add_service_errors(form, exc, ROLE_ERROR_ALIASES)
        except ApplicationError as exc:
            return refusal(request, exc) or forbidden(request, exc.message)
        else:
            messages.success(
                request,
                _("%(name)s is now %(role)s.")
                % {"name": person.get_full_name(), "role": _describe(assignment)},
            )
            return redirect("hierarchy:person", pk=person.pk)
    return _render_person(request, person, role_form=form)


def _describe(assignment) -> str:
    where = assignment.school_class or assignment.branch
    if where:
        return _("%(role)s of %(where)s") % {"role": assignment.get_role_display(), "where": where}
    return str(assignment.get_role_display())


@member_required
@require_POST
def person_role_remove(request, pk, assignment_pk):
    _people_scope(request)
    person = _person_or_404(request, pk)
    assignment = accounts_selectors.role_assignment_get(viewer=request.user, user=person, pk=assignment_pk)
    if assignment is None:
        raise Http404
    try:
        role_revoke(assignment=assignment, actor=request.user)
    except ApplicationError as exc:
        if response := refusal(request, exc):
            return response
        messages.error(request, message_for(exc))
    else:
        messages.success(
            request,
            _("%(name)s is no longer %(role)s.")
            % {"name": person.get_full_name(), "role": _describe(assignment)},
        )
    return redirect("hierarchy:person", pk=person.pk)


@member_required
def person_edit(request, pk):
    scope = _people_scope(request)
    person = _person_or_404(request, pk)
    if not (_may_manage(scope, person) or person.pk == request.user.pk):
        return forbidden(request, _("You may not change this person's profile."))
    form = ProfileForm(
        request.POST or None,
        may_change_email=scope.is_org_admin,
        initial={
            "full_name": person.full_name,
            "email": person.email,
            "language": person.language,
            "timezone": person.timezone,
        },
    )
    if request.method == "POST" and form.is_valid():
        changed = {field: form.cleaned_data[field] for field in form.changed_data}
        response = submit(
            request,
            form,
            lambda: user_update(user=person, actor=request.user, **changed),
            success=_("The profile is saved.") if changed else _("Nothing changed."),
            then=lambda _: reverse("hierarchy:person", args=[person.pk]),
        )
        if response is not None:
            return response
    return render(request, "org/person_edit.html", {"person": person, "form": form})


def _person_action(request, pk, action, done):
    _people_scope(request)
    person = _person_or_404(request, pk)
    try:
        result = action(user=person, actor=request.user)
    except ApplicationError as exc:
        if response := refusal(request, exc):
            return response
        messages.error(request, message_for(exc))
    else:
        messages.success(request, done % {"name": person.get_full_name()})
        if getattr(result, "path", None):  # a new invitation
            _remember_invitation(request, result)
    return redirect("hierarchy:person", pk=person.pk)


@member_required
@require_POST
def person_deactivate(request, pk):
    return _person_action(
        request, pk, user_deactivate, _("%(name)s is deactivated and can no longer sign in.")
    )


@member_required
@require_POST
def person_reactivate(request, pk):
    return _person_action(request, pk, user_reactivate, _("%(name)s is reactivated."))


@member_required
@require_POST
def person_resend_invitation(request, pk):
    return _person_action(request, pk, invitation_resend, _("A new invitation for %(name)s is on its way."))


@member_required
def person_delete(request, pk):
    scope = _people_scope(request)
    person = _person_or_404(request, pk)
    if not scope.is_org_admin:
        return forbidden(request, _("Only Org Admins may delete people; deactivate them instead."))
    form = ConfirmDeleteForm(request.POST or None, expected=person.email)
    if request.method == "POST" and form.is_valid():
        email = person.email
        try:
            user_delete(user=person, actor=request.user)
        except ValidationFailed as exc:
            add_service_errors(form, exc, {"user": None})
        except ApplicationError as exc:
            return refusal(request, exc) or forbidden(request, exc.message)
        else:
            messages.success(
                request, _("%(email)s is deleted for good; the address is free again.") % {"email": email}
            )
            return redirect("hierarchy:people")
    return render(request, "org/person_delete.html", {"person": person, "form": form})


# --- branches ---------------------------------------------------------------------------------------------


def _branch_or_404(request, pk):
    branch = selectors.branch_get(viewer=request.user, pk=pk)
    if branch is None:
        raise Http404
    return branch


def _branch_values(data: dict) -> dict:
    return {field: ("" if value is None else value) for field, value in data.items()}


def _edited_contrast(form, saved: str | None):
    """The palette of the brand colour on a branch form: the colour typed in (while editing,
    when it is a colour), else the saved one; None when neither is set (a branch inheriting the colour)."""
    typed = form.data.get("primary_color") if form.is_bound else None
    color = typed if is_hex_color(typed) else saved
    return brand_palette(color) if is_hex_color(color) else None


def _branch_saved(request, branch, *, color_changed: bool = True) -> str:
    """Where a saved branch goes, warning first when its new colour is hard to read on white."""
    if color_changed and branch.primary_color:
        for warning in brand_palette(branch.primary_color).warnings:
            messages.warning(request, warning)
    return reverse("hierarchy:branch", args=[branch.pk])


@member_required
@require_GET
def branch_list(request):
    scope = scope_of(request.user)
    q = request.GET.get("q", "").strip()
    branches = selectors.branch_list(viewer=request.user).order_by("name", "pk")
    if q:
        branches = branches.filter(Q(name__icontains=q) | Q(code__icontains=q))
    return render(
        request,
        "org/branch_list.html",
        {
            "page": _page(request, branches),
            "q": q,
            "may_create": scope.is_org_admin,
        },
    )


@member_required
def branch_create(request):
    if not scope_of(request.user).is_org_admin:
        return forbidden(request, _("Only Org Admins may create branches."))
    form = BranchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        from .services import branch_create as create

        response = submit(
            request,
            form,
            lambda: create(actor=request.user, **_branch_values(form.cleaned_data)),
            success=lambda branch: _("Branch %(name)s is created.") % {"name": branch.name},
            then=lambda branch: _branch_saved(request, branch),
        )
        if response is not None:
            return response
    contrast = _edited_contrast(form, None)
    return render(request, "org/branch_form.html", {"form": form, "branch": None, "contrast": contrast})


@member_required
@require_GET
def branch_detail(request, pk):
    branch = _branch_or_404(request, pk)
    scope = scope_of(request.user)
    members = selectors.branch_members(viewer=request.user, branch=branch)
    return render(
        request,
        "org/branch_detail.html",
        {
            "branch": branch,
            "branch_palette": brand_palette(branch.primary_color) if branch.primary_color else None,
            "classes": selectors.class_list(viewer=request.user).filter(branch=branch).order_by(*CLASS_ORDER),
            "members": _with_visible_roles(request.user, members[:MEMBERS_SHOWN]),
            "may_edit": scope.manages_branch(branch.pk),
            "may_delete": scope.is_org_admin,
            "may_list_people": scope.can_manage_people() or scope.is_teacher,
        },
    )


@member_required
def branch_edit(request, pk):
    branch = _branch_or_404(request, pk)
    scope = scope_of(request.user)
    if not scope.manages_branch(branch.pk):
        return forbidden(request, _("Only this branch's managers and Org Admins may change it."))
    fields = (
        "name",
        "code",
        "address",
        "timezone",
        "display_name",
        "primary_color",
        "welcome_text",
        "is_active",
    )
    form = BranchForm(
        request.POST or None,
        may_change_code=scope.is_org_admin,
        initial={field: getattr(branch, field) for field in fields},
    )
    if request.method == "POST" and form.is_valid():
        from .services import branch_update

        changed = _branch_values({field: form.cleaned_data[field] for field in form.changed_data})
        response = submit(
            request,
            form,
            lambda: branch_update(branch=branch, actor=request.user, **changed),
            success=_("The branch is saved.") if changed else _("Nothing changed."),
            then=lambda saved: _branch_saved(request, saved, color_changed="primary_color" in changed),
        )
        if response is not None:
            return response
    contrast = _edited_contrast(form, branch.primary_color)
    return render(request, "org/branch_form.html", {"form": form, "branch": branch, "contrast": contrast})


@member_required
@require_POST
def branch_delete(request, pk):
    branch = _branch_or_404(request, pk)
    from .services import branch_delete as delete

    try:
        delete(branch=branch, actor=request.user)
    except ApplicationError as exc:
        if response := refusal(request, exc):
            return response
        messages.error(request, message_for(exc))
        return redirect("hierarchy:branch", pk=branch.pk)
    messages.success(request, _("Branch %(name)s is deleted.") % {"name": branch.name})
    return redirect("hierarchy:branches")


# --- classes ----------------------------------------------------------------------------------------------


def _class_or_404(request, pk):
    school_class = selectors.class_get(viewer=request.user, pk=pk)
    if school_class is None:
        raise Http404
    return school_class


@member_required
@require_GET
def class_list(request):
    scope = scope_of(request.user)
    q = request.GET.get("q", "").strip()
    branches = selectors.branch_list(viewer=request.user).order_by("name", "pk")
    branch_id = request.GET.get("branch", "")
    branch = branches.filter(pk=branch_id).first() if branch_id.isdigit() else None
    classes = selectors.class_list(viewer=request.user).order_by(*CLASS_ORDER)
    if q:
        classes = classes.filter(Q(name__icontains=q) | Q(term__icontains=q))
    if branch is not None:
        classes = classes.filter(branch=branch)
    return render(
        request,
        "org/class_list.html",
        {
            "page": _page(request, classes),
            "q": q,
            "branch": branch,
            "branches": branches,
            "may_create": scope.is_org_admin or scope.is_branch_manager,
        },
    )


@member_required
def class_create(request):
    scope = scope_of(request.user)
    if not (scope.is_org_admin or scope.is_branch_manager):
        return forbidden(request, _("Only Org Admins and Branch Managers may create classes."))
    form = ClassForm(request.POST or None, viewer=request.user, initial={"branch": request.GET.get("branch")})
    if request.method == "POST" and form.is_valid():
        from .services import class_create as create

        response = submit(
            request,
            form,
            lambda: create(actor=request.user, **form.cleaned_data),
            success=lambda school_class: _("Class %(name)s is created.") % {"name": school_class},
            then=lambda school_class: reverse("hierarchy:class", args=[school_class.pk]),
        )
        if response is not None:
            return response
    return render(request, "org/class_form.html", {"form": form, "school_class": None})


def _render_class(request, school_class, *, member_form=None, status=200):
    scope = scope_of(request.user)
    may_manage = scope.manages_branch(school_class.branch_id)
    members = {Role.TEACHER: [], Role.STUDENT: []}
    memberships = selectors.class_memberships(viewer=request.user, school_class=school_class).order_by(
        "user__full_name", "user__email"
    )
    for assignment in memberships:
        members.setdefault(assignment.role, []).append(assignment)
    return render(
        request,
        "org/class_detail.html",
        {
            "school_class": school_class,
            "member_sections": [
                (_("Teachers"), Role.TEACHER.value, members[Role.TEACHER]),
                (_("Students"), Role.STUDENT.value, members[Role.STUDENT]),
            ],
            "may_manage": may_manage,
            "may_see_people": scope.can_manage_people() or scope.is_teacher,
            "member_form": (
                member_form if member_form is not None else ClassMemberAddForm() if may_manage else None
            ),
        },
        status=status,
    )


@member_required
@require_GET
def class_detail(request, pk):
    return _render_class(request, _class_or_404(request, pk))


@member_required
def class_edit(request, pk):
    school_class = _class_or_404(request, pk)
    if not scope_of(request.user).manages_branch(school_class.branch_id):
        return forbidden(request, _("Only the managers of this class's branch and Org Admins may change it."))
    fields = ("branch", "name", "term", "description", "is_active")
    form = ClassForm(
        request.POST or None,
        viewer=request.user,
        initial={field: getattr(school_class, field) for field in fields},
    )
    if request.method == "POST" and form.is_valid():
        from .services import class_update

        changed = {field: form.cleaned_data[field] for field in form.changed_data}
        response = submit(
            request,
            form,
            lambda: class_update(school_class=school_class, actor=request.user, **changed),
            success=_("The class is saved.") if changed else _("Nothing changed."),
            then=lambda _: reverse("hierarchy:class", args=[school_class.pk]),
        )
        if response is not None:
            return response
    return render(request, "org/class_form.html", {"form": form, "school_class": school_class})


@member_required
def class_delete(request, pk):
    school_class = _class_or_404(request, pk)
    if not scope_of(request.user).manages_branch(school_class.branch_id):
        return forbidden(request, _("Only the managers of this class's branch and Org Admins may delete it."))
    if request.method == "POST":
        from .services import class_delete as delete

        try:
            delete(school_class=school_class, actor=request.user)
        except ApplicationError as exc:
            if response := refusal(request, exc):
                return response
            messages.error(request, message_for(exc))
            return redirect("hierarchy:class", pk=school_class.pk)
        messages.success(request, _("Class %(name)s is deleted.") % {"name": school_class})
        return redirect("hierarchy:classes")
    return render(request, "org/class_delete.html", {"school_class": school_class})


@member_required
@require_POST
def class_member_add(request, pk):
    """Give someone a role in the class by email; someone new is invited with that role."""
    school_class = _class_or_404(request, pk)
    if not scope_of(request.user).manages_branch(school_class.branch_id):
        return forbidden(request, MEMBERS_FORBIDDEN)
    form = ClassMemberAddForm(request.POST)
    if form.is_valid():
        spec = RoleSpec(role=form.cleaned_data["role"], school_class_id=school_class.pk)
        try:
            membership = member_add(
                actor=request.user,
                spec=spec,
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                send_email=True,
            )
        except ValidationFailed as exc:
            add_service_errors(form, exc, {"class": None, "branch": None, "user": "email", "roles": "role"})
        except ApplicationError as exc:
            return refusal(request, exc) or forbidden(request, exc.message)
        else:
            person, role = membership.user, membership.assignment.get_role_display().lower()
            if membership.invitation is not None:
                _remember_invitation(request, membership.invitation)
                messages.success(
                    request,
                    _("%(email)s is invited as a %(role)s of %(class)s.")
                    % {"email": person.email, "role": role, "class": school_class},
                )
            elif membership.created:
                messages.success(
                    request,
                    _("%(name)s is now a %(role)s of %(class)s.")
                    % {"name": person.get_full_name(), "role": role, "class": school_class},
                )
            else:
                messages.info(
                    request,
                    _("%(name)s already is a %(role)s of %(class)s.")
                    % {"name": person.get_full_name(), "role": role, "class": school_class},
                )
            return redirect("hierarchy:class", pk=school_class.pk)
    return _render_class(request, school_class, member_form=form)


@member_required
@require_POST
def class_member_remove(request, pk, assignment_pk):
    school_class = _class_or_404(request, pk)
    if not scope_of(request.user).manages_branch(school_class.branch_id):
        return forbidden(request, MEMBERS_FORBIDDEN)
    assignment = (
        selectors.class_memberships(viewer=request.user, school_class=school_class)
        .filter(pk=assignment_pk)
        .first()
    )
    if assignment is None:
        raise Http404
    try:
        role_revoke(assignment=assignment, actor=request.user)
    except ApplicationError as exc:
        if response := refusal(request, exc):
            return response
        messages.error(request, message_for(exc))
    else:
        messages.success(
            request,
            _("%(name)s is no longer %(role)s.")
            % {"name": assignment.user.get_full_name(), "role": _describe(assignment)},
        )
    return redirect("hierarchy:class", pk=school_class.pk)


def manage_home(request):
    return redirect(reverse("home"))
