"""The certificate templates' part of the cost filler (benchmarks/cost_fill.py calls `fill_templates` and
merges `template_targets`): n more templates (so the template list grows with n), and the template `Cost
templating` with a logo, a signature and n more versions (so its versions list grows with n)."""

import io

from django.core.files.base import ContentFile

TEMPLATE = "Cost templating"


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (120, 40), (29, 78, 216)).save(buffer, format="PNG")
    return buffer.getvalue()


def _base(admin):
    from apps.certificates.models import CertificateTemplate
    from apps.certificates.templating import services

    template = CertificateTemplate.objects.filter(name=TEMPLATE).first()
    if template is None:
        template = services.template_create(actor=None, name=TEMPLATE, signer_name="Cost Signer")
        template.logo.save("logo.png", ContentFile(_png()), save=False)
        template.signature_image.save("signature.png", ContentFile(_png()), save=False)
        template.save(update_fields=["logo", "signature_image"])
    return template


def fill_templates(n: int, label: str, *, admin) -> None:
    from apps.certificates.models import CertificateTemplate, TemplateVersion
    from apps.certificates.templating.snapshots import snapshot_of

    template = _base(admin)
    CertificateTemplate.objects.bulk_create(
        CertificateTemplate(name=f"{label} template {index}", created_by=admin) for index in range(n)
    )
    first = template.version + 1
    template.version += n
    template.save(update_fields=["version", "updated_at"])
    snapshot = snapshot_of(template)
    TemplateVersion.objects.bulk_create(
        TemplateVersion(
            template=template, number=number, snapshot={**snapshot, "version": number}, created_by=admin
        )
        for number in range(first, first + n)
    )


def template_targets(admin) -> dict:
    return {"templating_template_id": _base(admin).pk}
