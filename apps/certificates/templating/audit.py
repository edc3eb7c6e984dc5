"""The audit log's sentences for certificate templates (registered from templating/registry.py), and their
names: a template is named by its name, linked to its page for viewers who may see templates."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.audit.sentences import (
    Facts,
    Named,
    Sentence,
    and_list,
    pks,
    register_description,
    register_reference,
    simple,
)
from apps.certificates.models import CertificateTemplate

from .selectors import may_read_templates

TEMPLATE = "certificates.certificatetemplate"
FIELD_LABELS = {
    "name": _("name"),
    "layout": _("layout"),
    "page_size": _("paper size"),
    "orientation": _("orientation"),
    "primary_color": _("main colour"),
    "accent_color": _("accent colour"),
    "signer_name": _("signer's name"),
    "signer_title": _("signer's title"),
    "title_text": _("title"),
    "body_text": _("text"),
    "fields": _("field positions"),
    "logo": _("logo"),
    "signature_image": _("signature"),
}


def _templates(keys, viewer):
    """Named, and linked when the viewer may read templates: template_list() holds every template or none
    (may_read_templates), so that is asked once instead of per row."""
    rows = CertificateTemplate.objects.filter(pk__in=pks(keys)).only("pk", "name")
    linked = may_read_templates(viewer)
    return {
        str(t.pk): Named(t.name, reverse("certificates:template_detail", args=[t.pk]) if linked else None)
        for t in rows
    }


def _updated(facts: Facts) -> Sentence:
    names = [FIELD_LABELS.get(name, name) for name in facts.list("fields") if isinstance(name, str)]
    if not names:
        return Sentence(_("{actor} changed the certificate template {target}"))
    return Sentence(
        _("{actor} changed the {fields} of the certificate template {target}"), fields=and_list(names)
    )


def register() -> None:
    register_reference(TEMPLATE, _templates)
    register_description(
        "certificate_template.created", simple(_("{actor} created the certificate template {target}"))
    )
    register_description("certificate_template.updated", _updated)
    register_description(
        "certificate_template.archived", simple(_("{actor} archived the certificate template {target}"))
    )
    register_description(
        "certificate_template.restored", simple(_("{actor} restored the certificate template {target}"))
    )
    register_description(
        "certificate_template.deleted", simple(_("{actor} deleted the certificate template {target}"))
    )
