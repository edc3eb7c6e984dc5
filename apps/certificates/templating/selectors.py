"""Reads on certificate templates, scoped by the viewer: Org Admins and Branch Managers see the
organization's templates (Org Admins change them, Branch Managers read), anyone else none, so pages and
the API answer 404 for a template as for one that does not exist."""

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
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


def version_list(*, template: CertificateTemplate) -> QuerySet[TemplateVersion]:
    """A template's versions, newest first (the template was already found through template_get)."""
    return TemplateVersion.objects.filter(template=template).select_related("created_by").order_by("-number")


def version_get(*, template: CertificateTemplate, number) -> TemplateVersion | None:
    if not str(number).isdigit() or len(str(number)) > 9:
        return None
    return version_list(template=template).filter(number=number).first()


def active_templates() -> QuerySet[CertificateTemplate]:
    """Every active template of the organization (for the forms that name one: a course's rule)."""
    return CertificateTemplate.objects.filter(status=CertificateTemplate.Status.ACTIVE).order_by("name", "pk")
