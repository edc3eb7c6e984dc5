"""Isolation and role rows of branches, classes, people and the organization area (apps/hierarchy): the
structure and people API, the onboarding checklist, the /manage/ pages and their form actions.

Placeholders come from `targets`: hierarchy_ids (an isolation branch, class and person with ids no other
organization uses) and structure_ids (objects around the org's named student), filled inside the
organization's schema (tests/isolation/registry.py collects every app's targets).
"""

from tests.isolation.entries import Endpoint, Page, PageAction, scoped

API_ENDPOINTS = [
    # Structure and people (targets: structure_ids). Writes that a role may never do answer 403 whatever the
    # id; the objects named below are visible to all four roles, so reads answer 2xx.
    *scoped(
        "branches",
        [
            Endpoint("GET", "/api/v1/organizations/{org_id}/branches", has_object=True),
            Endpoint(
                "POST",
                "/api/v1/organizations/{org_id}/branches",
                {"name": "Matrix Campus", "code": "matrix"},
                allowed_roles=("org_admin",),
                has_object=True,
            ),
            Endpoint("GET", "/api/v1/organizations/{org_id}/branches/{home_branch_id}", has_object=True),
            Endpoint(
                "PUT",
                "/api/v1/organizations/{org_id}/branches/{home_branch_id}",
                {"name": "Renamed Campus"},
                allowed_roles=("org_admin", "branch_manager"),
                has_object=True,
            ),
            Endpoint(
                "PATCH",
                "/api/v1/organizations/{org_id}/branches/{home_branch_id}",
                {"address": "1 Matrix Rd"},
                allowed_roles=("org_admin", "branch_manager"),
                has_object=True,
            ),
            Endpoint(
                "DELETE",
                "/api/v1/organizations/{org_id}/branches/{spare_branch_id}",
                allowed_roles=("org_admin",),
                has_object=True,
            ),
            Endpoint(
                "GET", "/api/v1/organizations/{org_id}/branches/{home_branch_id}/settings", has_object=True
            ),
            Endpoint(
                "PUT",
                "/api/v1/organizations/{org_id}/branches/{home_branch_id}/settings",
                {"welcome_text": "Welcome"},
                allowed_roles=("org_admin", "branch_manager"),
                has_object=True,
            ),
            Endpoint(
                "PATCH",
                "/api/v1/organizations/{org_id}/branches/{home_branch_id}/settings",
                {"primary_color": "#112233"},
                allowed_roles=("org_admin", "branch_manager"),
                has_object=True,
            ),
        ],
    ),
    *scoped(
        "users",
        [
            Endpoint(
                "GET", "/api/v1/organizations/{org_id}/branches/{home_branch_id}/users", has_object=True
            ),
            Endpoint(
                "POST",
                "/api/v1/organizations/{org_id}/branches/{home_branch_id}/users",
                {"email": "matrix-member@example.com", "full_name": "Matrix Member", "role": "student"},
                allowed_roles=("org_admin", "branch_manager"),
                has_object=True,
            ),
        ],
    ),
    # The caller's getting-started checklist (apps/hierarchy/onboarding.py): Org Admins and Branch
    # Managers; closed to API keys.
    Endpoint("GET", "/api/v1/onboarding", allowed_roles=("org_admin", "branch_manager")),
    Endpoint("POST", "/api/v1/onboarding/dismiss", allowed_roles=("org_admin", "branch_manager")),
    Endpoint("POST", "/api/v1/onboarding/restore", allowed_roles=("org_admin", "branch_manager")),
    *scoped(
        "classes",
        [
            Endpoint("GET", "/api/v1/classes"),
            Endpoint(
                "POST",
                "/api/v1/classes",
                {"branch": "spare", "name": "Matrix Class"},
                allowed_roles=("org_admin",),
            ),
            Endpoint("GET", "/api/v1/classes/{matrix_class_id}", has_object=True),
            Endpoint(
                "PUT",
                "/api/v1/classes/{matrix_class_id}",
                {"name": "Renamed Class"},
                allowed_roles=("org_admin", "branch_manager"),
                has_object=True,
            ),
            Endpoint(
                "PATCH",
                "/api/v1/classes/{matrix_class_id}",
                {"description": "Matrix"},
                allowed_roles=("org_admin", "branch_manager"),
                has_object=True,
            ),
            Endpoint(
                "DELETE",
                "/api/v1/classes/{spare_class_id}",
                allowed_roles=("org_admin", "branch_manager"),
                has_object=True,
            ),
            Endpoint("GET", "/api/v1/classes/{matrix_class_id}/members", has_object=True),
            Endpoint(
                "POST",
                "/api/v1/classes/{matrix_class_id}/members",
                {"email": "matrix-member@example.com", "full_name": "Matrix Member", "role": "student"},
                allowed_roles=("org_admin", "branch_manager"),
                has_object=True,
            ),
            Endpoint(
                "DELETE",
                "/api/v1/classes/{matrix_class_id}/members/{victim_id}?role=student",
                allowed_roles=("org_admin", "branch_manager"),
                has_object=True,
            ),
        ],
    ),
    *scoped(
        "users",
        [
            Endpoint("GET", "/api/v1/users"),
            Endpoint(
                "POST",
                "/api/v1/users",
                {
                    "email": "matrix-admin@example.com",
                    "full_name": "Matrix",
                    "roles": [{"role": "org_admin"}],
                },
                allowed_roles=("org_admin",),
            ),
            # {self_id} is the student, the one person all four roles can see. tests/conftest.py gives each
            # org's schema its own id range, so globex's student id does not exist in acme.
            Endpoint("GET", "/api/v1/users/{self_id}", has_object=True),
            Endpoint(
                "PUT",
                "/api/v1/users/{self_id}",
                {"full_name": "Renamed Person"},
                allowed_roles=("org_admin", "branch_manager", "student"),
                has_object=True,
            ),
            Endpoint(
                "PATCH",
                "/api/v1/users/{self_id}",
                {"language": "fr"},
                allowed_roles=("org_admin", "branch_manager", "student"),
                has_object=True,
            ),
            Endpoint(
                "GET",
                "/api/v1/users/{self_id}/profile",
                allowed_roles=("org_admin", "branch_manager", "student"),
                has_object=True,
            ),
            Endpoint(
                "PUT",
                "/api/v1/users/{self_id}/profile",
                {"full_name": "Renamed Person"},
                allowed_roles=("org_admin", "branch_manager", "student"),
                has_object=True,
            ),
            Endpoint(
                "DELETE",
                "/api/v1/users/{victim_id}",
                allowed_roles=("org_admin", "branch_manager"),
                has_object=True,
            ),
            Endpoint(
                "DELETE",
                "/api/v1/users/{victim_id}?permanent=true",
                allowed_roles=("org_admin",),
                has_object=True,
            ),
            Endpoint(
                "POST",
                "/api/v1/users/{victim_id}/roles",
                {"role": "org_admin"},
                allowed_roles=("org_admin",),
                has_object=True,
            ),
            Endpoint(
                "DELETE",
                "/api/v1/users/{victim_id}/roles/{victim_role_id}",
                allowed_roles=("org_admin", "branch_manager"),
                has_object=True,
            ),
            Endpoint(
                "POST",
                "/api/v1/users/{dormant_id}/reactivate",
                allowed_roles=("org_admin", "branch_manager"),
                has_object=True,
            ),
            Endpoint(
                "POST",
                "/api/v1/users/{victim_id}/invitation",
                allowed_roles=("org_admin", "branch_manager"),
                has_object=True,
            ),
        ],
    ),
]

PAGES = [
    Page("/manage/people/"),
    Page("/manage/people/invite/"),
    Page("/manage/people/{user_id}/", has_object=True),
    Page("/manage/people/{user_id}/edit/", has_object=True),
    Page("/manage/people/{user_id}/delete/", has_object=True),
    Page("/manage/branches/"),
    Page("/manage/branches/new/"),
    Page("/manage/branches/{branch_id}/", has_object=True),
    Page("/manage/branches/{branch_id}/edit/", has_object=True),
    Page("/manage/classes/"),
    Page("/manage/classes/new/"),
    Page("/manage/classes/{class_id}/", has_object=True),
    Page("/manage/classes/{class_id}/edit/", has_object=True),
    Page("/manage/classes/{class_id}/delete/", has_object=True),
    Page("/manage/"),
    Page("/manage/onboarding/"),
]

PAGE_ACTIONS = [
    PageAction("/manage/people/{user_id}/roles/", {"role": "teacher", "branch": "{branch_id}"}),
    PageAction("/manage/people/{user_id}/roles/{assignment_id}/remove/"),
    PageAction("/manage/people/{user_id}/deactivate/"),
    PageAction("/manage/people/{user_id}/reactivate/"),
    PageAction("/manage/people/{user_id}/resend-invitation/"),
    PageAction("/manage/people/{user_id}/delete/", {"confirm_email": "isolation@globex.example.com"}),
    PageAction("/manage/branches/{branch_id}/edit/", {"name": "Hijacked"}),
    PageAction("/manage/branches/{branch_id}/delete/"),
    PageAction("/manage/classes/{class_id}/edit/", {"name": "Hijacked"}),
    PageAction("/manage/classes/{class_id}/delete/"),
    PageAction(
        "/manage/classes/{class_id}/members/", {"email": "intruder@acme.example.com", "role": "student"}
    ),
    PageAction("/manage/classes/{class_id}/members/{assignment_id}/remove/"),
]


def targets(organization) -> dict[str, str]:
    return {**hierarchy_ids(organization), **structure_ids(organization)}


def hierarchy_ids(organization) -> dict[str, str]:
    """A branch, a class and a person of the active schema's organization, with ids that no other organization
    uses. Every schema numbers its rows from 1, so a small id names an object in each org and a "foreign" id
    would find the local object of that number instead of proving that the foreign one is unreachable."""
    from apps.accounts.models import RoleAssignment, User
    from apps.hierarchy.models import Branch, SchoolClass

    pk = 1_000_000 + organization.pk
    branch, _ = Branch.objects.get_or_create(
        pk=pk, defaults={"name": f"{organization.name} isolation branch", "code": "isolation"}
    )
    school_class, _ = SchoolClass.objects.get_or_create(
        pk=pk, defaults={"branch": branch, "name": f"{organization.name} isolation class"}
    )
    person, _ = User.objects.get_or_create(
        pk=pk,
        defaults={
            "email": f"isolation@{organization.slug}.example.com",
            "status": User.Status.ACTIVE,
            "full_name": f"{organization.name} isolation person",
        },
    )
    assignment, _ = RoleAssignment.objects.get_or_create(
        user=person, role="student", branch=branch, school_class=school_class
    )
    return {
        "branch_id": str(branch.pk),
        "class_id": str(school_class.pk),
        "user_id": str(person.pk),
        "assignment_id": str(assignment.pk),
    }


def structure_ids(organization) -> dict[str, str]:
    """Objects for the structure and people endpoints in the active schema's organization, around its student
    (student@{slug}) and the class they attend (the home class):

    home_branch_id   the home class's branch
    matrix_class_id  a class in that branch, taught by the home class's teacher and attended by the student
    self_id          the student
    spare_branch_id  an empty branch, code "spare"
    spare_class_id   an empty class in the home branch
    victim_id        an invited student of the matrix class; victim_role_id that role
    dormant_id       a deactivated student of the matrix class

    What a call may use up (the spare ones, the victim, the dormant person) is made again for the next call of
    the same test. Ids that appear in paths outside /organizations/{org_id}/ are set apart per organization
    (see hierarchy_ids), so a foreign one names nothing here."""
    import uuid

    from apps.accounts.models import RoleAssignment, User
    from apps.hierarchy.models import Branch, SchoolClass

    home = (
        RoleAssignment.objects.filter(
            user__email=f"student@{organization.slug}.example.com", role="student", school_class__isnull=False
        )
        .select_related("user", "school_class__branch")
        .order_by("pk")
        .first()
    )
    if home is None:
        return {}
    student, branch = home.user, home.school_class.branch
    teacher = (
        RoleAssignment.objects.filter(school_class=home.school_class, role="teacher")
        .select_related("user")
        .order_by("pk")
        .first()
    )
    base = 2_000_000 + organization.pk * 1_000
    matrix_class, created = SchoolClass.objects.get_or_create(
        pk=base, defaults={"branch": branch, "name": "Matrix Class", "term": "matrix"}
    )
    if created:
        for person, role in ((student, "student"), (teacher.user if teacher else None, "teacher")):
            if person is not None:
                RoleAssignment.objects.create(
                    user=person, role=role, branch=branch, school_class=matrix_class
                )
    spare_branch, _ = Branch.objects.get_or_create(code="spare", defaults={"name": "Spare Campus"})
    spare_class, _ = SchoolClass.objects.get_or_create(
        pk=base + 1, defaults={"branch": branch, "name": "Spare Class", "term": "matrix"}
    )

    def member(status: str):
        """A person of the matrix class with `status` who still holds their student role there."""
        people = User.objects.filter(pk__gt=base + 100, pk__lt=base + 1_000)
        found = (
            people.filter(status=status, role_assignments__school_class=matrix_class).order_by("pk").first()
        )
        if found is not None:
            return found
        last = people.order_by("-pk").first()
        made = User.objects.create(
            pk=(last.pk if last else base + 100) + 1,
            status=status,
            email=f"matrix-{uuid.uuid4().hex[:8]}@{organization.slug}.example.com",
        )
        RoleAssignment.objects.create(user=made, role="student", branch=branch, school_class=matrix_class)
        return made

    victim = member(User.Status.INVITED)
    return {
        "home_branch_id": str(branch.pk),
        "matrix_class_id": str(matrix_class.pk),
        "self_id": str(student.pk),
        "spare_branch_id": str(spare_branch.pk),
        "spare_class_id": str(spare_class.pk),
        "victim_id": str(victim.pk),
        "victim_role_id": str(victim.role_assignments.get(school_class=matrix_class).pk),
        "dormant_id": str(member(User.Status.DEACTIVATED).pk),
    }
