"""Pages of the organization area (/manage/ on an organization's host) and the dashboard at "/".

Reads go through apps.hierarchy.selectors, which scope everything by the viewer: an object outside the
viewer's scope is absent, and its page answers 404 like a missing one. Writes go through the services, which
decide what the viewer may do: their PermissionDenied becomes a 403 page (the viewer sees the object but may
not do this), NotFound a 404, ValidationFailed form errors with nothing written.
Anonymous visitors are sent to the sign-in page.
"""

from collections import defaultdict
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

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
from apps.core.api.throttling import client_ip
from apps.core.errors import ApplicationError, NotFound, PermissionDenied, ValidationFailed
from apps.core.validation import ip_or_none

from . import selectors
from .forms import (
    LOGO_FORMATS,
    BranchForm,
    ClassForm,
    ClassMemberAddForm,
    ConfirmDeleteForm,
    InviteForm,
    OrganizationSettingsForm,
    PeopleFilterForm,
    ProfileForm,
    RoleAddForm,
    add_service_errors,
)

Role = RoleAssignment.Role
PER_PAGE = 25
# Aggregating selectors lose the models' default ordering (GROUP BY): pages order explicitly.
CLASS_ORDER = ("branch__name", "name", "term", "pk")
MEMBERS_SHOWN = 50
INVITATION_SESSION_KEY = "org_invitation_link"
MEMBERS_FORBIDDEN = "Only the managers of this class's branch and Org Admins may change its members."
# Service error fields that are called differently on the pages' forms.
ROLE_ERROR_ALIASES = {"class": "school_class", "roles": "role", "user": None}


# --- access -----------------------------------------------------------------------------------------------


def member_required(view):
    """Anonymous: off to the sign-in page, coming back here afterwards. Pages are never cached."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return never_cache(wrapped)


def forbidden(request, message: str):
    return render(request, "org/forbidden.html", {"message": message}, status=403)


def refusal(request, exc: ApplicationError):
    """A service's refusal as a page: NotFound is a 404, PermissionDenied a 403 page; for anything else
    (None) the caller shows the message."""
    if isinstance(exc, NotFound):
        raise Http404(exc.message)
    if isinstance(exc, PermissionDenied):
        return forbidden(request, exc.message)
    return None


def submit(request, form, call, *, success, then):
    """Run a service for a valid form. Field errors go back onto the form (returns None: re-render it), a
    refusal becomes the 404/403 page, success flashes `success` (a message, or a function of the result)
    and redirects to `then(result)`."""
    try:
        result = call()
    except ValidationFailed as exc:
        add_service_errors(form, exc)
        return None
    except ApplicationError as exc:
        return refusal(request, exc) or forbidden(request, exc.message)
    messages.success(request, success(result) if callable(success) else success)
    return redirect(then(result))


def message_for(exc: ApplicationError) -> str:
    if isinstance(exc, ValidationFailed):
        return " ".join(error for errors in exc.field_errors.values() for error in errors) or exc.message
    return exc.message


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
        person.visible_roles = selectors.visible_roles(viewer=viewer, user=person)
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


# --- dashboard --------------------------------------------------------------------------------------------


def dashboard(request):
    """The start page of a signed-in member: one section per role they hold."""
    viewer = request.user
    scope = scope_of(viewer)
    role_labels = [label for value, label in Role.choices if value in scope.roles]
    context = {"scope": scope, "role_labels": role_labels}
    if scope.is_org_admin:
        context["admin"] = _admin_dashboard(viewer)
    if scope.managed_branch_ids:
        context["managed_branches"] = _branches_with_classes(viewer, scope.managed_branch_ids)
    if scope.teaching_class_ids:
        context["teaching"] = _classes_with_students(viewer, scope.teaching_class_ids)
    if scope.learning_class_ids or (Role.STUDENT in scope.roles):
        context["learning_classes"] = list(
            selectors.class_list(viewer=viewer).filter(pk__in=scope.learning_class_ids).order_by(*CLASS_ORDER)
        )
        context["learning_branches"] = list(selectors.branch_list(viewer=viewer).order_by("name", "pk"))
    context.update(_learning_dashboard(viewer, scope))
    response = render(request, "org/dashboard.html", context)
    add_never_cache_headers(response)
    return response


def _learning_dashboard(viewer, scope: Scope) -> dict:
    """The viewer's current courses (a few) and, for authors, the courses they change most recently."""
    from apps.courses import selectors as courses
    from apps.courses.permissions import can_author

    learning = courses.my_learning(viewer=viewer).filter(status="active")
    context = {"my_courses": list(learning[:5])}
    if can_author(scope):
        editable = courses.course_list_editable(viewer=viewer).prefetch_related(None)
        context["teaching_courses"] = list(editable.order_by("-updated_at", "pk")[:5])
    return context


def _admin_dashboard(viewer) -> dict:
    from apps.audit.selectors import audit_entry_rows

    people = selectors.user_list(viewer=viewer)
    by_status = people.aggregate(
        total=Count("pk"),
        active=Count("pk", filter=Q(status="active")),
        invited=Count("pk", filter=Q(status="invited")),
        deactivated=Count("pk", filter=Q(status="deactivated")),
    )
    role_counts = dict(
        people.prefetch_related(None)
        .filter(role_assignments__isnull=False)
        .order_by()
        .values_list("role_assignments__role")
        .annotate(n=Count("pk", distinct=True))
    )
    return {
        "people": by_status,
        "roles": [(value, label, role_counts.get(value, 0)) for value, label in Role.choices],
        "branch_count": selectors.branch_list(viewer=viewer).count(),
        "class_count": selectors.class_list(viewer=viewer).count(),
        "recent": audit_entry_rows(limit=8),
    }


def _branches_with_classes(viewer, branch_ids) -> list:
    branches = list(selectors.branch_list(viewer=viewer).filter(pk__in=branch_ids).order_by("name", "pk"))
    classes = defaultdict(list)
    rows = selectors.class_list(viewer=viewer).filter(branch_id__in=branch_ids).order_by(*CLASS_ORDER)
    for school_class in rows:
        classes[school_class.branch_id].append(school_class)
    for branch in branches:
        branch.class_rows = classes[branch.pk]
    return branches


def _classes_with_students(viewer, class_ids) -> list:
    classes = list(selectors.class_list(viewer=viewer).filter(pk__in=class_ids).order_by(*CLASS_ORDER))
    learners = RoleAssignment.objects.filter(school_class_id__in=class_ids, role=Role.STUDENT).values(
        "user_id"
    )
    students = defaultdict(list)
    for person in selectors.user_list(viewer=viewer).filter(pk__in=learners):
        for assignment in person.role_assignments.all():
            if assignment.role == Role.STUDENT and assignment.school_class_id in class_ids:
                students[assignment.school_class_id].append(person)
    for school_class in classes:
        school_class.student_rows = students[school_class.pk]
    return classes


# --- people -----------------------------------------------------------------------------------------------


def filter_people(people, *, scope: Scope, q="", role="", branch=None, school_class=None, status=""):
    """Narrow a user_list() queryset by the people page's filters. Role, branch and class apply to one and
    the same role of a person (role=teacher, class=Algebra: the teachers of Algebra), and only to roles the
    viewer may know of (selectors.role_is_visible), so filtering reveals no role held elsewhere."""
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
    people = filter_people(selectors.user_list(viewer=request.user), scope=scope, **filters)
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
        return forbidden(request, "Only Org Admins and Branch Managers may invite people.")
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
                request, f"{invitation.user.email} is invited. An invitation email is on its way."
            )
            return redirect("hierarchy:person", pk=invitation.user.pk)
    return render(request, "org/person_invite.html", {"form": form})


def _remember_invitation(request, invitation) -> None:
    """Keep the link for the person's page, which shows it once (the services email it after commit)."""
    url = invitation.url or request.build_absolute_uri(invitation.path)
    request.session[INVITATION_SESSION_KEY] = {"user": invitation.user.pk, "url": url}


def _person_or_404(request, pk):
    person = selectors.user_get(viewer=request.user, pk=pk)
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
        for a in selectors.visible_roles(viewer=request.user, user=person)
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
            "history": audit_entry_rows(limit=10, target=person) if scope.is_org_admin else None,
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
            messages.success(request, f"{person.get_full_name()} is now {_describe(assignment)}.")
            return redirect("hierarchy:person", pk=person.pk)
    return _render_person(request, person, role_form=form)


def _describe(assignment) -> str:
    where = assignment.school_class or assignment.branch
    return f"{assignment.get_role_display()}{f' of {where}' if where else ''}"


@member_required
@require_POST
def person_role_remove(request, pk, assignment_pk):
    _people_scope(request)
    person = _person_or_404(request, pk)
    assignment = selectors.role_assignment_get(viewer=request.user, user=person, pk=assignment_pk)
    if assignment is None:
        raise Http404
    try:
        role_revoke(assignment=assignment, actor=request.user)
    except ApplicationError as exc:
        if response := refusal(request, exc):
            return response
        messages.error(request, message_for(exc))
    else:
        messages.success(request, f"{person.get_full_name()} is no longer {_describe(assignment)}.")
    return redirect("hierarchy:person", pk=person.pk)


@member_required
def person_edit(request, pk):
    scope = _people_scope(request)
    person = _person_or_404(request, pk)
    if not (_may_manage(scope, person) or person.pk == request.user.pk):
        return forbidden(request, "You may not change this person's profile.")
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
            success="The profile is saved." if changed else "Nothing changed.",
            then=lambda _: reverse("hierarchy:person", args=[person.pk]),
        )
        if response is not None:
            return response
    return render(request, "org/person_edit.html", {"person": person, "form": form})


def _person_action(request, pk, action, done: str):
    _people_scope(request)
    person = _person_or_404(request, pk)
    try:
        result = action(user=person, actor=request.user)
    except ApplicationError as exc:
        if response := refusal(request, exc):
            return response
        messages.error(request, message_for(exc))
    else:
        messages.success(request, done.format(name=person.get_full_name()))
        if getattr(result, "path", None):  # a new invitation
            _remember_invitation(request, result)
    return redirect("hierarchy:person", pk=person.pk)


@member_required
@require_POST
def person_deactivate(request, pk):
    return _person_action(request, pk, user_deactivate, "{name} is deactivated and can no longer sign in.")


@member_required
@require_POST
def person_reactivate(request, pk):
    return _person_action(request, pk, user_reactivate, "{name} is reactivated.")


@member_required
@require_POST
def person_resend_invitation(request, pk):
    return _person_action(request, pk, invitation_resend, "A new invitation for {name} is on its way.")


@member_required
def person_delete(request, pk):
    scope = _people_scope(request)
    person = _person_or_404(request, pk)
    if not scope.is_org_admin:
        return forbidden(request, "Only Org Admins may delete people; deactivate them instead.")
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
            messages.success(request, f"{email} is deleted for good; the address is free again.")
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
        return forbidden(request, "Only Org Admins may create branches.")
    form = BranchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        from .services import branch_create as create

        response = submit(
            request,
            form,
            lambda: create(actor=request.user, **_branch_values(form.cleaned_data)),
            success=lambda branch: f"Branch {branch.name} is created.",
            then=lambda branch: reverse("hierarchy:branch", args=[branch.pk]),
        )
        if response is not None:
            return response
    return render(request, "org/branch_form.html", {"form": form, "branch": None})


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
        return forbidden(request, "Only this branch's managers and Org Admins may change it.")
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
            success="The branch is saved." if changed else "Nothing changed.",
            then=lambda _: reverse("hierarchy:branch", args=[branch.pk]),
        )
        if response is not None:
            return response
    return render(request, "org/branch_form.html", {"form": form, "branch": branch})


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
    messages.success(request, f"Branch {branch.name} is deleted.")
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
        return forbidden(request, "Only Org Admins and Branch Managers may create classes.")
    form = ClassForm(request.POST or None, viewer=request.user, initial={"branch": request.GET.get("branch")})
    if request.method == "POST" and form.is_valid():
        from .services import class_create as create

        response = submit(
            request,
            form,
            lambda: create(actor=request.user, **form.cleaned_data),
            success=lambda school_class: f"Class {school_class} is created.",
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
                ("Teachers", Role.TEACHER.value, members[Role.TEACHER]),
                ("Students", Role.STUDENT.value, members[Role.STUDENT]),
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
        return forbidden(request, "Only the managers of this class's branch and Org Admins may change it.")
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
            success="The class is saved." if changed else "Nothing changed.",
            then=lambda _: reverse("hierarchy:class", args=[school_class.pk]),
        )
        if response is not None:
            return response
    return render(request, "org/class_form.html", {"form": form, "school_class": school_class})


@member_required
def class_delete(request, pk):
    school_class = _class_or_404(request, pk)
    if not scope_of(request.user).manages_branch(school_class.branch_id):
        return forbidden(request, "Only the managers of this class's branch and Org Admins may delete it.")
    if request.method == "POST":
        from .services import class_delete as delete

        try:
            delete(school_class=school_class, actor=request.user)
        except ApplicationError as exc:
            if response := refusal(request, exc):
                return response
            messages.error(request, message_for(exc))
            return redirect("hierarchy:class", pk=school_class.pk)
        messages.success(request, f"Class {school_class} is deleted.")
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
                messages.success(request, f"{person.email} is invited as a {role} of {school_class}.")
            elif membership.created:
                messages.success(request, f"{person.get_full_name()} is now a {role} of {school_class}.")
            else:
                messages.info(request, f"{person.get_full_name()} already is a {role} of {school_class}.")
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
        messages.success(request, f"{assignment.user.get_full_name()} is no longer {_describe(assignment)}.")
    return redirect("hierarchy:class", pk=school_class.pk)


# --- organization settings and branding -------------------------------------------------------------------

SETTINGS_FIELDS = (
    "display_name",
    "primary_color",
    "welcome_text",
    "default_language",
    "default_timezone",
    "self_signup_enabled",
    "allowed_email_domains",
)


@member_required
def organization_settings(request):
    if not scope_of(request.user).is_org_admin:
        return forbidden(request, "Only Org Admins may change the organization's settings.")
    from tenants.models import OrganizationSettings

    organization = request.tenant
    current = OrganizationSettings.objects.filter(organization_id=organization.pk).first()
    initial = {field: getattr(current, field) for field in SETTINGS_FIELDS} if current else {}
    if current:
        initial["allowed_email_domains"] = "\n".join(current.allowed_email_domains)
    form = OrganizationSettingsForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = {field: form.cleaned_data[field] for field in SETTINGS_FIELDS if field in form.changed_data}
        logo = form.cleaned_data["logo"]
        remove_logo = form.cleaned_data["remove_logo"] and bool(current and current.logo)
        if not (values or logo or remove_logo):
            messages.info(request, "Nothing changed.")
            return redirect("hierarchy:settings")
        try:
            organization_settings_save(request, values=values, logo=logo, remove_logo=remove_logo)
        except ValidationFailed as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "The settings are saved.")
            return redirect("hierarchy:settings")
    return render(request, "org/settings.html", {"form": form, "current": current})


def organization_settings_save(request, *, values: dict, logo=None, remove_logo: bool = False):
    from tenants import services

    actor = services.Actor(
        user=request.user, ip_address=ip_or_none(client_ip(request)), schema=connection.schema_name
    )
    return services.organization_settings_update(
        organization=request.tenant, actor=actor, logo=logo, remove_logo=remove_logo, **values
    )


@require_GET
def branding_logo(request):
    """The organization's own logo, on its own host only: no parameter names another organization's file."""
    from tenants.models import OrganizationSettings

    organization = getattr(request, "tenant", None)
    if organization is None or organization.is_public:
        raise Http404
    name = (
        OrganizationSettings.objects.filter(organization_id=organization.pk)
        .values_list("logo", flat=True)
        .first()
    ) or ""
    if not name.startswith(f"{organization.schema_name}/branding/"):
        raise Http404
    extension = name.rsplit(".", 1)[-1]
    content_types = dict(LOGO_FORMATS.values())
    if extension not in content_types:
        raise Http404
    try:
        handle = default_storage.open(name, "rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=content_types[extension])
    response["Cache-Control"] = "public, max-age=3600"
    response["Content-Security-Policy"] = "default-src 'none'"
    return response


def manage_home(request):
    return redirect(reverse("home"))
