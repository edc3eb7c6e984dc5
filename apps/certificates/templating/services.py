"""Writes on certificate templates (Org Admins only; `actor=None` is the system: demo data).

Every save that changes what a certificate prints bumps the template's `version` and writes a
TemplateVersion with its snapshot (snapshots.snapshot_of), in the same transaction: a certificate names
the version it was printed from, so a re-render is exact. Archiving hides a template from new rules and
issues without touching its versions; a template that certificates or rules use cannot be deleted.
Each write records an audit entry."""

import re

from django.db import transaction
from django.utils.translation import gettext as _

from apps.accounts.permissions import scope_of
from apps.audit.services import audit_record
from apps.certificates.models import CertificateRule, CertificateTemplate, TemplateVersion
from apps.certificates.rendering.layouts import CUSTOM_FIELDS
from apps.core.errors import Conflict, PermissionDenied, ValidationFailed

from .images import checked_image
from .snapshots import SNAPSHOT_FIELDS, snapshot_of

# What a service takes (the files have their own services).
EDITABLE_FIELDS = (
    "name",
    "layout",
    "page_size",
    "orientation",
    "primary_color",
    "accent_color",
    "signer_name",
    "signer_title",
    "title_text",
    "body_text",
    "fields",
)
IMAGE_FIELDS = ("logo", "signature_image")
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
PLACEHOLDERS = ("learner", "course", "grade", "issued_on", "expires_on", "organization", "code")
MAX_POSITION_MM = 500
ALIGNS = ("left", "center", "right")
_LIMITS = {"name": 200, "signer_name": 200, "signer_title": 200, "title_text": 200, "body_text": 2000}


def _require_admin(actor) -> None:
    if actor is not None and not scope_of(actor).is_org_admin:
        raise PermissionDenied(_("Only Org Admins may change certificate templates."))


# --- values ------------------------------------------------------------------------------------------------


def _text(value, field: str, *, required: bool, multiline: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationFailed({field: [_("Enter text.")]})
    value = value.strip() if multiline else " ".join(value.split())
    if required and not value:
        raise ValidationFailed({field: [_("This field is required.")]})
    if len(value) > _LIMITS[field]:
        raise ValidationFailed({field: [_("At most %(count)s characters.") % {"count": _LIMITS[field]}]})
    if field in ("title_text", "body_text"):
        unknown = sorted({name for name in _PLACEHOLDER.findall(value) if name not in PLACEHOLDERS})
        if unknown:
            raise ValidationFailed(
                {
                    field: [
                        _("Unknown placeholder %(names)s; use %(known)s.")
                        % {
                            "names": ", ".join("{" + name + "}" for name in unknown),
                            "known": ", ".join("{" + name + "}" for name in PLACEHOLDERS),
                        }
                    ]
                }
            )
    return value


def _choice(value, field: str, choices) -> str:
    allowed = [code for code, _label in choices]
    if value not in allowed:
        raise ValidationFailed({field: [_("Choose one of: %(choices)s.") % {"choices": ", ".join(allowed)}]})
    return value


def _colour(value, field: str) -> str:
    if not isinstance(value, str) or not _HEX.match(value.strip()):
        raise ValidationFailed({field: [_("Enter a colour as #rrggbb.")]})
    return value.strip().lower()


def _number(spec: dict, key: str, field: str, low: float, high: float) -> float:
    value = spec.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        message = _("Enter a number from %(low)s to %(high)s.") % {"low": low, "high": high}
        raise ValidationFailed({f"fields.{field}.{key}": [message]})
    return float(value)


def clean_fields(value) -> dict:
    """The custom layout's positions: {field: {"x": mm, "y": mm, "size": pt (text) or mm (images),
    "align": left|center|right}} for fields of rendering.layouts.CUSTOM_FIELDS, y from the top edge."""
    if value in (None, ""):
        return {}
    if not isinstance(value, dict):
        raise ValidationFailed({"fields": [_("Give an object of field positions.")]})
    cleaned = {}
    for name, spec in value.items():
        if name not in CUSTOM_FIELDS:
            message = _("Unknown field %(name)s; use %(known)s.") % {
                "name": name,
                "known": ", ".join(CUSTOM_FIELDS),
            }
            raise ValidationFailed({"fields": [message]})
        if not isinstance(spec, dict):
            raise ValidationFailed({f"fields.{name}": [_("Give x, y, size and align.")]})
        align = spec.get("align", "left")
        if align not in ALIGNS:
            raise ValidationFailed({f"fields.{name}.align": [_("Use left, center or right.")]})
        cleaned[name] = {
            "x": _number(spec, "x", name, 0, MAX_POSITION_MM),
            "y": _number(spec, "y", name, 0, MAX_POSITION_MM),
            "size": _number(spec, "size", name, 4, 120) if "size" in spec else 12.0,
            "align": align,
        }
    return cleaned


def _cleaned(values: dict) -> dict:
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationFailed({name: [_("This field cannot be set here.")] for name in sorted(unknown)})
    cleaned = {}
    model = CertificateTemplate
    for name, value in values.items():
        if name in ("name", "title_text"):
            cleaned[name] = _text(value, name, required=True)
        elif name in ("signer_name", "signer_title"):
            cleaned[name] = _text(value, name, required=False)
        elif name == "body_text":
            cleaned[name] = _text(value, name, required=True, multiline=True)
        elif name == "layout":
            cleaned[name] = _choice(value, name, model.Layout.choices)
        elif name == "page_size":
            cleaned[name] = _choice(value, name, model.PageSize.choices)
        elif name == "orientation":
            cleaned[name] = _choice(value, name, model.Orientation.choices)
        elif name in ("primary_color", "accent_color"):
            cleaned[name] = _colour(value, name)
        elif name == "fields":
            cleaned[name] = clean_fields(value)
    return cleaned


# --- versions ----------------------------------------------------------------------------------------------


def _write_version(template: CertificateTemplate, actor) -> TemplateVersion:
    return TemplateVersion.objects.create(
        template=template,
        number=template.version,
        snapshot=snapshot_of(template),
        created_by=actor if getattr(actor, "pk", None) else None,
    )


def _locked(template: CertificateTemplate) -> CertificateTemplate:
    return CertificateTemplate.objects.select_for_update().get(pk=template.pk)


def _changed(template: CertificateTemplate, cleaned: dict) -> list[str]:
    return [name for name, value in cleaned.items() if getattr(template, name) != value]


# --- services ----------------------------------------------------------------------------------------------


def _checked_images(images: dict | None) -> dict:
    """{field: upload (a new file) | None (print none)} checked before anything is written."""
    checked = {}
    for field, upload in (images or {}).items():
        if field not in IMAGE_FIELDS:
            raise ValidationFailed({field: [_("This field cannot be set here.")]})
        checked[field] = None if upload in (None, "", False) else checked_image(upload, field=field)
    return checked


def _apply_images(template: CertificateTemplate, checked: dict) -> list[str]:
    """Store the new files (fresh names: earlier versions keep printing theirs) or clear; the fields changed."""
    changed = []
    for field, content in checked.items():
        if content is None:
            if getattr(template, field):
                setattr(template, field, "")
                changed.append(field)
        else:
            getattr(template, field).save(content.name, content, save=False)
            changed.append(field)
    return changed


def template_create(*, actor, name: str, images: dict | None = None, **values) -> CertificateTemplate:
    """A new template (version 1, with its first TemplateVersion). Fields not given take the model's
    defaults (the classic layout on A4 landscape); `images` may give a logo and a signature_image."""
    _require_admin(actor)
    cleaned = _cleaned({"name": name, **values})
    checked = _checked_images(images)
    template = CertificateTemplate(**cleaned, created_by=actor if getattr(actor, "pk", None) else None)
    template.full_clean(exclude=["logo", "signature_image", "created_by"])
    with transaction.atomic():
        _apply_images(template, checked)
        template.save()
        _write_version(template, actor)
        audit_record(actor=actor, action="certificate_template.created", target=template,
                     changes={"layout": template.layout, "version": template.version})  # fmt: skip
    return template


def template_update(
    *, actor, template: CertificateTemplate, images: dict | None = None, **values
) -> CertificateTemplate:
    """Change printed fields and images (`images`: {"logo" | "signature_image": an upload, or None to
    print none}). When anything changes the version goes up by one and a TemplateVersion is written, once
    per call. An archived template may be corrected too (reissues print from it)."""
    _require_admin(actor)
    cleaned = _cleaned(values)
    checked = _checked_images(images)
    with transaction.atomic():
        template = _locked(template)
        changed = _changed(template, cleaned)
        for name in changed:
            setattr(template, name, cleaned[name])
        template.full_clean(exclude=["logo", "signature_image", "created_by"])
        changed += _apply_images(template, checked)
        if not changed:
            return template
        template.version += 1
        template.save()
        _write_version(template, actor)
        audit_record(actor=actor, action="certificate_template.updated", target=template,
                     changes={"fields": changed, "version": template.version})  # fmt: skip
    return template


def template_set_image(*, actor, template: CertificateTemplate, field: str, upload) -> CertificateTemplate:
    """A new logo or signature (`field`: logo | signature_image), a PNG or JPEG (images.py)."""
    if field not in IMAGE_FIELDS:
        raise ValidationFailed({"field": [_("Use logo or signature_image.")]})
    return template_update(actor=actor, template=template, images={field: upload})


def template_clear_image(*, actor, template: CertificateTemplate, field: str) -> CertificateTemplate:
    """Print no logo (or signature) from now on."""
    if field not in IMAGE_FIELDS:
        raise ValidationFailed({"field": [_("Use logo or signature_image.")]})
    return template_update(actor=actor, template=template, images={field: None})


def template_archive(*, actor, template: CertificateTemplate) -> CertificateTemplate:
    """No new rules or certificates name it; those already issued keep verifying and re-rendering."""
    return _set_status(actor, template, CertificateTemplate.Status.ARCHIVED, "certificate_template.archived")


def template_restore(*, actor, template: CertificateTemplate) -> CertificateTemplate:
    return _set_status(actor, template, CertificateTemplate.Status.ACTIVE, "certificate_template.restored")


def _set_status(actor, template, status: str, action: str) -> CertificateTemplate:
    _require_admin(actor)
    with transaction.atomic():
        template = _locked(template)
        if template.status == status:
            return template
        template.status = status
        template.save(update_fields=["status", "updated_at"])
        audit_record(actor=actor, action=action, target=template)
    return template


def template_delete(*, actor, template: CertificateTemplate) -> int:
    """Delete a template no certificate and no rule uses (otherwise: Conflict, archive it instead)."""
    _require_admin(actor)
    with transaction.atomic():
        template = _locked(template)
        if template.certificates.exists() or CertificateRule.objects.filter(template=template).exists():
            raise Conflict(
                _("Certificates or course rules use this template: archive it instead of deleting it.")
            )
        pk = template.pk
        audit_record(actor=actor, action="certificate_template.deleted", target=template)
        template.delete()
    return pk


__all__ = [
    "SNAPSHOT_FIELDS",
    "template_archive",
    "template_clear_image",
    "template_create",
    "template_delete",
    "template_restore",
    "template_set_image",
    "template_update",
]
