"""Reads on certificate templates, scoped by the viewer: Org Admins and Branch Managers see the
organization's templates (Org Admins change them, Branch Managers read), anyone else none, so pages and
the API answer 404 for a template as for one that does not exist."""

from django.db import connection
from django.db.models import Count, F, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

from apps.accounts.permissions import scope_of
from apps.certificates.models import Certificate, CertificateRule, CertificateTemplate, TemplateVersion


def may_read_templates(viewer) -> bool:
    return viewer is not None and viewer.is_authenticated and scope_of(viewer).can_manage_people()


def may_change_templates(viewer) -> bool:
    return viewer is not None and viewer.is_authenticated and scope_of(viewer).is_org_admin


def _count(queryset, field: str):
    return Coalesce(
        Subquery(
            queryset.filter(**{field: OuterRef("pk")})
            .order_by()
            .values(field)
            .annotate(n=Count("pk"))
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


def template_list(*, viewer, status: str | None = None, search: str = "") -> QuerySet[CertificateTemplate]:
    """The templates the viewer may see, with `certificate_count` and `rule_count`; `status` narrows to
    active or archived."""
    if not may_read_templates(viewer):
        return CertificateTemplate.objects.none()
    queryset = CertificateTemplate.objects.select_related("created_by")
    if status:
        queryset = queryset.filter(status=status)
    if search:
        queryset = queryset.filter(name__icontains=search)
    return queryset.annotate(
        certificate_count=_count(Certificate.objects.all(), "template"),
        rule_count=_count(CertificateRule.objects.all(), "template"),
    ).order_by("name", "pk")


def template_get(*, viewer, pk) -> CertificateTemplate | None:
    if not str(pk).isdigit() or len(str(pk)) > 11:
        return None
    return template_list(viewer=viewer).filter(pk=pk).first()


# --- API reads (issue 11) ----------------------------------------------------------------------------------
# The API's list and detail read the same templates as template_list, scoped the same way, with the same
# counts written as plain correlated SQL (no subquery querysets built and compiled per request) and only the
# author's id and name. The counts name the outer table, so these querysets are meant to be evaluated (one
# page, one template), never nested in another query (audit's `visible` nests template_list: keep it).


def _raw_count(model, outer: str) -> RawSQL:
    """COUNT(*) of `model`'s rows whose template is the outer row (0 when none)."""
    table = connection.ops.quote_name(model._meta.db_table)
    return RawSQL(  # noqa: S611 - the SQL names only tables and columns
        f'(SELECT COUNT(*) FROM {table} U WHERE U."template_id" = {outer}."id")',  # noqa: S608
        (),
        output_field=IntegerField(),
    )


TEMPLATE_ROW_FIELDS = tuple(field.name for field in CertificateTemplate._meta.concrete_fields)


def template_rows(*, viewer) -> QuerySet[CertificateTemplate]:
    """template_list for the API: the same templates and counts, the author's id and full name only."""
    if not may_read_templates(viewer):
        return CertificateTemplate.objects.none()
    outer = connection.ops.quote_name(CertificateTemplate._meta.db_table)
    return (
        CertificateTemplate.objects.select_related("created_by")
        .only(*TEMPLATE_ROW_FIELDS, "created_by__id", "created_by__full_name")
        .annotate(
            certificate_count=_raw_count(Certificate, outer),
            rule_count=_raw_count(CertificateRule, outer),
        )
        .order_by("name", "pk")
    )


def template_row(*, viewer, pk) -> CertificateTemplate | None:
    if not str(pk).isdigit() or len(str(pk)) > 11:
        return None
    return template_rows(viewer=viewer).filter(pk=pk).first()


def template_find(*, viewer, pk) -> CertificateTemplate | None:
    """The template the viewer may see (as template_get), its own columns only, without the counts."""
    if not str(pk).isdigit() or len(str(pk)) > 11 or not may_read_templates(viewer):
        return None
    return CertificateTemplate.objects.filter(pk=pk).only("pk", "version").first()


def version_list(*, template: CertificateTemplate) -> QuerySet[TemplateVersion]:
    """A template's versions, newest first (the template was already found through template_get)."""
    return TemplateVersion.objects.filter(template=template).select_related("created_by").order_by("-number")


def version_rows(*, template: CertificateTemplate) -> QuerySet[TemplateVersion]:
    """version_list for the API: what its serializer writes (the author's id and full name only)."""
    return version_list(template=template).only(
        "number", "snapshot", "created_at", "created_by", "created_by__id", "created_by__full_name"
    )


def version_get(*, template: CertificateTemplate, number) -> TemplateVersion | None:
    if not str(number).isdigit() or len(str(number)) > 9:
        return None
    return version_list(template=template).filter(number=number).first()


def version_row_of(*, viewer, template_pk, number) -> TemplateVersion | None:
    """One version of version_rows() of the template `template_pk` the viewer may see (template_find's
    rule), in one query, with `current_number` (the template's version) annotated."""
    if not str(template_pk).isdigit() or len(str(template_pk)) > 11 or not may_read_templates(viewer):
        return None
    if not str(number).isdigit() or len(str(number)) > 9:
        return None
    found = list(
        TemplateVersion.objects.filter(template_id=template_pk, number=number)
        .select_related("created_by")
        .only("number", "snapshot", "created_at", "created_by", "created_by__id", "created_by__full_name")
        .annotate(current_number=F("template__version"))[:1]
    )
    return found[0] if found else None


def active_templates() -> QuerySet[CertificateTemplate]:
    """Every active template of the organization (for the forms that name one: a course's rule)."""
    return CertificateTemplate.objects.filter(status=CertificateTemplate.Status.ACTIVE).order_by("name", "pk")
