"""Reads on imports, scoped by the viewer: Org Admins see every import of the organization, Branch Managers
the imports they uploaded themselves (a report names people of other branches only to the one who may
see them), everyone else none. A job outside the viewer's scope is absent, so views answer 404."""

from django.db.models import QuerySet

from apps.accounts.permissions import scope_of

from .models import ImportJob, ImportRow


def import_list(*, viewer) -> QuerySet[ImportJob]:
    scope = scope_of(viewer)
    queryset = ImportJob.objects.defer("source").select_related("created_by")
    if scope.is_org_admin:
        return queryset
    if scope.is_branch_manager:
        return queryset.filter(created_by_id=scope.user_id)
    return queryset.none()


def import_get(*, viewer, pk) -> ImportJob | None:
    return import_list(viewer=viewer).filter(pk=pk).first() if str(pk).isdigit() else None


def import_report_rows(*, job: ImportJob):
    """(row number, email, outcome, reason) of every processed row, in file order, read in batches."""
    return (
        ImportRow.objects.filter(job=job)
        .order_by("row_number")
        .values_list("row_number", "email", "outcome", "reason")
        .iterator(chunk_size=2000)
    )
