"""A template as plain data: what TemplateVersion.snapshot stores and apps.certificates.rendering reads."""

from apps.certificates.models import CertificateTemplate

SNAPSHOT_FIELDS = (
    "name",
    "layout",
    "page_size",
    "orientation",
    "primary_color",
    "accent_color",
    "logo",
    "signature_image",
    "signer_name",
    "signer_title",
    "title_text",
    "body_text",
    "fields",
    "version",
)


def snapshot_of(template: CertificateTemplate) -> dict:
    """Every printed field of `template` (files as their storage names, "" when none) and its version
    number; JSON-serializable, so a certificate re-renders exactly as it was issued."""
    snapshot = {}
    for name in SNAPSHOT_FIELDS:
        value = getattr(template, name)
        if name in ("logo", "signature_image"):
            value = value.name or ""
        elif name == "fields":
            value = dict(value or {})
        snapshot[name] = value
    return snapshot
