"""Every organization endpoint and page, for the cross-tenant and cross-role matrices.

Each later feature adds its endpoints here; tests/isolation/ then checks, for every row, that org A's
credentials are refused on org B's host, that B's object ids on A's host answer 404 with none of B's
data in the body, and what each role may do.

Placeholders in paths are filled from `targets(org)`: ids of objects that live in `org`.
"""

from django_tenants.utils import schema_context

from .course_targets import course_ids
from .entries import Endpoint, Page, PageAction
from .registry_courses_api import COURSE_API_ENDPOINTS
from .registry_courses_pages import COURSE_PAGE_ACTIONS, COURSE_PAGES

API_ENDPOINTS = [
    Endpoint("GET", "/api/v1/auth/me"),
    Endpoint("GET", "/api/v1/organizations"),
    Endpoint("GET", "/api/v1/organizations/{org_id}", has_object=True),
    Endpoint(
        "PUT",
        "/api/v1/organizations/{org_id}",
        {"name": "Renamed by an intruder"},
        allowed_roles=("org_admin",),
        has_object=True,
    ),
    Endpoint("GET", "/api/v1/organizations/{org_id}/settings", has_object=True),
    Endpoint(
        "PUT",
        "/api/v1/organizations/{org_id}/settings",
        {"display_name": "Hijacked"},
        allowed_roles=("org_admin",),
        has_object=True,
    ),
    Endpoint("GET", "/api/v1/api-keys", allowed_roles=("org_admin",)),
    Endpoint(
        "POST",
        "/api/v1/api-keys",
        {"name": "Intruder key", "scopes": ["users:write"]},
        allowed_roles=("org_admin",),
    ),
    Endpoint("GET", "/api/v1/api-keys/{api_key_id}", allowed_roles=("org_admin",), has_object=True),
    Endpoint("DELETE", "/api/v1/api-keys/{api_key_id}", allowed_roles=("org_admin",), has_object=True),
    Endpoint("GET", "/api/v1/imports", allowed_roles=("org_admin", "branch_manager")),
    Endpoint(
        "POST",
        "/api/v1/imports",
        {"filename": "intruder.csv", "content": "email,role,branch\nintruder@example.com,student,north"},
        allowed_roles=("org_admin", "branch_manager"),
    ),
    Endpoint(
        "GET", "/api/v1/imports/{import_id}", allowed_roles=("org_admin", "branch_manager"), has_object=True
    ),
    Endpoint(
        "GET",
        "/api/v1/imports/{import_id}/report",
        allowed_roles=("org_admin", "branch_manager"),
        has_object=True,
    ),
    # Structure and people (targets: _structure_ids). Writes that a role may never do answer 403 whatever the
    # id; the objects named below are visible to all four roles, so reads answer 2xx.
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
    Endpoint("GET", "/api/v1/organizations/{org_id}/branches/{home_branch_id}/settings", has_object=True),
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
    Endpoint("GET", "/api/v1/organizations/{org_id}/branches/{home_branch_id}/users", has_object=True),
    Endpoint(
        "POST",
        "/api/v1/organizations/{org_id}/branches/{home_branch_id}/users",
        {"email": "matrix-member@example.com", "full_name": "Matrix Member", "role": "student"},
        allowed_roles=("org_admin", "branch_manager"),
        has_object=True,
    ),
    Endpoint("GET", "/api/v1/classes"),
    Endpoint(
        "POST", "/api/v1/classes", {"branch": "spare", "name": "Matrix Class"}, allowed_roles=("org_admin",)
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
    Endpoint("GET", "/api/v1/users"),
    Endpoint(
        "POST",
        "/api/v1/users",
        {"email": "matrix-admin@example.com", "full_name": "Matrix", "roles": [{"role": "org_admin"}]},
        allowed_roles=("org_admin",),
    ),
    # {self_id} is the student, the one person all four roles can see. tests/conftest.py gives each org's
    # schema its own id range, so globex's student id does not exist in acme.
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
        "DELETE", "/api/v1/users/{victim_id}", allowed_roles=("org_admin", "branch_manager"), has_object=True
    ),
    Endpoint(
        "DELETE", "/api/v1/users/{victim_id}?permanent=true", allowed_roles=("org_admin",), has_object=True
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
    Endpoint("GET", "/api/v1/audit-log", allowed_roles=("org_admin",)),
]


PAGES = [
    Page("/", public=True),
    Page("/accounts/login/", public=True),
    Page("/invite/{invite_uid}/{invite_token}/", public=True, has_object=True),
    Page("/manage/api-keys/"),
    Page("/manage/api-keys/{api_key_id}/revoke/", has_object=True),
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
    Page("/manage/settings/"),
    Page("/manage/audit/"),
    Page("/manage/branding/logo", public=True),
    Page("/manage/imports/"),
    Page("/manage/imports/{import_id}/", has_object=True),
    Page("/manage/imports/{import_id}/report.csv", has_object=True),
    # Accounts (django-allauth in the org's branding; targets: _account_ids).
    Page("/accounts/signup/", public=True),
    Page("/accounts/password/reset/", public=True),
    Page("/accounts/password/reset/key/{reset_uid}-{reset_key}/", public=True, has_object=True),
    Page("/accounts/logout/"),
    Page("/accounts/profile/"),
    Page("/accounts/password/change/"),
    Page("/accounts/2fa/"),
    Page("/accounts/2fa/totp/activate/"),
    Page("/accounts/2fa/totp/deactivate/"),
    Page("/accounts/2fa/recovery-codes/"),
    Page("/accounts/2fa/recovery-codes/generate/"),
    Page("/accounts/2fa/recovery-codes/download/"),
    Page("/accounts/2fa/reauthenticate/"),
    Page("/accounts/2fa/authenticate/", public=True),
    Page("/accounts/reauthenticate/"),
    Page("/accounts/email/"),
    Page("/accounts/password/set/"),
    Page("/accounts/inactive/", public=True),
    Page("/accounts/confirm-email/", public=True),
    Page("/accounts/password/reset/done/", public=True),
    Page("/accounts/password/reset/key/done/", public=True),
    Page("/manage/"),
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


# Courses, content, enrollments and progress (kept in their own files).
API_ENDPOINTS += COURSE_API_ENDPOINTS
PAGES += COURSE_PAGES
PAGE_ACTIONS += COURSE_PAGE_ACTIONS


def targets(organization) -> dict[str, str]:
    """Ids of real objects inside `organization`, for the placeholders above."""
    from apps.accounts.models import User
    from apps.accounts.tokens import encode_uid, invitation_tokens

    with schema_context(organization.schema_name):
        invited = User.objects.filter(status=User.Status.INVITED).first()
        if invited is None:
            from apps.accounts.services import user_invite

            invited = user_invite(email=f"pending@{organization.slug}.example.com").user
        return {
            "org_id": str(organization.pk),
            "invite_uid": encode_uid(invited),
            "invite_token": invitation_tokens.make_token(invited),
            "api_key_id": _api_key_id(organization),
            **_hierarchy_ids(organization),
            **_structure_ids(organization),
            "import_id": _import_id(organization),
            **_account_ids(organization),
            **course_ids(organization),
        }


def fill(path: str, values: dict[str, str]) -> str:
    return path.format(**values)


def _api_key_id(organization) -> str:
    """An API key of the active schema's organization with an id no other organization uses (see
    _hierarchy_ids), made once; written directly, as globex's plan has no API access."""
    from apps.accounts.models import RoleAssignment
    from apps.apikeys import keys
    from apps.apikeys.models import ApiKey

    pk = 1_000_000 + organization.pk
    if not ApiKey.objects.filter(pk=pk).exists():
        admin = RoleAssignment.objects.filter(role="org_admin").select_related("user").first().user
        prefix, secret = keys.generate_prefix(), keys.generate_secret()
        ApiKey.objects.create(
            pk=pk,
            name="Isolation key",
            prefix=prefix,
            last_four=secret[-4:],
            scopes=["organization:read"],
            key_hash=keys.hash_key(keys.format_key(prefix, secret)),
            created_by=admin,
        )
    return str(pk)


def _hierarchy_ids(organization) -> dict[str, str]:
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


def _import_id(organization) -> str:
    """A finished import of the active schema's organization, with an id no other organization uses (see
    _hierarchy_ids), uploaded by a Branch Manager where there is one (Branch Managers see only their own
    imports; Org Admins see all)."""
    from apps.accounts.models import RoleAssignment
    from apps.imports.models import ImportJob, ImportRow

    pk = 1_000_000 + organization.pk
    if not ImportJob.objects.filter(pk=pk).exists():
        uploader = (
            RoleAssignment.objects.filter(role="branch_manager").select_related("user").first()
            or RoleAssignment.objects.filter(role="org_admin").select_related("user").first()
        ).user
        source = f"email,role\n{uploader.email},student\n".encode()
        job = ImportJob.objects.create(
            pk=pk,
            created_by=uploader,
            created_by_email=uploader.email,
            filename="isolation.csv",
            file_format="csv",
            size_bytes=len(source),
            source=source,
            status=ImportJob.Status.COMPLETED,
            total_rows=1,
            processed_rows=1,
            failed_count=1,
        )
        ImportRow.objects.create(
            job=job,
            row_number=2,
            email=uploader.email,
            outcome="failed",
            reason="A Student belongs to a branch: fill in the branch code.",
        )
    return str(pk)


def _structure_ids(organization) -> dict[str, str]:
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
    (see _hierarchy_ids), so a foreign one names nothing here."""
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


# Endpoints anyone may call, without credentials (so outside the matrices above, which expect 401 without a
# token): tests/accounts/test_auth_isolation.py calls each on acme's host with globex's values in the body
# (placeholders in body values are filled from targets(globex)) and checks that nothing of globex is
# reachable or shown.
ANONYMOUS_API_ENDPOINTS = [
    Endpoint(
        "POST", "/api/v1/auth/login", {"email": "{admin_email}", "password": "correct horse battery staple"}
    ),
    Endpoint("POST", "/api/v1/auth/register", {"email": "{admin_email}", "password": "a-Long-passphrase-42"}),
    Endpoint("POST", "/api/v1/auth/forgot-password", {"email": "{admin_email}"}),
    Endpoint(
        "POST",
        "/api/v1/auth/reset-password",
        {"uid": "{reset_uid}", "token": "{reset_key}", "password": "a-Long-passphrase-42"},
    ),
    Endpoint("POST", "/api/v1/auth/refresh-token", {"refresh": "{refresh_token}"}),
]


def _account_ids(organization) -> dict[str, str]:
    """The org admin's address, a live password-reset link (uid and key) and a refresh token of theirs. Made
    without writing anything but the token's outstanding-token row."""
    from allauth.account.utils import user_pk_to_url_str

    from apps.accounts.adapters import PasswordResetTokenGenerator
    from apps.accounts.models import RoleAssignment
    from apps.core.api.authentication import tokens_for_user

    admin = RoleAssignment.objects.filter(role="org_admin").select_related("user").first().user
    return {
        "admin_email": admin.email,
        "reset_uid": user_pk_to_url_str(admin),
        "reset_key": PasswordResetTokenGenerator().make_token(admin),
        "refresh_token": tokens_for_user(admin)["refresh"],
    }
