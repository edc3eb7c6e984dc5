"""The import template: a CSV or XLSX file with the header row and one example row, ready to fill in.

The header is generated from the import's own column definitions (apps.imports.parsing: the fields of a
SourceRow, each under the first header name COLUMN_ALIASES accepts for it), so a column added to the import
appears in the template without anyone remembering to. The example row names a branch (and a class of it)
that the viewer may import into, so the file imports cleanly as downloaded.

    import_template_columns()                         -> ("email", "name", "role", "branch", "class")
    import_template_example(*, viewer)                -> {"email": ..., "role": "student", ...}
    import_template_file(*, viewer, file_format)      -> TemplateFile (name, content type, bytes)
    template_response(template)                       -> the download (pages and API alike)
"""

import csv
import io
from dataclasses import dataclass, fields

from django.http import HttpResponse

from apps.accounts.models import RoleAssignment
from apps.accounts.permissions import scope_of
from apps.core.errors import PermissionDenied, ValidationFailed
from apps.hierarchy import selectors as hierarchy

from .parsing import COLUMN_ALIASES, SourceRow
from .services import may_import

# Shown when the organization has no branch yet: the import says "Unknown branch code" until one exists with
# this code (the checklist asks for a branch first).
BRANCH_PLACEHOLDER = "main"
EXAMPLE_PERSON = {"email": "ada.lovelace@example.com", "name": "Ada Lovelace"}
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class TemplateFile:
    filename: str
    content_type: str
    content: bytes


def _source_fields() -> list[str]:
    return [f.name for f in fields(SourceRow) if f.name != "number"]


def import_template_columns() -> tuple[str, ...]:
    """The header row: for each column the import reads, the first header name it accepts for it."""
    columns = []
    for source_field in _source_fields():
        header = next(header for header, column in COLUMN_ALIASES.items() if column == source_field)
        columns.append(header)
    return tuple(columns)


def import_template_example(*, viewer) -> dict[str, str]:
    """One example row, by source field: a Student in the first branch the viewer may import into (and in
    its first class, if it has one)."""
    scope = scope_of(viewer)
    branches = hierarchy.branch_list(viewer=viewer).filter(is_active=True).order_by("name", "pk")
    if not scope.is_org_admin:
        branches = branches.filter(pk__in=scope.managed_branch_ids)
    branch = branches.first()
    school_class = None
    if branch is not None:
        school_class = (
            hierarchy.class_list(viewer=viewer)
            .filter(branch=branch, is_active=True)
            .order_by("name", "term", "pk")
            .first()
        )
    return {
        **EXAMPLE_PERSON,
        "role": RoleAssignment.Role.STUDENT.value,
        "branch": branch.code if branch else BRANCH_PLACEHOLDER,
        "class_name": school_class.name if school_class else "",
    }


def _table(viewer) -> list[list[str]]:
    example = import_template_example(viewer=viewer)
    return [list(import_template_columns()), [example.get(name, "") for name in _source_fields()]]


def _csv(table) -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(table)
    # With a BOM, Excel opens the file as UTF-8 (names with accents survive); the import accepts it.
    return buffer.getvalue().encode("utf-8-sig")


def _xlsx(table) -> bytes:
    import openpyxl
    from openpyxl.styles import Font

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "People"
    for row in table:
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABCDEFGHIJ", (32, 24, 16, 16, 24), strict=False):
        sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


WRITERS = {"csv": _csv, "xlsx": _xlsx}


def import_template_file(*, viewer, file_format: str = "csv") -> TemplateFile:
    """The template as a file to download; only for those who may import (PermissionDenied otherwise)."""
    if not may_import(viewer):
        raise PermissionDenied("Only Org Admins and Branch Managers may import people.")
    if file_format not in WRITERS:
        raise ValidationFailed({"file_format": [f"Choose one of: {', '.join(WRITERS)}."]})
    return TemplateFile(
        filename=f"people-import-template.{file_format}",
        content_type=CONTENT_TYPES[file_format],
        content=WRITERS[file_format](_table(viewer)),
    )


def template_response(template: TemplateFile) -> HttpResponse:
    response = HttpResponse(template.content, content_type=template.content_type)
    response["Content-Disposition"] = f'attachment; filename="{template.filename}"'
    response["Cache-Control"] = "private, no-store"  # it names the viewer's branch and class
    return response
