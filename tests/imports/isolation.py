"""Isolation and role rows of people imports (apps/imports). Placeholders: {import_id}, filled inside the
organization's schema (tests/isolation/registry.py collects every app's targets)."""

from tests.isolation.entries import Endpoint, Page, scoped

API_ENDPOINTS = scoped(
    "imports",
    [
        Endpoint("GET", "/api/v1/imports", allowed_roles=("org_admin", "branch_manager")),
        Endpoint(
            "POST",
            "/api/v1/imports",
            {"filename": "intruder.csv", "content": "email,role,branch\nintruder@example.com,student,north"},
            allowed_roles=("org_admin", "branch_manager"),
        ),
        Endpoint("GET", "/api/v1/imports/template", allowed_roles=("org_admin", "branch_manager")),
        Endpoint(
            "GET", "/api/v1/imports/template?file_format=xlsx", allowed_roles=("org_admin", "branch_manager")
        ),
        Endpoint(
            "GET",
            "/api/v1/imports/{import_id}",
            allowed_roles=("org_admin", "branch_manager"),
            has_object=True,
        ),
        Endpoint(
            "GET",
            "/api/v1/imports/{import_id}/report",
            allowed_roles=("org_admin", "branch_manager"),
            has_object=True,
        ),
    ],
)

PAGES = [
    Page("/manage/imports/"),
    Page("/manage/imports/template.csv"),
    Page("/manage/imports/template.xlsx"),
    Page("/manage/imports/{import_id}/", has_object=True),
    Page("/manage/imports/{import_id}/report.csv", has_object=True),
]


def targets(organization) -> dict[str, str]:
    return {"import_id": import_id(organization)}


def import_id(organization) -> str:
    """A finished import of the active schema's organization, with an id no other organization uses (see
    tests/hierarchy/isolation.py: hierarchy_ids), uploaded by a Branch Manager where there is one (Branch
    Managers see only their own imports; Org Admins see all)."""
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
