"""Isolation and role rows of certificate templates (apps/certificates/templating): the API, the pages and
their form actions.

Org Admins and Branch Managers read templates; only Org Admins write (Branch Managers, Teachers and
Students get 403 before any lookup). The targets, in each org (made through the services, found again by
name): {tpl_template_id}, a template with a logo and a signature (versions 1 and 2), and
{tpl_spare_template_id}, a template nothing uses, for the deletes. Names start with the org's name, so a
leak of globex's shows "Globex". API keys need the `certificates` scope.
"""

from tests.isolation.entries import Endpoint, Page, PageAction, scoped

READERS = ("org_admin", "branch_manager")
ADMINS = ("org_admin",)

TEMPLATES = "/api/v1/certificate-templates"
TEMPLATE = TEMPLATES + "/{tpl_template_id}"

API_ENDPOINTS: list[Endpoint] = scoped(
    "certificates",
    [
        Endpoint("GET", TEMPLATES, allowed_roles=READERS),
        Endpoint("GET", TEMPLATES + "?filter[status]=active&sort=-updated_at", allowed_roles=READERS),
        Endpoint("POST", TEMPLATES, {"name": "Matrix template", "layout": "modern"}, allowed_roles=ADMINS),
        Endpoint("GET", TEMPLATE, allowed_roles=READERS, has_object=True),
        Endpoint("PUT", TEMPLATE, {"name": "Renamed template"}, allowed_roles=ADMINS, has_object=True),
        Endpoint("PATCH", TEMPLATE, {"signer_name": "Matrix"}, allowed_roles=ADMINS, has_object=True),
        Endpoint("DELETE", TEMPLATES + "/{tpl_spare_template_id}", allowed_roles=ADMINS, has_object=True),
        Endpoint("GET", TEMPLATE + "/versions", allowed_roles=READERS, has_object=True),
        Endpoint("GET", TEMPLATE + "/versions/1", allowed_roles=READERS, has_object=True),
        Endpoint("POST", TEMPLATE + "/archive", allowed_roles=ADMINS, has_object=True),
        Endpoint("POST", TEMPLATE + "/restore", allowed_roles=ADMINS, has_object=True),
        Endpoint("PUT", TEMPLATE + "/logo", allowed_roles=ADMINS, has_object=True, upload="file"),
        Endpoint("GET", TEMPLATE + "/logo", allowed_roles=READERS, has_object=True),
        Endpoint("DELETE", TEMPLATE + "/logo", allowed_roles=ADMINS, has_object=True),
        Endpoint("PUT", TEMPLATE + "/signature", allowed_roles=ADMINS, has_object=True, upload="file"),
        Endpoint("GET", TEMPLATE + "/signature", allowed_roles=READERS, has_object=True),
        Endpoint("DELETE", TEMPLATE + "/signature", allowed_roles=ADMINS, has_object=True),
        Endpoint("GET", TEMPLATE + "/preview", allowed_roles=READERS, has_object=True),
        Endpoint("GET", TEMPLATE + "/preview?version=1", allowed_roles=READERS, has_object=True),
    ],
)

PAGES = [
    Page("/certificates/templates/"),
    Page("/certificates/templates/?status=all&q=Matrix"),
    Page("/certificates/templates/new/"),
    Page("/certificates/templates/{tpl_template_id}/", has_object=True),
    Page("/certificates/templates/{tpl_template_id}/?page=2", has_object=True),
    Page("/certificates/templates/{tpl_template_id}/preview/", has_object=True),
    Page("/certificates/templates/{tpl_template_id}/preview/?version=1", has_object=True),
    Page("/certificates/templates/{tpl_template_id}/logo/", has_object=True),
    Page("/certificates/templates/{tpl_template_id}/signature/", has_object=True),
    Page("/certificates/templates/{tpl_template_id}/delete/", has_object=True),
]

_FORM = {
    "name": "Hijacked",
    "layout": "classic",
    "page_size": "a4",
    "orientation": "landscape",
    "primary_color": "#000000",
    "accent_color": "#000000",
    "title_text": "Hijacked",
    "body_text": "Hijacked",
}

# The "new template" form names no object (nothing of another org to reach): tested in
# tests/certificates/test_templating_pages.py; its page is in PAGES.
PAGE_ACTIONS = [
    PageAction("/certificates/templates/{tpl_template_id}/", _FORM),
    PageAction("/certificates/templates/{tpl_template_id}/archive/"),
    PageAction("/certificates/templates/{tpl_template_id}/restore/"),
    PageAction("/certificates/templates/{tpl_spare_template_id}/delete/"),
]


def targets(organization) -> dict[str, str]:
    """Call inside the organization's schema (tests/isolation/registry.py: targets does)."""
    import io

    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from apps.certificates.models import CertificateTemplate
    from apps.certificates.templating import services

    name = organization.name
    admin = get_user_model().objects.filter(role_assignments__role="org_admin").order_by("pk").first()
    template = CertificateTemplate.objects.filter(name=f"{name} template").first()
    if template is None:
        template = services.template_create(
            actor=admin, name=f"{name} template", signer_name=f"{name} signer"
        )
    stored = [template.logo, template.signature_image]
    if not all(image and image.storage.exists(image.name) for image in stored):
        # The images (again, when the files are gone: the test media folder is shared by every run).
        buffer = io.BytesIO()
        Image.new("RGB", (40, 20), (20, 60, 160)).save(buffer, format="PNG")
        images = {
            "logo": SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png"),
            "signature_image": SimpleUploadedFile("sig.png", buffer.getvalue(), content_type="image/png"),
        }
        template = services.template_update(actor=admin, template=template, images=images)
    spare = CertificateTemplate.objects.filter(name=f"{name} spare template").first()
    if spare is None:
        spare = services.template_create(actor=admin, name=f"{name} spare template")
    return {"tpl_template_id": str(template.pk), "tpl_spare_template_id": str(spare.pk)}
